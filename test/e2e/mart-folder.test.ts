/**
 * Starting from a mart computed elsewhere (--mart): a folder holding a full run's mart, edge list, window and
 * reference tables gives that run's outputs from the network step on, byte for byte, whether the folder is CSV or
 * Parquet typed by another engine; a folder off the schema stops the run before any work, one line per problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { generatePilot } from '../../src/generate/pilot';
import { runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';
import { datasetPath, DATASETS, type DatasetName } from '../../src/catalog';
import { MART_FOLDER } from '../../src/mart/folder';
import { martSql } from '../../src/mart/sql';
import { closeDb, lit, openDb, run } from '../../src/io/duckdb';
import { STEPS } from '../../src/pipeline/registry';
import { tempDir } from '../helpers';

const silent = () => undefined;

/** Every file under a folder, by relative path. */
function files(dir: string, under = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), under) : [relative(under, join(dir, e.name))]));
}

/** The outputs of the steps after the mart: what a run from a mart folder must give byte for byte. */
function afterMart(out: string): string[] {
  const names = STEPS.filter((s) => !['load', 'mart'].includes(s.name)).flatMap((s) => s.outputs as readonly DatasetName[]);
  return files(out).filter((f) => names.some((n) => f === DATASETS[n].path || f.startsWith(DATASETS[n].path + '/')));
}

describe('a mart computed elsewhere', () => {
  let dir: string;
  let full: string;
  let folder: string;

  beforeAll(async () => {
    dir = tempDir('soo-martfolder-');
    const data = join(dir, 'pilot');
    await generatePilot({ out: data, seed: 4, accounts: 6, days: 14 });
    full = join(dir, 'full');
    await runPipeline({ data, out: full, config: resolveConfig({}), log: silent });
    // The folder: the full run's mart/ and intermediate/ files, and its load summary, side by side.
    folder = join(dir, 'mart');
    mkdirSync(folder);
    for (const f of MART_FOLDER) {
      const from = datasetPath(full, f.dataset);
      if (existsSync(from)) copyFileSync(from, join(folder, basename(from)));
    }
  });

  it('gives the full run\'s outputs from the network step on, byte for byte', async () => {
    const out = join(dir, 'from-csv');
    const manifest = await runPipeline({ out, mart: folder, from: 'network', config: resolveConfig({}), log: silent });
    expect(manifest.completed).toBe(true);
    expect(manifest.steps.mart.status).toBe('imported');
    const outputs = afterMart(full);
    expect(outputs).toEqual(expect.arrayContaining(['network/line_network.csv', 'segments/line_segments.csv', 'offers/next_best_offers.csv', 'report/index.html']));
    expect(afterMart(out).sort()).toEqual(outputs.sort());
    for (const f of outputs) expect(readFileSync(join(out, f)).equals(readFileSync(join(full, f))), f).toBe(true);
    // and a run --from a later step on it works as on any run
    const again = await runPipeline({ out, from: 'personas', config: resolveConfig({}), log: silent });
    expect(again.completed).toBe(true);
    expect(readFileSync(datasetPath(out, 'offers')).equals(readFileSync(datasetPath(full, 'offers')))).toBe(true);
  });

  it('reads a Parquet folder typed by another engine, with extra columns and no load summary', async () => {
    const parquet = join(dir, 'mart-parquet');
    mkdirSync(parquet);
    const db = await openDb();
    try {
      for (const f of readdirSync(folder)) {
        if (f.endsWith('.json')) {
          if (f === 'window.json') copyFileSync(join(folder, f), join(parquet, f));
          continue;
        }
        // DuckDB's own guess of each column's type, as an engine exporting Parquet would type it, in no particular order.
        await run(db, `COPY (SELECT *, 'x' AS exported_by FROM read_csv_auto(${lit(join(folder, f))}) ORDER BY md5(CAST(COLUMNS(*) AS VARCHAR)) ) TO ${lit(join(parquet, f.replace(/\.csv$/, '.parquet')))} (FORMAT parquet)`);
      }
    } finally {
      closeDb(db);
    }
    const out = join(dir, 'from-parquet');
    const manifest = await runPipeline({ out, mart: parquet, config: resolveConfig({}), log: silent });
    expect(manifest.steps.load.status).toBe('left out');
    for (const f of afterMart(full).filter((f) => f.endsWith('.csv'))) expect(readFileSync(join(out, f)).equals(readFileSync(join(full, f))), f).toBe(true);
  });

  it('stops before any work on a folder off the schema, one line per problem', async () => {
    const bad = join(dir, 'mart-bad');
    mkdirSync(bad);
    for (const f of readdirSync(folder)) copyFileSync(join(folder, f), join(bad, f));
    rmSync(join(bad, 'call_edges.csv'));
    const mart = readFileSync(join(bad, 'employee_mart.csv'), 'utf8').split('\n');
    const header = mart[0].split(',');
    const drop = header.indexOf('roaming_days');
    const count = header.indexOf('event_count');
    writeFileSync(join(bad, 'employee_mart.csv'), mart.map((line, i) => {
      const cells = line.split(',');
      if (i === 1) cells[count] = 'many';
      return line ? cells.filter((_, j) => j !== drop).join(',') : line;
    }).join('\n'));
    const out = join(dir, 'from-bad');
    const error = await runPipeline({ out, mart: bad, config: resolveConfig({}), log: silent }).then(() => undefined, (e: Error) => e);
    expect(error?.name).toBe('SoOError');
    const lines = error!.message.split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      'employee_mart.csv: missing column roaming_days',
      'employee_mart.csv: column event_count must be an integer; 1 value is not (e.g. "many")',
      'missing file call_edges.csv or call_edges.parquet',
    ]);
    expect(existsSync(out)).toBe(false);
    await expect(runPipeline({ out, mart: folder, from: 'personas', config: resolveConfig({}), log: silent })).rejects.toThrow(/--from network/);
  });

  it('prints the SQL that builds each file of the folder', async () => {
    const sql = await martSql(resolveConfig({}).mart);
    for (const file of ['employee_mart', 'call_edges', 'active_holdings', 'holding_spells', 'window.json', 'accounts', 'products']) expect(sql).toContain(`-- gives ${file}\n`);
    expect(sql).toContain("read_parquet('inputs/events.parquet')");
  });
});
