#!/usr/bin/env node
/**
 * npm run bench [-- --scales 1,10]: generates the default pilot and larger ones,
 * runs the pipeline on each in a fresh process and prints per-step wall time,
 * events per second of load + validation + mart, peak RSS, and two floors: the
 * time to plainly decompress the events file, and the time of the loader's own
 * scan of it into DuckDB. Figures only; nothing is asserted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BUILT_IN_PILOT_SEED, generatePilot } from '../generate/pilot';
import { preflight, verifyGzip } from '../io/files';
import { readerSql } from '../io/load';
import { ENGINE_DEFAULTS } from '../config';
import { closeDb, openDb, run as runSql } from '../io/duckdb';
import type { Manifest } from '../pipeline/run';
import { runMain } from './main';

/** The loader's own gzip check: a plain decompression of the whole file to nowhere. */
async function decompressSeconds(path: string): Promise<number> {
  const started = process.hrtime.bigint();
  await verifyGzip(path);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The loader's own scan of the events file into a DuckDB table (text, file order, rejects kept),
 * with no check and no aggregate: what every later step of load + validation + mart adds to.
 */
async function scanSeconds(dataDir: string, tempDirectory: string): Promise<number> {
  const events = (await preflight(dataDir)).find((f) => f.name === 'events')!;
  await events.integrity;
  const { threads, memory_limit: memoryLimit } = ENGINE_DEFAULTS;
  const db = await openDb({ threads, memoryLimit, tempDirectory });
  try {
    const started = process.hrtime.bigint();
    await runSql(db, `CREATE TABLE scanned AS SELECT * FROM (${readerSql(events, 'scan_rejects')})`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    closeDb(db);
  }
}

runMain(async () => {
  const { values } = parseArgs({ options: { scales: { type: 'string' }, root: { type: 'string' } } });
  const scales = (values.scales ?? '1,10').split(',').map(Number);
  const root = values.root ?? join('outputs', 'bench');
  const rows: string[] = [];
  for (const scale of scales) {
    const data = join(root, `pilot-x${scale}`);
    const out = join(root, `out-x${scale}`);
    if (!existsSync(join(data, 'events.csv.gz'))) {
      process.stderr.write(`[bench] generating the x${scale} pilot in ${data}\n`);
      await generatePilot({ out: data, seed: BUILT_IN_PILOT_SEED, scale });
    }
    const floor = await decompressSeconds(join(data, 'events.csv.gz'));
    const scan = await scanSeconds(data, join(root, 'tmp'));
    const started = Date.now();
    const run = spawnSync(process.execPath, [join(__dirname, 'pipeline.js'), '--data', data, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const wall = (Date.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`pipeline failed on ${data}`);
    const m = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Manifest;
    const events = m.inputs.find((f) => f.file === 'events')!.read;
    const lines = m.outputs['mart/employee_mart.csv'];
    const t = m.timings_s;
    const loadAndMart = t.load + t.mart;
    rows.push([
      `x${scale}`, events.toLocaleString('en'), lines.toLocaleString('en'), floor.toFixed(2), scan.toFixed(2), loadAndMart.toFixed(2),
      Math.round(events / loadAndMart).toLocaleString('en'), t.network.toFixed(2), t.value.toFixed(2), t.personas.toFixed(2),
      t.offers.toFixed(2), t.report.toFixed(2), wall.toFixed(1), String(m.peak_rss_mb),
    ].join(' | '));
  }
  const header = 'pilot | events | lines | gunzip floor s | DuckDB scan floor s | load+validate+mart s | events/s | network s | value s | personas s | offers s | report s | end-to-end s | peak RSS MB';
  process.stdout.write(`\n| ${header} |\n|${header.split('|').map(() => '---').join('|')}|\n${rows.map((r) => `| ${r} |`).join('\n')}\n`);
});
