/**
 * Reads the pilot data folder into DuckDB, checks every row against the contract
 * and splits it into an accepted, typed table and a quarantine file.
 *
 * Every check is SQL generated from the contract (contract.ts), so it runs at
 * event scale inside DuckDB and no event ever becomes a JS object. Rows DuckDB's
 * CSV reader cannot parse (bad UTF-8, wrong field count) come from its rejects
 * table and are quarantined beside the rows that break a rule; so are rows whose
 * quote is not closed on its line (quotes.ts).
 */
import { mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileSpec, type ColumnSpec, type FileName, type FileSpec } from './contract';
import { checkColumns, checkEncoding, type InputFile } from './files';
import { ident, lit, queryRows, queryValue, run, type Db } from './duckdb';
import { LOAD_DEFAULTS, tempDirOf, type LoadOptions } from './options';
import { repairQuotes, type BrokenQuote } from './quotes';
import { SoOError } from '../util/errors';

export interface FileCounts {
  file: FileName;
  path: string | null;
  format: string;
  read: number;
  accepted: number;
  quarantined: number;
  /** How often each reason occurred (a row can have several). */
  reasons: Record<string, number>;
  /** Set when a large share of the file's rows is quarantined (warnings.ts). */
  warning?: string;
  /** For an input given as several files (a folder): each file's rows read and quarantined, in reading order. */
  parts?: PartCounts[];
}

export interface PartCounts {
  path: string;
  read: number;
  quarantined: number;
}

/** Files in dependency order: a foreign key always points to a file loaded before. */
export const LOAD_ORDER: FileName[] = ['accounts', 'lines', 'products', 'events', 'recharges', 'holdings', 'cells', 'contacts', 'campaigns', 'assignments', 'responses'];


/** A rule on one column: `fails` is a SQL condition true when the row breaks it. */
export interface Check {
  fails: string;
  reason: string;
}

/** SQL true when a text is an ISO 8601 timestamp with its UTC offset (local wall clock first). */
function timestampRule(c: string): string {
  return `(${c} LIKE '____-__-__T__:__:__%' OR ${c} LIKE '____-__-__ __:__:__%') ` +
    `AND regexp_full_match(substr(${c}, 20), '(\\.[0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)') ` +
    `AND TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL`;
}

/** The contract's rules on one column. */
export function columnChecks(col: ColumnSpec): Check[] {
  const c = ident(col.name);
  const checks: Check[] = [];
  // DuckDB reads an empty field as NULL; a field of blanks is missing too (trim only what
  // starts with a blank: trimming every value costs more than all the other checks).
  const missing = `(${c} IS NULL OR (${c} < '!' AND trim(${c}) = ''))`;
  if (col.required === true) checks.push({ fails: missing, reason: `missing ${col.name}` });
  else if (typeof col.required === 'string') checks.push({ fails: `${missing} AND (${col.required})`, reason: `missing ${col.name}` });
  const bad = (cond: string, reason: string) => checks.push({ fails: `${c} IS NOT NULL AND (${cond})`, reason });
  switch (col.type) {
    case 'integer':
      bad(`NOT regexp_full_match(${c}, '[+-]?[0-9]{1,18}')`, `invalid integer in ${col.name}`);
      break;
    case 'decimal':
      bad(`NOT coalesce(isfinite(TRY_CAST(${c} AS DOUBLE)), false)`, `invalid number in ${col.name}`);
      break;
    case 'date':
      bad(`NOT regexp_full_match(${c}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') OR TRY_CAST(${c} AS DATE) IS NULL`, `invalid date in ${col.name} (YYYY-MM-DD)`);
      break;
    case 'timestamp':
      // The local wall clock is read straight from the text, so the text must carry its offset.
      bad(`NOT (${timestampRule(c)})`, `invalid ${col.name} (needs ISO 8601 with UTC offset)`);
      break;
    case 'day':
      bad(`NOT ((regexp_full_match(${c}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(${c} AS DATE) IS NOT NULL) OR (${timestampRule(c)}))`,
        `invalid ${col.name} (YYYY-MM-DD or ISO 8601 with UTC offset)`);
      break;
    case 'enum':
      bad(`${c} NOT IN (${(col.values ?? []).map(lit).join(', ')})`, `unknown value in ${col.name}`);
      break;
    case 'country':
      bad(`NOT regexp_full_match(${c}, '[A-Z]{2}')`, `invalid country code in ${col.name}`);
      break;
    case 'boolean':
      bad(`lower(${c}) NOT IN ('true', 'false')`, `invalid boolean in ${col.name}`);
      break;
    case 'string':
      break;
  }
  if (col.min !== undefined && (col.type === 'integer' || col.type === 'decimal')) {
    const value = `TRY_CAST(${c} AS DOUBLE)`;
    const op = col.exclusive ? '<=' : '<';
    const reason = col.min === 0 ? (col.exclusive ? `${col.name} must be positive` : `negative ${col.name}`) : `${col.name} below ${col.min}`;
    checks.push({ fails: `${value} ${op} ${col.min}`, reason });
  }
  if (col.max !== undefined && (col.type === 'integer' || col.type === 'decimal')) {
    checks.push({ fails: `TRY_CAST(${c} AS DOUBLE) > ${col.max}`, reason: `${col.name} above ${col.max}` });
  }
  return checks;
}

/** The typed value of an accepted cell. Timestamps become local date and hour, read from the text. */
export function typedColumns(col: ColumnSpec): string[] {
  const c = ident(col.name);
  switch (col.type) {
    case 'integer':
      return [`CAST(${c} AS BIGINT) AS ${c}`];
    case 'decimal':
      return [`CAST(${c} AS DOUBLE) AS ${c}`];
    case 'date':
      return [`CAST(${c} AS DATE) AS ${c}`];
    case 'day':
      return [`CAST(substr(${c}, 1, 10) AS DATE) AS ${c}`];
    case 'boolean':
      return [`lower(${c}) = 'true' AS ${c}`];
    case 'timestamp':
      return [
        `CAST(substr(${c}, 1, 10) AS DATE) AS ${ident(col.name + '_local_date')}`,
        `CAST(substr(${c}, 12, 2) AS TINYINT) AS ${ident(col.name + '_local_hour')}`,
      ];
    default:
      return [c];
  }
}

/**
 * The select list of a file's accepted rows from its staged scan, whose columns are `columns` (and `#part`): the
 * contract's columns typed, then the columns the contract does not know, as text (measurement breaks results down
 * by them), but for one named as a typed column is.
 */
export function acceptedColumns(spec: FileSpec, columns: readonly string[]): string {
  const typed = spec.columns.flatMap(typedColumns);
  const known = new Set(spec.columns.map((c) => c.name));
  const extras = columns.filter((c) => c !== '#part' && !known.has(c) && !typed.some((t) => t.endsWith(` AS ${ident(c)}`)));
  return [...typed, ...extras.map(ident)].join(', ');
}

/** Column of the raw tables holding each row's place in the scan (0-based); '#' keeps it apart from any column a file may have. */
const ROW = ident('#row');
/** Column of the raw tables holding the index of the file a row comes from (InputFile.parts; 0 for a single file). */
const PART = ident('#part');

/**
 * The row hash that finds exact duplicates: the first 12 hex digits of the md5 of the row's text. md5
 * and substr are in every SQL engine (Spark, Trino, BigQuery: docs/scaling.md), unlike DuckDB's hash();
 * 12 characters are the most DuckDB keeps inline, and 48 bits leave few chance collisions, each
 * ruled out by the column-by-column comparison that follows.
 */
export function rowHashSql(columns: readonly string[]): string {
  return `substr(md5(concat_ws(',', ${columns.map(ident).join(', ')})), 1, 12)`;
}

/** Where the scan of one input is staged: Parquet in the run's temporary folder (see loadFile). */
export function stagePath(tempDir: string, name: FileName): string {
  return join(tempDir, `raw_${name}.parquet`);
}

/**
 * The scan of one input as DuckDB SQL: every column as text, in file order, files in list order, with
 * `#part`, the row's file's index in the list. `paths` may put another file in a file's place (the
 * repaired copy of a file with a broken quote).
 */
export function readerSql(input: InputFile, rejectsTable: string, paths: readonly string[] = partsOf(input).map((p) => p.path)): string {
  // One scan of every file; #part, the file's place in the list, names a row's file in the quarantine and the counts.
  const list = `[${paths.map(lit).join(', ')}]`;
  const part = `CAST(list_position(${list}, "#file") - 1 AS INTEGER) AS ${PART}`;
  if (input.format === 'parquet') {
    return `SELECT COLUMNS(* EXCLUDE (file_row_number, "#file"))::VARCHAR, ${part} FROM read_parquet(${list}, file_row_number = true, filename = '#file') ORDER BY ${PART}, file_row_number`;
  }
  const columns = input.columns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ');
  // DuckDB decodes Latin-1 itself (a built-in encoding since 1.1), so the text it holds is UTF-8 either way.
  const encoding = input.encoding === 'latin-1' ? `encoding = 'latin-1', ` : '';
  return (
    `SELECT * EXCLUDE ("#file"), ${part} FROM read_csv(${list}, header = true, filename = '#file', auto_detect = false, columns = {${columns}}, ${encoding}` +
    // The parallel scan keeps file order (preserve_insertion_order, set in duckdb.ts) and exact
    // reject line numbers: file order is what gives every quarantined row its source row.
    `delim = ',', quote = '"', escape = '"', strict_mode = true, parallel = true, ` +
    `store_rejects = true, rejects_table = ${lit(rejectsTable)}, rejects_scan = ${lit(rejectsTable + '_scan')})`
  );
}

/** The files an input is read from: its parts (a folder of files), or the input itself. */
export function partsOf(input: InputFile): InputFile[] {
  return input.parts?.length ? input.parts : [input];
}

function describeError(e: unknown, input: InputFile): SoOError {
  const message = (e as Error).message.split('\n')[0];
  return new SoOError('load', `${input.path} cannot be read (${message})`);
}

/** DuckDB's estimate of the share done (0-100) of the statement running now, and what it does. */
export type LoadProgress = (percent: number, doing: string) => void;

/**
 * Loads one file: `<name>` becomes a view of the accepted, typed rows, rejects go
 * to `<quarantineDir>/<name>.csv`. Returns the counts for the run manifest.
 *
 * The file is scanned once, as text in file order, into a Parquet file in the temporary folder
 * (stagePath), and `raw_<name>` is a view of it whose `#row` + 1 is the parsed row. Parquet, not a
 * DuckDB table: an in-memory table of the text holds about 20 bytes per field, so from ten times the
 * built-in pilot on the events outgrow the memory limit and spill uncompressed, and the scan grew
 * faster than the file (9 GB spilled at x100); the Parquet file is about the size of the gzip file
 * (1.3 GB at x100, a sixth of the text), is written in one pass, and every later pass reads only the
 * columns it needs. Every check
 * then runs in parallel over it and yields only the small set `bad_<name>` of failing rows with their
 * reasons; the accepted view is the staged rows less a tiny anti-join.
 *
 * Of `options`, loadFile reads maxQuotedLines and tempDir (defaults in LOAD_DEFAULTS).
 */
export async function loadFile(db: Db, input: InputFile, quarantineDir: string, onProgress?: LoadProgress, options: LoadOptions = {}): Promise<FileCounts> {
  const phase = (doing: string) => onProgress && ((percent: number) => onProgress(percent, doing));
  const spec = fileSpec(input.name);
  const rej = `rej_${spec.name}`;
  const raw = `raw_${spec.name}`;
  const bad = `bad_${spec.name}`;
  if (input.format === 'parquet') {
    try {
      const described = await queryRows<{ column_name: string }>(db, `DESCRIBE SELECT * FROM read_parquet(${lit(partsOf(input)[0].path)})`);
      input.columns = described.map((r) => r.column_name);
    } catch (e) {
      throw describeError(e, input);
    }
    checkColumns(spec, input.columns, input.path);
  }
  const present = new Set(input.columns);
  const contractCols = spec.columns.map((c) => c.name);
  const extras = input.columns.filter((c) => !contractCols.includes(c));
  const kept = [...contractCols, ...extras];
  // Contract columns the file lacks are optional ones: they read as empty.
  const cleaned = [
    ...spec.columns.map((c) => (present.has(c.name) ? ident(c.name) : `NULL::VARCHAR AS ${ident(c.name)}`)),
    ...extras.map((c) => ident(c)),
    PART,
  ].join(', ');
  const parts = partsOf(input);
  const several = parts.length > 1;
  const hasRejects = input.format !== 'parquet';
  const tempDir = tempDirOf(options);
  mkdirSync(tempDir, { recursive: true });
  const stage = stagePath(tempDir, spec.name);
  const paths = parts.map((p) => p.path);
  const scan = async () => {
    try {
      await run(db, `COPY (SELECT ${cleaned} FROM (${readerSql(input, rej, paths)})) TO ${lit(stage)} (FORMAT parquet, COMPRESSION snappy)`, phase('reading'));
    } catch (e) {
      rmSync(stage, { force: true });
      throw describeError(e, input);
    }
    await run(db, `CREATE OR REPLACE VIEW ${raw} AS SELECT file_row_number AS ${ROW}, * EXCLUDE (file_row_number) FROM read_parquet(${lit(stage)}, file_row_number = true)`);
    // r: the rejected row's 1-based data row (DuckDB's line 1 is the header). DuckDB may report
    // one malformed row more than once (one error per extra field).
    if (hasRejects) await run(db, `CREATE OR REPLACE TEMP TABLE ${rej}_rows AS SELECT CAST(file_id AS INTEGER) AS part, CAST(line AS BIGINT) - 1 AS r, min(lower(error_type)) AS error_type, min(csv_line) AS csv_line FROM ${rej} GROUP BY file_id, line`);
  };
  // Records DuckDB read from each file: parsed rows and rejected ones.
  const records = async (): Promise<number[]> => {
    const rows = await queryRows<{ part: number; n: number }>(db, `SELECT part, CAST(sum(n) AS BIGINT) AS n FROM (
      SELECT ${PART} AS part, count(*) AS n FROM ${raw} GROUP BY 1
      ${hasRejects ? `UNION ALL SELECT part, count(*) FROM ${rej}_rows GROUP BY 1` : ''}) GROUP BY part`);
    const n = parts.map(() => 0);
    for (const r of rows) n[r.part] = r.n;
    return n;
  };
  await scan();
  // Blank lines hold no row, yet DuckDB counts them in its line numbers: source rows skip them.
  const blankRows: { part: number; row: number }[] = [];
  const broken: { part: number; quote: BrokenQuote }[] = [];
  const counted = await records();
  const copies: string[] = [];
  try {
    for (const [i, part] of parts.entries()) {
      const survey = await part.integrity;
      if (survey) checkEncoding(part, survey);
      // Each record takes one line unless a quoted value spans lines: only then are the quotes looked at.
      if (!(survey?.quotes && counted[i] !== survey.lines - 1)) {
        for (const row of survey?.blankRows ?? []) blankRows.push({ part: i, row });
        continue;
      }
      const repair = await repairQuotes(part, spec, options.maxQuotedLines ?? LOAD_DEFAULTS.maxQuotedLines, tempDirOf(options), phase('finding broken quotes'));
      if (repair.copy) {
        copies.push(repair.copy);
        paths[i] = repair.copy;
        await run(db, `DROP TABLE IF EXISTS ${rej}; DROP TABLE IF EXISTS ${rej}_scan`);
        await scan();
      }
      if ((await records())[i] !== repair.records - repair.blankRows.length - repair.broken.length) {
        throw new SoOError('load', `${part.path}: a quote opened in row ${repair.firstSpan} runs past the end of its line, and the rows after it cannot be told apart: check the quoting around that row`);
      }
      for (const row of repair.blankRows) blankRows.push({ part: i, row });
      for (const quote of repair.broken) broken.push({ part: i, quote });
    }
  } finally {
    for (const copy of copies) unlinkSync(copy);
  }
  for (let i = 0; i < broken.length; i += 1000) {
    const values = broken.slice(i, i + 1000).map(({ part, quote: b }) => `(${part}, ${b.row}, ${lit(`unterminated quote in ${b.column}`)}, ${lit(b.text)})`);
    await run(db, `INSERT INTO ${rej}_rows VALUES ${values.join(', ')}`);
  }
  if (blankRows.length) {
    // A plain table, not a temporary one: the appender looks in the main schema.
    await run(db, `CREATE OR REPLACE TABLE blank_${spec.name} (part INTEGER, r BIGINT)`);
    const appender = await db.conn.createAppender(`blank_${spec.name}`);
    for (const b of blankRows) {
      appender.appendInteger(b.part);
      appender.appendBigInt(BigInt(b.row));
      appender.endRow();
    }
    appender.closeSync();
  }
  const rejected = hasRejects ? Number(await queryValue(db, `SELECT count(*) FROM ${rej}_rows`)) : 0;
  if (spec.required && (await records()).every((n) => n === 0)) throw new SoOError('load', `${input.path} has no rows: nothing to analyse`);

  // Reasons that need other rows: foreign keys, duplicate keys.
  const setReasons: string[] = [];
  spec.foreignKeys.forEach((fk) => {
    setReasons.push(`SELECT c.${ROW} AS rid, '${fk.column} not in ${fk.file}' AS reason FROM ${raw} c
      WHERE c.${ident(fk.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.file} f WHERE f.${ident(fk.ref)} = c.${ident(fk.column)})`);
  });
  if (spec.key) {
    setReasons.push(`SELECT c.${ROW} AS rid, 'duplicate ${spec.key}' AS reason FROM ${raw} c
      JOIN (SELECT ${ident(spec.key)} AS k, min(${ROW}) AS first FROM ${raw} WHERE ${ident(spec.key)} IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d
      ON d.k = c.${ident(spec.key)} AND c.${ROW} > d.first`);
  }
  // Exact duplicates. Identical rows agree on their first two columns (for events: the line and the start time),
  // so rows whose pair of those repeats are the only candidates: a narrow grouping finds the pairs (x100: 36 s for
  // hashing every whole row, 86 M groups of row hashes), and a semi-join fetches their rows. The grouping is on
  // the engine's own 64-bit hash of the pair, not on the two texts: 86 M groups of two texts outgrew the memory
  // limit and took 23-28 s at x100 (1.3 s at x10), against 7.8-9.5 s for the hashes (0.8 s at x10). The hash never
  // leaves the statement: a collision only adds a candidate, which the comparison below turns away. Among the
  // candidates, equal row hashes, then every column compared with its first copy. A repeated hash is nearly always
  // a pair of rows, which the aggregate names; only one seen three times or more needs a join to list its rows.
  const pairHash = (alias: string) => `hash(${kept.slice(0, 2).map((c) => `${alias}${ident(c)}`).join(', ')})`;
  const cands = `dupcand_${spec.name}`;
  await run(db, `CREATE OR REPLACE TEMP TABLE keygroups_${spec.name} AS
     SELECT ${pairHash('')} AS pair_hash FROM ${raw} GROUP BY 1 HAVING count(*) > 1`, phase('finding duplicates'));
  await run(db, `CREATE OR REPLACE TEMP TABLE ${cands} AS
     SELECT r.* FROM ${raw} r SEMI JOIN keygroups_${spec.name} g ON ${pairHash('r.')} = g.pair_hash`, phase('finding duplicates'));
  await run(db, `DROP TABLE keygroups_${spec.name}`);
  const rowHash = rowHashSql(kept);
  await run(db, `CREATE OR REPLACE TEMP TABLE dupgroups_${spec.name} AS
     SELECT ${rowHash} AS row_hash, min(${ROW}) AS first, max(${ROW}) AS last, count(*) AS n FROM ${cands} GROUP BY 1 HAVING count(*) > 1`);
  const many = Number(await queryValue(db, `SELECT count(*) FROM dupgroups_${spec.name} WHERE n > 2`)) > 0;
  const same = kept.map((c) => `a.${ident(c)} IS NOT DISTINCT FROM f.${ident(c)}`).join(' AND ');
  await run(
    db,
    `CREATE OR REPLACE TEMP TABLE dup_${spec.name} AS
     WITH cand AS MATERIALIZED (
            SELECT last AS rid, first FROM dupgroups_${spec.name} WHERE n = 2
            ${many ? `UNION ALL SELECT h.rid, g.first FROM (SELECT ${ROW} AS rid, ${rowHash} AS row_hash FROM ${cands}) h
              JOIN (SELECT * FROM dupgroups_${spec.name} WHERE n > 2) g ON g.row_hash = h.row_hash AND h.rid > g.first` : ''})
     SELECT cand.rid FROM cand JOIN ${cands} a ON a.${ROW} = cand.rid JOIN ${cands} f ON f.${ROW} = cand.first
     WHERE ${same}`,
  );
  await run(db, `DROP TABLE ${cands}`);
  await run(db, `DROP TABLE dupgroups_${spec.name}`);
  const checks = spec.columns.flatMap(columnChecks);
  // Rows are filtered on the bare conditions first; reasons are spelled out only for the few that fail.
  const anyFails = checks.map((k) => `(${k.fails})`).join(' OR ');
  const reasonList = checks.map((k) => `CASE WHEN ${k.fails} THEN ${lit(k.reason)} END`).join(', ');
  // An exact duplicate says only that: its other faults are its first copy's.
  await run(
    db,
    `CREATE OR REPLACE TEMP TABLE ${bad} AS
     WITH own AS (
       SELECT ${ROW} AS rid, concat_ws('; ', ${reasonList}) AS reason FROM ${raw} WHERE ${anyFails}
     ),
     other AS (${setReasons.length ? setReasons.join(' UNION ALL ') : 'SELECT NULL::BIGINT AS rid, NULL::VARCHAR AS reason WHERE false'}),
     merged AS (
       SELECT coalesce(o.rid, x.rid) AS rid, concat_ws('; ', o.reason, x.reasons) AS reason
       FROM own o FULL JOIN (SELECT rid, string_agg(reason, '; ' ORDER BY reason) AS reasons FROM other GROUP BY rid) x ON x.rid = o.rid
     )
     SELECT rid, 'exact duplicate of an earlier row' AS reason FROM dup_${spec.name}
     UNION ALL
     SELECT rid, reason FROM merged WHERE rid NOT IN (SELECT rid FROM dup_${spec.name})`,
    phase('checking rows'),
  );

  // Source rows, for quarantined rows only: the k-th parsed row sits after every row r_j it skips
  // (rejected or blank) with r_j - j < k.
  // With several files, k counts within the row's own file: its #row less the file's first.
  const skipped = [rejected ? `SELECT part, r FROM ${rej}_rows` : '', blankRows.length ? `SELECT part, r FROM blank_${spec.name}` : ''].filter(Boolean).join(' UNION ALL ');
  const position = skipped
    ? `SELECT n.*, n.k + coalesce(o.j, 0) AS source_row FROM bad n ASOF LEFT JOIN (
         SELECT part, t, max(j) AS j FROM (SELECT part, r - row_number() OVER (PARTITION BY part ORDER BY r) AS t, row_number() OVER (PARTITION BY part ORDER BY r) AS j FROM (${skipped})) GROUP BY part, t
       ) o ON n.part = o.part AND n.k > o.t`
    : `SELECT n.*, n.k AS source_row FROM bad n`;
  const firstRows = several ? `(SELECT ${PART} AS part, min(${ROW}) AS first FROM ${raw} GROUP BY 1)` : `(SELECT 0 AS part, 0 AS first)`;
  const fileName = (part: string) => `(${`[${parts.map((p) => lit(p.path)).join(', ')}]`})[${part} + 1]`;
  const shown = input.columns.map(ident).join(', ');
  const shownFromRaw = input.columns.map((c) => `r.${ident(c)}`).join(', ');
  const nullCols = input.columns.map((c) => `NULL AS ${ident(c)}`).join(', ');
  const target = join(quarantineDir, `${spec.name}.csv`);
  await run(
    db,
    `COPY (
       WITH bad AS (SELECT b.rid - p.first + 1 AS k, r.${PART} AS part, b.reason, ${shownFromRaw} FROM ${bad} b
                    JOIN (SELECT * FROM ${raw} WHERE ${ROW} IN (SELECT rid FROM ${bad})) r ON r.${ROW} = b.rid
                    JOIN ${firstRows} p ON p.part = r.${PART})
       SELECT ${several ? `${fileName('part')} AS source_file, ` : ''}source_row, reason, raw_line, ${shown} FROM (
         SELECT part, source_row, reason, NULL::VARCHAR AS raw_line, ${shown} FROM (${position})
         ${rejected ? `UNION ALL SELECT part, r, 'unparseable CSV row: ' || error_type, trim(csv_line, E'\\r\\n'), ${nullCols} FROM ${rej}_rows` : ''}
       ) ORDER BY part, source_row
     ) TO ${lit(target + '.tmp')} (HEADER, DELIMITER ',', FORMAT csv)`,
  );
  renameSync(target + '.tmp', target);

  const counts = await queryRows<{ read: number; quarantined: number }>(
    db,
    `SELECT (SELECT count(*) FROM ${raw}) + ${rejected} AS read, (SELECT count(*) FROM ${bad}) + ${rejected} AS quarantined`,
  );
  const perPart = several ? await queryRows<{ part: number; read: number; quarantined: number }>(
    db,
    `SELECT part, CAST(sum(is_read) AS BIGINT) AS read, CAST(sum(is_bad) AS BIGINT) AS quarantined FROM (
       SELECT ${PART} AS part, count(*) AS is_read, 0 AS is_bad FROM ${raw} GROUP BY 1
       UNION ALL SELECT r.${PART}, 0, count(*) FROM ${raw} r WHERE ${ROW} IN (SELECT rid FROM ${bad}) GROUP BY 1
       ${rejected ? `UNION ALL SELECT part, count(*), count(*) FROM ${rej}_rows GROUP BY 1` : ''}
     ) GROUP BY part`,
  ) : [];
  const tally = await queryRows<{ reason: string; n: number }>(
    db,
    `SELECT reason, CAST(count(*) AS BIGINT) AS n FROM (
       SELECT unnest(string_split(reason, '; ')) AS reason FROM ${bad}
       ${rejected ? `UNION ALL SELECT 'unparseable CSV row: ' || error_type FROM ${rej}_rows` : ''}
     ) GROUP BY reason ORDER BY reason`,
  );
  if (hasRejects) await run(db, `DROP TABLE IF EXISTS ${rej}; DROP TABLE IF EXISTS ${rej}_scan; DROP TABLE ${rej}_rows; DROP TABLE IF EXISTS blank_${spec.name}`);
  await run(db, `DROP TABLE dup_${spec.name}`);
  // Accepted rows, typed; a view over the staged scan, so the events are held once (on disk).
  await run(db, `CREATE OR REPLACE VIEW ${spec.name} AS SELECT ${acceptedColumns(spec, input.columns)} FROM ${raw}${await acceptedFilter(db, raw, bad)}`);
  const reasons: Record<string, number> = {};
  for (const t of tally) reasons[t.reason] = t.n;
  const { read, quarantined } = counts[0];
  const result: FileCounts = { file: spec.name, path: input.path, format: input.format, read, accepted: read - quarantined, quarantined, reasons };
  if (several) {
    result.parts = parts.map((p, i) => {
      const c = perPart.find((r) => r.part === i);
      return { path: p.path, read: c?.read ?? 0, quarantined: c?.quarantined ?? 0 };
    });
  }
  return result;
}

/**
 * The filter that leaves the quarantined rows out of the staged scan. The portable form is an anti-join
 * (`WHERE #row NOT IN (SELECT rid FROM bad)`), but DuckDB's hash join does not keep the scan's order on more than
 * one thread, and inputs/<file>.parquet must come out the same bytes on every run: copied on one thread, it was
 * a fifth of loading at x10. A bitmap of the quarantined row numbers (bitstring_agg, one bit per row: 11 MB for
 * 86 M events) read by get_bit is a plain filter, which keeps the order on every thread. get_bit takes a 32-bit
 * position: a file of 2^31 rows or more falls back to the anti-join, sorted.
 */
async function acceptedFilter(db: Db, raw: string, bad: string): Promise<string> {
  const [{ rows, last }] = await queryRows<{ rows: number; last: number | null }>(db, `SELECT (SELECT count(*) FROM ${bad}) AS rows, (SELECT max(${ROW}) FROM ${raw}) AS last`);
  if (!rows || last === null) return '';
  if (last >= 2 ** 31 - 1) return ` WHERE ${ROW} NOT IN (SELECT rid FROM ${bad}) ORDER BY ${ROW}`;
  const bits = `quarantined_${raw}`;
  await run(db, `SET VARIABLE ${bits} = (SELECT bitstring_agg(rid, 0, ${last}) FROM ${bad})`);
  return ` WHERE get_bit(getvariable(${lit(bits)}), CAST(${ROW} AS INTEGER)) = 0`;
}

/** An empty accepted table for an optional file that is absent, so later SQL needs no special case. */
export async function emptyTable(db: Db, spec: FileSpec): Promise<void> {
  // Typing through a zero-row select keeps the accepted table's column types.
  const select = spec.columns.flatMap(typedColumns).join(', ');
  const nulls = spec.columns.map((c) => `NULL::VARCHAR AS ${ident(c.name)}`).join(', ');
  await run(db, `CREATE OR REPLACE TABLE ${spec.name} AS SELECT ${select} FROM (SELECT ${nulls}) WHERE false`);
}
