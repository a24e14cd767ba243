/**
 * The workspace's charts: each `(table, options) -> SVG text`, shared by the
 * notebooks and the findings report. Colours are fixed per persona and role so a
 * reader learns them once.
 */
import type { ColumnTable } from 'arquero';
import type * as Plot from '@observablehq/plot';
import { plot, renderPlot } from './render';
import type { AccountLayout } from '../network/layout';
import { groupBy } from '../util/stats';
import { PERSONAS } from '../personas/vocabulary';
import { ROLES } from '../catalog';

export interface ChartOptions {
  /** Heading drawn above the chart. */
  title?: string;
  /** Pixels; Plot's default is 640. */
  width?: number;
  height?: number;
  /** Display names per account id (e.g. company names); ids are shown otherwise. */
  accountNames?: Map<string, string>;
}

const PERSONA_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#bab0ac'];
const ROLE_COLOURS = ['#d62728', '#9467bd', '#ff7f0e', '#7f7f7f', '#c7c7c7'];

/** Account labels: the display name, with the id where two accounts share a name (charts group by label). */
function label(options: ChartOptions): (id: string) => string {
  const uses = new Map<string, number>();
  for (const name of options.accountNames?.values() ?? []) uses.set(name, (uses.get(name) ?? 0) + 1);
  return (id) => {
    const name = options.accountNames?.get(id);
    if (name === undefined) return id;
    return (uses.get(name) ?? 0) > 1 ? `${name} (${id})` : name;
  };
}

function personaScale(present: string[]) {
  const extra = present.filter((p) => !PERSONAS.includes(p)).sort();
  return { domain: [...PERSONAS, ...extra], range: [...PERSONA_COLOURS, ...extra.map(() => '#999999')], legend: true };
}

/**
 * An account's name cut to what the 190-pixel left margin holds (about 30 characters at the axis font), its end
 * replaced by an ellipsis: a longer name ran off the chart's left edge ("etworks Study cohort…").
 */
const fitMargin = (name: string) => (name.length > 30 ? `${name.slice(0, 29)}…` : name);

/** One horizontal bar per account, stacked by a category column: shares (normalised) or line counts. */
function stackedByAccount(table: ColumnTable, column: string, options: ChartOptions, how: { share: boolean; color: Plot.ScaleOptions; order?: string[] }): string {
  const name = label(options);
  const rows = (table.objects() as Record<string, unknown>[]).map((r) => ({ account: name(r.account_id as string), category: String(r[column]) }));
  const accounts = [...new Set(rows.map((r) => r.account))];
  const bars = how.share
    ? plot().groupY({ x: 'proportion-facet' }, { y: 'account', fill: 'category', offset: 'normalize', order: how.order, tip: true })
    : plot().groupY({ x: 'count' }, { y: 'account', fill: 'category', order: how.order, tip: true });
  return renderPlot({
    title: options.title,
    width: options.width ?? 720,
    height: options.height ?? Math.max(120, 28 * accounts.length + 60),
    marginLeft: 190,
    x: how.share ? { label: 'share of lines', percent: true, domain: [0, 100] } : { label: 'lines' },
    y: { label: null, domain: accounts, tickFormat: fitMargin },
    color: how.color,
    marks: [plot().barX(rows, bars), plot().ruleX([0])],
  });
}

/** Persona mix per account: share of lines in each persona (or model cluster). */
export function personaMixChart(personas: ColumnTable, options: ChartOptions & { by?: 'persona' | 'cluster' } = {}): string {
  const by = options.by ?? 'persona';
  const categories = (personas.array(by) as unknown[]).map(String);
  return by === 'persona'
    ? stackedByAccount(personas, by, options, { share: true, color: personaScale(categories), order: [...PERSONAS] })
    : stackedByAccount(personas, by, options, { share: true, color: { legend: true, type: 'categorical' } });
}

/** Spend concentration: share of an account's spend carried by its top lines (one curve per account). */
export function valueConcentrationChart(value: ColumnTable, options: ChartOptions = {}): string {
  const name = label(options);
  const byAccount = groupBy(value.objects() as { account_id: string; current_value: number }[], (r) => r.account_id);
  const points: { account: string; lines: number; spend: number }[] = [];
  for (const [account, lines] of byAccount) {
    const sorted = lines.map((r) => r.current_value).sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0) || 1;
    let cum = 0;
    points.push({ account: name(account), lines: 0, spend: 0 });
    sorted.forEach((s, i) => {
      cum += s;
      points.push({ account: name(account), lines: (i + 1) / sorted.length, spend: cum / total });
    });
  }
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 360,
    x: { label: 'share of lines, highest spend first', percent: true },
    y: { label: 'share of spend', percent: true },
    color: { legend: byAccount.size <= 20 },
    marks: [
      plot().line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: 'x', y: 'y', stroke: '#bbb', strokeDasharray: '4 4' }),
      plot().line(points, { x: 'lines', y: 'spend', stroke: 'account', tip: true }),
      plot().ruleY([0.5], { stroke: '#888', strokeOpacity: 0.5 }),
    ],
  });
}

/** Network roles per account: how many hubs, bridges, connectors, members and peripheral lines. */
export function roleMixChart(network: ColumnTable, options: ChartOptions = {}): string {
  return stackedByAccount(network, 'role', options, { share: false, color: { domain: [...ROLES], range: ROLE_COLOURS, legend: true }, order: [...ROLES] });
}

/** The internal call graph as a node-link diagram: links by weight, nodes sized by PageRank. */
export function callGraphChart(layout: AccountLayout, options: ChartOptions & { colorBy?: 'community' | 'role' } = {}): string {
  const colorBy = options.colorBy ?? 'role';
  const size = options.width ?? 560;
  const communities = [...new Set(layout.nodes.map((n) => n.community))].sort((a, b) => Number(a.split('-C').pop()) - Number(b.split('-C').pop()));
  return renderPlot({
    title: options.title,
    width: size,
    height: options.height ?? size,
    inset: 12,
    x: { axis: null },
    y: { axis: null },
    r: { range: [2, 12] },
    color: colorBy === 'role'
      ? { domain: [...ROLES], range: ROLE_COLOURS, legend: true }
      : { domain: communities.slice(0, 10), scheme: 'tableau10', unknown: '#ccc', legend: true },
    marks: [
      plot().link(layout.links, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: '#999', strokeOpacity: 0.25, strokeWidth: 0.7 }),
      plot().dot(layout.nodes, { x: 'x', y: 'y', r: 'pagerank', fill: colorBy, stroke: 'white', strokeWidth: 0.5 }),
    ],
  });
}

/** What to propose to one account: lines per product or tariff, coloured by channel. */
export function proposalChart(proposals: ColumnTable, options: ChartOptions = {}): string {
  const rows = (proposals.objects() as { kind: string; name: string; channel: string; lines: number }[])
    .map((r) => ({ item: `${r.kind === 'tariff' ? 'Tariff: ' : ''}${r.name}`, channel: r.channel, lines: r.lines }));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? Math.max(100, 26 * rows.length + 50),
    marginLeft: 360,
    x: { label: 'lines' },
    y: { label: null, domain: rows.map((r) => r.item) },
    color: { domain: ['employer', 'employee'], range: ['#4e79a7', '#f28e2b'], legend: true },
    marks: [plot().barX(rows, { y: 'item', x: 'lines', fill: 'channel', tip: true }), plot().ruleX([0])],
  });
}

/** Distribution of one line-level feature, optionally stacked by a category column. */
export function featureHistogram(table: ColumnTable, options: ChartOptions & { feature: string; by?: string; log?: boolean }): string {
  const source = table.objects() as Record<string, unknown>[];
  const rows = source.map((r) => ({
    value: options.log ? Math.log10(1 + Number(r[options.feature])) : Number(r[options.feature]),
    group: options.by ? String(r[options.by]) : 'lines',
  }));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 300,
    x: { label: options.log ? `log10(1 + ${options.feature})` : options.feature },
    y: { label: 'lines' },
    color: options.by === 'persona' ? personaScale(rows.map((r) => r.group)) : { legend: Boolean(options.by) },
    marks: [plot().rectY(rows, plot().binX<Plot.RectYOptions>({ y: 'count' }, { x: 'value', fill: options.by ? 'group' : '#4e79a7', tip: true })), plot().ruleY([0])],
  });
}

/** Tick labels of a count axis: with few accounts the axis ticks at halves, and "2.5 accounts" is no count. */
const wholeOnly = (d: number) => (Number.isInteger(d) ? d.toLocaleString('en') : '');

/** Accounts per service channel, stacked by needs segment. */
export function channelChart(accountSegments: ColumnTable, options: ChartOptions = {}): string {
  const rows = (accountSegments.objects() as { channel: string; segment: string }[]).map((r) => ({ channel: r.channel, segment: r.segment }));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 200,
    marginLeft: 90,
    x: { label: 'accounts', tickFormat: wholeOnly },
    y: { label: null, domain: ['digital', 'partner', 'dedicated'] },
    color: { legend: true, type: 'categorical' },
    marks: [plot().barX(rows, plot().groupY({ x: 'count' }, { y: 'channel', fill: 'segment', tip: true })), plot().ruleX([0])],
  });
}

/** Accounts per relationship stage, in the stages' order, coloured by service channel. */
export function stageChart(actions: ColumnTable, stages: readonly string[], options: ChartOptions = {}): string {
  const rows = (actions.objects() as { stage: string; channel: string }[]).map((r) => ({ stage: r.stage.replace(/_/g, ' '), channel: r.channel || 'unknown' }));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 260,
    marginLeft: 120,
    x: { label: 'accounts', tickFormat: wholeOnly },
    y: { label: null, domain: stages.map((s) => s.replace(/_/g, ' ')) },
    color: { legend: true, domain: ['digital', 'partner', 'dedicated'], range: ['#59a14f', '#f28e2b', '#4e79a7'], unknown: '#bab0ac' },
    marks: [plot().barX(rows, plot().groupY({ x: 'count' }, { y: 'stage', fill: 'channel', tip: true })), plot().ruleX([0])],
  });
}

/** Measured uplift with its interval: one row per campaign and outcome (or per breakdown level), zero marked. */
export function upliftChart(results: ColumnTable, options: ChartOptions & { label?: (r: Record<string, unknown>) => string; value?: 'uplift' | 'roi' } = {}): string {
  const key = options.value ?? 'uplift';
  const label = options.label ?? ((r) => `${r.campaign_id} · ${String(r.outcome).replace(/_/g, ' ')}`);
  const rows = (results.objects() as Record<string, unknown>[])
    .filter((r) => Number.isFinite(r[key] as number))
    .map((r) => ({ label: label(r), mid: Number(r[key]), low: Number(r[`${key}_low`] ?? r[key]), high: Number(r[`${key}_high`] ?? r[key]) }));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? Math.max(100, 26 * rows.length + 60),
    marginLeft: 220,
    x: { label: key === 'uplift' ? 'uplift, percentage points (95% interval)' : 'return on investment (95% interval)', percent: key === 'uplift', grid: true },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      plot().ruleX([0], { stroke: '#888' }),
      plot().ruleY(rows, { y: 'label', x1: 'low', x2: 'high', stroke: '#4e79a7', strokeWidth: 2 }),
      plot().dot(rows, { y: 'label', x: 'mid', fill: '#4e79a7', r: 4, tip: true }),
    ],
  });
}

/** Uplift per propensity band (1 = highest scores): did the model find the people the campaign moved? */
export function bandChart(bands: ColumnTable, options: ChartOptions = {}): string {
  const rows = (bands.objects() as { campaign_id: string; band: number; uplift: number | null }[]).filter((r) => r.uplift !== null && Number.isFinite(r.uplift));
  return renderPlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 260,
    x: { label: 'propensity band (1 = highest)', tickFormat: 'd' },
    y: { label: 'uplift', percent: true, grid: true },
    color: { legend: true, type: 'categorical' },
    marks: [plot().ruleY([0], { stroke: '#888' }), plot().lineY(rows, { x: 'band', y: 'uplift', stroke: 'campaign_id', marker: 'dot', tip: true })],
  });
}

/** Mean silhouette for each k tried, the chosen k marked: how k was chosen from the data. */
export function kCurveChart(curve: ColumnTable, options: ChartOptions = {}): string {
  const rows = curve.objects() as { k: number; silhouette: number }[];
  const best = rows.reduce<{ k: number; silhouette: number } | undefined>((b, r) => (!b || r.silhouette > b.silhouette ? r : b), undefined);
  return renderPlot({
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 240,
    x: { label: 'k (clusters)', tickFormat: 'd' },
    y: { label: 'mean silhouette', grid: true },
    marks: [plot().lineY(rows, { x: 'k', y: 'silhouette', marker: 'dot' }), ...(best ? [plot().dot([best], { x: 'k', y: 'silhouette', r: 7, stroke: '#e15759', strokeWidth: 2 })] : [])],
  });
}

/** Reliability diagram: mean predicted probability against the share that adopted, per bin; the diagonal is perfect calibration. */
export function reliabilityChart(bins: readonly { predicted: number; observed: number; lines: number; group?: string }[], options: ChartOptions = {}): string {
  const top = Math.max(0.05, ...bins.map((b) => Math.max(b.predicted, b.observed))) * 1.1;
  return renderPlot({
    title: options.title,
    width: options.width ?? 420,
    height: options.height ?? 420,
    x: { label: 'predicted probability of adopting', domain: [0, top], percent: true },
    y: { label: 'share that adopted', domain: [0, top], percent: true, grid: true },
    color: { legend: bins.some((b) => b.group), type: 'categorical' },
    marks: [
      plot().line([{ x: 0, y: 0 }, { x: top, y: top }], { x: 'x', y: 'y', stroke: '#bbb', strokeDasharray: '4 4' }),
      plot().dot(bins, { x: 'predicted', y: 'observed', r: 'lines', fill: bins.some((b) => b.group) ? 'group' : '#4e79a7', fillOpacity: 0.7, tip: true }),
    ],
  });
}
