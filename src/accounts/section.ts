/** The account level in the report: accounts by needs segment and service channel; each account's own. */
import type { ReportSection, ReportView } from '../report/view';
import { UNPRICED, figure, htmlTable, kpi } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { channelChart } from '../charts/charts';

const served = (view: ReportView, id: string) => view.grouped('account_segments').get(id)?.[0];

export const section: ReportSection = {
  needs: ['account_segments'],
  overview: [
    { head: 'Segment', cell: (view, id) => esc(served(view, id)?.segment ?? '') },
    { head: 'Channel', cell: (view, id) => esc(served(view, id)?.channel ?? '') },
  ],
  portfolio(view) {
    const segments = view.table('account_segments');
    if (!segments) return '';
    const rows = [...view.grouped('account_segments').values()].flat();
    const loss = rows.filter((r) => r.net_margin_per_month != null && Number(r.net_margin_per_month) < 0).sort((a, b) => Number(a.net_margin_per_month) - Number(b.net_margin_per_month));
    const profiles = view.table('segment_profiles');
    return `<h3>How to serve each account</h3>
${figure(view.chart('channels', channelChart, segments, { title: 'Accounts by service channel and needs segment' }), 'Digital self-service, a partner or reseller, or a dedicated account team; colours are the needs segments.')}
${loss.length ? `<p class="warning">${loss.length} account${loss.length > 1 ? 's cost' : ' costs'} more to serve than ${loss.length > 1 ? 'they bring' : 'it brings'}: ${loss.slice(0, 20).map((r) => esc(view.names.get(r.account_id as string) ?? r.account_id)).join(', ')}${loss.length > 20 ? ` and ${loss.length - 20} more (account_segments.csv)` : ''}.</p>` : ''}
${profiles ? htmlTable(['Segment', 'Accounts'], (profiles.objects() as Record<string, unknown>[]).map((p) => [esc(p.segment), Number(p.accounts)]), [false, true]) : ''}`;
  },
  account(view, id) {
    const s = served(view, id);
    if (!s) return '';
    const { fmt } = view;
    // No margin when the pilot carries no prices: said so, not shown as 0.
    const net = view.priced ? fmt.money(Number(s.net_margin_per_month)) : 'unknown';
    const now = view.priced
      ? `Margin on current spend ${fmt.money(Number(s.margin_per_month))} / month, less ${fmt.money(Number(s.cost_to_serve_per_month))} to serve it.`
      : `No spend is known (${UNPRICED}), so no margin; serving it costs ${fmt.money(Number(s.cost_to_serve_per_month))} / month.`;
    // The two proposal figures stay apart: one is expected, the other assumes every line moves.
    const tariffs = Number(s.tariff_margin_change_per_month);
    const plans = `Proposed products: ${fmt.money(Number(s.product_margin_per_month))} / month expected margin${tariffs ? `; proposed tariffs: ${fmt.money(tariffs)} / month to the operator's margin if every line moved` : ''}.`;
    return `<h3>How to serve it</h3>
<div class="kpis">${kpi(esc(s.segment), 'needs segment')}${kpi(esc(s.channel), 'service channel')}${kpi(net, 'margin / month now, net of the cost to serve')}</div>
<p>${esc(s.channel_reason)}. ${now} ${plans}</p>`;
  },
};
