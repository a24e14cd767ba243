import { describe, expect, it } from 'vitest';
import { buildCallGraph } from '../../src/network/graph';
import { analyseAccount } from '../../src/network/network';
import { assignRoles } from '../../src/network/roles';
import { resolveConfig } from '../../src/config';

const edge = (a: string, b: string, calls = 3) => ({ account_id: 'A', line_id: a, counterpart_line_id: b, calls, minutes: calls * 2, sms: 0 });

/** Two cliques of five joined through one line: the textbook bridge. */
function barbell() {
  const left = ['a1', 'a2', 'a3', 'a4', 'a5'];
  const right = ['b1', 'b2', 'b3', 'b4', 'b5'];
  const edges = [];
  for (const g of [left, right]) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) edges.push(edge(g[i], g[j]));
  edges.push(edge('a1', 'x'), edge('x', 'b1'));
  return { ids: [...left, ...right, 'x', 'lonely'], edges };
}

describe('call graph', () => {
  it('sums both directions into one weighted undirected edge', () => {
    const g = buildCallGraph(['p', 'q'], [edge('p', 'q', 2), { ...edge('q', 'p', 1), sms: 4 }], { smsWeight: 0.5 });
    expect(g.size).toBe(1);
    expect(g.getEdgeAttribute('p', 'q', 'weight')).toBe(2 + 1 + 2);
  });
});

describe('network metrics and roles', () => {
  const config = resolveConfig({ network: { hub_min_degree: 5 } });
  const { ids, edges } = barbell();
  const graph = buildCallGraph(ids, edges, { smsWeight: 0.5 });
  const rows = analyseAccount(graph, 'A', new Map(), new Map(), config.network, config.seed);
  const byId = Object.fromEntries(rows.map((r) => [r.line_id, r]));

  it('finds the two groups as communities', () => {
    expect(byId.a2.community).toBe(byId.a3.community);
    expect(byId.b2.community).toBe(byId.b3.community);
    expect(byId.a2.community).not.toBe(byId.b2.community);
  });
  it('gives the connecting line the highest betweenness and the bridge role', () => {
    const top = [...rows].sort((p, q) => q.betweenness - p.betweenness).slice(0, 3).map((r) => r.line_id);
    expect(top).toContain('x');
    expect(['bridge', 'hub']).toContain(byId.x.role);
  });
  it('measures participation: 0 with every tie in the own community, about 1/2 for a line split between two', () => {
    expect(byId.a2.participation).toBe(0);
    expect(byId.x.participation).toBeGreaterThan(0.4);
    expect(byId.x.participation).toBeLessThanOrEqual(0.5);
    expect(byId.lonely.participation).toBe(0);
  });
  it('marks an isolated line peripheral with degree 0', () => {
    expect(byId.lonely.degree).toBe(0);
    expect(byId.lonely.role).toBe('peripheral');
  });
  it('ranks PageRank within the account from 1', () => {
    expect(rows.map((r) => r.pagerank_rank).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
    expect(rows.reduce((s, r) => s + r.pagerank, 0)).toBeCloseTo(1, 6);
  });
  it('is deterministic for a seed', () => {
    const again = analyseAccount(buildCallGraph(ids, edges, { smsWeight: 0.5 }), 'A', new Map(), new Map(), config.network, config.seed);
    expect(again).toEqual(rows);
  });
});

describe('role rules', () => {
  const cfg = resolveConfig({}).network;
  const base = { degree: 3, pagerank: 0.1, betweenness: 0, participation: 0, external_share: 0.2, distinct_external_counterparts: 5 };
  it('applies the rules in order', () => {
    const lines = [
      { ...base, degree: 10, pagerank: 0.9 },
      { ...base, external_share: 0.9, distinct_external_counterparts: 100 },
      { ...base, degree: 1 },
      base,
    ];
    expect(assignRoles(lines, { ...cfg, hub_pagerank_quantile: 0.75 })).toEqual(['hub', 'connector', 'peripheral', 'member']);
  });
  it('needs both high betweenness and ties spread over communities for a bridge', () => {
    const lines = [
      { ...base, betweenness: 0.5, participation: 0.6 },
      { ...base, betweenness: 0.5, participation: 0.1 },
      { ...base, betweenness: 0.01, participation: 0.6 },
      { ...base, betweenness: 0.02, participation: 0.6 },
      { ...base, betweenness: 0.03, participation: 0.6 },
    ];
    expect(assignRoles(lines, cfg)).toEqual(['bridge', 'member', 'member', 'member', 'member']);
  });
});

describe('networks across worker threads', () => {
  it('gives each account the same result in one thread or several, in account order', async () => {
    const { mapTasks } = await import('../../src/util/workers');
    const { analyseAccountTask } = await import('../../src/network/network');
    const config = resolveConfig({});
    const columns = (lineIds: string[], list: ReturnType<typeof edge>[]) => {
      const at = new Map(lineIds.map((id, i) => [id, i]));
      const kept = list.filter((e) => at.has(e.line_id) && at.has(e.counterpart_line_id));
      return {
        from: Int32Array.from(kept, (e) => at.get(e.line_id)!), to: Int32Array.from(kept, (e) => at.get(e.counterpart_line_id)!),
        calls: Float64Array.from(kept, (e) => e.calls), minutes: Float64Array.from(kept, (e) => e.minutes), sms: Float64Array.from(kept, (e) => e.sms),
      };
    };
    const { ids, edges } = barbell();
    // Six accounts of the same shape: Louvain's order differs by account (its seed derives from the account id).
    const tasks = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((account, k) => ({
      account_id: account,
      line_ids: ids.map((id) => `${account}-${id}`).sort(),
      edges: columns(ids.map((id) => `${account}-${id}`).sort(), edges.slice(k).map((e) => ({ ...e, account_id: account, line_id: `${account}-${e.line_id}`, counterpart_line_id: `${account}-${e.counterpart_line_id}` }))),
      external_share: ids.map(() => 0.5),
      external_reach: ids.map((_, i) => i),
    }));
    const job = { module: 'network/network.js', fn: 'analyseAccountTask' };
    const shared = { params: config.network, seed: config.seed };
    const one = await mapTasks(job, analyseAccountTask, tasks, shared, { workers: 1 });
    let done = 0;
    const given = new Map<number, unknown>();
    const three = await mapTasks(job, analyseAccountTask, tasks, shared, {
      workers: 3, onDone: () => done++, onResult: (i, r) => given.set(i, r), cost: (t) => (t as { edges: { from: Int32Array } }).edges.from.length,
    });
    expect(done).toBe(tasks.length);
    expect(three).toEqual(one);
    // Each result handed over once as it came, the same as the one returned at its place.
    expect([...given.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const [i, r] of given) expect(r).toBe(three[i]);
    expect(three.map((r) => r.rows[0].account_id)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
  });

  it('says which task failed', async () => {
    const { mapTasks } = await import('../../src/util/workers');
    const { analyseAccountTask } = await import('../../src/network/network');
    const broken = { account_id: 'A', line_ids: ['x'], edges: null as never, external_share: [0], external_reach: [0] };
    await expect(mapTasks({ module: 'network/network.js', fn: 'analyseAccountTask' }, analyseAccountTask, [broken, broken], { params: resolveConfig({}).network, seed: 1 }, { workers: 2 }))
      .rejects.toThrow(/analyseAccountTask failed on task \d/);
  });

  it('fails the run, not the process, when the work on a result throws', async () => {
    const { mapTasks } = await import('../../src/util/workers');
    const { analyseAccountTask } = await import('../../src/network/network');
    const { ids } = barbell();
    const task = { account_id: 'A', line_ids: ids, edges: { from: new Int32Array(), to: new Int32Array(), calls: new Float64Array(), minutes: new Float64Array(), sms: new Float64Array() }, external_share: ids.map(() => 0), external_reach: ids.map(() => 0) };
    const onResult = () => {
      throw new Error('no reason for this line');
    };
    await expect(mapTasks({ module: 'network/network.js', fn: 'analyseAccountTask' }, analyseAccountTask, [task, task], { params: resolveConfig({}).network, seed: 1 }, { workers: 2, onResult }))
      .rejects.toThrow('no reason for this line');
  });
});
