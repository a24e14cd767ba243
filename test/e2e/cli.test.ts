/** The CLI as a user meets it: one clear line and a non-zero exit for bad input, never a stack trace. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeMiniPilot } from '../helpers';

const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'pipeline.js');

function pipeline(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout };
}

function expectOneClearLine(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern);
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('pipeline CLI', () => {
  it('prints help', () => {
    const r = pipeline('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--from STEP/);
  });
  it('stops on a data folder that does not exist', () => {
    const r = pipeline('--data', '/nonexistent/pilot', '--out', tempDir());
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /pilot data folder \/nonexistent\/pilot does not exist/);
  });
  it('stops on a missing required column before writing anything', () => {
    const data = writeMiniPilot(tempDir(), { events: 'line_id,service\n+491511,voice\n' });
    const out = join(tempDir(), 'out');
    const r = pipeline('--data', data, '--out', out);
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /events\.csv lacks required column start_time/);
    expect(existsSync(join(out, 'mart'))).toBe(false);
  });
  it('stops on a config key it does not know', () => {
    const cfg = join(tempDir(), 'config.json');
    writeFileSync(cfg, JSON.stringify({ personas: { clusters: 5 } }));
    const r = pipeline('--data', writeMiniPilot(tempDir()), '--config', cfg);
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /unknown key personas\.clusters/);
  });
  it('runs a tiny pilot end to end and records the counts', () => {
    const out = join(tempDir(), 'out');
    const r = pipeline('--data', writeMiniPilot(tempDir()), '--out', out);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(manifest.completed).toBe(true);
    expect(manifest.inputs.find((f: { file: string }) => f.file === 'events')).toMatchObject({ read: 6, accepted: 6, quarantined: 0 });
    // Every library's version is found, including those whose package.json their exports leave out.
    expect(Object.entries(manifest.versions).filter(([, v]) => v === 'unknown')).toEqual([]);
    for (const f of ['mart/employee_mart.csv', 'network/line_network.csv', 'value/line_value.csv', 'segments/line_segments.csv', 'offers/next_best_offers.csv', 'offers/account_proposals.csv']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });
});

/** The bench and the quality run take minutes: a wrong argument must stop them before any pilot is generated. */
describe('bench and quality CLIs', () => {
  const tool = (name: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', `${name}.js`), ...args], { encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout };
  };
  it('print their help', () => {
    expect(tool('bench', '--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/--scale LIST/) });
    expect(tool('quality', '--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/--scenarios LIST/) });
  });
  it('stop on a scale or a scenario they cannot run, writing nothing', () => {
    const root = tempDir();
    for (const [name, args, pattern] of [
      ['bench', ['--scale', '1,ten'], /--scale must be a number, got ten/],
      ['bench', ['--scale', '0'], /--scale takes whole numbers of 1 or more, got 0/],
      ['quality', ['--scenarios', 'default,rainy'], /unknown scenario rainy; scenarios: default, /],
    ] as const) {
      const r = tool(name, ...args, name === 'bench' ? '--data' : '--root', join(root, name));
      expect(r.code, `${name} ${args.join(' ')}`).toBe(1);
      expectOneClearLine(r.stderr, pattern);
      expect(existsSync(join(root, name))).toBe(false);
    }
  });
});
