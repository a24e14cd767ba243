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
import { dropRelation, lit, run } from './duckdb';
import { preflight, type InputFile } from './files';
import { emptyTable, loadFile, LOAD_ORDER, type FileCounts } from './load';

export interface LoadParams {
  /** Warn (stderr, run.json, report) when a file has more than this share of its rows quarantined. */
  quarantine_warning_share: number;
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
  defaults: { quarantine_warning_share: 0.05 },
  validate(p, check) {
    check(p.quarantine_warning_share >= 0 && p.quarantine_warning_share <= 1, 'quarantine_warning_share', 'must be between 0 and 1');
  },
  preflight: (_params, facts) => preflight(facts.data),
  async run(_inputs, _params, ctx) {
    const files = ctx.plan as InputFile[];
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
        const c = await loadFile(db, input, quarantineDir, (p, doing) => bar.percent(p, doing));
        bar.clear();
        counts.push(c);
        ctx.log(`[load] ${name}: ${c.read.toLocaleString('en')} rows read, ${c.quarantined.toLocaleString('en')} quarantined (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      }
      // Written as a temporary file and renamed, so a killed run leaves no Parquet file that looks complete.
      const target = inputPath(inputsDir, name);
      await run(db, `COPY (SELECT * FROM ${name}) TO ${lit(target + '.tmp')} (FORMAT parquet, COMPRESSION snappy)`);
      renameSync(target + '.tmp', target);
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
