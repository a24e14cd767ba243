#!/usr/bin/env node
/**
 * npm run bench [-- --scale 1,10,100] [--data DIR] [--out DIR]: runs the pipeline on the built-in pilot
 * and larger ones, each in a fresh process, and prints per-step wall time, the DuckDB threads used, peak
 * RSS, and three floors: the time to plainly decompress the events file, the time DuckDB takes to parse
 * every field of it storing nothing, and a bare load + mart (engineFloors). Load + mart is given as a
 * multiple of the decompression floor (issue 13 asks for at most 4). Then the analyst's loop: `--from personas` in a fresh process, through the
 * README's command and through node directly, each run several times (median and range). Last, the work on worker threads (networks, personas' choice of k,
 * propensities: `--from network --until propensities`, caches cleared) on one worker and on one per core, with
 * the pool forced on whatever the pilot's size. With x1 among the scales, the whole job against the pandas script's
 * time that issue 13 measured. Figures only; nothing is asserted.
 *
 * Pilots are looked for as `<data>/pilot-x<scale>/events.csv.gz` and generated there when absent, so a
 * folder of pilots made once (x100 takes minutes to generate) serves every bench.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BUILT_IN_PILOT_SEED, generatePilot } from '../generate/pilot';
import { preflight, verifyGzip } from '../io/files';
import { readerSql } from '../io/load';
import { closeDb, openDb, run as runSql } from '../io/duckdb';
import type { Manifest } from '../pipeline/run';
import { cacheDir } from '../pipeline/cache';
import { quantile } from '../util/stats';
import { runMain, toInt } from './main';
import { SoOError } from '../util/errors';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The whole job on the built-in pilot in a plain pandas + scikit-learn + networkx script (read and check the CSVs,
 * the per-line mart, PageRank and betweenness per account, k-means, one logistic regression per product), as issue 13
 * measured it on the 2-core machine this project is benched on; the issue asks the pipeline to be 5 times faster.
 */
const PANDAS_SCRIPT_X1_SECONDS = 16.2;

/**
 * The decompression floor as issue 13 measured it: the system's `gunzip -c` to nowhere (x100: 24.8 s here; the
 * issue's 29.5 s was `zcat | wc -l`, 29.2 s here). Node's zlib, which the loader's own gzip check runs, inflates
 * the same file in 14.9 s: a faster decompressor, not a plainer one, so it is the fallback only where gzip is
 * not installed, and the table says which one ran.
 */
async function decompressSeconds(path: string): Promise<{ seconds: number; by: string }> {
  let ran = false;
  const seconds = await secondsOf(() => {
    const system = spawnSync('gunzip', ['-c', path], { stdio: ['ignore', 'ignore', 'ignore'] });
    ran = !system.error && system.status === 0;
  });
  return ran ? { seconds, by: 'gunzip' } : { seconds: await secondsOf(() => verifyGzip(path)), by: 'zlib' };
}

/** Wall seconds of `work` in this process. */
async function secondsOf(work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Two floors of DuckDB's own, with the loader's reader (text, file order, rejects kept):
 * - `scan`: every field parsed and nothing stored, what every later step of load + validation + mart adds to;
 * - `bare`: the least a load and mart can be, the events kept as a table in file order (what gives a bad row
 *   its source row) and one pass per line (events, seconds, distinct counterparts), with no check, no
 *   duplicate search and 3 columns of the mart's 60; here it alone is 1.9-2.6 times the gunzip floor at x1,
 *   x10 and x100, of the 4 times issue 13 allows the whole of load, checks and mart.
 */
async function engineFloors(dataDir: string, tempDirectory: string): Promise<{ scan: number; bare: number }> {
  const events = (await preflight(dataDir)).find((f) => f.name === 'events')!;
  await events.integrity;
  const db = await openDb({ tempDirectory });
  const seconds = (sql: string) => secondsOf(() => runSql(db, sql));
  try {
    const scan = await seconds(`SELECT max(COLUMNS(*)) FROM (${readerSql(events, 'scan_rejects')})`);
    const kept = await seconds(`CREATE TEMP TABLE bare_events AS ${readerSql(events, 'bare_rejects')}`);
    const perLine = await seconds('SELECT count(*) FROM (SELECT line_id, count(*), sum(TRY_CAST(duration_s AS DOUBLE)), count(DISTINCT counterpart) FROM bare_events GROUP BY line_id)');
    return { scan, bare: kept + perLine };
  } finally {
    closeDb(db);
  }
}

/** Wall seconds of a command in a fresh process, from the project folder. */
function timed(command: string, args: string[]): number {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  return (Date.now() - started) / 1000;
}

/** Median and range of repeated timings: `0.85 (0.80-0.91)`. */
function spread(seconds: number[]): string {
  return `${quantile(seconds, 0.5).toFixed(2)} (${Math.min(...seconds).toFixed(2)}-${Math.max(...seconds).toFixed(2)})`;
}

const USAGE = `npm run bench [-- --scale 1,10,100] [--data DIR] [--out DIR]

Runs the whole pipeline on the built-in pilot and on pilots made larger by --scale, each in a fresh
process, and prints per-step wall times beside three floors (plain decompression of the events, DuckDB's
bare scan of them, and the least a load and mart can be: the events kept in file order, one pass per line,
no checks), peak memory, the analyst's --from personas loop, and the speed-up from one worker
thread to one per core. Figures only: nothing is asserted.

  --scale LIST   the pilots' scales, comma-separated (default 1,10); x100 takes about 5 minutes to run
                 and several to generate
  --data DIR     where the pilots are looked for as DIR/pilot-x<scale>, and generated when absent
                 (default outputs/bench)
  --out DIR      where each run writes DIR/out-x<scale> (default outputs/bench)
  --help         this text
`;

/** `--scale 1,10,100` as whole numbers of 1 or more, or one line saying which item is not. */
function parseScales(list: string): number[] {
  return list.split(',').map((item) => {
    const scale = toInt(item.trim(), 'scale', 1);
    if (scale < 1) throw new SoOError('cli', `--scale takes whole numbers of 1 or more, got ${item}`);
    return scale;
  });
}

runMain(async () => {
  const { values } = parseArgs({ options: { scale: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const scales = parseScales(values.scale ?? '1,10');
  const dataRoot = resolve(values.data ?? join('outputs', 'bench'));
  const outRoot = resolve(values.out ?? join('outputs', 'bench'));
  const rows: string[] = [];
  const pool: string[] = [];
  let wholeJobX1: number | undefined;
  const cores = availableParallelism();
  const poolConfig = join(outRoot, 'bench-workers.json');
  mkdirSync(outRoot, { recursive: true });
  writeFileSync(poolConfig, JSON.stringify({ engine: { workers_min_lines: 0 } }));
  for (const scale of scales) {
    const data = join(dataRoot, `pilot-x${scale}`);
    const out = join(outRoot, `out-x${scale}`);
    if (!existsSync(join(data, 'events.csv.gz'))) {
      process.stderr.write(`[bench] generating the x${scale} pilot in ${data}\n`);
      await generatePilot({ out: data, seed: BUILT_IN_PILOT_SEED, scale });
    }
    const { seconds: floor, by } = await decompressSeconds(join(data, 'events.csv.gz'));
    const { scan, bare } = await engineFloors(data, join(outRoot, 'tmp'));
    const pipeline = join(__dirname, 'pipeline.js');
    const wall = timed(process.execPath, ['--max-old-space-size=8192', pipeline, '--data', data, '--out', out]);
    const m = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Manifest;
    if (scale === 1) wholeJobX1 = wall;
    // The analyst's loop after the full run: once to warm what a first --from run caches (the tables it reads),
    // then timed through the README's command and through node on the built CLI.
    timed(process.execPath, [pipeline, '--data', data, '--out', out, '--from', 'personas']);
    // Each timed several times, alternating, and given as the median and range: one run of a second swings by a
    // fifth on this machine from one minute to the next.
    const loopNpm: number[] = [];
    const loopNode: number[] = [];
    for (let i = 0; i < (scale > 1 ? 3 : 5); i++) {
      loopNpm.push(timed('npm', ['run', '-s', 'pipeline', '--', '--data', data, '--out', out, '--from', 'personas']));
      loopNode.push(timed(process.execPath, [pipeline, '--data', data, '--out', out, '--from', 'personas']));
    }
    // Last: it rewrites the run's outputs up to the propensities and removes the later ones.
    const onWorkers = (workers: number) => {
      rmSync(cacheDir(out), { recursive: true, force: true });
      return timed(process.execPath, ['--max-old-space-size=8192', pipeline, '--out', out, '--config', poolConfig, '--from', 'network', '--until', 'propensities', '--workers', String(workers)]);
    };
    const one = onWorkers(1);
    const all = onWorkers(cores);
    pool.push([`x${scale}`, String(cores), one.toFixed(1), all.toFixed(1), (one / all).toFixed(2)].join(' | '));
    const events = m.inputs.find((f) => f.file === 'events')!.read;
    const lines = m.outputs['mart/employee_mart.csv'];
    const t = m.timings_s;
    const loadAndMart = t.load + t.mart;
    const others = Object.entries(t).filter(([k]) => !['load', 'mart', 'network', 'report', 'total'].includes(k)).reduce((a, [, v]) => a + v, 0);
    const later = [t.network ?? 0, others, t.report ?? 0].map((v) => v.toFixed(1));
    rows.push([
      `x${scale}`, events.toLocaleString('en'), lines.toLocaleString('en'), String(m.engine?.threads ?? '?'), `${floor.toFixed(2)}${by === 'gunzip' ? '' : ' (zlib)'}`, scan.toFixed(1), `${bare.toFixed(1)} (${(bare / floor).toFixed(1)}x)`,
      t.load.toFixed(1), t.mart.toFixed(1), (loadAndMart / floor).toFixed(1), ...later, wall.toFixed(1), String(m.peak_rss_mb),
      spread(loopNpm), spread(loopNode),
    ].join(' | '));
  }
  const header = 'pilot | events | lines | DuckDB threads | gunzip -c floor s | DuckDB scan floor s | bare load + mart floor s (÷ gunzip) | load s | mart s | (load+mart) / gunzip | network s | personas to pilot s | report s | end-to-end s | peak RSS MB | --from personas, npm s: median (range) | --from personas, node s: median (range)';
  const table = (head: string, body: string[]) => `\n| ${head} |\n|${head.split('|').map(() => '---').join('|')}|\n${body.map((r) => `| ${r} |`).join('\n')}\n`;
  process.stdout.write(table(header, rows));
  process.stdout.write(table('pilot | worker threads | network to propensities, 1 worker s | on every core s | speed-up', pool));
  if (wholeJobX1 !== undefined) {
    process.stdout.write(`\nThe whole job at x1, ${wholeJobX1.toFixed(1)} s, is ${(PANDAS_SCRIPT_X1_SECONDS / wholeJobX1).toFixed(1)} times faster than the pandas + scikit-learn + networkx script of issue 13 (${PANDAS_SCRIPT_X1_SECONDS} s on its 2-core machine; the issue asks for 5 times).\n`);
  }
});
