/**
 * The five notebooks executed headless in a real Jupyter with the tslab kernel,
 * exactly as `npm run notebooks` runs them. Jupyter is installed by the setup when
 * missing (as root), or this test fails saying what to install: it never skips.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generatePilot } from '../../src/generate/pilot';
import { notebookErrors, svgOutputs } from '../../src/notebook/run';
import { ensureSystem, jupyterNeed } from '../../src/util/system';
import { tempDir } from '../helpers';

const ROOT = join(__dirname, '..', '..');

describe('notebooks', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    ensureSystem(jupyterNeed);
    const dir = tempDir('soo-nb-');
    const data = join(dir, 'pilot');
    out = join(dir, 'out');
    await generatePilot({ out: data, seed: 3, accounts: 6 });
    run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'notebooks.js'), '--data', data, '--out', out], { encoding: 'utf8' });
  }, 600_000);

  it('all seven run without a failing cell', () => {
    expect(run.stderr).not.toMatch(/failed|did not run/);
    expect(run.status).toBe(0);
    const executed = readdirSync(join(out, 'executed')).filter((f) => f.endsWith('.ipynb')).sort();
    expect(executed).toEqual(['01_mart.ipynb', '02_networks.ipynb', '03_value.ipynb', '04_personas.ipynb', '05_offers.ipynb', '06_accounts.ipynb', '07_pilot.ipynb']);
  });

  it.each(['01_mart', '02_networks', '03_value', '04_personas', '05_offers', '06_accounts', '07_pilot'])('%s has a chart and no error output', (name) => {
    const path = join(out, 'executed', `${name}.ipynb`);
    expect(existsSync(path)).toBe(true);
    expect(notebookErrors(path)).toEqual([]);
    expect(svgOutputs(path)).toBeGreaterThanOrEqual(1);
  });

  it('the last notebook leaves the findings report', () => {
    expect(existsSync(join(out, 'report', 'index.html'))).toBe(true);
  });
});
