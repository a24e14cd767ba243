/**
 * The load step: reads the pilot data folder, checks every row against the contract (load.ts), writes
 * the rejects to the quarantine and the accepted rows, typed, as Parquet under `<out>/inputs/`, where
 * the mart, later runs (`--from mart`) and notebooks query them without the raw files.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { datasetPath, runFiles } from '../catalog';
import type { StepDef } from '../pipeline/step';
import { DEFAULT_PRODUCTS } from '../offers/products';
import { fileSpec, type FileName } from './contract';
import { dropRelation, lit, queryValue, run } from './duckdb';
import { absentFiles, preflight, type InputFile } from './files';
import { emptyTable, loadFile, LOAD_ORDER, stagePath, type FileCounts } from './load';
import type { FileEncoding, LoadOptions } from './options';
import { quarantineWarning } from './warnings';

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

/** The Parquet file of one accepted input table. */
export function inputPath(inputsDir: string, file: FileName): string {
  return join(inputsDir, `${file}.parquet`);
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
        ctx.log(`[load] ${name}: ${c.read.toLocaleString('en')} rows read, ${c.quarantined.toLocaleString('en')} quarantined (${((Date.now() - started) / 1000).toFixed(1)}s)`);
        const warning = quarantineWarning(c, p.quarantine_warning_share);
        if (warning) {
          c.warning = warning.message.replace(/^segment-of-one\/load: /, '');
          ctx.warn(c.warning);
        }
      }
      // Written as a temporary file and renamed, so a killed run leaves no Parquet file that looks complete.
      const target = inputPath(inputsDir, name);
      await run(db, `COPY (SELECT * FROM ${name}) TO ${lit(target + '.tmp')} (FORMAT parquet, COMPRESSION snappy)`);
      renameSync(target + '.tmp', target);
      // Later files read only the accepted table of this one (foreign keys): its staged scan can go.
      await dropRelation(db, name);
      await run(db, `CREATE VIEW ${name} AS SELECT * FROM read_parquet(${lit(target)})`);
      await dropRelation(db, `raw_${name}`);
      rmSync(stagePath(runFiles(ctx.out).tmpDir, name), { force: true });
    }
    // Later steps read the Parquet files, so a full run and a run --from mart read the same rows.
    for (const name of LOAD_ORDER) for (const r of [name, `raw_${name}`, `bad_${name}`]) await dropRelation(db, r);
    return { inputs: inputsDir, load_summary: counts };
  },
  describe: (o) => {
    const counts = o.load_summary as FileCounts[];
    const q = counts.reduce((s, c) => s + c.quarantined, 0);
    return `${counts.filter((c) => c.path).length} input files, ${q.toLocaleString('en')} rows quarantined`;
  },
};
