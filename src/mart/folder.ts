/**
 * A mart computed elsewhere: the line-level steps start from a folder that holds what the mart step writes (the
 * employee mart, the call edge list, the observation window and the reference tables of the accounts in scope),
 * built by an operator's own engine on records that never leave it (docs/scaling.md). The folder is checked
 * before any work, every problem on a line of its own; its tables then enter the run as the mart step's outputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { DATASETS, type ColumnDef, type DatasetName, type TableDataset } from '../catalog';
import { ident, lit, queryRows, queryTable, type Db } from '../io/duckdb';
import { emptyOf, normalizeTable } from '../io/tables';
import { SoOError } from '../util/errors';
import { FEATURES } from './dictionary';

/** A file of the folder: the data set it becomes, its file name (without extension) and whether it may be absent. */
export interface MartFile {
  dataset: DatasetName;
  file: string;
  required: boolean;
  /** The order the mart step gives its rows in: another engine's rows come in any order, and are sorted so. */
  order?: string;
  /** What the steps do without it. */
  whenAbsent?: string;
}

/** The folder's files, named as in an output folder: a full run's `mart/` and `intermediate/` files, side by side. */
export const MART_FOLDER: readonly MartFile[] = [
  { dataset: 'mart', file: 'employee_mart', required: true, order: 'account_id, line_id' },
  { dataset: 'edges', file: 'call_edges', required: true, order: 'account_id, line_id, counterpart_line_id' },
  { dataset: 'window', file: 'window', required: true },
  { dataset: 'accounts', file: 'accounts', required: true, order: 'account_id' },
  { dataset: 'products', file: 'products', required: true, order: 'product_id' },
  { dataset: 'holdings', file: 'active_holdings', required: true, order: 'line_id, product_id, start_date' },
  { dataset: 'holding_spells', file: 'holding_spells', required: true, order: 'line_id, product_id, start_date, end_date' },
  { dataset: 'contacts', file: 'contacts', required: false, order: 'account_id, contact_id', whenAbsent: 'no decision maker is known: every account\'s stage is no_relationship' },
  { dataset: 'responses', file: 'responses', required: false, order: 'date, account_id, response_id', whenAbsent: 'no response memory: no decline is remembered, stages come from contacts alone' },
  { dataset: 'load_summary', file: 'summary', required: false, whenAbsent: 'the report shows no input counts (rows read, quarantined)' },
];

/** Where a file of the folder is: `<file>.parquet` or `<file>.csv` for a table, `<file>.json` for the window and summary. */
function locateFile(dir: string, f: MartFile): { path: string; format: 'csv' | 'parquet' | 'json' } | undefined {
  if (DATASETS[f.dataset].kind !== 'table') {
    const path = join(dir, `${f.file}.json`);
    return existsSync(path) ? { path, format: 'json' } : undefined;
  }
  for (const format of ['parquet', 'csv'] as const) {
    const path = join(dir, `${f.file}.${format}`);
    if (existsSync(path)) return { path, format };
  }
  return undefined;
}

/** DuckDB's cast of a column's text to its declared type: a value it cannot cast has the wrong type. */
const CASTS: Record<ColumnDef['type'], { sql: string; expected: string } | undefined> = {
  text: undefined,
  enum: undefined,
  integer: { sql: 'BIGINT', expected: 'an integer' },
  number: { sql: 'DOUBLE', expected: 'a number' },
  boolean: { sql: 'BOOLEAN', expected: 'true or false' },
  date: { sql: 'DATE', expected: 'a date (YYYY-MM-DD)' },
};

/** The file's rows, every column as text: what the checks and the typed read start from. */
function textSource(path: string, format: 'csv' | 'parquet'): string {
  return format === 'csv'
    ? `read_csv(${lit(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`
    : `(SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${lit(path)}))`;
}

/** The problems of one table file: columns missing, values of the wrong type (the first one named). */
async function tableProblems(db: Db, name: string, path: string, format: 'csv' | 'parquet', def: TableDataset): Promise<string[]> {
  let columns: string[];
  try {
    columns = (await queryRows<{ column_name: string }>(db, `DESCRIBE SELECT * FROM ${textSource(path, format)}`)).map((r) => r.column_name);
  } catch (e) {
    return [`${name}: cannot be read (${(e as Error).message.split('\n')[0]})`];
  }
  const missing = def.columns.filter((c) => !columns.includes(c.name));
  const problems = missing.map((c) => `${name}: missing column ${c.name}`);
  const typed = def.columns.filter((c) => columns.includes(c.name) && CASTS[c.type]);
  if (!typed.length) return problems;
  // One scan counts, per column, the values its type refuses, and keeps the first.
  const select = typed.flatMap((c, i) => {
    const bad = `${ident(c.name)} IS NOT NULL AND ${ident(c.name)} <> '' AND TRY_CAST(${ident(c.name)} AS ${CASTS[c.type]!.sql}) IS NULL`;
    return [`count(*) FILTER (WHERE ${bad}) AS n${i}`, `min(CASE WHEN ${bad} THEN ${ident(c.name)} END) AS v${i}`];
  });
  const [counts] = await queryRows<Record<string, unknown>>(db, `SELECT ${select.join(', ')} FROM ${textSource(path, format)}`);
  typed.forEach((c, i) => {
    const n = Number(counts[`n${i}`]);
    if (n) problems.push(`${name}: column ${c.name} must be ${CASTS[c.type]!.expected}; ${n.toLocaleString('en')} value${n > 1 ? 's are' : ' is'} not (e.g. ${JSON.stringify(String(counts[`v${i}`]))})`);
  });
  return problems;
}

/** Checks a window.json: first_day and last_day as dates (or null), observed_days a whole number. */
function windowProblems(name: string, path: string): string[] {
  let w: Record<string, unknown>;
  try {
    w = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return [`${name}: not valid JSON (${(e as Error).message})`];
  }
  const problems: string[] = [];
  for (const key of ['first_day', 'last_day']) {
    if (!(key in w)) problems.push(`${name}: missing key ${key}`);
    else if (w[key] !== null && !(typeof w[key] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(w[key] as string))) problems.push(`${name}: ${key} must be a date YYYY-MM-DD, got ${JSON.stringify(w[key])}`);
  }
  if (!Number.isInteger(w.observed_days)) problems.push(`${name}: observed_days must be a whole number, got ${JSON.stringify(w.observed_days)}`);
  return problems;
}

/** Every problem of a mart folder, one line each (empty: the folder can be used). */
export async function martFolderProblems(db: Db, dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [`${dir} does not exist`];
  const problems: string[] = [];
  for (const f of MART_FOLDER) {
    const hit = locateFile(dir, f);
    const kind = DATASETS[f.dataset].kind;
    if (!hit) {
      if (f.required) problems.push(`missing file ${kind === 'table' ? `${f.file}.csv or ${f.file}.parquet` : `${f.file}.json`}`);
      continue;
    }
    const name = hit.path.slice(dir.length).replace(/^[\\/]/, '');
    if (hit.format === 'json') {
      if (f.dataset === 'window') problems.push(...windowProblems(name, hit.path));
      else {
        try {
          if (!Array.isArray(JSON.parse(readFileSync(hit.path, 'utf8')))) problems.push(`${name}: must be a list of input files, as inputs/summary.json of a run`);
        } catch (e) {
          problems.push(`${name}: not valid JSON (${(e as Error).message})`);
        }
      }
    } else problems.push(...(await tableProblems(db, name, hit.path, hit.format, DATASETS[f.dataset] as TableDataset)));
  }
  return problems;
}

/** Stops the run, before any work, with every problem of the folder on a line of its own. */
export async function checkMartFolder(db: Db, dir: string): Promise<void> {
  const problems = await martFolderProblems(db, dir);
  if (problems.length) {
    throw new SoOError('mart-folder', `${dir} does not hold a mart in the documented schema (docs/data-contract.md, "A mart computed elsewhere"):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** A table of the folder, typed as declared and checked as any table a run reads (keys, enums, empty values). */
async function readFolderTable(db: Db, name: string, path: string, format: 'csv' | 'parquet', def: TableDataset, order: string): Promise<ColumnTable> {
  // Only the declared columns: the folder may carry more.
  const cols = def.columns.map((c) => (CASTS[c.type] ? `CAST(nullif(${ident(c.name)}, '') AS ${CASTS[c.type]!.sql}) AS ${ident(c.name)}` : `nullif(${ident(c.name)}, '') AS ${ident(c.name)}`));
  // Sorted by the same engine as the mart step's own ORDER BY (bytewise text, empty values last): the same rows, the same order.
  const by = order.split(', ').map(ident).join(', ');
  const table = await queryTable(db, `SELECT * FROM (SELECT ${cols.join(', ')} FROM ${textSource(path, format)}) ORDER BY ${by}`);
  try {
    return normalizeTable(name, def, table.numRows() ? table : emptyOf(def));
  } catch (e) {
    throw new SoOError('mart-folder', `${name}: ${(e as Error).message.replace(/^segment-of-one\/catalog: [^:]+: /, '')}`);
  }
}

/** The folder's data sets, as the mart step would hand them on (the feature dictionary is the built-in one). */
export async function readMartFolder(db: Db, dir: string): Promise<Partial<Record<DatasetName, unknown>>> {
  const out: Partial<Record<DatasetName, unknown>> = {
    dictionary: aq.from(FEATURES.map(({ name, unit, definition }) => ({ name, unit, definition }))),
  };
  for (const f of MART_FOLDER) {
    const hit = locateFile(dir, f);
    const def = DATASETS[f.dataset];
    if (!hit) {
      if (def.kind === 'table') out[f.dataset] = emptyOf(def);
      continue;
    }
    const name = hit.path.slice(dir.length).replace(/^[\\/]/, '');
    out[f.dataset] = hit.format === 'json' ? JSON.parse(readFileSync(hit.path, 'utf8')) : await readFolderTable(db, name, hit.path, hit.format, def as TableDataset, f.order!);
  }
  return out;
}
