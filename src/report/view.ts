/**
 * What every report section reads: the run's tables, the lines joined once across steps and grouped by
 * account, names, formats and the pseudonym key; and the small HTML pieces sections are made of.
 * Sections (one per step, `section.ts` in the step's folder) turn this into HTML; report.ts composes them.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { Tables } from '../pipeline/step';
import type { FileCounts } from '../io/load';
import { groupBy } from '../util/stats';
import { NO_CACHE, type Cache } from '../pipeline/cache';
import { escapeHtml as esc } from './privacy';
import type { AccountLayout } from '../network/layout';

export type Row = Record<string, unknown>;

export interface ReportParams {
  /** Links drawn per call graph (the heaviest), to keep the file light. */
  max_links: number;
  /** ISO 4217 code of the accounts' currency, for every money figure. */
  currency: string;
  /** BCP 47 locale of numbers and money (e.g. en, de-DE). */
  locale: string;
  /** Accounts shown in full (their own pages) in the findings report; empty: the `largest_accounts` with most lines. */
  accounts: string[];
  /** Without `accounts`, how many accounts, the largest, get their own pages; the rest are in the portfolio table. */
  largest_accounts: number;
  /** Accounts that each get a report of their own (report/customers/<account_id>.html), for presenting to that customer. */
  customers: string[];
}

export interface ReportFormat {
  money(v: number): string;
  pct(v: number): string;
  int(v: number): string;
}

export interface ReportView {
  tables: Tables;
  table(name: keyof Tables): ColumnTable | undefined;
  /** One row per line: the mart joined with value, personas and network where those ran. */
  lines: Row[];
  byAccount: Map<string, Row[]>;
  /** Every account of the view, sorted. */
  accountIds: string[];
  /** The accounts shown in full, with their own page and in per-account charts (report.accounts, or the largest). */
  featured: string[];
  info: Map<string, Row>;
  /** Billing name per account id. */
  names: Map<string, string>;
  /** A table's rows of the featured accounts only: what per-account portfolio charts draw. */
  featuredTable(name: keyof Tables): ColumnTable | undefined;
  /**
   * A chart, drawn by `draw(...args)` or taken from the run's chart cache when the same chart of the same rows
   * was drawn before (args are hashed: tables by their columns, maps by their entries).
   */
  chart<A extends unknown[]>(kind: string, draw: (...args: A) => string, ...args: A): string;
  /** Whether `chart(kind, draw, ...args)` would come from the cache. */
  hasChart(kind: string, ...args: unknown[]): boolean;
  /** Call graph layouts computed ahead (across worker threads) by account, for the charts the cache lacks. */
  layouts: Map<string, AccountLayout>;
  /** Rows of any table grouped by account, computed once per table. */
  grouped(name: keyof Tables): Map<string, Row[]>;
  inputs: FileCounts[];
  days: number;
  /** Factor from the observed window to 30 days. */
  perMonth: number;
  /**
   * Whether any line of the run carries a fee, charge or top-up. Without one (a communication graph) spend is
   * unknown, not 0, and the sections say so rather than show €0 and a flat concentration curve.
   */
  priced: boolean;
  key: string;
  /** The run's seed (call graph layouts). */
  seed: number;
  params: ReportParams;
  fmt: ReportFormat;
}

/** Why a run's spend is unknown (`priced` false), in the report's words. */
export const UNPRICED = 'no line of the pilot carries a fee, charge or top-up';

export function reportFormat(params: ReportParams): ReportFormat {
  const money = new Intl.NumberFormat(params.locale, { style: 'currency', currency: params.currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
  const int = new Intl.NumberFormat(params.locale, { maximumFractionDigits: 0 });
  return {
    // `|| 0` turns the -0 of a small negative rounded into 0: "-€0" reads as a loss that is not there.
    money: (v) => money.format(Math.round(v) || 0),
    pct: (v) => `${Math.round(v * 100) || 0}%`,
    int: (v) => int.format(Math.round(v) || 0),
  };
}

/** Joins the line-level tables that are present on line_id, mart first. */
function joinLines(tables: Tables): Row[] {
  const mart = tables.mart as ColumnTable | undefined;
  if (!mart) return [];
  const rows = mart.objects() as Row[];
  for (const name of ['value', 'personas', 'network'] as const) {
    const t = tables[name] as ColumnTable | undefined;
    if (!t) continue;
    const byId = new Map((t.objects() as Row[]).map((r) => [r.line_id as string, r]));
    for (const r of rows) Object.assign(r, byId.get(r.line_id as string), { line_id: r.line_id, account_id: r.account_id });
  }
  return rows;
}

/** The accounts named in report.accounts that have lines, else the `largest_accounts` with most lines (ties by id); sorted by id. */
export function featuredAccounts(byAccount: ReadonlyMap<string, readonly Row[]>, params: Pick<ReportParams, 'accounts' | 'largest_accounts'>): string[] {
  if (params.accounts.length) return params.accounts.filter((id) => byAccount.has(id)).sort();
  return [...byAccount].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, params.largest_accounts).map(([id]) => id).sort();
}

/** A chart argument as its cache key sees it. */
/** A value JSON.stringify keys as keyPart would: a primitive, or an object or array of primitives. */
function plainRow(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return true;
  if (x instanceof Map || !(Array.isArray(x) || Object.getPrototypeOf(x) === Object.prototype)) return false;
  for (const v of Object.values(x as object)) if (v !== null && typeof v === 'object') return false;
  return true;
}

function keyPart(x: unknown): unknown {
  if (x instanceof Map) return [...x];
  if (x && typeof x === 'object' && typeof (x as ColumnTable).columnNames === 'function' && typeof (x as ColumnTable).numRows === 'function') {
    const t = x as ColumnTable;
    return t.columnNames().map((c) => [c, Array.from(t.array(c) as ArrayLike<unknown>)]);
  }
  // Rows of plain values are keyed as they are (JSON.stringify reads them natively): mapping every row in JS
  // cost a fifth of a --from personas run.
  if (Array.isArray(x)) return x.every(plainRow) ? x : x.map(keyPart);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, keyPart(v)]));
  return x;
}

export function buildView(tables: Tables, params: ReportParams, key: string, seed: number, accounts: readonly string[] = [], charts: Cache = NO_CACHE): ReportView {
  const scope = new Set(accounts);
  const inScope = (id: string) => !scope.size || scope.has(id);
  const info = new Map((((tables.accounts as ColumnTable | undefined)?.objects() ?? []) as Row[]).filter((a) => inScope(a.account_id as string)).map((a) => [a.account_id as string, a]));
  const all = joinLines(tables);
  const lines = all.filter((r) => inScope(r.account_id as string));
  const byAccount = groupBy(lines, (r) => r.account_id as string);
  const days = Number(lines[0]?.observed_days ?? 30) || 30;
  const cache = new Map<string, Map<string, Row[]>>();
  const featured = featuredAccounts(byAccount, params);
  const shown = new Set(featured);
  return {
    tables,
    table: (name) => tables[name] as ColumnTable | undefined,
    lines,
    byAccount,
    accountIds: [...byAccount.keys()].sort(),
    featured,
    chart: (kind, draw, ...args) => charts.text(['chart', kind, ...args.map(keyPart)], () => draw(...args)),
    hasChart: (kind, ...args) => charts.has(['chart', kind, ...args.map(keyPart)]),
    layouts: new Map(),
    featuredTable(name) {
      const t = tables[name] as ColumnTable | undefined;
      return t && shown.size < byAccount.size ? t.filter(aq.escape((d: Row) => shown.has(d.account_id as string))) : t;
    },
    info,
    names: new Map([...info].map(([id, a]) => [id, String(a.account_name)])),
    grouped(name) {
      let g = cache.get(name);
      if (!g) {
        const t = tables[name] as ColumnTable | undefined;
        g = groupBy(((t?.objects() ?? []) as Row[]).filter((r) => inScope(r.account_id as string)), (r) => r.account_id as string);
        cache.set(name, g);
      }
      return g;
    },
    inputs: (tables.load_summary as FileCounts[] | undefined) ?? [],
    days,
    perMonth: 30 / days,
    priced: all.some((r) => Number(r.current_value) > 0),
    key,
    seed,
    params,
    fmt: reportFormat(params),
  };
}

/** A table; cells given as numbers are escaped here, strings must come escaped (they may hold markup). */
export function htmlTable(head: string[], rows: (string | number)[][], numeric: boolean[] = []): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${typeof c === 'number' ? esc(c) : c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function figure(svg: string, caption: string): string {
  return `<div class="chart">${svg}<p class="caption">${esc(caption)}</p></div>`;
}

export function kpi(value: string, label: string): string {
  return `<div class="kpi"><b>${value}</b>${esc(label)}</div>`;
}

/** A persona or role name as people read it. */
export const words = (name: unknown) => esc(String(name).replace(/_/g, ' '));

/**
 * A step's part of the report. The portfolio table gets one or more columns per step; the portfolio and
 * each account get the step's own block; the appendix its notes on data and method.
 */
export interface ReportSection {
  /** The tables it shows: a run without them (its step did not run) leaves the section out. */
  needs: (keyof Tables)[];
  kpis?(view: ReportView): string[];
  overview?: { head: string; numeric?: boolean; cell(view: ReportView, accountId: string): string | number }[];
  portfolio?(view: ReportView): string;
  account?(view: ReportView, accountId: string): string;
  /** Method notes, in every report. */
  appendix?(view: ReportView): string;
  /** What came in and what was set aside: the portfolio report's alone (a customer's report shows no portfolio-wide counts). */
  inputs?(view: ReportView): string;
  /** Computes the costly per-account parts of its account blocks ahead, across worker threads (workersFor(lines)), into the view. */
  prefetch?(view: ReportView, workersFor: (lines: number) => number): Promise<void>;
}
