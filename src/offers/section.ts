/** The offers' part of the report: what to propose to each account, products and tariffs valued apart. */
import { aq } from '../util/arquero';
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable, kpi } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { proposalChart } from '../charts/charts';

const proposalsOf = (view: ReportView, id?: string) => (id ? view.grouped('proposals').get(id) ?? [] : [...view.grouped('proposals').values()].flat());
const productMargin = (view: ReportView, id?: string) => proposalsOf(view, id).filter((p) => p.kind === 'product').reduce((s, p) => s + Number(p.expected_margin_per_month), 0);

export const section: ReportSection = {
  needs: ['proposals'],
  kpis: (view) => [kpi(view.fmt.money(productMargin(view)), 'expected margin of proposed products, per month')],
  overview: [{ head: 'Product margin / month', numeric: true, cell: (view, id) => view.fmt.money(productMargin(view, id)) }],
  account(view, id) {
    const proposals = proposalsOf(view, id);
    const { fmt } = view;
    const money = (v: unknown) => (v === null || v === undefined ? '' : fmt.money(Number(v)));
    const products = proposals.filter((p) => p.kind === 'product');
    const tariffs = proposals.filter((p) => p.kind === 'tariff');
    return `<h3>What to propose</h3>
${proposals.length ? figure(view.chart('proposals', proposalChart, aq.from(proposals), { width: 860 }), 'Lines each product or tariff suits, by who buys it: the employer (business line) or the employee (personal line).') : ''}
${products.length ? htmlTable(['Product', 'Channel', 'Lines', 'Share of lines', 'Expected margin / month', 'Detail'], products.map((p) => [
      esc(p.name), esc(p.channel), Number(p.lines), fmt.pct(Number(p.share_of_lines)), money(p.expected_margin_per_month), esc(p.detail),
    ]), [false, false, true, true, true, false]) : ''}
${tariffs.length ? htmlTable(['Tariff', 'Lines', 'Customer pays / month', 'Operator margin / month', 'Detail'], tariffs.map((p) => [
      esc(p.name), Number(p.lines), money(p.customer_pays_change_per_month), money(p.operator_margin_change_per_month), esc(p.detail),
    ]), [false, true, true, true, false]) : ''}`;
  },
  appendix: () => '<p class="note">A product\'s value is its expected margin per month: the probability of adopting it within the adoption period (propensities.adoption_days, 90 days unless set) × its monthly price × its margin rate. A product proposal counts only the lines whose propensity reaches offers.proposal_min_propensity (its detail gives the cut-off), so its lines and margin are below the sums of the offers file, which ranks every line. A tariff\'s value is shown twice, never added to products: the change in what the customer pays per month (the new fee less the current fee, the out-of-plan charges it absorbs and the add-ons it includes) and the change in the operator\'s margin per month.</p>',
};
