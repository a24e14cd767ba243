/**
 * Catalog tables in and out of CSV or Parquet, checked against their declared columns on the way out and on
 * the way back (dbt's schema tests: keys unique and not null, enums within their values, numbers finite, ISO
 * dates). Writes are atomic (temporary name, then rename) so a failed or killed run never leaves a
 * half-written table that looks complete. Numbers are rounded to 8 decimals so tables are stable to the byte.
 *
 * A Parquet table is made by DuckDB from the CSV text itself, typed as the catalog declares: it holds exactly
 * the values a reader of the CSV gets, so a later step reads the same table from either file.
 */
import { rmSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { ColumnDef, TableDataset } from '../catalog';
import { round } from '../util/stats';
import { SoOError } from '../util/errors';
import { NO_CACHE, type Cache } from '../pipeline/cache';
import { lit, queryTable, run, type Db } from './duckdb';
import { plural } from '../util/text';

/** The config's `output` section: how the run writes its tables. */
export interface OutputParams {
  /** csv (default), parquet, or both side by side (`<name>.csv` and `<name>.parquet`). */
  format: TableFormat;
}

export type TableFormat = 'csv' | 'parquet' | 'both';

export const OUTPUT_FORMATS: readonly TableFormat[] = ['csv', 'parquet', 'both'];

export const OUTPUT_DEFAULTS: OutputParams = { format: 'csv' };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(name: string, message: string): never {
  throw new SoOError('catalog', `${name}: ${message}`);
}

/** A table without columns its data set declares: often one an earlier version wrote, before they were added. */
export class MissingColumns extends SoOError {
  constructor(readonly table: string, readonly missing: readonly string[]) {
    super('catalog', `${table}: lacks ${plural(missing.length, 'column')} ${missing.join(', ')}`);
  }
}

/**
 * A column's values, to read: the table's own array when it has one (neither filtered nor ordered), else a copy.
 * arquero's `array()` copies on every call, and a table written is read three times (its check, its CSV, the
 * table handed on): at x100 the copies were some 4 s of the main thread, and their garbage more.
 */
function valuesOf(table: ColumnTable, name: string): ArrayLike<unknown> {
  const column = table.column(name) as unknown;
  const plain = !table.isFiltered() && !table.isOrdered() && (Array.isArray(column) || ArrayBuffer.isView(column));
  return plain ? (column as ArrayLike<unknown>) : (table.array(name) as ArrayLike<unknown>);
}

/** Checks one value against its column; returns the reason it fails, or undefined. */
function badValue(col: ColumnDef, v: unknown): string | undefined {
  if (v === null || v === undefined || v === '') return col.nullable || col.type === 'text' ? undefined : 'is empty';
  switch (col.type) {
    case 'integer': return typeof v === 'number' && Number.isInteger(v) ? undefined : `is not an integer (${String(v)})`;
    case 'number': return typeof v === 'number' && Number.isFinite(v) ? undefined : `is not a finite number (${String(v)})`;
    case 'boolean': return typeof v === 'boolean' ? undefined : `is not true/false (${String(v)})`;
    case 'date': return typeof v === 'string' && ISO_DATE.test(v) ? undefined : `is not an ISO date (${String(v)})`;
    case 'enum': return col.values?.includes(String(v)) ? undefined : `is not one of ${col.values?.join(', ')} (${String(v)})`;
    case 'text': return typeof v === 'string' ? undefined : `is not text (${String(v)})`;
  }
}

/** The schema test of a table against its data set: columns, types, enums, key. */
export function checkTable(name: string, def: TableDataset, table: ColumnTable): void {
  const names = table.columnNames();
  const declared = def.columns.map((c) => c.name);
  const missing = declared.filter((c) => !names.includes(c));
  // An empty table built from no rows has no columns; it is written with the declared header.
  if (table.numRows() === 0 && names.length === 0) return;
  if (missing.length) throw new MissingColumns(name, missing);
  const extra = names.filter((c) => !declared.includes(c));
  if (extra.length && !def.open) fail(name, `has undeclared ${plural(extra.length, 'column')} ${extra.join(', ')} (declare it in src/catalog.ts)`);
  const n = table.numRows();
  for (const col of [...def.columns, ...extra.map((c): ColumnDef => ({ name: c, type: 'number', nullable: true }))]) {
    const values = valuesOf(table, col.name);
    for (let i = 0; i < n; i++) {
      const why = badValue(col, values[i]);
      if (why) fail(name, `row ${i + 1}: ${col.name} ${why}`);
    }
  }
  if (def.key) {
    const cols = def.key.map((k) => valuesOf(table, k));
    // Nested maps by key part, a set at the last: no joined string per row (1.8 M propensity pairs at x100).
    const seen: Map<unknown, unknown> | Set<unknown> = cols.length === 1 ? new Set() : new Map();
    for (let i = 0; i < n; i++) {
      let level = seen;
      for (let j = 0; j < cols.length; j++) {
        const part = cols[j][i];
        if (part === null || part === undefined || part === '') fail(name, `row ${i + 1}: key ${def.key.join(', ')} is empty`);
        if (j === cols.length - 1) {
          const last = level as Set<unknown>;
          if (last.has(part)) fail(name, `row ${i + 1}: key ${def.key.join(', ')} = ${cols.map((c) => c[i]).join(', ')} is not unique`);
          last.add(part);
        } else {
          const map = level as Map<unknown, unknown>;
          let next = map.get(part) as Map<unknown, unknown> | Set<unknown> | undefined;
          if (!next) map.set(part, (next = j === cols.length - 2 ? new Set() : new Map()));
          level = next;
        }
      }
    }
  }
}

/** A number as written: 8 decimals, or 6 significant digits below 1e-4 (a p value of 1e-12 is not 0). */
function stable(v: number): number {
  return Math.abs(v) >= 1e-4 || !Number.isFinite(v) ? round(v, 8) : Number(v.toPrecision(6));
}

/** A table with the declared columns and no rows: what a step's empty output is handed on as. */
export function emptyOf(def: TableDataset): ColumnTable {
  return aq.table(Object.fromEntries(def.columns.map((c) => [c.name, []])));
}

/** CSV text of a table in the declared column order, numbers rounded; the header even without rows. */
export function tableCsv(def: TableDataset, table: ColumnTable): string {
  const declared = def.columns.map((c) => c.name);
  const order = [...declared, ...table.columnNames().filter((c) => !declared.includes(c))];
  const columns = Object.fromEntries(order.map((name) => {
    const values = table.columnNames().includes(name) ? valuesOf(table, name) : [];
    return [name, Array.from(values, (v) => (typeof v === 'number' && !Number.isInteger(v) ? stable(v) : v))];
  }));
  const csv = aq.toCSV(aq.table(columns));
  return csv.endsWith('\n') ? csv : csv + '\n';
}

const PARSERS: Record<ColumnDef['type'], (v: string) => unknown> = {
  text: (v) => v,
  enum: (v) => v,
  date: (v) => v,
  integer: Number,
  number: Number,
  boolean: (v) => (v === 'true' ? true : v === 'false' ? false : v),
};

/**
 * The table as tableCsv then parseTable would give it back, without the text: declared columns first, numbers
 * rounded as written (-0 as 0), empty text and missing values as null. A run hands this on to later steps, so a
 * step reads the same values whether its input was just computed or read from disk (test/unit/pipeline.test.ts
 * checks it against the round trip).
 */
export function normalizeTable(name: string, def: TableDataset, table: ColumnTable, checked = false): ColumnTable {
  if (table.numRows() === 0 && table.numCols() === 0) return emptyOf(def);
  // A table just written was checked then (writeTable): at x100 the edge list's check took 1.5 s each time.
  if (!checked) checkTable(name, def, table);
  const declared = def.columns.map((c) => c.name);
  const order = [...declared, ...table.columnNames().filter((c) => !declared.includes(c))];
  const value = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'number' ? (Number.isInteger(v) ? v + 0 : stable(v)) : v);
  return aq.table(Object.fromEntries(order.map((c) => [c, Array.from(valuesOf(table, c), value)])));
}

/** Parses CSV text written by tableCsv back into the same table (dates stay ISO text). */
export function parseTable(name: string, def: TableDataset, csv: string): ColumnTable {
  const header = csv.slice(0, csv.indexOf('\n')).split(',');
  const types = new Map(def.columns.map((c) => [c.name, c.type]));
  const parse = Object.fromEntries(header.map((c) => [c, PARSERS[types.get(c) ?? (def.open ? 'number' : 'text')]]));
  const table = aq.fromCSV(csv, { parse });
  checkTable(name, def, table);
  return table;
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path + '.tmp', text);
    renameSync(path + '.tmp', path);
  } catch (e) {
    // A full disk must not leave a half-written file behind: the message names the file it was writing.
    rmSync(path + '.tmp', { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code && !err.path) err.path = path;
    throw e;
  }
}

/** Checks and writes a table; returns the text written, so a caller can hand on exactly what is on disk. */
export function writeTable(path: string, name: string, def: TableDataset, table: ColumnTable): string {
  checkTable(name, def, table);
  const csv = tableCsv(def, table);
  writeText(path, csv);
  return csv;
}

/**
 * Reads and checks a catalog table. With a cache, a table already parsed once is taken from the parsed copy of
 * its exact bytes (JSON parses ten times faster than CSV), which matters when an analyst re-runs a late step.
 */
export function readTable(path: string, name: string, def: TableDataset, cache: Cache = NO_CACHE): ColumnTable {
  if (!existsSync(path)) throw new SoOError('catalog', `${name} (${path}) is missing: run the step that writes it first`);
  const bytes = readFileSync(path);
  const columns = cache.json(['table', name, def, bytes], () => {
    const t = parseTable(name, def, bytes.toString('utf8'));
    return t.columnNames().map((c) => [c, Array.from(t.array(c) as ArrayLike<unknown>)] as [string, unknown[]]);
  });
  return aq.table(Object.fromEntries(columns));
}

/** Reads any CSV the workspace wrote whose columns are not in the catalog (quarantine files), all as text but numbers. */
export function readPlainCsv(path: string): ColumnTable {
  return aq.fromCSV(readFileSync(path, 'utf8'));
}

/** DuckDB's type for a catalog column; further columns of an open table are numbers. */
const SQL_TYPES: Record<ColumnDef['type'], string> = {
  text: 'VARCHAR', enum: 'VARCHAR', date: 'DATE', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN',
};

/**
 * Writes a table as Parquet from its CSV file (as writeTable wrote it, checked), typed as the catalog declares:
 * DuckDB parses the same text a CSV reader does, so the Parquet file holds the values the CSV gives.
 */
export async function writeParquetTable(db: Db, path: string, def: TableDataset, csvPath: string): Promise<void> {
  const text = readFileSync(csvPath, 'utf8');
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const types = new Map(def.columns.map((c) => [c.name, SQL_TYPES[c.type]]));
  const columns = header.map((c) => `${lit(c)}: ${lit(types.get(c) ?? 'DOUBLE')}`).join(', ');
  mkdirSync(dirname(path), { recursive: true });
  // Read by one thread, in file order: the rows and row groups, and so the bytes, are the same on every run.
  await run(db, `COPY (SELECT * FROM read_csv(${lit(csvPath)}, header = true, auto_detect = false, columns = {${columns}},
    delim = ',', quote = '"', escape = '"', parallel = false)) TO ${lit(path + '.tmp')} (FORMAT parquet, COMPRESSION snappy)`);
  renameSync(path + '.tmp', path);
}

/** Reads and checks a catalog table written as Parquet: the same values a read of its CSV gives. */
export async function readParquetTable(db: Db, path: string, name: string, def: TableDataset): Promise<ColumnTable> {
  if (!existsSync(path)) throw new SoOError('catalog', `${name} (${path}) is missing: run the step that writes it first`);
  return normalizeTable(name, def, await queryTable(db, `SELECT * FROM read_parquet(${lit(path)})`));
}
