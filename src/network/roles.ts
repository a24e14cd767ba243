/**
 * Network roles from documented rules (docs/methods.md), tried in order:
 *   hub        PageRank in the account's top (1 - hub_pagerank_quantile) and degree >= hub_min_degree
 *   bridge     betweenness in the top (1 - bridge_betweenness_quantile), above zero, and
 *              participation >= bridge_min_participation (its call weight spread over communities)
 *   connector  external_share >= connector_external_share and >= connector_min_external_counterparts outside parties
 *   peripheral degree <= peripheral_max_degree
 *   member     everyone else
 */
import type { NetworkParams } from './network';
import { quantile } from '../util/stats';

export type Role = 'hub' | 'bridge' | 'connector' | 'peripheral' | 'member';

export interface RoleInput {
  degree: number;
  pagerank: number;
  betweenness: number;
  participation: number;
  external_share: number;
  distinct_external_counterparts: number;
}

/** Roles of the lines of one account (thresholds are quantiles within the account). */
export function assignRoles(lines: readonly RoleInput[], options: NetworkParams): Role[] {
  const prCut = quantile(lines.map((l) => l.pagerank), options.hub_pagerank_quantile);
  const btCut = quantile(lines.map((l) => l.betweenness), options.bridge_betweenness_quantile);
  return lines.map((l) => {
    if (l.pagerank >= prCut && l.degree >= options.hub_min_degree) return 'hub';
    if (l.betweenness > 0 && l.betweenness >= btCut && l.participation >= options.bridge_min_participation) return 'bridge';
    if (l.external_share >= options.connector_external_share && l.distinct_external_counterparts >= options.connector_min_external_counterparts) return 'connector';
    if (l.degree <= options.peripheral_max_degree) return 'peripheral';
    return 'member';
  });
}
