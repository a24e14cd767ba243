/** The relationship in the report: accounts by stage, the action most need next, the database's reach. */
import type { ReportSection, ReportView } from '../report/view';
import { figure, htmlTable, kpi } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { stageChart } from '../charts/charts';
import { STAGES } from './stages';
import { plural } from '../util/text';

const words = (s: unknown) => esc(String(s ?? '').replace(/_/g, ' '));
const actionOf = (view: ReportView, id: string) => view.grouped('account_actions').get(id)?.[0];

export const section: ReportSection = {
  needs: ['account_actions'],
  overview: [{ head: 'Stage', cell: (view, id) => words(actionOf(view, id)?.stage) }],
  portfolio(view) {
    const actions = view.table('account_actions');
    if (!actions) return '';
    const rows = [...view.grouped('account_actions').values()].flat();
    const n = rows.length || 1;
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(String(r.next_action), (counts.get(String(r.next_action)) ?? 0) + 1);
    const [topAction, topN] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
    const { fmt } = view;
    const share = (f: (r: Record<string, unknown>) => boolean) => fmt.pct(rows.filter(f).length / n);
    return `<h3>Where each relationship stands</h3>
${figure(view.chart('stages', stageChart, actions, STAGES, { title: 'Accounts by relationship stage and service channel' }), 'From no known contact to sales; a stage is advanced one step at a time.')}
<p>The action most accounts need next: <b>${esc(topAction)}</b> (${topN} of ${rows.length} ${plural(rows.length, 'account')}).</p>
<h3>How far the marketing database reaches</h3>
<div class="kpis">${kpi(share((r) => Number(r.contacts) > 0), 'of accounts with any contact')}${kpi(share((r) => Number(r.key_players) > 0), 'with a key player known')}${kpi(share((r) => r.responded_recently === true), 'answered recently')}</div>
<p class="note">A marketing database usually reaches only part of its universe: these shares say how much of this portfolio it can address today.</p>`;
  },
  account(view, id) {
    const a = actionOf(view, id);
    if (!a) return '';
    const evidence = (view.grouped('stage_evidence').get(id) ?? []).map((e) => [esc(e.date ?? ''), words(e.source), words(e.response), words(e.stage_after), esc(e.note)]);
    return `<h3>The relationship</h3>
<div class="kpis">${kpi(words(a.stage), 'relationship stage')}${kpi(esc(a.next_action === 'wait' ? 'wait' : a.medium), 'next medium')}</div>
<p><b>Next:</b> ${esc(a.next_action)}. ${esc(a.reason)}.</p>
${htmlTable(['Date', 'Source', 'Response', 'Stage after', 'Evidence'], evidence)}`;
  },
};
