/**
 * A run as things go wrong around it: an output folder that cannot be written, a full disk, a process
 * killed in the middle of a step, --from on other data, --until leaving later outputs behind, an empty
 * scope, tiny accounts. Each ends in one clear line or in a complete run, never in a stack trace or a
 * table that looks current and is not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ColumnTable } from 'arquero';
import { DATASETS, datasetPath, runFiles, type DatasetName } from '../../src/catalog';
import { generatePilot } from '../../src/generate/pilot';
import { resolveConfig } from '../../src/config';
import { readOutput, runPipeline, type Manifest } from '../../src/pipeline/run';
import { STEPS } from '../../src/pipeline/registry';
import { tempDir, writeMiniPilot } from '../helpers';

const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'pipeline.js');
const silent = () => undefined;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr.trim() };
}

function expectOneLine(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern);
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const manifestOf = (out: string) => JSON.parse(readFileSync(runFiles(out).manifest, 'utf8')) as Manifest;
const tableNames = (Object.keys(DATASETS) as DatasetName[]).filter((n) => DATASETS[n].kind === 'table');

describe('the output folder', () => {
  it('is a file: one line', () => {
    const file = join(tempDir(), 'out');
    writeFileSync(file, 'not a folder');
    const r = cli('--data', writeMiniPilot(tempDir()), '--out', file);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /--out .* is a file, not a folder/);
  });
  it('cannot be written: one line', () => {
    const r = cli('--data', writeMiniPilot(tempDir()), '--out', '/sys/segment-of-one-test');
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /cannot write to the output folder \/sys\/segment-of-one-test \(EPERM\)/);
  });
  it('is on a full disk: one line', () => {
    const out = tempDir();
    // Writes go to <name>.tmp first: a run.json.tmp that is /dev/full fails as a full disk does.
    symlinkSync('/dev/full', join(out, 'run.json.tmp'));
    const r = cli('--data', writeMiniPilot(tempDir()), '--out', out);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /no space left on the device/);
  });
});

describe('the command line', () => {
  it('points an unknown option to --help', () => {
    const r = cli('--datta', 'x');
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /Unknown option '--datta'.*see --help/);
  });
});

describe('continuing a run', () => {
  let data: string;
  let out: string;
  beforeAll(async () => {
    data = writeMiniPilot(tempDir());
    out = join(tempDir(), 'out');
    await runPipeline({ data, out, config: resolveConfig({}), log: silent });
  });

  it('refuses --from with other data, naming both folders', () => {
    const other = writeMiniPilot(tempDir());
    const r = cli('--out', out, '--from', 'personas', '--data', other);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, new RegExp(`--data ${other} differs from ${data}`));
  });

  it('takes --from with the same data, or none', () => {
    expect(cli('--out', out, '--from', 'personas', '--data', data).code).toBe(0);
    expect(cli('--out', out, '--from', 'value').code).toBe(0);
  });

  it('--until removes the later outputs it makes stale and says so', async () => {
    const m = await runPipeline({ data, out, config: resolveConfig({}), until: 'personas', log: silent });
    expect(m.completed).toBe(true);
    for (const name of ['offers', 'propensities', 'proposals', 'report'] as const) expect(existsSync(datasetPath(out, name)), name).toBe(false);
    expect(m.removed_stale).toEqual(expect.arrayContaining(['offers/next_best_offers.csv', 'report/index.html']));
    expect(m.steps.offers.status).toBe('removed');
    expect(m.outputs['offers/next_best_offers.csv']).toBeUndefined();
    // network does not feed personas: a run up to personas re-made the mart, so the network's outputs went stale.
    expect(m.steps.network.status).toBe('removed');
  });

  it('runs only the steps that read what --from writes', async () => {
    await runPipeline({ data, out, config: resolveConfig({}), log: silent });
    const m = await runPipeline({ out, config: resolveConfig({}), from: 'value', log: silent });
    expect(Object.keys(m.timings_s).filter((k) => k !== 'total').sort()).toEqual(['accounts', 'pilot', 'relationship', 'report', 'value']);
    expect(m.steps.personas.status).toBe('kept');
    expect(m.steps.offers.status).toBe('kept');
  });

  it('warns when a kept step was made with another config', async () => {
    const m = await runPipeline({ out, config: resolveConfig({ network: { sms_weight: 1 } }), from: 'personas', log: silent });
    expect(m.warnings.join(' ')).toMatch(/network: its outputs were made with another network config/);
  });
});

/** Kills the CLI with SIGKILL once run.json shows `step` running, then checks what is left. */
async function killDuring(data: string, out: string, step: string): Promise<Manifest> {
  const child = spawn(process.execPath, [CLI, '--data', data, '--out', out], { stdio: 'ignore' });
  const order = STEPS.map((s) => s.name);
  const before = order.slice(0, order.indexOf(step));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const m = manifestOf(out);
        if (before.every((s) => ['ran', 'left out'].includes(m.steps[s]?.status ?? '')) && m.steps[step]?.status === 'pending') {
          child.kill('SIGKILL');
          clearInterval(timer);
          resolve();
        }
      } catch {
        // run.json not written yet, or being renamed
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(timer);
      reject(new Error(`the run ended before ${step} started`));
    });
  });
  await new Promise((resolve) => child.on('exit', resolve));
  return manifestOf(out);
}

describe('a run killed in the middle of a step', () => {
  let data: string;
  beforeAll(async () => {
    data = join(tempDir(), 'pilot');
    await generatePilot({ out: data, seed: 4, accounts: 6 });
  }, 120_000);

  it.each(['mart', 'report'])('leaves no output of %s or later that looks current, and a run.json that says not completed', async (step) => {
    const out = join(tempDir(), 'out');
    // An earlier complete run, whose outputs the killed run must not leave looking current.
    await runPipeline({ data, out, config: resolveConfig({}), log: silent });
    const m = await killDuring(data, out, step);
    expect(m.completed).toBe(false);
    const order = STEPS.map((s) => s.name);
    for (const later of STEPS.slice(order.indexOf(step))) {
      for (const name of later.outputs) {
        // A file may exist only if it was written whole (atomic rename) by this run before the kill.
        if (existsSync(datasetPath(out, name)) && DATASETS[name].kind === 'table') expect(() => readOutput(out, name)).not.toThrow();
        if (later.name !== step) expect(existsSync(datasetPath(out, name)), `${name} of ${later.name}`).toBe(false);
      }
    }
    // Half-written outputs are files; the run's temporary folder (runFiles(out).tmpDir: the loader's staged
    // scans, DuckDB's spill) may be left by a killed run, and the next run clears it.
    const tmpDir = relative(out, runFiles(out).tmpDir);
    const leftovers = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp') && f !== tmpDir);
    for (const f of leftovers) expect(statSync(join(out, f)).isFile()).toBe(true);
    const again = await runPipeline({ data, out, config: resolveConfig({}), log: silent });
    expect(again.completed).toBe(true);
    expect(existsSync(runFiles(out).tmpDir)).toBe(false);
  }, 120_000);
});

describe('empty and tiny scopes: every step runs, every table has its header', () => {
  const cases: [string, string[], number][] = [
    ['zero lines in scope (an account without lines)', ['A3'], 0],
    ['one line (an account with one line)', ['A2'], 1],
    ['an account whose lines never call each other', ['A4'], 2],
    ['the whole mini pilot', [], 6],
  ];
  let data: string;
  beforeAll(() => {
    data = writeMiniPilot(tempDir(), {
      accounts: 'account_id,account_name,industry,employees,region\nA1,"Acme, Inc.",logistics,10,Hamburg\nA2,Beta AG,law,5,Berlin\nA3,Empty Ltd,law,3,Berlin\nA4,Solo KG,retail,2,Munich\n',
      lines: 'line_id,account_id,plan_id,payment_type,monthly_fee\n+491511,A1,BIZ_M,postpaid,25\n+491512,A1,BIZ_M,postpaid,25\n+491513,A1,PRE,prepaid,0\n+491521,A2,BIZ_L,postpaid,39\n+491541,A4,BIZ_M,postpaid,25\n+491542,A4,BIZ_S,postpaid,15\n',
    });
    // A4's two lines call outside parties only.
    writeFileSync(join(data, 'events.csv'), readFileSync(join(data, 'events.csv'), 'utf8')
      + '+491541,2026-03-03T10:00:00+01:00,voice,out,+4930999,fixed,,60,,C9,,0\n+491542,2026-03-04T11:00:00+01:00,sms,out,+4917612345,offnet,,,,C9,,0\n');
  });
  it.each(cases)('%s', async (_label, accounts, lines) => {
    const out = join(tempDir(), 'out');
    const m = await runPipeline({ data, out, config: resolveConfig({ mart: { accounts } }), log: silent });
    expect(m.completed).toBe(true);
    for (const name of tableNames) {
      const path = datasetPath(out, name);
      if (!existsSync(path)) continue;
      const header = readFileSync(path, 'utf8').split('\n')[0];
      expect(header.length, name).toBeGreaterThan(0);
    }
    expect((readOutput(out, 'mart') as ColumnTable).numRows()).toBe(lines);
    expect((readOutput(out, 'network') as ColumnTable).numRows()).toBe(lines);
    expect((readOutput(out, 'personas') as ColumnTable).numRows()).toBe(lines);
    expect(existsSync(datasetPath(out, 'report'))).toBe(true);
    if (!lines) expect(m.warnings.join(' ')).toMatch(/no lines in scope/);
  });
  it('stops on an account the pilot does not have, naming it, before any work', () => {
    const cfg = join(tempDir(), 'c.json');
    writeFileSync(cfg, JSON.stringify({ mart: { accounts: ['A1', 'NOPE'] } }));
    const out = join(tempDir(), 'out');
    const r = cli('--data', data, '--out', out, '--config', cfg);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /mart\.accounts names account NOPE/);
    expect(existsSync(out)).toBe(false);
  });
});
