/**
 * The embedded DuckDB that does all event-scale work. One database per run;
 * results come back to JS only as line-level (or smaller) tables.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { DuckDBDateValue, DuckDBInstance, DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { debugTime } from '../util/debug';

export interface Db {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** Hears every statement sent (run, queryRows, queryTable): how --print-sql shows the SQL a step runs. */
  onStatement?: (sql: string) => void;
}

/** The config's `engine` section (defaults in config.ts, ENGINE_DEFAULTS). */
export interface EngineParams {
  /** DuckDB threads; 0: one per core of the machine. */
  threads: number;
  /** DuckDB memory ceiling, a share of physical memory ("12.5%") or a size ("4GB"); above it DuckDB spills to the output folder's .tmp. */
  memory_limit: string;
  /** Worker threads for the per-account work (networks, report layouts); 0: one per core of the machine. */
  workers: number;
  /** Per-account work covering fewer lines than this runs in the main thread: starting workers would cost more. */
  workers_min_lines: number;
}

/**
 * DuckDB gets every core (threads 0) and an eighth of physical memory by default. An eighth, not DuckDB's own 80%:
 * DuckDB fills a large hash table up to its limit before it spills, so the limit sets the peak (the duplicate
 * search at x100 took 7,954 MiB of RSS under a 60% limit, and the mart's per-line aggregation took the run to
 * 6.5 GB under a fifth, against 5.2 GB for the whole run under an eighth, for about 5 s more of the mart's 70 s),
 * while spilling here costs little (that search at x10: the same CPU time under a 300 MB limit as under 8 GB). The rest of
 * memory is for Node (line-level tables, graphs, the report) and for the page cache, through which the staged
 * scans and the inputs are read several times. The config's engine section pins either (docs/config.md,
 * docs/scaling.md).
 */
export const ENGINE_DEFAULTS: EngineParams = { threads: 0, memory_limit: '12.5%', workers: 0, workers_min_lines: 5000 };

/** What engine.memory_limit may say: a percentage of physical memory, or a size DuckDB reads. */
export const MEMORY_LIMIT = /^(\d+(\.\d+)?%|\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB))$/i;

/** The engine settings a run uses on this machine: shares resolved to a thread count and a size (run.json records them). */
export function resolveEngine(params: Pick<EngineParams, 'threads' | 'memory_limit'>): Pick<EngineParams, 'threads' | 'memory_limit'> {
  const threads = params.threads === 0 ? availableParallelism() : params.threads;
  const share = /^(\d+(\.\d+)?)%$/.exec(params.memory_limit.trim());
  const memory_limit = share ? `${Math.floor((totalmem() * Number(share[1])) / 100 / 2 ** 20)}MiB` : params.memory_limit;
  return { threads, memory_limit };
}

export interface DbOptions {
  /** As in EngineParams; default ENGINE_DEFAULTS. */
  threads?: number;
  memoryLimit?: string;
  /** Where DuckDB may spill when a query needs more than the memory limit. */
  tempDirectory?: string;
}

export async function openDb(options: DbOptions = {}): Promise<Db> {
  const engine = resolveEngine({ threads: options.threads ?? ENGINE_DEFAULTS.threads, memory_limit: options.memoryLimit ?? ENGINE_DEFAULTS.memory_limit });
  const settings: Record<string, string> = {
    threads: String(engine.threads),
    memory_limit: engine.memory_limit,
    preserve_insertion_order: 'true',
  };
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  // Loaded on first use: the native library takes 0.4 s to load, and runs that start after the mart need no engine.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', settings);
  const conn = await instance.connect();
  // Progress is tracked for `run(..., onProgress)`; DuckDB must not print its own bar.
  await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  return { instance, conn };
}

export function closeDb(db: Db): void {
  db.conn.closeSync();
  db.instance.closeSync();
}

/** A statement as its timing shows it: one line, the first 100 characters (SOO_DEBUG_SQL=2: all of it). */
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').slice(0, Number(process.env.SOO_DEBUG_SQL) > 1 ? 100000 : 100);

/** Runs a statement; `onProgress` hears DuckDB's estimate of the share done (0-100) while it runs. */
export async function run(db: Db, sql: string, onProgress?: (percent: number) => void): Promise<void> {
  db.onStatement?.(sql);
  const started = Date.now();
  const timer = onProgress && setInterval(() => {
    const { percentage } = db.conn.progress;
    if (percentage >= 0) onProgress(percentage);
  }, 250);
  try {
    await db.conn.run(sql);
  } finally {
    if (timer) clearInterval(timer);
  }
  debugTime('sql', started, () => oneLine(sql));
}

/**
 * Runs `fn` with DuckDB's join-order optimiser off, so its statements join in the order they are written. For a
 * statement whose written order is right at every scale and which the optimiser gets wrong at scale (EDGES_SQL);
 * the setting is DuckDB's own, the SQL inside stays as portable as it was.
 */
export async function inWrittenJoinOrder<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await run(db, `SET disabled_optimizers = 'join_order'`);
  try {
    return await fn();
  } finally {
    await run(db, 'RESET disabled_optimizers');
  }
}

/** Rows as plain objects; BIGINT and DECIMAL come back as JS numbers. */
export async function queryRows<T = Record<string, unknown>>(db: Db, sql: string): Promise<T[]> {
  db.onStatement?.(sql);
  const reader = await db.conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => normaliseRow(row)) as T[];
}

export async function queryValue<T = unknown>(db: Db, sql: string): Promise<T> {
  const rows = await queryRows(db, sql);
  const first = rows[0];
  return (first ? Object.values(first)[0] : undefined) as T;
}

/** A query's result as an arquero table (for line-level results only). */
export async function queryTable(db: Db, sql: string): Promise<ColumnTable> {
  db.onStatement?.(sql);
  const started = Date.now();
  const reader = await db.conn.runAndReadAll(sql);
  debugTime('sql', started, () => oneLine(sql));
  const converting = Date.now();
  // DuckDB's own values, converted here by column type: the library's JS conversion runs a converter per value and
  // makes a Date of every DATE, which took 2.0 s for the 672k holding spells at x100 against 0.25 s this way.
  const columns = reader.getColumnsObject();
  const types = reader.columnTypes();
  const convert = await converters();
  const out: Record<string, unknown[]> = {};
  reader.columnNames().forEach((name, i) => {
    // A result without rows has no chunks, and so no column arrays.
    out[name] = convert(types[i])((columns[name] ?? []) as unknown[]);
  });
  debugTime('sql', converting, () => oneLine(`(to JS, ${reader.currentRowCount} rows) ${sql}`));
  return aq.table(out);
}

type ColumnConverter = (values: unknown[]) => unknown[];
let columnConverter: ((type: DuckDBType) => ColumnConverter) | undefined;

/** How a column of each DuckDB type becomes JS values; built on first use, when the engine is loaded already (openDb). */
async function converters(): Promise<(type: DuckDBType) => ColumnConverter> {
  if (columnConverter) return columnConverter;
  const { DuckDBTypeId: T, JSDuckDBValueConverter: js } = await import('@duckdb/node-api');
  // Text, numbers and booleans come as JS values already.
  const asIs = new Set([T.VARCHAR, T.DOUBLE, T.FLOAT, T.INTEGER, T.SMALLINT, T.TINYINT, T.UINTEGER, T.USMALLINT, T.UTINYINT, T.BOOLEAN]);
  // Whole numbers that come as bigint: counts and sums, well inside a double's exact range.
  const whole = new Set([T.BIGINT, T.HUGEINT, T.UBIGINT, T.UHUGEINT]);
  columnConverter = (type) => {
    if (asIs.has(type.typeId)) return (values) => values;
    if (whole.has(type.typeId)) return (values) => values.map((v) => (v === null ? null : Number(v)));
    if (type.typeId === T.DATE) return (values) => values.map((v) => (v === null ? null : isoDay((v as DuckDBDateValue).days)));
    return (values) => values.map((v) => normaliseValue(v === null ? null : js(v as DuckDBValue, type, js)));
  };
  return columnConverter;
}

/** A date (days since 1970-01-01) as YYYY-MM-DD; a result holds few distinct days, so each is written once. */
const isoDays = new Map<number, string>();
function isoDay(days: number): string {
  let text = isoDays.get(days);
  if (text === undefined) {
    text = new Date(days * 86_400_000).toISOString().slice(0, 10);
    isoDays.set(days, text);
  }
  return text;
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

/** Quotes a SQL string literal. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes a SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Drops a table or view by name, whichever it is (DuckDB refuses DROP VIEW on a table). */
export async function dropRelation(db: Db, name: string): Promise<void> {
  const rows = await queryRows<{ table_type: string }>(db, `SELECT table_type FROM information_schema.tables WHERE table_name = ${lit(name)}`);
  for (const r of rows) await run(db, `DROP ${r.table_type === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${ident(name)}`);
}
