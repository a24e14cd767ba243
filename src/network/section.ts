/** The networks' part of the report: roles per account, and each account's internal call graph. */
import type { ColumnTable } from 'arquero';
import { ROLES } from '../catalog';
import type { ReportSection } from '../report/view';
import { figure, htmlTable, words } from '../report/view';
import { escapeHtml as esc, pseudonym } from '../report/privacy';
import { callGraphChart, roleMixChart } from '../charts/charts';
import { layoutLines, type LayoutLine } from './layout';
import type { CallTie } from './graph';

export const section: ReportSection = {
  needs: ['network', 'ties'],
  portfolio: (view) => figure(view.chart('role-mix', roleMixChart, view.featuredTable('network') as ColumnTable, { accountNames: view.names, title: 'Network roles per account', width: 640 }),
    'Hubs are central, bridges join groups, connectors reach outside the company.'),
  account(view, id) {
    const ls = view.byAccount.get(id)!;
    const roleCounts = ROLES.map((role) => [role, ls.filter((r) => r.role === role).length] as const).filter(([, n]) => n > 0);
    const keyPeople = ls.filter((r) => r.role === 'hub' || r.role === 'bridge')
      .sort((x, y) => Number(x.pagerank_rank) - Number(y.pagerank_rank)).slice(0, 8)
      .map((r) => `${esc(pseudonym(r.line_id as string, view.key))} (${esc(r.role)}${r.persona ? `, ${words(r.persona)}` : ''})`);
    const ties = (view.grouped('ties').get(id) ?? []) as unknown as CallTie[];
    // The layout is the costly part (ForceAtlas2): drawn once per account while its lines' roles, ranks and ties stay.
    const drawn = ls.map((r) => ({ line_id: r.line_id, pagerank: r.pagerank, community: r.community, role: r.role })) as LayoutLine[];
    const graph = view.chart('call-graph', (lines: LayoutLine[], links: CallTie[], account: string, seed: number, maxLinks: number) =>
      callGraphChart(layoutLines(lines, links, account, seed, { maxLinks }), { width: 460, colorBy: 'role' }), drawn, ties, id, view.seed, view.params.max_links);
    return `<h3>Who calls whom inside the company</h3>
<div class="two"><div>${figure(graph, 'Internal calls: each dot a line sized by PageRank, coloured by role; the heaviest links drawn.')}</div>
<div>${htmlTable(['Role', 'Lines'], roleCounts.map(([r, n]) => [esc(r), n]), [false, true])}
<p>Key people: ${keyPeople.length ? keyPeople.join(', ') : 'none stands out'}.</p>
<p>${ls.filter((r) => r.wom_seed === true).length} word-of-mouth seeds (the most central line of each community), ${ls.filter((r) => r.advocate === true).length} advocates toward outside parties.</p></div></div>`;
  },
};
