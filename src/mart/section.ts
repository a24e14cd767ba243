/** The mart's part of the report: each account as the one customer billing sees. */
import type { ReportSection, ReportView } from '../report/view';
import { kpi } from '../report/view';

function usage(view: ReportView, id: string) {
  const ls = view.byAccount.get(id)!;
  const sum = (k: string) => ls.reduce((s, r) => s + Number(r[k] ?? 0), 0);
  const comms = ls.reduce((s, r) => s + Number(r.voice_count) + Number(r.sms_count), 0) || 1;
  const weighted = (k: string) => ls.reduce((s, r) => s + Number(r[k]) * (Number(r.voice_count) + Number(r.sms_count)), 0) / comms;
  return { sum, weighted, lines: ls.length };
}

export const section: ReportSection = {
  needs: ['mart'],
  kpis: (view) => [...(view.accountIds.length === 1 ? [] : [kpi(view.fmt.int(view.accountIds.length), 'accounts')]), kpi(view.fmt.int(view.lines.length), 'lines')],
  overview: [{ head: 'Lines', numeric: true, cell: (view, id) => view.byAccount.get(id)!.length }],
  account(view, id) {
    const { sum, weighted } = usage(view, id);
    const { fmt } = view;
    const spend = view.lines[0] && 'current_value' in view.lines[0] ? kpi(view.priced ? fmt.money(sum('current_value')) : 'unknown', 'monthly spend') : '';
    // Every figure per 30 days, as billing shows it: days abroad too, not the window's sum.
    return `<h3>As one customer</h3>
<div class="kpis">${spend}${kpi(fmt.int(sum('voice_minutes') * view.perMonth), 'voice minutes / month')}
${kpi(fmt.pct(weighted('international_share')), 'of calls and SMS with other countries')}${kpi(`${fmt.int((sum('data_mb') * view.perMonth) / 1024)} GB`, 'data / month')}
${kpi(fmt.int(sum('roaming_days') * view.perMonth), 'line-days abroad / month')}</div>`;
  },
};
