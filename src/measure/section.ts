/** Measurement in the report: each campaign's uplift and return on investment with intervals, by band, spill-over. */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { bandChart, upliftChart } from '../charts/charts';
import { plural } from '../util/text';

type Row = Record<string, unknown>;
const pp = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? '—' : `${(Number(v) * 100).toFixed(2)} pts`);
const num = (v: unknown, d = 2) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? '—' : Number(v).toFixed(d));

function overall(view: ReportView): Row[] {
  return ((view.table('campaign_results')?.objects() ?? []) as Row[]).filter((r) => r.breakdown === 'all');
}

export const section: ReportSection = {
  needs: ['campaign_results'],
  portfolio(view) {
    const rows = overall(view);
    if (!rows.length) return '';
    const { fmt } = view;
    const rates = rows.filter((r) => r.outcome !== 'value');
    const value = rows.filter((r) => r.outcome === 'value');
    const breakdown = ((view.table('campaign_results')?.objects() ?? []) as Row[]).filter((r) => r.breakdown !== 'all');
    const tested = breakdown.length ? Number(breakdown[0].tests_count) : 0;
    const significant = breakdown.filter((r) => Number(r.q_value) < 0.05).length;
    const ratio = ((view.table('sample_ratio')?.objects() ?? []) as Row[]);
    const bands = view.table('uplift_by_band');
    const spill = ((view.table('spillover')?.objects() ?? []) as Row[]);
    return `<h3>What the pilot changed</h3>
${figure(upliftChart(aq.from(rates)), 'Treatment minus control, each outcome measured from every response of a unit inside the campaign window; bars are 95% intervals.')}
${htmlTable(['Campaign', 'Outcome', 'Treated', 'Control', 'Rate treated', 'Rate control', 'Uplift (95% interval)', 'p'], rates.map((r) => [
      esc(r.campaign_id), esc(String(r.outcome).replace(/_/g, ' ')), fmt.int(Number(r.treatment_units)), fmt.int(Number(r.control_units)),
      fmt.pct(Number(r.treatment_rate)), fmt.pct(Number(r.control_rate)), `${pp(r.uplift)} (${pp(r.uplift_low)} to ${pp(r.uplift_high)})`, num(r.p_value, 4),
    ]), [false, false, true, true, true, true, true, true])}
${value.length ? `${figure(upliftChart(aq.from(value), { value: 'roi', label: (r) => String(r.campaign_id) }), 'Return on investment: (incremental value − cost) / cost, with its 95% interval.')}
${htmlTable(['Campaign', 'Value per unit, treated', 'Control', 'Incremental value', 'Cost', 'ROI (95% interval)'], value.map((r) => [
      esc(r.campaign_id), num(r.treatment_mean), num(r.control_mean), `${fmt.money(Number(r.incremental_value))} (${fmt.money(Number(r.incremental_value_low))} to ${fmt.money(Number(r.incremental_value_high))})`,
      fmt.money(Number(r.cost)), `${num(r.roi)} (${num(r.roi_low)} to ${num(r.roi_high)})`,
    ]), [false, true, true, true, true, true])}` : ''}
${breakdown.length ? `<p class="note">Breakdowns: ${breakdown.length} ${plural(breakdown.length, 'slice')} tested per campaign family (${tested} tests in a family); ${significant} ${significant === 1 ? 'has' : 'have'} a Benjamini-Hochberg q below 0.05. With many slices some look significant by chance: read the q value, not the p value.</p>` : ''}
${ratio.filter((r) => r.mismatch === true).map((r) => `<p class="warning">Campaign ${esc(r.campaign_id)}: group sizes differ from the design (sample-ratio p ${num(r.p_value, 6)}).</p>`).join('\n')}
${bands && bands.numRows() ? figure(bandChart(bands as ColumnTable, { title: 'Uplift by propensity band' }), 'Where the model ranked a line high, did the campaign move it more? A falling line means the ranking found the people it moved.') : ''}
${spill.length ? htmlTable(['Campaign', 'Randomised by', 'Colleagues of treated', 'of control', 'Adoption, treated side', 'control side', 'Spill-over (95% interval)'], spill.map((r) => [
      esc(r.campaign_id), esc(r.randomised_by), fmt.int(Number(r.treatment_colleagues)), fmt.int(Number(r.control_colleagues)),
      fmt.pct(Number(r.treatment_rate)), fmt.pct(Number(r.control_rate)), `${pp(r.difference)} (${pp(r.difference_low)} to ${pp(r.difference_high)})`,
    ]), [false, false, true, true, true, true, true]) : ''}`;
  },
  appendix: (view) => (overall(view).length ? '<p class="note">Uplift intervals: Newcombe\'s hybrid score (or Wald, config measure.interval); value: Welch; return on investment: Fieller (the cost known). Units are counted as assigned (intention to treat).</p>' : ''),
};
