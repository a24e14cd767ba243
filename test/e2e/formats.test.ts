/**
 * Tables as Parquet (output.format): a run that writes Parquet gives the CSV run's report, a later step reads
 * the same values from either file, a run --from a Parquet run gives the CSV run's tables byte for byte, and
 * DuckDB writes the same Parquet bytes on every run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePilot } from '../../src/generate/pilot';
import { loadOutput, readOutput, runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';
import { DATASETS, datasetPath, tableFiles, type DatasetName } from '../../src/catalog';
import { closeDb, openDb } from '../../src/io/duckdb';
import type { ColumnTable } from 'arquero';
import { tempDir } from '../helpers';

const silent = () => undefined;
const tables = (Object.keys(DATASETS) as DatasetName[]).filter((n) => DATASETS[n].kind === 'table');
const bytes = (path: string) => readFileSync(path);

describe('tables written as Parquet', () => {
  let dir: string;
  let data: string;
  /** The same pilot run three times: CSV, Parquet, both. */
  let csvRun: string;
  let parquetRun: string;
  let bothRun: string;
  /** Tables the full run wrote. */
  let written: DatasetName[];

  beforeAll(async () => {
    dir = tempDir('soo-formats-');
    data = join(dir, 'pilot');
    await generatePilot({ out: data, seed: 4, accounts: 6, days: 14 });
    csvRun = join(dir, 'csv');
    parquetRun = join(dir, 'parquet');
    bothRun = join(dir, 'both');
    await runPipeline({ data, out: csvRun, config: resolveConfig({}), log: silent });
    await runPipeline({ data, out: parquetRun, config: resolveConfig({ output: { format: 'parquet' } }), log: silent });
    await runPipeline({ data, out: bothRun, config: resolveConfig({ output: { format: 'both' } }), log: silent });
    written = tables.filter((n) => existsSync(datasetPath(csvRun, n)));
  });

  it('writes every table as Parquet only, or beside its CSV', () => {
    expect(written.length).toBeGreaterThan(20);
    for (const name of written) {
      expect(existsSync(tableFiles(parquetRun, name).parquet), name).toBe(true);
      expect(existsSync(tableFiles(parquetRun, name).csv), name).toBe(false);
      expect(existsSync(tableFiles(bothRun, name).parquet), name).toBe(true);
      expect(bytes(tableFiles(bothRun, name).csv), name).toEqual(bytes(datasetPath(csvRun, name)));
    }
  });

  it('gives the CSV run\'s report byte for byte', () => {
    expect(bytes(datasetPath(parquetRun, 'report')).equals(bytes(datasetPath(csvRun, 'report')))).toBe(true);
    expect(bytes(datasetPath(bothRun, 'report')).equals(bytes(datasetPath(csvRun, 'report')))).toBe(true);
  });

  it('reads the same values back from Parquet as from CSV', async () => {
    const db = await openDb();
    try {
      for (const name of written) {
        const fromParquet = (await loadOutput(parquetRun, name, async () => db)) as ColumnTable;
        const fromCsv = readOutput(csvRun, name) as ColumnTable;
        expect(fromParquet.columnNames(), name).toEqual(fromCsv.columnNames());
        expect(fromParquet.objects(), name).toEqual(fromCsv.objects());
      }
    } finally {
      closeDb(db);
    }
    expect(() => readOutput(parquetRun, 'mart')).toThrow(/Parquet only/);
  });

  it('writes the same Parquet bytes on every run', () => {
    for (const name of written) expect(bytes(tableFiles(bothRun, name).parquet).equals(bytes(tableFiles(parquetRun, name).parquet)), name).toBe(true);
    // The accepted inputs too: the load step's Parquet files, the events' scan and list of quarantined rows.
    for (const file of ['events.scan', 'events.quarantined', 'lines', 'holdings']) {
      const path = (out: string) => join(datasetPath(out, 'inputs'), `${file}.parquet`);
      expect(bytes(path(parquetRun)).equals(bytes(path(csvRun))), file).toBe(true);
    }
  });

  it('runs --from a Parquet run and gives the CSV run\'s tables byte for byte', async () => {
    const out = join(dir, 'from-parquet');
    cpSync(parquetRun, out, { recursive: true });
    const manifest = await runPipeline({ out, from: 'personas', config: resolveConfig({}), log: silent });
    expect(manifest.completed).toBe(true);
    const again = written.filter((n) => existsSync(datasetPath(out, n)));
    // personas onwards were written as CSV; mart, network and propensities stayed Parquet and were read from it.
    expect(again).toEqual(expect.arrayContaining(['personas', 'value', 'offers', 'proposals', 'account_mart']));
    expect(existsSync(datasetPath(out, 'mart'))).toBe(false);
    for (const name of again) expect(bytes(datasetPath(out, name)).equals(bytes(datasetPath(csvRun, name))), name).toBe(true);
    expect(bytes(datasetPath(out, 'report')).equals(bytes(datasetPath(csvRun, 'report')))).toBe(true);
  });
});
