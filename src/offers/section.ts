/** The offers' part of the report: what to propose to each account, by who buys it. */
import * as aq from 'arquero';
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable, kpi } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { proposalChart } from '../charts/charts';

const productMargin = (view: ReportView, id?: string) => (id ? view.grouped('proposals').get(id) ?? [] : [...view.grouped('proposals').values()].flat())
  .filter((p) => p.kind === 'product').reduce((s, p) => s + Number(p.expected_monthly_value), 0);

export const section: ReportSection = {
  needs: ['proposals'],
  kpis: (view) => [kpi(view.fmt.money(productMargin(view)), 'expected monthly margin of proposed products')],
  overview: [{ head: 'Proposal margin / month', numeric: true, cell: (view, id) => view.fmt.money(productMargin(view, id)) }],
  account(view, id) {
    const proposals = view.grouped('proposals').get(id) ?? [];
    const { fmt } = view;
    return `<h3>What to propose</h3>
${proposals.length ? figure(proposalChart(aq.from(proposals), { width: 860 }), 'Lines each product or tariff suits, by who buys it: the employer (business line) or the employee (personal line).') : ''}
${htmlTable(['Proposal', 'Channel', 'Lines', 'Share of lines', 'Expected / month', 'Detail'], proposals.map((p) => [
      `${p.kind === 'tariff' ? 'Tariff: ' : ''}${esc(p.name)}`, esc(p.channel), Number(p.lines), fmt.pct(Number(p.share_of_lines)),
      fmt.money(Number(p.expected_monthly_value)), esc(p.detail),
    ]), [false, false, true, true, true, false])}`;
  },
  appendix: () => '<p class="note">Product values are expected monthly margin (propensity × price × margin).</p>',
};
