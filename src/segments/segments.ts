/**
 * Step 4, segmentation: a named persona per line from the analyst's rules and a
 * model cluster from k-means on standardised behaviour, plus a profile per cluster
 * so each cluster can be read and named.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { Config } from '../config';
import { featureMatrix } from './features';
import { clusterLines } from './kmeans';
import { persona } from './personas';
import { round } from '../util/stats';

export interface SegmentResult {
  segments: ColumnTable;
  profiles: ColumnTable;
}

export function segmentStep(mart: ColumnTable, config: Config): SegmentResult {
  const cfg = config.segments;
  const rows = mart.objects() as Record<string, unknown>[];
  const names = rows.map((r) => persona(r, cfg.personas, cfg.default_persona));
  const { matrix } = featureMatrix(mart, cfg.features, cfg.log_features);
  const { clusters } = clusterLines(matrix, { k: cfg.k, restarts: cfg.restarts, maxIterations: cfg.max_iterations, seed: config.seed });
  const segments = aq.table({
    line_id: mart.array('line_id'),
    account_id: mart.array('account_id'),
    segment: names,
    cluster: clusters,
  });

  // Profiles in the features' own units: means per cluster and the persona most of its lines carry.
  const profiles: Record<string, unknown>[] = [];
  const ids = [...new Set(clusters)].sort((a, b) => a - b);
  for (const c of ids) {
    const idx = clusters.map((x, i) => (x === c ? i : -1)).filter((i) => i >= 0);
    const counts = new Map<string, number>();
    for (const i of idx) counts.set(names[i], (counts.get(names[i]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const profile: Record<string, unknown> = { cluster: c, lines: idx.length, main_segment: top[0], main_segment_share: round(top[1] / idx.length, 4) };
    for (const f of cfg.features) {
      const values = mart.array(f) as number[];
      profile[f] = round(idx.reduce((s, i) => s + values[i], 0) / idx.length, 4);
    }
    profiles.push(profile);
  }
  return { segments, profiles: aq.from(profiles) };
}
