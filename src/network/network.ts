/**
 * Step 2, employee networks: per account, centralities, Louvain communities and
 * a role per line, plus word-of-mouth seeds and advocates toward outside parties.
 *
 * PageRank (Brin & Page 1998) is weighted; betweenness (Brandes 2001) counts hops,
 * since a call count is a strength, not a distance; Louvain (Blondel et al. 2008)
 * takes its random order from the config seed.
 */
import type { ColumnTable } from 'arquero';
import pagerank from 'graphology-metrics/centrality/pagerank';
import betweenness from 'graphology-metrics/centrality/betweenness';
import louvain from 'graphology-communities-louvain';
import type Graph from 'graphology';
import { createRng, deriveSeed } from '../util/rng';
import { groupBy, groupIndices, quantile, round } from '../util/stats';
import { buildCallGraph, type CallEdge } from './graph';
import { assignRoles } from './roles';
import { mapTasks } from '../util/workers';
import { aq } from '../util/arquero';

export interface LineNetwork {
  line_id: string;
  account_id: string;
  degree: number;
  strength: number;
  pagerank: number;
  pagerank_rank: number;
  betweenness: number;
  community: string;
  community_size: number;
  other_communities: number;
  /** Participation coefficient (Guimerà & Amaral 2005): 1 - sum over communities of (weight there / strength)^2. */
  participation: number;
  external_share: number;
  distinct_external_counterparts: number;
  role: string;
  wom_seed: boolean;
  advocate: boolean;
}

/** Communities numbered by size (largest first), ties by smallest line id, so ids read well and stay stable. */
function renumber(partition: Record<string, number>, nodes: string[]): Map<string, number> {
  const members = groupBy(nodes, (n) => String(partition[n]));
  const order = [...members.entries()].sort((a, b) => b[1].length - a[1].length || (a[1][0] < b[1][0] ? -1 : 1));
  const out = new Map<string, number>();
  order.forEach(([, list], i) => list.forEach((n) => out.set(n, i + 1)));
  return out;
}

export interface NetworkParams {
  /** Edge weight = voice calls + sms_weight x SMS between two lines. */
  sms_weight: number;
  louvain_resolution: number;
  pagerank_alpha: number;
  hub_pagerank_quantile: number;
  hub_min_degree: number;
  bridge_betweenness_quantile: number;
  /** Guimerà-Amaral participation coefficient a bridge needs: 0 = all ties in its own community. */
  bridge_min_participation: number;
  connector_external_share: number;
  connector_min_external_counterparts: number;
  peripheral_max_degree: number;
  /** Advocates: lines in this top quantile of outside reach within their account. */
  advocate_external_quantile: number;
}

export function analyseAccount(graph: Graph, accountId: string, externalShare: Map<string, number>, externalReach: Map<string, number>, params: NetworkParams, seed: number): LineNetwork[] {
  const nodes = graph.nodes();
  const n = nodes.length;
  const pr: Record<string, number> = graph.size > 0
    ? pagerank(graph, { getEdgeWeight: 'weight', alpha: params.pagerank_alpha, maxIterations: 1000, tolerance: 1e-10 })
    : Object.fromEntries(nodes.map((id) => [id, 1 / n]));
  const bt = betweenness(graph, { getEdgeWeight: null, normalized: true });
  const partition = graph.size > 0
    ? louvain(graph, { getEdgeWeight: 'weight', resolution: params.louvain_resolution, rng: createRng(deriveSeed(seed, 'louvain', accountId)) })
    : Object.fromEntries(nodes.map((id, i) => [id, i]));
  const community = renumber(partition, nodes);
  const sizes = new Map<number, number>();
  for (const c of community.values()) sizes.set(c, (sizes.get(c) ?? 0) + 1);

  const rows = nodes.map((id) => {
    const weightByCommunity = new Map<number, number>();
    let strength = 0;
    graph.forEachEdge(id, (_e, attr, source, target) => {
      const weight = attr.weight as number;
      strength += weight;
      const c = community.get(source === id ? target : source)!;
      weightByCommunity.set(c, (weightByCommunity.get(c) ?? 0) + weight);
    });
    let concentration = 0;
    for (const w of weightByCommunity.values()) concentration += (w / strength) ** 2;
    return {
      line_id: id,
      account_id: accountId,
      degree: graph.degree(id),
      strength,
      pagerank: pr[id],
      pagerank_rank: 0,
      betweenness: bt[id],
      community: `${accountId}-C${community.get(id)}`,
      community_size: sizes.get(community.get(id)!)!,
      other_communities: weightByCommunity.size - (weightByCommunity.has(community.get(id)!) ? 1 : 0),
      participation: strength > 0 ? 1 - concentration : 0,
      external_share: externalShare.get(id) ?? 0,
      distinct_external_counterparts: externalReach.get(id) ?? 0,
      role: '',
      wom_seed: false,
      advocate: false,
    };
  });
  [...rows].sort((a, b) => b.pagerank - a.pagerank || (a.line_id < b.line_id ? -1 : 1)).forEach((r, i) => (r.pagerank_rank = i + 1));
  const roles = assignRoles(rows, params);
  rows.forEach((r, i) => (r.role = roles[i]));
  // Word-of-mouth seed: the most central line of each community of three or more.
  const best = new Map<string, LineNetwork>();
  for (const r of rows) {
    if (r.community_size < 3 || r.degree === 0) continue;
    const b = best.get(r.community);
    if (!b || r.pagerank > b.pagerank) best.set(r.community, r);
  }
  for (const r of best.values()) r.wom_seed = true;
  const reachCut = quantile(rows.map((r) => r.distinct_external_counterparts), params.advocate_external_quantile);
  for (const r of rows) r.advocate = r.distinct_external_counterparts > 0 && r.distinct_external_counterparts >= reachCut && r.degree > 0;
  return rows;
}

export interface NetworkResult {
  network: ColumnTable;
  /** The call graph's edges: one row per pair of colleagues, line_id < other_line_id. */
  ties: ColumnTable;
}

/**
 * One account's share of the work: its lines (sorted), its edges, and what the mart says of each line's outside
 * calls. Edges are columns of numbers, their ends positions in line_ids: a worker receives them as a copy of a few
 * typed arrays, not as thousands of objects to clone.
 */
export interface AccountTask {
  account_id: string;
  line_ids: string[];
  edges: EdgeColumns;
  /** Per line of line_ids: share of calls and SMS with the outside, and distinct outside counterparts. */
  external_share: number[];
  external_reach: number[];
}

/** What every account's task shares. */
export interface NetworkShared {
  params: NetworkParams;
  seed: number;
}

/** Edges (or ties) between lines of one account, as columns: `from` and `to` are positions in its line_ids. */
export interface EdgeColumns {
  from: Int32Array;
  to: Int32Array;
  calls: Float64Array;
  minutes: Float64Array;
  sms: Float64Array;
}

export interface AccountNetwork {
  rows: LineNetwork[];
  /** The call graph's ties, from < to by line id, with their weight. */
  ties: EdgeColumns & { weight: Float64Array };
}

/** The edge list's columns, read once: no object per edge (2.7 M edges at x100). */
interface EdgeTable {
  line: readonly string[];
  counterpart: readonly string[];
  calls: ArrayLike<number>;
  minutes: ArrayLike<number>;
  sms: ArrayLike<number>;
}

/** An account's edges (rows of the edge list) between its own lines, in their order, as columns (the others join no node of its graph). */
function edgeColumns(lineIds: readonly string[], edges: EdgeTable, rows: readonly number[]): EdgeColumns {
  const at = new Map(lineIds.map((id, i) => [id, i]));
  const kept = rows.filter((r) => at.has(edges.line[r]) && at.has(edges.counterpart[r]));
  return {
    from: Int32Array.from(kept, (r) => at.get(edges.line[r])!),
    to: Int32Array.from(kept, (r) => at.get(edges.counterpart[r])!),
    calls: Float64Array.from(kept, (r) => edges.calls[r]),
    minutes: Float64Array.from(kept, (r) => edges.minutes[r]),
    sms: Float64Array.from(kept, (r) => edges.sms[r]),
  };
}

/** The tasks of a run, one per account, in the order of the accounts' first line in the mart. */
export function accountTasks(mart: ColumnTable, edges: ColumnTable): AccountTask[] {
  const lineIds = mart.array('line_id') as string[];
  const accounts = mart.array('account_id') as string[];
  const internal = mart.array('internal_share') as number[];
  const reach = mart.array('distinct_external_counterparts') as number[];
  const sms = mart.array('sms_count') as number[];
  const comms = (mart.array('voice_count') as number[]).map((v, i) => v + sms[i]);
  const edgeTable: EdgeTable = {
    line: edges.array('line_id') as string[],
    counterpart: edges.array('counterpart_line_id') as string[],
    calls: edges.array('calls') as ArrayLike<number>,
    minutes: edges.array('minutes') as ArrayLike<number>,
    sms: edges.array('sms') as ArrayLike<number>,
  };
  const edgesByAccount = groupIndices(edges.array('account_id') as string[]);
  return [...groupIndices(accounts)].map(([accountId, idx]) => {
    const order = [...idx].sort((a, b) => (lineIds[a] < lineIds[b] ? -1 : lineIds[a] > lineIds[b] ? 1 : 0));
    const ids = order.map((i) => lineIds[i]);
    return {
      account_id: accountId,
      line_ids: ids,
      edges: edgeColumns(ids, edgeTable, edgesByAccount.get(accountId) ?? []),
      // A line with no calls or SMS talks to no one outside either.
      external_share: order.map((i) => (comms[i] > 0 ? 1 - internal[i] : 0)),
      external_reach: order.map((i) => reach[i]),
    };
  });
}

/** Step 2 for one account: its lines' metrics and roles, and its ties (the job a worker runs). */
export function analyseAccountTask(task: AccountTask, { params, seed }: NetworkShared): AccountNetwork {
  const ids = task.line_ids;
  const e = task.edges;
  const edges: CallEdge[] = Array.from(e.from, (f, k) => ({
    account_id: task.account_id, line_id: ids[f], counterpart_line_id: ids[e.to[k]], calls: e.calls[k], minutes: e.minutes[k], sms: e.sms[k],
  }));
  const graph = buildCallGraph(ids, edges, { smsWeight: params.sms_weight });
  const share = new Map(ids.map((id, i) => [id, task.external_share[i]]));
  const reach = new Map(ids.map((id, i) => [id, task.external_reach[i]]));
  const rows = analyseAccount(graph, task.account_id, share, reach, params, seed);
  const at = new Map(ids.map((id, i) => [id, i]));
  const n = graph.size;
  const ties = { from: new Int32Array(n), to: new Int32Array(n), calls: new Float64Array(n), minutes: new Float64Array(n), sms: new Float64Array(n), weight: new Float64Array(n) };
  let k = 0;
  graph.forEachEdge((_e, attr, s, t) => {
    const [a, b] = s < t ? [s, t] : [t, s];
    ties.from[k] = at.get(a)!;
    ties.to[k] = at.get(b)!;
    ties.calls[k] = attr.calls as number;
    ties.minutes[k] = round(attr.minutes as number);
    ties.sms[k] = attr.sms as number;
    ties.weight[k++] = round(attr.weight as number);
  });
  return { rows, ties };
}

export interface NetworkOptions {
  /** Worker threads for the accounts (StepContext.workers); 1: in the main thread. */
  workers?: number;
  onAccount?: (done: number, total: number) => void;
}

/** Step 2: the network table, one row per line of the mart, and the ties of the call graphs. */
export async function analyseNetworks(mart: ColumnTable, edges: ColumnTable, params: NetworkParams, seed: number, options: NetworkOptions = {}): Promise<NetworkResult> {
  const tasks = accountTasks(mart, edges);
  const workers = options.workers ?? 1;
  // Betweenness, the costliest metric, grows with lines x ties.
  const cost = (t: unknown) => (t as AccountTask).line_ids.length * ((t as AccountTask).edges.from.length + 1);
  const results = await mapTasks({ module: 'network/network.js', fn: 'analyseAccountTask' }, analyseAccountTask, tasks, { params, seed }, { workers, onDone: options.onAccount, cost });
  const byId = new Map(results.flatMap((r) => r.rows).map((r) => [r.line_id, r]));
  const ordered = (mart.array('line_id') as string[]).map((id) => byId.get(id)!);
  const network = aq.from(ordered.map((r) => ({
    ...r,
    strength: round(r.strength),
    pagerank: round(r.pagerank, 8),
    betweenness: round(r.betweenness, 8),
    participation: round(r.participation),
    external_share: round(r.external_share),
  })));
  return { network, ties: tieTable(tasks, results.map((r) => r.ties)) };
}

/**
 * Every account's ties as one table, by line id then the other line's id, built as columns: the 2.7 M ties of x100
 * as objects sorted by their ids took some 2 s of the main thread. Each tie is placed by the ranks of its two
 * ids among all lines (ids compared as the sort of strings compares them), one number per tie.
 */
function tieTable(tasks: readonly AccountTask[], ties: readonly (EdgeColumns & { weight: Float64Array })[]): ColumnTable {
  const ids = tasks.flatMap((t) => t.line_ids).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(ids.map((id, i) => [id, i]));
  const n = ties.reduce((s, t) => s + t.from.length, 0);
  // Tie k is tie at[k] of account account[k].
  const key = new Float64Array(n);
  const account = new Int32Array(n);
  const at = new Int32Array(n);
  let k = 0;
  ties.forEach((t, j) => {
    const lines = tasks[j].line_ids;
    for (let e = 0; e < t.from.length; e++, k++) {
      key[k] = rank.get(lines[t.from[e]])! * ids.length + rank.get(lines[t.to[e]])!;
      account[k] = j;
      at[k] = e;
    }
  });
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b]);
  const column = <T>(value: (j: number, e: number) => T) => Array.from(order, (i) => value(account[i], at[i]));
  return aq.table({
    account_id: column((j) => tasks[j].account_id),
    line_id: column((j, e) => tasks[j].line_ids[ties[j].from[e]]),
    other_line_id: column((j, e) => tasks[j].line_ids[ties[j].to[e]]),
    calls: column((j, e) => ties[j].calls[e]),
    minutes: column((j, e) => ties[j].minutes[e]),
    sms: column((j, e) => ties[j].sms[e]),
    weight: column((j, e) => ties[j].weight[e]),
  });
}
