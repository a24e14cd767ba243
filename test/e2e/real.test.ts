/**
 * The network step on real communication graphs (../shared/real, converted to the contract):
 * it must behave there as on generated data. Each exchange is recorded on both lines, so the
 * edge list must count it once.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';
import { catalog } from '../../src/catalog';
import { readTable } from '../../src/io/tables';
import { tempDir } from '../helpers';

/**
 * shared/real sits beside the repository (CI) or beside the repository this one was cloned from
 * (a local fresh clone); SOO_REAL_DATA names it anywhere else.
 */
function realDataRoot(): string {
  const repo = join(__dirname, '..', '..');
  const candidates = [process.env.SOO_REAL_DATA, join(repo, '..', 'shared', 'real')];
  try {
    const origin = execFileSync('git', ['-C', repo, 'remote', 'get-url', 'origin'], { encoding: 'utf8' }).trim();
    if (isAbsolute(origin)) candidates.push(join(resolve(origin), '..', 'shared', 'real'));
  } catch {
    // Not a clone: the other places are enough.
  }
  return candidates.find((c) => c && existsSync(c)) ?? candidates[1]!;
}

const REAL = realDataRoot();

describe.each(['email_eu_core', 'copenhagen_cns', 'vast2008_mc3'])('real graph %s', (name) => {
  const data = join(REAL, name, 'data');
  it('runs all steps and finds structure', async () => {
    expect(existsSync(data), `${data}: shared/real sits beside the repository, or set SOO_REAL_DATA`).toBe(true);
    const out = tempDir('soo-real-');
    const manifest = await runPipeline({ data, out, config: resolveConfig({}), log: () => undefined });
    expect(manifest.completed).toBe(true);
    const events = manifest.inputs.find((f) => f.file === 'events')!;
    expect(events.quarantined).toBe(0);
    const net = readTable(catalog(out).network);
    const lines = readTable(catalog(out).mart);
    expect(net.numRows()).toBe(lines.numRows());
    const pr = (net.array('pagerank') as number[]).reduce((a, b) => a + b, 0);
    expect(pr).toBeCloseTo(1, 3);
    const roles = new Set(net.array('role') as string[]);
    expect(roles.has('hub')).toBe(true);
    expect(new Set(net.array('community') as string[]).size).toBeGreaterThan(3);
    // Every exchange appears as an out and an in record: edges come from out records only.
    const edges = readTable(catalog(out).edges);
    const outRecords = (edges.array('calls') as number[]).reduce((a, b) => a + b, 0) + (edges.array('sms') as number[]).reduce((a, b) => a + b, 0);
    expect(outRecords * 2).toBeLessThanOrEqual(events.accepted);
  });
});
