/**
 * Reading the contract's v2 tables (campaigns, assignments, responses; lines and accounts for
 * breakdowns) as plain rows, and each unit's outcomes inside a campaign's window.
 *
 * Tables come as arrays of row objects or as arquero tables. Values are read leniently, as a CSV
 * reader leaves them: text or numbers, '' / null / undefined for empty. Ids are compared as text.
 * Dates are compared as calendar dates `YYYY-MM-DD`, the first ten characters of a date or an
 * ISO 8601 timestamp as written, i.e. the local date at the record's own UTC offset. A JS Date
 * (what arquero's CSV parser makes of date-looking text unless told to keep it as text) only knows
 * its UTC instant and is read as its UTC date; read `date` as text to keep local dates.
 */
import type { ColumnTable } from 'arquero';
import { SoOError } from '../util/errors';

export type Row = Record<string, unknown>;
/** Rows as objects, or an arquero table. */
export type Rows = ColumnTable | readonly Row[];

/** The `response` values of the contract, in its order. */
export const RESPONSE_KINDS = [
  'contacted', 'bounced', 'opened', 'opted_in', 'provided_info', 'visited', 'downloaded', 'requested_info',
  'meeting', 'transferred_to_sales', 'adopted', 'declined', 'opted_out',
] as const;

/** Outbound touches: what the campaign did, not what the prospect did. */
export const OUTBOUND_KINDS: ReadonlySet<string> = new Set(['contacted', 'bounced']);

export function rowsOf(table: Rows | undefined): readonly Row[] {
  if (!table) return [];
  if (Array.isArray(table)) return table;
  const t = table as ColumnTable;
  if (typeof t.objects === 'function') return t.objects() as Row[];
  throw new SoOError('measure', 'a table must be an array of row objects or an arquero table');
}

export function columnsOf(table: Rows | undefined): Set<string> {
  if (!table) return new Set();
  if (!Array.isArray(table) && typeof (table as ColumnTable).columnNames === 'function') return new Set((table as ColumnTable).columnNames());
  const names = new Set<string>();
  for (const row of table as readonly Row[]) for (const k of Object.keys(row)) names.add(k);
  return names;
}

export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

export function text(v: unknown): string {
  return isEmpty(v) ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
}

/** A number or `fallback` when empty; anything else is an error naming where it was. */
export function numberOf(v: unknown, fallback: number, where: string): number {
  if (isEmpty(v)) return fallback;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) throw new SoOError('measure', `${where}: ${JSON.stringify(v)} is not a number`);
  return n;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/** The calendar date of a date or timestamp (see the header). */
export function dateOf(v: unknown, where: string): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new SoOError('measure', `${where}: invalid date`);
    return v.toISOString().slice(0, 10);
  }
  const s = text(v);
  if (!DATE.test(s)) throw new SoOError('measure', `${where}: ${JSON.stringify(v)} is not a date YYYY-MM-DD or an ISO 8601 timestamp`);
  return s.slice(0, 10);
}

/** One response, reduced to what measurement needs. */
export interface ResponseRecord {
  date: string;
  kind: string;
  value: number;
  /** False when the value column was empty: no money was recorded, which counts as 0. */
  hasValue: boolean;
  /** The product it concerns ('' when none is named). */
  product: string;
}

/** Every response by the unit it belongs to, for line and for account campaigns. */
export interface ResponseIndex {
  byLine: Map<string, ResponseRecord[]>;
  byAccount: Map<string, ResponseRecord[]>;
  /** Response kinds present, in contract order (unknown kinds after, sorted). */
  kinds: string[];
  /** True when some response carries a value. */
  hasValues: boolean;
  /** Last response date in the data ('' when there is none): the end of open campaign windows. */
  lastDate: string;
}

export function indexResponses(responses: Rows): ResponseIndex {
  const byLine = new Map<string, ResponseRecord[]>();
  const byAccount = new Map<string, ResponseRecord[]>();
  const kinds = new Set<string>();
  let hasValues = false;
  let lastDate = '';
  rowsOf(responses).forEach((row, i) => {
    const where = `responses row ${i + 1}`;
    const kind = text(row.response);
    if (!kind) throw new SoOError('measure', `${where}: response is empty`);
    const hasValue = !isEmpty(row.value);
    const value = numberOf(row.value, 0, `${where} value`);
    if (value < 0) throw new SoOError('measure', `${where}: value ${value} is negative`);
    const record: ResponseRecord = { date: dateOf(row.date, `${where} date`), kind, value, hasValue, product: text(row.product_id) };
    kinds.add(kind);
    hasValues ||= hasValue;
    if (record.date > lastDate) lastDate = record.date;
    const line = text(row.line_id);
    const account = text(row.account_id);
    if (line) (byLine.get(line) ?? byLine.set(line, []).get(line)!).push(record);
    if (account) (byAccount.get(account) ?? byAccount.set(account, []).get(account)!).push(record);
  });
  const order = new Map<string, number>(RESPONSE_KINDS.map((k, i) => [k, i]));
  const sorted = [...kinds].sort((a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99) || (a < b ? -1 : a > b ? 1 : 0));
  return { byLine, byAccount, kinds: sorted, hasValues, lastDate };
}

export type Target = 'line' | 'account';

export interface CampaignSpec {
  campaign_id: string;
  target: Target;
  /** First day of the window, YYYY-MM-DD. */
  start: string;
  /** Last day (inclusive). */
  end: string;
  /** True when end_date was empty and the window runs to the last response date in the data. */
  openEnded: boolean;
  costPerContact: number;
  fixedCost: number;
  /** The design's control share when the campaigns table carries one (optional column control_share). */
  controlShare: number | undefined;
  /** The product it offers ('' for a campaign that offers none): responses about other products are not its outcome. */
  product: string;
}

export function readCampaigns(campaigns: Rows, lastDate: string): CampaignSpec[] {
  const seen = new Set<string>();
  return rowsOf(campaigns).map((row, i) => {
    const where = `campaigns row ${i + 1}`;
    const id = text(row.campaign_id);
    if (!id) throw new SoOError('measure', `${where}: campaign_id is empty`);
    if (seen.has(id)) throw new SoOError('measure', `campaign ${id} appears twice in campaigns`);
    seen.add(id);
    const target = text(row.target);
    if (target !== 'line' && target !== 'account') throw new SoOError('measure', `campaign ${id}: target must be line or account, got ${JSON.stringify(row.target)}`);
    const start = dateOf(row.start_date, `campaign ${id} start_date`);
    const openEnded = isEmpty(row.end_date);
    const end = openEnded ? lastDate : dateOf(row.end_date, `campaign ${id} end_date`);
    const share = isEmpty(row.control_share) ? undefined : numberOf(row.control_share, NaN, `campaign ${id} control_share`);
    if (share !== undefined && !(share > 0 && share < 1)) throw new SoOError('measure', `campaign ${id}: control_share must be in (0, 1), got ${share}`);
    return {
      campaign_id: id,
      target,
      start,
      end,
      openEnded,
      costPerContact: numberOf(row.cost_per_contact, 0, `campaign ${id} cost_per_contact`),
      fixedCost: numberOf(row.fixed_cost, 0, `campaign ${id} fixed_cost`),
      controlShare: share,
      product: text(row.product_id),
    };
  });
}

/** A unit's outcomes in a window: the response kinds it showed (each once) and its summed value. */
export interface UnitOutcome {
  kinds: Set<string>;
  value: number;
}

/**
 * A unit's outcome in a campaign's window. Responses count whatever their campaign_id (a control unit has
 * none), but for a campaign that offers a product, a response about another product is another campaign's
 * outcome: it does not count (one naming no product does). Pilots run several product campaigns on the
 * same lines in one window, and counting every adoption would credit each campaign with the others'.
 */
export function outcomeInWindow(records: readonly ResponseRecord[] | undefined, start: string, end: string, product = ''): UnitOutcome {
  const kinds = new Set<string>();
  let value = 0;
  for (const r of records ?? []) {
    if (r.date < start || r.date > end) continue;
    if (product && r.product && r.product !== product) continue;
    kinds.add(r.kind);
    value += r.value;
  }
  return { kinds, value };
}
