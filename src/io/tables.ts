/**
 * Line-level tables in and out of CSV. Writes are atomic (temporary name, then
 * rename) so a failed run never leaves a half-written table that looks complete.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { round } from '../util/stats';
import { SoOError } from '../util/errors';

/** Columns read back as text even when they look like numbers (E.164 ids do). */
const TEXT_COLUMNS = new Set([
  'line_id', 'account_id', 'counterpart_line_id', 'contact_id', 'plan_id', 'payment_type', 'handset_tier', 'device_type', 'status',
  'recharge_channel', 'community', 'role', 'segment', 'value_tier', 'product_id', 'audience', 'channel', 'reason', 'model', 'item_id',
  'kind', 'name', 'detail', 'account_name', 'industry', 'region', 'description', 'dialogue_stage', 'main_segment', 'unit', 'definition',
]);

export function writeTable(path: string, table: ColumnTable): void {
  const rounded = table.numRows()
    ? aq.table(Object.fromEntries(table.columnNames().map((name) => {
        const values = table.array(name) as unknown[];
        return [name, Array.from(values, (v) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 8) : v))];
      })))
    : table;
  const csv = aq.toCSV(rounded);
  writeText(path, csv.endsWith('\n') ? csv : csv + '\n');
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

export function readTable(path: string): ColumnTable {
  if (!existsSync(path)) throw new SoOError('pipeline', `${path} is missing: run the steps before it first (without --from)`);
  const text = readFileSync(path, 'utf8');
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const parse = Object.fromEntries(header.filter((c) => TEXT_COLUMNS.has(c)).map((c) => [c, (v: string) => v]));
  return aq.fromCSV(text, { parse });
}
