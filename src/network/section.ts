/** The networks' part of the report: roles per account, and each account's internal call graph. */
import type { ColumnTable } from 'arquero';
import { ROLES } from '../catalog';
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable, words } from '../report/view';
import { escapeHtml as esc, pseudonym } from '../report/privacy';
import { callGraphChart, roleMixChart } from '../charts/charts';
import { layoutLines, layoutTask, type LayoutLine, type LayoutTask } from './layout';
import type { CallTie } from './graph';
import { mapTasks } from '../util/workers';

/** What one account's call graph chart is drawn from: its cache key and the layout's task. */
function callGraphTask(view: ReportView, id: string): LayoutTask {
  const lines = view.byAccount.get(id)!.map((r) => ({ line_id: r.line_id, pagerank: r.pagerank, community: r.community, role: r.role })) as LayoutLine[];
  return { lines, ties: (view.grouped('ties').get(id) ?? []) as unknown as CallTie[], account: id, seed: view.seed, maxLinks: view.params.max_links };
}

export const section: ReportSection = {
  needs: ['network', 'ties'],
  portfolio: (view) => figure(view.chart('role-mix', roleMixChart, view.featuredTable('network') as ColumnTable, { accountNames: view.names, title: 'Network roles per account', width: 640 }),
    'Hubs are central, bridges join groups, connectors reach outside the company.'),
  async prefetch(view, workersFor) {
    const tasks = view.featured.map((id) => callGraphTask(view, id))
      .filter((t) => !view.hasChart('call-graph', t.lines, t.ties, t.account, t.seed, t.maxLinks));
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
    const t = callGraphTask(view, id);
    const graph = view.chart('call-graph', (lines: LayoutLine[], links: CallTie[], account: string, seed: number, maxLinks: number) =>
      callGraphChart(view.layouts.get(account) ?? layoutLines(lines, links, account, seed, { maxLinks }), { width: 460, colorBy: 'role' }), t.lines, t.ties, id, t.seed, t.maxLinks);
    return `<h3>Who calls whom inside the company</h3>
<div class="two"><div>${figure(graph, 'Internal calls: each dot a line sized by PageRank, coloured by role; the heaviest links drawn.')}</div>
<div>${htmlTable(['Role', 'Lines'], roleCounts.map(([r, n]) => [esc(r), n]), [false, true])}
<p>Key people: ${keyPeople.length ? keyPeople.join(', ') : 'none stands out'}.</p>
<p>${ls.filter((r) => r.wom_seed === true).length} word-of-mouth seeds (the most central line of each community), ${ls.filter((r) => r.advocate === true).length} advocates toward outside parties.</p></div></div>`;
  },
};
