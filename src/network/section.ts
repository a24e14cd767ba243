/** The networks' part of the report: roles per account, and each account's internal call graph. */
import { createHash } from 'node:crypto';
import type { ColumnTable } from 'arquero';
import { ROLES } from '../catalog';
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable, words } from '../report/view';
import { escapeHtml as esc, pseudonym } from '../report/privacy';
import { callGraphChart, roleMixChart } from '../charts/charts';
import { layoutLines, layoutTask, type LayoutLine, type LayoutTask } from './layout';
import type { CallTie } from './graph';
import { mapTasks } from '../util/workers';
import { plural } from '../util/text';

/** What one account's call graph chart is drawn from: the layout's task and a digest of its rows. */
interface CallGraph {
  task: LayoutTask;
  /** Hash of the lines and ties drawn: the chart's cache key takes it in place of the rows themselves. */
  digest: string;
}

// Per report view and account: the prefetch asks whether each chart is kept and the account block draws it, and
// serialising an account's rows for its key is the costly part of a --from personas run's report (3.4 MB of
// JSON at the built-in pilot when done twice).
const callGraphs = new WeakMap<ReportView, Map<string, CallGraph>>();

function callGraph(view: ReportView, id: string): CallGraph {
  let byAccount = callGraphs.get(view);
  if (!byAccount) callGraphs.set(view, (byAccount = new Map()));
  let made = byAccount.get(id);
  if (!made) {
    const lines = view.byAccount.get(id)!.map((r) => ({ line_id: r.line_id, pagerank: r.pagerank, community: r.community, role: r.role })) as LayoutLine[];
    // Only what the drawing reads; the workers are sent these rows.
    const ties = (view.grouped('ties').get(id) ?? []).map((t): CallTie => ({ line_id: t.line_id as string, other_line_id: t.other_line_id as string, weight: t.weight as number }));
    const digest = createHash('sha256').update(JSON.stringify([lines, ties])).digest('hex');
    byAccount.set(id, (made = { task: { lines, ties, account: id, seed: view.seed, maxLinks: view.params.max_links }, digest }));
  }
  return made;
}

export const section: ReportSection = {
  needs: ['network', 'ties'],
  portfolio: (view) => figure(view.chart('role-mix', roleMixChart, view.featuredTable('network') as ColumnTable, { accountNames: view.names, title: 'Network roles per account', width: 640 }),
    'Hubs are central, bridges join groups, connectors reach outside the company.'),
  async prefetch(view, workersFor) {
    const tasks = view.featured.map((id) => callGraph(view, id))
      .filter(({ task: t, digest }) => !view.hasChart('call-graph', digest, t.account, t.seed, t.maxLinks)).map((g) => g.task);
    const lines = tasks.reduce((n, t) => n + t.lines.length, 0);
    const layouts = await mapTasks({ module: 'network/layout.js', fn: 'layoutTask' }, layoutTask, tasks, undefined, {
      workers: workersFor(lines), cost: (t) => (t as LayoutTask).lines.length * ((t as LayoutTask).ties.length + 1),
    });
    tasks.forEach((t, i) => view.layouts.set(t.account, layouts[i]));
  },
  account(view, id) {
    const ls = view.byAccount.get(id)!;
    const roleCounts = ROLES.map((role) => [role, ls.filter((r) => r.role === role).length] as const).filter(([, n]) => n > 0);
    const keyPeople = ls.filter((r) => r.role === 'hub' || r.role === 'bridge')
      .sort((x, y) => Number(x.pagerank_rank) - Number(y.pagerank_rank)).slice(0, 8)
      .map((r) => `${esc(pseudonym(r.line_id as string, view.key))} (${esc(r.role)}${r.persona ? `, ${words(r.persona)}` : ''})`);
    // The layout is the costly part (ForceAtlas2): drawn once per account while its lines' roles, ranks and ties stay,
    // and laid out ahead across worker threads (prefetch) where the cache lacks it.
    const { task: t, digest } = callGraph(view, id);
    const graph = view.chart('call-graph', (_digest: string, account: string, seed: number, maxLinks: number) =>
      callGraphChart(view.layouts.get(account) ?? layoutLines(t.lines, t.ties, account, seed, { maxLinks }), { width: 460, colorBy: 'role' }), digest, id, t.seed, t.maxLinks);
    const seeds = ls.filter((r) => r.wom_seed === true).length;
    const advocates = ls.filter((r) => r.advocate === true).length;
    const count = (n: number, noun: string) => `${n} ${plural(n, noun)}`;
    return `<h3>Who calls whom inside the company</h3>
<div class="two"><div>${figure(graph, 'Internal calls: each dot a line sized by PageRank, coloured by role; the heaviest links drawn.')}</div>
<div>${htmlTable(['Role', 'Lines'], roleCounts.map(([r, n]) => [esc(r), n]), [false, true])}
<p>Key people: ${keyPeople.length ? keyPeople.join(', ') : 'none stands out'}.</p>
<p>${count(seeds, 'word-of-mouth seed')} (the most central line of each community), ${count(advocates, 'advocate')} toward outside parties.</p></div></div>`;
  },
};
