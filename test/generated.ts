/**
 * Reads a generated pilot back for the generator's tests: the small reference files
 * with a plain split (the generator writes no quoted commas in them) and the events
 * with zlib and a split, one pass, into per-line usage.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

export function readCsv(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = header.split(',');
  return rows.map((r) => {
    const f = r.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, f[i] ?? '']));
  });
}

export const truthOf = (dir: string, name: string) => readCsv(join(`${dir}_truth`, name));

export interface LineUsage {
  /** Own records, any service. */
  records: number;
  /** Local dates with own records, and those abroad. */
  dates: Set<string>;
  roamingDates: Set<string>;
  /** Voice and SMS records (both directions), and of them: evening or night (18:00-06:59), weekend, international, with a colleague. */
  calls: number;
  evening: number;
  weekend: number;
  international: number;
  internal: number;
  /** Calls and SMS with a colleague while abroad. */
  internalAbroad: number;
  voiceOut: number;
  /** International calls made, and of them in the evening, at night or at weekends. */
  intlOut: number;
  intlOutPrivateTime: number;
  dataKb: number;
  cells: Set<string>;
  externals: Set<string>;
}

const weekdays = new Map<string, number>();
const weekdayOf = (date: string) => {
  let d = weekdays.get(date);
  if (d === undefined) weekdays.set(date, (d = new Date(date + 'T00:00:00Z').getUTCDay()));
  return d;
};

/** Per-line usage of a generated pilot's events (broken rows skipped: not 12 fields or an unknown line). */
export function lineUsage(dir: string): Map<string, LineUsage> {
  const lines = readCsv(join(dir, 'lines.csv'));
  const usage = new Map<string, LineUsage>();
  for (const l of lines) {
    if (usage.has(l.line_id)) continue;
    usage.set(l.line_id, {
      records: 0, dates: new Set(), roamingDates: new Set(), calls: 0, evening: 0, weekend: 0, international: 0, internal: 0,
      internalAbroad: 0, voiceOut: 0, intlOut: 0, intlOutPrivateTime: 0, dataKb: 0, cells: new Set(), externals: new Set(),
    });
  }
  const text = gunzipSync(readFileSync(join(dir, 'events.csv.gz'))).toString('latin1');
  let pos = text.indexOf('\n') + 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const f = text.slice(pos, end).split(',');
    pos = end + 1;
    if (f.length !== 12) continue;
    const u = usage.get(f[0]);
    if (!u || !/^\d{4}-\d\d-\d\dT\d\d:/.test(f[1])) continue;
    const date = f[1].slice(0, 10);
    u.records++;
    u.dates.add(date);
    if (f[10]) u.roamingDates.add(date);
    if (f[9]) u.cells.add(f[9]);
    if (f[2] === 'data') {
      u.dataKb += Number(f[8]) || 0;
      continue;
    }
    if (f[2] !== 'voice' && f[2] !== 'sms') continue;
    const hour = Number(f[1].slice(11, 13));
    const dow = weekdayOf(date);
    const privateTime = hour >= 18 || hour < 7 || dow === 0 || dow === 6;
    u.calls++;
    if (hour >= 18 || hour < 7) u.evening++;
    if (dow === 0 || dow === 6) u.weekend++;
    if (f[5] === 'international') u.international++;
    if (usage.has(f[4])) {
      u.internal++;
      if (f[10]) u.internalAbroad++;
    } else if (f[4]) u.externals.add(f[4]);
    if (f[2] === 'voice' && f[3] === 'out') {
      u.voiceOut++;
      if (f[5] === 'international') {
        u.intlOut++;
        if (privateTime) u.intlOutPrivateTime++;
      }
    }
  }
  return usage;
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};
export const share = (n: number, d: number) => (d > 0 ? n / d : 0);

const DAY_MS = 86_400_000;
const dayOf = (date: string, start: string) => Math.round((Date.parse(date + 'T00:00:00Z') - Date.parse(start + 'T00:00:00Z')) / DAY_MS);

export interface Holding {
  line_id: string;
  product_id: string;
  /** Days relative to the window's first day; end undefined while held. */
  start: number;
  end?: number;
}

/** The well-formed holdings rows (broken ones skipped: unknown line or product, bad date), in days from `start`. */
export function holdingsOf(dir: string, start: string): Holding[] {
  const lines = new Set(readCsv(join(dir, 'lines.csv')).map((l) => l.line_id));
  const products = new Set(readCsv(join(dir, 'products.csv')).map((p) => p.product_id));
  const date = /^\d{4}-(0\d|1[0-2])-[0-3]\d$/;
  return readCsv(join(dir, 'holdings.csv'))
    .filter((h) => lines.has(h.line_id) && products.has(h.product_id) && date.test(h.start_date) && (!h.end_date || date.test(h.end_date)))
    .map((h) => ({ line_id: h.line_id, product_id: h.product_id, start: dayOf(h.start_date, start), end: h.end_date ? dayOf(h.end_date, start) : undefined }));
}

/** Whether a holding is held on `day`: started on or before it, not ended by it. */
export const heldOn = (h: Holding, day: number) => h.start <= day && (h.end === undefined || h.end > day);

/** Internal call ties: pairs of lines of the pilot that called or texted each other in the window, as "a b" with a < b. */
export function internalTies(dir: string): Set<string> {
  const lines = new Set(readCsv(join(dir, 'lines.csv')).map((l) => l.line_id));
  const ties = new Set<string>();
  const text = gunzipSync(readFileSync(join(dir, 'events.csv.gz'))).toString('latin1');
  let pos = text.indexOf('\n') + 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const f = text.slice(pos, end).split(',');
    pos = end + 1;
    if (f.length !== 12 || f[3] !== 'out' || f[0] === f[4] || !lines.has(f[0]) || !lines.has(f[4])) continue;
    ties.add(f[0] < f[4] ? `${f[0]} ${f[4]}` : `${f[4]} ${f[0]}`);
  }
  return ties;
}

/** Each line's partners among the ties. */
export function neighbours(ties: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of ties) {
    const [a, b] = t.split(' ');
    (out.get(a) ?? out.set(a, []).get(a)!).push(b);
    (out.get(b) ?? out.set(b, []).get(b)!).push(a);
  }
  return out;
}
