/**
 * The findings report: one self-contained HTML file (inline CSS and SVG, nothing
 * fetched) for presenting to an enterprise marketing team, and for print. It shows
 * the portfolio, then each account as one customer next to its lines. People appear
 * only as keyed pseudonyms and in aggregates; every input string is escaped.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { Config } from '../config';
import type { FileCounts } from '../io/load';
import { callGraphChart, personaMixChart, proposalChart, roleMixChart, valueConcentrationChart, PERSONAS, ROLES } from '../charts/charts';
import { layoutLines, type LayoutLine } from '../network/layout';
import type { CallEdge } from '../network/graph';
import { groupBy } from '../util/stats';
import { escapeHtml as esc, pseudonym } from './privacy';

export interface ReportInputs {
  accounts: ColumnTable;
  mart: ColumnTable;
  network: ColumnTable;
  value: ColumnTable;
  segments: ColumnTable;
  proposals: ColumnTable;
  edges: ColumnTable;
  inputs: FileCounts[];
}

export interface ReportOptions {
  pseudonymKey: string;
  /** Links drawn per call graph (the heaviest), to keep the file light. */
  maxLinks?: number;
}

type Row = Record<string, unknown>;

const money = (v: number) => `€${Math.round(v).toLocaleString('en')}`;
const pct = (v: number) => `${Math.round(v * 100)}%`;
const int = (v: number) => Math.round(v).toLocaleString('en');

function table(head: string[], rows: (string | number)[][], numeric: boolean[] = []): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${typeof c === 'number' ? esc(c) : c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figure(svg: string, caption: string): string {
  return `<div class="chart">${svg}<p class="caption">${esc(caption)}</p></div>`;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto; max-width: 1040px; padding: 24px 32px; line-height: 1.45; }
h1 { font-size: 28px; margin-bottom: 4px; } h2 { font-size: 22px; margin-top: 8px; border-bottom: 2px solid #4e79a7; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; color: #4e79a7; }
.lead { color: #555; } .kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.kpi { background: #f3f6fa; border-radius: 6px; padding: 8px 14px; min-width: 130px; } .kpi b { display: block; font-size: 20px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 6px; text-align: left; vertical-align: top; } th { background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart figure h2 { font-size: 15px; border: none; margin: 0 0 6px; padding: 0; }
.chart { margin: 8px 0 16px; } .chart svg { max-width: 100%; height: auto; } .caption { font-size: 12px; color: #666; margin: 2px 0; }
section.account { page-break-before: always; break-before: page; margin-top: 40px; }
.note { font-size: 12px; color: #666; } nav a { margin-right: 10px; font-size: 13px; }
@media print { body { padding: 0; max-width: none; } nav { display: none; } }
`;

export function buildReport(inputs: ReportInputs, config: Config, options: ReportOptions): string {
  const key = options.pseudonymKey;
  const info = new Map((inputs.accounts.objects() as Row[]).map((a) => [a.account_id as string, a]));
  const names = new Map([...info].map(([id, a]) => [id, String(a.account_name)]));
  const lines = inputs.mart
    .join(inputs.value.select('line_id', 'current_value', 'potential_value', 'influence_value', 'total_value', 'value_tier', 'spend_share'), 'line_id')
    .join(inputs.segments.select('line_id', 'segment', 'cluster'), 'line_id')
    .join(inputs.network.select('line_id', 'role', 'pagerank', 'pagerank_rank', 'community', 'wom_seed', 'advocate'), 'line_id');
  const rows = lines.objects() as Row[];
  const proposals = inputs.proposals.objects() as Row[];
  // Grouped once: a whole enterprise base has hundreds of accounts.
  const byAccount = groupBy(rows, (r) => r.account_id as string);
  const accountIds = [...byAccount.keys()].sort();
  const edgesByAccount = groupBy(inputs.edges.objects() as CallEdge[], (e) => e.account_id);
  const proposalsByAccount = groupBy(proposals, (p) => p.account_id as string);
  const days = Number(rows[0]?.observed_days ?? 30) || 30;
  const perMonth = 30 / days;
  const events = inputs.inputs.find((f) => f.file === 'events');

  // Portfolio overview.
  const overview = accountIds.map((id) => {
    const ls = byAccount.get(id)!;
    const spend = ls.reduce((s, r) => s + (r.current_value as number), 0);
    const counts = new Map<string, number>();
    for (const r of ls) counts.set(r.segment as string, (counts.get(r.segment as string) ?? 0) + 1);
    const [topPersona, topN] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const tierA = ls.filter((r) => r.value_tier === 'A').length;
    const productValue = (proposalsByAccount.get(id) ?? []).filter((p) => p.kind === 'product').reduce((s, p) => s + (p.expected_monthly_value as number), 0);
    return [
      `<a href="#${esc(id)}">${esc(names.get(id) ?? id)}</a>`, esc(info.get(id)?.industry ?? ''), ls.length, money(spend),
      `${esc(topPersona.replace(/_/g, ' '))} (${pct(topN / ls.length)})`, `${tierA} (${pct(tierA / ls.length)})`, money(productValue),
    ];
  });
  const totalSpend = rows.reduce((s, r) => s + (r.current_value as number), 0);
  const totalOffers = proposals.filter((p) => p.kind === 'product').reduce((s, p) => s + (p.expected_monthly_value as number), 0);

  const parts: string[] = [];
  parts.push(`<h1>Segment of One: findings</h1>
<p class="lead">${accountIds.length} enterprise accounts, ${int(rows.length)} lines, ${int(events?.accepted ?? 0)} usage records over ${days} days. Each account is shown first as the one customer billing sees, then line by line.</p>
<div class="kpis"><div class="kpi"><b>${accountIds.length}</b>accounts</div><div class="kpi"><b>${int(rows.length)}</b>lines</div>
<div class="kpi"><b>${money(totalSpend)}</b>monthly spend</div><div class="kpi"><b>${money(totalOffers)}</b>expected monthly margin of proposed products</div></div>
<nav>${accountIds.map((id) => `<a href="#${esc(id)}">${esc(names.get(id) ?? id)}</a>`).join(' ')}</nav>
<h2>Portfolio overview</h2>
${table(['Account', 'Industry', 'Lines', 'Monthly spend', 'Main persona', 'Lines carrying half the spend', 'Proposal margin / month'], overview, [false, false, true, true, false, true, true])}
${figure(personaMixChart(inputs.segments, { accountNames: names, title: 'Persona mix per account' }), 'Share of each account\'s lines in each behavioural persona.')}
<div class="two">
${figure(valueConcentrationChart(inputs.value, { accountNames: names, title: 'Few lines carry most of the spend', width: 500 }), 'Cumulative share of spend against share of lines, highest-spending lines first; the grey rule marks half the spend.')}
${figure(roleMixChart(inputs.network, { accountNames: names, title: 'Network roles per account', width: 500 }), 'Hubs are central, bridges join groups, connectors reach outside the company.')}
</div>`);

  for (const id of accountIds) {
    const ls = byAccount.get(id)!;
    const a = info.get(id) ?? {};
    const sum = (k: string) => ls.reduce((s, r) => s + Number(r[k]), 0);
    const spend = sum('current_value');
    const comms = ls.reduce((s, r) => s + Number(r.voice_count) + Number(r.sms_count), 0) || 1;
    const weighted = (k: string) => ls.reduce((s, r) => s + Number(r[k]) * (Number(r.voice_count) + Number(r.sms_count)), 0) / comms;
    const personaRows = [...PERSONAS, ...new Set(ls.map((r) => r.segment as string))]
      .filter((p, i, all) => all.indexOf(p) === i)
      .map((p) => {
        const members = ls.filter((r) => r.segment === p);
        if (!members.length) return undefined;
        const pspend = members.reduce((s, r) => s + (r.current_value as number), 0);
        return [esc(p.replace(/_/g, ' ')), members.length, pct(members.length / ls.length), money(pspend), pct(spend ? pspend / spend : 0)];
      })
      .filter((r): r is (string | number)[] => Boolean(r));
    const top = [...ls].sort((x, y) => (y.total_value as number) - (x.total_value as number) || ((x.line_id as string) < (y.line_id as string) ? -1 : 1)).slice(0, 8);
    const tierA = ls.filter((r) => r.value_tier === 'A').length;
    const roleCounts = ROLES.map((role) => [role, ls.filter((r) => r.role === role).length] as const).filter(([, n]) => n > 0);
    const keyPeople = ls.filter((r) => r.role === 'hub' || r.role === 'bridge')
      .sort((x, y) => (x.pagerank_rank as number) - (y.pagerank_rank as number)).slice(0, 8)
      .map((r) => `${esc(pseudonym(r.line_id as string, key))} (${esc(r.role)}, ${esc(String(r.segment).replace(/_/g, ' '))})`);
    const accountProposals = proposalsByAccount.get(id) ?? [];
    const layout = layoutLines(ls as unknown as LayoutLine[], edgesByAccount.get(id) ?? [], id, config, { maxLinks: options.maxLinks ?? 800 });
    parts.push(`<section class="account" id="${esc(id)}">
<h2>${esc(names.get(id) ?? id)}</h2>
<p class="lead">${esc(a.industry ?? '')}${a.region ? ' · ' + esc(a.region) : ''} · ${ls.length} lines</p>
<h3>As one customer</h3>
<div class="kpis"><div class="kpi"><b>${money(spend)}</b>monthly spend</div><div class="kpi"><b>${int(sum('voice_minutes') * perMonth)}</b>voice minutes / month</div>
<div class="kpi"><b>${pct(weighted('international_share'))}</b>of calls and SMS abroad</div><div class="kpi"><b>${int((sum('data_mb') * perMonth) / 1024)} GB</b>data / month</div>
<div class="kpi"><b>${int(sum('roaming_days'))}</b>line-days abroad</div></div>
<h3>Line by line</h3>
<div class="two"><div>${table(['Persona', 'Lines', 'Share', 'Spend / month', 'Share of spend'], personaRows, [false, true, true, true, true])}</div>
<div><p><b>${tierA} of ${ls.length} lines (${pct(tierA / ls.length)})</b> carry half of the account's spend.</p>
${table(['Employee', 'Persona', 'Role', 'Tier', 'Current', 'Potential', 'Influence'], top.map((r) => [
      esc(pseudonym(r.line_id as string, key)), esc(String(r.segment).replace(/_/g, ' ')), esc(r.role), esc(r.value_tier),
      money(r.current_value as number), money(r.potential_value as number), money(r.influence_value as number),
    ]), [false, false, false, false, true, true, true])}</div></div>
<h3>Who calls whom inside the company</h3>
<div class="two"><div>${figure(callGraphChart(layout, { width: 460, colorBy: 'role' }), 'Internal calls: each dot a line sized by PageRank, coloured by role; the heaviest links drawn.')}</div>
<div>${table(['Role', 'Lines'], roleCounts.map(([r, n]) => [esc(r), n]), [false, true])}
<p>Key people: ${keyPeople.length ? keyPeople.join(', ') : 'none stands out'}.</p>
<p>${ls.filter((r) => r.wom_seed === true || r.wom_seed === 'true').length} word-of-mouth seeds (the most central line of each community), ${ls.filter((r) => r.advocate === true || r.advocate === 'true').length} advocates toward outside parties.</p></div></div>
<h3>What to propose</h3>
${accountProposals.length ? figure(proposalChart(aq.from(accountProposals), { width: 860 }), 'Lines each product or tariff suits, by who buys it: the employer (business line) or the employee (personal line).') : ''}
${table(['Proposal', 'Channel', 'Lines', 'Share of lines', 'Expected € / month', 'Detail'], accountProposals.map((p) => [
      `${p.kind === 'tariff' ? 'Tariff: ' : ''}${esc(p.name)}`, esc(p.channel), p.lines as number, pct(p.share_of_lines as number),
      money(p.expected_monthly_value as number), esc(p.detail),
    ]), [false, false, true, true, true, false])}
</section>`);
  }

  parts.push(`<section class="account"><h2>Data and method</h2>
${table(['Input', 'Rows read', 'Accepted', 'Quarantined'], inputs.inputs.filter((f) => f.format !== 'absent').map((f) => [esc(f.file), int(f.read), int(f.accepted), int(f.quarantined)]), [false, true, true, true])}
<p class="note">Spend is the monthly fee plus charges beyond the plan (prepaid: top-ups), scaled to 30 days. Potential is what comparable lines already pay more, plus a personal line not yet held; influence is the spend of colleagues whose calls run through the line. Product values are expected monthly margin (propensity × price × margin). Employees appear only as keyed pseudonyms; no phone number of the input is shown.</p>
</section>`);

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Segment of One: findings</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}
