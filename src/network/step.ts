/** Step 2, employee networks, as a step (network.ts has the method). */
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { analyseNetworks, type NetworkParams } from './network';
import { plural } from '../util/text';
import { ROLES } from '../catalog';

export type { NetworkParams };

export const networkStep: StepDef<NetworkParams> = {
  name: 'network',
  summary: 'per account call graph: centralities, communities, roles, word-of-mouth seeds, advocates',
  section: () => import('./section.js'),
  inputs: ['mart', 'edges'],
  outputs: ['network', 'ties'],
  defaults: {
    sms_weight: 0.5,
    louvain_resolution: 1,
    pagerank_alpha: 0.85,
    hub_pagerank_quantile: 0.9,
    hub_min_degree: 4,
    bridge_betweenness_quantile: 0.75,
    bridge_min_participation: 0.45,
    connector_external_share: 0.75,
    connector_min_external_counterparts: 60,
    peripheral_max_degree: 1,
    advocate_external_quantile: 0.9,
  },
  validate(p, check) {
    for (const key of ['hub_pagerank_quantile', 'bridge_betweenness_quantile', 'bridge_min_participation', 'connector_external_share', 'advocate_external_quantile'] as const) {
      check(p[key] >= 0 && p[key] <= 1, key, 'must be between 0 and 1');
    }
    check(p.sms_weight >= 0, 'sms_weight', 'must be >= 0');
    check(p.pagerank_alpha > 0 && p.pagerank_alpha < 1, 'pagerank_alpha', 'must be between 0 and 1 (exclusive)');
  },
  async run(inputs, p, ctx) {
    const bar = ctx.progress('network');
    const result = await analyseNetworks(inputs.mart as ColumnTable, inputs.edges as ColumnTable, p, ctx.seed, { workers: ctx.workers((inputs.mart as ColumnTable).numRows()), onAccount: (d, t) => bar.update(d, t, 'accounts') });
    bar.clear();
    return { ...result };
  },
  describe: (o) => {
    const network = o.network as ColumnTable;
    // In the roles' own order, not the order the data first shows them in.
    const counts = new Map((network.groupby('role').count().objects() as { role: string; count: number }[]).map((r) => [r.role, r.count]));
    const roles = ROLES.filter((r) => counts.has(r)).map((r) => `${counts.get(r)!.toLocaleString('en')} ${r}`).join(', ');
    return `${network.numRows().toLocaleString('en')} ${plural(network.numRows(), 'line')}: ${roles || 'none'}`;
  },
};
