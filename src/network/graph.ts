/**
 * The internal call graph of one account: lines are nodes, an undirected edge
 * joins two lines that called or messaged each other, weighted by
 * voice calls + sms_weight x SMS in both directions.
 */
import Graph from 'graphology';

export interface CallEdge {
  account_id: string;
  line_id: string;
  counterpart_line_id: string;
  calls: number;
  minutes: number;
  sms: number;
}

export interface CallGraphOptions {
  smsWeight: number;
}

export function buildCallGraph(lineIds: readonly string[], edges: readonly CallEdge[], options: CallGraphOptions): Graph {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const id of lineIds) graph.addNode(id);
  for (const e of edges) {
    if (e.line_id === e.counterpart_line_id || !graph.hasNode(e.line_id) || !graph.hasNode(e.counterpart_line_id)) continue;
    const w = e.calls + options.smsWeight * e.sms;
    if (w <= 0) continue;
    graph.updateUndirectedEdge(e.line_id, e.counterpart_line_id, (attr) => ({
      weight: (attr.weight ?? 0) + w,
      calls: (attr.calls ?? 0) + e.calls,
      minutes: (attr.minutes ?? 0) + e.minutes,
      sms: (attr.sms ?? 0) + e.sms,
    }));
  }
  return graph;
}

/** One pair of colleagues of the call graph, as much of network/call_ties.csv as drawing it needs. */
export interface CallTie {
  line_id: string;
  other_line_id: string;
  weight: number;
}

/** The call graph rebuilt from its ties, for drawing (the weights are the network step's own). */
export function graphFromTies(lineIds: readonly string[], ties: readonly CallTie[]): Graph {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const id of lineIds) graph.addNode(id);
  for (const t of ties) {
    if (t.weight > 0 && graph.hasNode(t.line_id) && graph.hasNode(t.other_line_id)) graph.addUndirectedEdge(t.line_id, t.other_line_id, { weight: t.weight });
  }
  return graph;
}
