/** Value's part of the report: spend per account, how concentrated it is, and the lines that carry it. */
import type { ColumnTable } from 'arquero';
import type { ReportSection, ReportView } from '../report/view';
import { UNPRICED, figure, htmlTable, kpi, words } from '../report/view';
import { escapeHtml as esc, pseudonym } from '../report/privacy';
import { valueConcentrationChart } from '../charts/charts';
import { plural } from '../util/text';

const spendOf = (view: ReportView, id: string) => view.byAccount.get(id)!.reduce((s, r) => s + Number(r.current_value), 0);

/** Tier A is the fewest lines that carry value.tier_a_share of the spend: its share is read back from the data. */
function tierA(view: ReportView, id: string) {
  const ls = view.byAccount.get(id)!;
  const a = ls.filter((r) => r.value_tier === 'A');
  const total = spendOf(view, id);
  return { lines: a.length, share: total > 0 ? a.reduce((s, r) => s + Number(r.current_value), 0) / total : 0 };
}

export const section: ReportSection = {
  needs: ['value'],
  kpis: (view) => [view.priced ? kpi(view.fmt.money(view.lines.reduce((s, r) => s + Number(r.current_value), 0)), 'monthly spend') : kpi('unknown', 'monthly spend: no prices in the pilot')],
  overview: [
    { head: 'Monthly spend', numeric: true, cell: (view, id) => (view.priced ? view.fmt.money(spendOf(view, id)) : 'unknown') },
    {
      head: 'Tier A lines (the top spenders)',
      numeric: true,
      cell(view, id) {
        if (!view.priced) return 'unknown';
        const t = tierA(view, id);
        return `${t.lines} (${view.fmt.pct(t.lines / view.byAccount.get(id)!.length)})`;
      },
    },
  ],
  portfolio: (view) => (!view.priced ? `<p class="note">Spend and how it concentrates are unknown: ${UNPRICED}.</p>` : figure(view.chart('value-concentration', valueConcentrationChart, view.featuredTable('value') as ColumnTable, { accountNames: view.names, title: 'Few lines carry most of the spend', width: 640 }),
    'Cumulative share of spend against share of lines, highest-spending lines first; the grey rule marks half the spend.')),
  account(view, id) {
    if (!view.priced) return `<h3>Who carries the spend</h3>\n<p>Unknown: ${UNPRICED}.</p>`;
    const ls = view.byAccount.get(id)!;
    const t = tierA(view, id);
    const top = [...ls].sort((x, y) => Number(y.total_value) - Number(x.total_value) || ((x.line_id as string) < (y.line_id as string) ? -1 : 1)).slice(0, 8);
    const { fmt } = view;
    return `<h3>Who carries the spend</h3>
<p><b>${t.lines} of ${ls.length} ${plural(ls.length, 'line')} (${fmt.pct(t.lines / ls.length)})</b> carry ${fmt.pct(t.share)} of the account's spend (tier A).</p>
${htmlTable(['Employee', 'Persona', 'Role', 'Tier', 'Current / month', 'Potential / month', 'Influence / month'], top.map((r) => [
      esc(pseudonym(r.line_id as string, view.key)), words(r.persona ?? ''), esc(r.role ?? ''), esc(r.value_tier),
      fmt.money(Number(r.current_value)), fmt.money(Number(r.potential_value)), fmt.money(Number(r.influence_value)),
    ]), [false, false, false, false, true, true, true])}`;
  },
  appendix: () => '<p class="note">Spend is the monthly fee plus charges beyond the plan (prepaid: top-ups), scaled to 30 days. Potential is what comparable lines already pay more, plus a personal line not yet held; influence is the share of colleagues\' potential that word of mouth through the line may bring (never their spend, so it is not added to spend).</p>',
};
