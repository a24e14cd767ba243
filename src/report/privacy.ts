/**
 * What a report may show of a person: a keyed pseudonym, never the number.
 * HMAC-SHA256 with a per-engagement key: without the key a pseudonym cannot be
 * recomputed from a guessed number, which a plain hash of a phone number allows.
 */
import { createHmac } from 'node:crypto';
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';

export const PSEUDONYM_KEY_ENV = 'SOO_PSEUDONYM_KEY';

/** The key: the environment variable wins over the config, so a key need not sit in a file. */
export function pseudonymKey(configKey: string): string {
  return process.env[PSEUDONYM_KEY_ENV] || configKey;
}

// Pseudonyms made, by key then line: the pilot's lists and the report name the same lines, and an HMAC costs
// some 5 us (a tenth of the pilot step on the built-in pilot).
const made = new Map<string, Map<string, string>>();

export function pseudonym(lineId: string, key: string): string {
  let byLine = made.get(key);
  if (!byLine) made.set(key, (byLine = new Map()));
  let p = byLine.get(lineId);
  if (p === undefined) byLine.set(lineId, (p = 'E-' + createHmac('sha256', key).update(lineId).digest('hex').slice(0, 10)));
  return p;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * A copy of a line-level table fit to show: line ids become pseudonyms in an
 * `employee` column (and `counterpart_line_id` likewise), everything else as it is.
 */
export function withPseudonyms(table: ColumnTable, key: string): ColumnTable {
  const columns: Record<string, unknown[]> = {};
  for (const name of table.columnNames()) {
    const values = Array.from(table.array(name) as ArrayLike<unknown>);
    if (name === 'line_id') columns.employee = values.map((v) => pseudonym(String(v), key));
    else if (name === 'counterpart_line_id') columns.counterpart = values.map((v) => pseudonym(String(v), key));
    else columns[name] = values;
  }
  return aq.table(columns);
}
