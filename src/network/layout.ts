/**
 * A seeded node-link layout of one account's call graph: random start positions
 * from the config seed, then a fixed number of ForceAtlas2 iterations (Jacomy et
 * al. 2014), which is deterministic from its start.
 */
import random from 'graphology-layout/random';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { ColumnTable } from 'arquero';
import { createRng, deriveSeed } from '../util/rng';
import { graphFromTies, type CallTie } from './graph';

export interface LayoutNode {
  line_id: string;
  x: number;
  y: number;
  pagerank: number;
  community: string;
  role: string;
}

export interface LayoutLink {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  weight: number;
}

export interface AccountLayout {
  nodes: LayoutNode[];
  links: LayoutLink[];
}

export interface LayoutOptions {
  iterations?: number;
  /** Draw at most this many links, the heaviest, so large accounts stay legible and light. */
  maxLinks?: number;
}

/** Lines of one account with what the drawing shows of them. */
export type LayoutLine = Omit<LayoutNode, 'x' | 'y'>;

/** Lays out one account from its lines and its call ties (both already restricted to the account). */
export function layoutLines(lines: readonly LayoutLine[], ties: readonly CallTie[], accountId: string, seed: number, options: LayoutOptions = {}): AccountLayout {
  const ids = lines.map((r) => r.line_id).sort();
  const graph = graphFromTies(ids, ties);
  random.assign(graph, { rng: createRng(deriveSeed(seed, 'layout', accountId)) });
  if (graph.size > 0) {
    forceAtlas2.assign(graph, { iterations: options.iterations ?? 150, settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: false }, getEdgeWeight: 'weight' });
  }
  const byId = new Map(lines.map((r) => [r.line_id, r]));
  const nodes = ids.map((id) => {
    const r = byId.get(id)!;
    return { line_id: id, x: graph.getNodeAttribute(id, 'x') as number, y: graph.getNodeAttribute(id, 'y') as number, pagerank: r.pagerank, community: r.community, role: r.role };
  });
  const links = graph
    .mapEdges((_e, attr, s, t) => ({ s, t, weight: attr.weight as number }))
    .sort((a, b) => b.weight - a.weight || (a.s + a.t < b.s + b.t ? -1 : 1))
    .slice(0, options.maxLinks ?? 2000)
    .map(({ s, t, weight }) => ({
      x1: graph.getNodeAttribute(s, 'x') as number, y1: graph.getNodeAttribute(s, 'y') as number,
      x2: graph.getNodeAttribute(t, 'x') as number, y2: graph.getNodeAttribute(t, 'y') as number, weight,
    }));
  return { nodes, links };
}

/** One account's layout as a worker's task: layoutLines's arguments. */
export interface LayoutTask {
  lines: LayoutLine[];
  ties: CallTie[];
  account: string;
  seed: number;
  maxLinks: number;
}

/** layoutLines for a worker thread (util/workers.ts). */
export function layoutTask(t: LayoutTask): AccountLayout {
  return layoutLines(t.lines, t.ties, t.account, t.seed, { maxLinks: t.maxLinks });
}

/** Lays out one account from the network table and the call ties (for notebooks: one account at a time). */
export function layoutAccount(network: ColumnTable, ties: ColumnTable, accountId: string, seed: number, options: LayoutOptions = {}): AccountLayout {
  const mine = (t: ColumnTable) => t.params({ accountId }).filter((d: { account_id: string }, $: { accountId: string }) => d.account_id === $.accountId).objects();
  return layoutLines(mine(network) as LayoutLine[], mine(ties) as CallTie[], accountId, seed, options);
}
