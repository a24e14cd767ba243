/**
 * The network step on real communication graphs (../shared/real, converted to the contract):
 * it must behave there as on generated data. Each exchange is recorded on both lines, so the
 * edge list must count it once.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isAbsolute, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readOutput, runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';

import type { ColumnTable } from 'arquero';
import { tempDir } from '../helpers';
import { adjustedRand } from '../../src/quality/metrics';
import { groupBy } from '../../src/util/stats';

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
    const net = (readOutput(out, 'network') as ColumnTable);
    const lines = (readOutput(out, 'mart') as ColumnTable);
    expect(net.numRows()).toBe(lines.numRows());
    const pr = (net.array('pagerank') as number[]).reduce((a, b) => a + b, 0);
    expect(pr).toBeCloseTo(1, 3);
    const roles = new Set(net.array('role') as string[]);
    expect(roles.has('hub')).toBe(true);
    expect(new Set(net.array('community') as string[]).size).toBeGreaterThan(3);
    // Every exchange appears as an out and an in record: edges come from out records only.
    const edges = (readOutput(out, 'edges') as ColumnTable);
    const outRecords = (edges.array('calls') as number[]).reduce((a, b) => a + b, 0) + (edges.array('sms') as number[]).reduce((a, b) => a + b, 0);
    expect(outRecords * 2).toBeLessThanOrEqual(events.accepted);
    // None of these graphs has data sessions or prices: no line is a "heavy data" user on low voice alone, and no
    // account is sent to self-service on a "small bill" of 0 or shown a margin it cannot have.
    expect((lines.array('data_mb_per_active_day') as number[]).every((v) => v === 0)).toBe(true);
    expect(readOutput(out, 'personas').array('persona')).not.toContain('data_user');
    const served = readOutput(out, 'account_segments').objects() as Record<string, unknown>[];
    for (const a of served) {
      expect(a.net_margin_per_month, String(a.account_id)).toBeNull();
      expect(a.channel_reason).not.toMatch(/small bill|high spend/);
    }
    // No two campaigns offer one product: a word-of-mouth seed would reach the other campaign's control lines.
    const products = (readOutput(out, 'pilot_campaigns').array('product_id') as (string | null)[]).filter(Boolean);
    expect(new Set(products).size).toBe(products.length);
  });
});

/** Directed edges of a graph, node ids as strings. */
type Edges = [string, string][];

/**
 * Matches the nodes of two copies of one directed graph under an unknown relabelling, by colour
 * refinement (1-dimensional Weisfeiler-Lehman) run on both at once: nodes left alone in their
 * colour class with one node of each copy are matched; symmetric nodes stay unmatched.
 */
function matchNodes(a: Edges, b: Edges): Map<string, string> {
  const outs = new Map<string, string[]>();
  const ins = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const [tag, edges] of [['a', a], ['b', b]] as const) {
    for (const [x, y] of edges) {
      add(outs, `${tag}:${x}`, `${tag}:${y}`);
      add(ins, `${tag}:${y}`, `${tag}:${x}`);
    }
  }
  const nodes = [...new Set([...outs.keys(), ...ins.keys()])];
  let colour = new Map(nodes.map((n) => [n, 0]));
  for (let round = 0; round < 8; round++) {
    const signature = (n: string) => {
      const around = (m: Map<string, string[]>) => (m.get(n) ?? []).map((x) => colour.get(x)!).sort((p, q) => p - q).join(',');
      return `${colour.get(n)}|${around(outs)}|${around(ins)}`;
    };
    const sigs = new Map(nodes.map((n) => [n, signature(n)]));
    const ids = new Map([...new Set(sigs.values())].sort().map((s, i) => [s, i]));
    colour = new Map(nodes.map((n) => [n, ids.get(sigs.get(n)!)!]));
  }
  const classes = groupBy(nodes, (n) => String(colour.get(n)));
  const match = new Map<string, string>();
  for (const members of classes.values()) {
    const [x, y] = members;
    if (members.length === 2 && x[0] !== y[0]) {
      const [fromB, fromA] = x.startsWith('b:') ? [x, y] : [y, x];
      match.set(fromB.slice(2), fromA.slice(2));
    }
  }
  return match;
}

describe('real graph email_eu_core against its department labels', () => {
  // The contract copy renames the people at random; the raw SNAP files keep the department of each.
  const raw = join(REAL, 'email_eu_core', 'raw');
  const text = (path: string) => gunzipSync(readFileSync(path)).toString('utf8');
  const pairs = (body: string) => body.split('\n').map((l) => l.trim().split(/[\s,]+/)).filter((f) => f.length >= 2);

  it('finds communities that follow the departments (adjusted Rand index)', async () => {
    const rawEdges = pairs(text(join(raw, 'email-Eu-core.txt.gz'))).filter(([x, y]) => x !== y) as Edges;
    const department = new Map(pairs(text(join(raw, 'email-Eu-core-department-labels.txt.gz'))).map(([n, d]) => [n, d]));
    const events = text(join(REAL, 'email_eu_core', 'data', 'events.csv.gz')).trim().split('\n');
    const head = events[0].split(',');
    const [line, direction, counterpart] = ['line_id', 'direction', 'counterpart'].map((c) => head.indexOf(c));
    const contractEdges = events.slice(1).map((r) => r.split(',')).filter((f) => f[direction] === 'out').map((f) => [f[line], f[counterpart]]) as Edges;
    const match = matchNodes(rawEdges, contractEdges);
    expect(match.size).toBeGreaterThan(900); // measured 954 of 1,005

    const out = tempDir('soo-real-dept-');
    await runPipeline({ data: join(REAL, 'email_eu_core', 'data'), out, config: resolveConfig({}), log: () => undefined, until: 'network' });
    const net = (readOutput(out, 'network') as ColumnTable).objects() as { line_id: string; community: string }[];
    const matched = net.filter((r) => match.has(r.line_id));
    const score = adjustedRand(matched.map((r) => r.community), matched.map((r) => department.get(match.get(r.line_id)!)!));
    // measured 0.33 (8 communities against 42 departments); independent labels score 0
    expect(score).toBeGreaterThan(0.25);
  });
});
