/**
 * The load step: reads the pilot data folder, checks every row against the contract (load.ts), writes
 * the rejects to the quarantine and the accepted rows, typed, as Parquet under `<out>/inputs/`, where
 * the mart, later runs (`--from mart`) and notebooks query them without the raw files. The usage records
 * are kept as the load's scan and the list of their quarantined rows instead (acceptedSql).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { datasetPath, runFiles } from '../catalog';
import type { StepDef } from '../pipeline/step';
import { DEFAULT_PRODUCTS } from '../offers/products';
import { fileSpec, type FileName } from './contract';
import { dropRelation, lit, queryRows, run, type Db } from './duckdb';
import { absentFiles, preflight, type InputFile } from './files';
import { acceptedColumns, emptyTable, loadFile, LOAD_ORDER, stagePath, type FileCounts } from './load';
import type { FileEncoding, LoadOptions } from './options';
import { quarantineWarning } from './warnings';
import { plural } from '../util/text';

export interface LoadParams {
  /** Warn (stderr, run.json, report) when a file has this share of its rows quarantined or more. */
  quarantine_warning_share: number;
  /** Character encoding of input files that are not UTF-8, by file, e.g. { "lines": "latin-1" }. */
  encoding: Partial<Record<FileName, FileEncoding>>;
  /** Most lines a quoted free-text value may span; a quote open longer costs its own row only. */
  max_quoted_lines: number;
}

function loadOptions(p: LoadParams, out: string, required?: readonly FileName[]): LoadOptions {
  return { encoding: p.encoding, maxQuotedLines: p.max_quoted_lines, tempDir: runFiles(out).tmpDir, required };
}

/** The Parquet file of one accepted input table (not of an event-scale input: acceptedSql). */
export function inputPath(inputsDir: string, file: FileName): string {
  return join(inputsDir, `${file}.parquet`);
}

/** The staged scan of an event-scale input (contract.ts, eventScale), kept as the load wrote it: all text, in file order. */
export function scanPath(inputsDir: string, file: FileName): string {
  return join(inputsDir, `${file}.scan.parquet`);
}

/** The row numbers (`rid`, 0-based, in file order) of the rows of that scan that were quarantined. */
export function quarantinedPath(inputsDir: string, file: FileName): string {
  return join(inputsDir, `${file}.quarantined.parquet`);
}

/** Whether a run's inputs folder holds the accepted rows of an input. */
export function hasAccepted(inputsDir: string, file: FileName): boolean {
  return existsSync(inputPath(inputsDir, file)) || existsSync(scanPath(inputsDir, file));
}

/**
 * The accepted rows of an input in a run's inputs folder, typed, as a query: its Parquet file, or for an
 * event-scale input its staged scan less the quarantined rows, typed as it is read. Copying the 86 M accepted
 * events of 100 times the built-in pilot into a file of their own took 42-44 s; reading them this way costs the
 * mart's passes over them about 16 s. The events then come in no set order: what reads them aggregates.
 */
export async function acceptedSql(db: Db, inputsDir: string, file: FileName): Promise<string> {
  const scan = scanPath(inputsDir, file);
  if (!existsSync(scan)) return `SELECT * FROM read_parquet(${lit(inputPath(inputsDir, file))})`;
  const columns = await queryRows<{ column_name: string }>(db, `DESCRIBE SELECT * FROM read_parquet(${lit(scan)})`);
  return `SELECT ${acceptedColumns(fileSpec(file), columns.map((c) => c.column_name))} FROM read_parquet(${lit(scan)}, file_row_number = true)
    WHERE file_row_number NOT IN (SELECT rid FROM read_parquet(${lit(quarantinedPath(inputsDir, file))}))`;
}

export const loadStep: StepDef<LoadParams> = {
  name: 'load',
  summary: 'read and check the pilot files; quarantine bad rows; accepted rows to Parquet',
  section: () => import('./section.js'),
  inputs: [],
  outputs: ['inputs', 'load_summary'],
  maps: ['encoding'],
  defaults: { quarantine_warning_share: 0.05, encoding: {}, max_quoted_lines: 5 },
  validate(p, check) {
    check(p.quarantine_warning_share >= 0 && p.quarantine_warning_share <= 1, 'quarantine_warning_share', 'must be between 0 and 1');
    for (const [file, enc] of Object.entries(p.encoding)) {
      check(LOAD_ORDER.includes(file as FileName), `encoding.${file}`, `must name an input file (${LOAD_ORDER.join(', ')})`);
      check(enc === 'utf-8' || enc === 'latin-1', `encoding.${file}`, 'must be utf-8 or latin-1');
    }
    check(Number.isInteger(p.max_quoted_lines) && p.max_quoted_lines >= 1, 'max_quoted_lines', 'must be a whole number >= 1');
  },
  preflight: (p, facts) => preflight(facts.data, loadOptions(p, facts.out, facts.required)),
  async run(_inputs, p, ctx) {
    const files = ctx.plan as InputFile[];
    for (const a of absentFiles(files)) ctx.log(`[load] no ${a.file} file: ${a.note}`);
    const db = await ctx.db();
    const { quarantineDir } = runFiles(ctx.out);
    rmSync(quarantineDir, { recursive: true, force: true });
    mkdirSync(quarantineDir, { recursive: true });
    const inputsDir = datasetPath(ctx.out, 'inputs');
    mkdirSync(inputsDir, { recursive: true });
    const counts: FileCounts[] = [];
    for (const name of LOAD_ORDER) {
      const input = files.find((f) => f.name === name);
      if (!input) {
        await emptyTable(db, fileSpec(name));
        if (name === 'products') {
          const values = DEFAULT_PRODUCTS.map((p) => `(${[p.product_id, p.name, p.audience].map(lit).join(', ')}, ${p.monthly_price}, ${p.margin_rate}, ${lit(p.description)})`).join(', ');
          await run(db, `INSERT INTO products VALUES ${values}`);
        }
        counts.push({ file: name, path: null, format: 'absent', read: 0, accepted: 0, quarantined: 0, reasons: {} });
      } else {
        const started = Date.now();
        const bar = ctx.progress(`load ${name}`);
        const c = await loadFile(db, input, quarantineDir, (x, doing) => bar.percent(x, doing), loadOptions(p, ctx.out));
        bar.clear();
        counts.push(c);
        ctx.log(`[load] ${name}: ${c.read.toLocaleString('en')} ${plural(c.read, 'row')} read, ${c.quarantined.toLocaleString('en')} quarantined (${((Date.now() - started) / 1000).toFixed(1)}s)`);
        const warning = quarantineWarning(c, p.quarantine_warning_share);
        if (warning) {
          c.warning = warning.message.replace(/^segment-of-one\/load: /, '');
          ctx.warn(c.warning);
        }
      }
      // Each written as a temporary file and renamed, so a killed run leaves no Parquet file that looks complete.
      const stage = stagePath(runFiles(ctx.out).tmpDir, name);
      const copy = inputPath(inputsDir, name);
      const scan = scanPath(inputsDir, name);
      const list = quarantinedPath(inputsDir, name);
      if (input && fileSpec(name).eventScale) {
        // The scan is kept (moved, not copied), with the numbers of its quarantined rows written first; an earlier
        // run's scan goes before either, so that a run killed in between leaves no scan beside another's list.
        rmSync(scan, { force: true });
        await run(db, `COPY (SELECT rid FROM bad_${name} ORDER BY rid) TO ${lit(list + '.tmp')} (FORMAT parquet)`);
        renameSync(list + '.tmp', list);
        renameSync(stage, scan);
        rmSync(copy, { force: true });
      } else {
        await run(db, `COPY (SELECT * FROM ${name}) TO ${lit(copy + '.tmp')} (FORMAT parquet, COMPRESSION snappy)`);
        renameSync(copy + '.tmp', copy);
        for (const f of [scan, list]) rmSync(f, { force: true });
      }
      // Later files read only the accepted table of this one (foreign keys): its staged scan can go.
      await dropRelation(db, name);
      await run(db, `CREATE VIEW ${name} AS ${await acceptedSql(db, inputsDir, name)}`);
      await dropRelation(db, `raw_${name}`);
      rmSync(stage, { force: true });
    }
    // Later steps read the Parquet files, so a full run and a run --from mart read the same rows.
    for (const name of LOAD_ORDER) for (const r of [name, `raw_${name}`, `bad_${name}`]) await dropRelation(db, r);
    return { inputs: inputsDir, load_summary: counts };
  },
  describe: (o) => {
    const counts = o.load_summary as FileCounts[];
    const q = counts.reduce((s, c) => s + c.quarantined, 0);
    const files = counts.filter((c) => c.path).length;
    return `${files} input ${plural(files, 'file')}, ${q.toLocaleString('en')} ${plural(q, 'row')} quarantined`;
  },
};
