/**
 * Needs segments of accounts: k-means on the standardised needs features of the account mart, k chosen
 * by the mean silhouette (Rousseeuw 1987) between k_min and k_max, each segment named from its profile:
 * the features where its accounts stand out most from the portfolio (in standard deviations).
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { clusterLines } from '../features/kmeans';
import { silhouetteScorer } from '../features/silhouette';
import { mean, round, sd } from '../util/stats';
import { accountFeature } from './mart';
import { NO_CACHE, type Cache } from '../pipeline/cache';

export interface SegmentOptions {
  features: readonly string[];
  k_min: number;
  k_max: number;
  restarts: number;
  /** A feature names a segment when the segment's mean is this many portfolio standard deviations above the portfolio mean. */
  name_min_z: number;
  seed: number;
}

export interface Segmentation {
  /** account_id, segment_id, segment (its name). */
  segments: ColumnTable;
  /** segment_id, segment, accounts, and each feature's mean. */
  profiles: ColumnTable;
  /** k, silhouette: the curve k was chosen on. */
  kCurve: ColumnTable;
}

function standardise(t: ColumnTable, features: readonly string[]): { z: number[][]; raw: number[][] } {
  const raw = features.map((f) => Array.from(t.array(f) as ArrayLike<number>, (v) => Number(v) || 0));
  const scaled = features.map((f, j) => raw[j].map((v) => (accountFeature(f)?.scale === 'log' ? Math.log1p(Math.max(0, v)) : v)));
  const means = scaled.map(mean);
  const sds = scaled.map(sd);
  const z = t.numRows() ? Array.from({ length: t.numRows() }, (_, i) => scaled.map((c, j) => (sds[j] > 0 ? (c[i] - means[j]) / sds[j] : 0))) : [];
  return { z, raw };
}

/** Names a segment by its standout features; distinct names for distinct segments. */
function names(centroids: number[][], features: readonly string[], minZ: number): string[] {
  const picked = centroids.map((c) => c.map((z, j) => [z, j] as const).filter(([z]) => z >= minZ).sort((a, b) => b[0] - a[0]));
  const label = (j: number) => accountFeature(features[j])?.label ?? features[j].replace(/_/g, ' ');
  const out = picked.map((p) => (p.length ? p.slice(0, 2).map(([, j]) => label(j)).join(', ') : 'balanced mix'));
  // Two segments with one name: the later ones get their third standout feature, else a number.
  const seen = new Map<string, number>();
  return out.map((name, s) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === 1) return name;
    const third = picked[s][2];
    return third ? `${name}, ${label(third[1])}` : `${name} (${n})`;
  });
}

/** With a `cache`, the clustering of an unchanged account mart is fitted once and reused (same bytes). */
export function segmentAccounts(accountMart: ColumnTable, o: SegmentOptions, cache: Cache = NO_CACHE): Segmentation {
  const ids = accountMart.array('account_id') as string[];
  const { z, raw } = standardise(accountMart, o.features);
  const n = ids.length;
  const fit = () => {
    const curve: { k: number; silhouette: number }[] = [];
    let best = { k: 1, score: -Infinity, clusters: ids.map(() => 1), centroids: [o.features.map(() => 0)] };
    const silhouette = silhouetteScorer(z, { seed: o.seed });
    for (let k = o.k_min; k <= Math.min(o.k_max, n - 1); k++) {
      const c = clusterLines(z, { k, restarts: o.restarts, maxIterations: 100, seed: o.seed });
      const score = silhouette(c.clusters);
      curve.push({ k, silhouette: round(score, 4) });
      if (score > best.score + 1e-9) best = { k, score, clusters: c.clusters, centroids: c.centroids };
    }
    return { curve, best: { clusters: best.clusters, centroids: best.centroids } };
  };
  const { curve, best } = cache.json(['account-segments', 1, Float64Array.from(z.flat()), n, o.k_min, o.k_max, o.restarts, o.seed], fit);
  const segmentNames = names(best.centroids, o.features, o.name_min_z);
  const profiles = segmentNames.map((name, s) => {
    const members = best.clusters.map((c, i) => (c === s + 1 ? i : -1)).filter((i) => i >= 0);
    return {
      segment_id: s + 1, segment: name, accounts: members.length,
      ...Object.fromEntries(o.features.map((f, j) => [f, round(members.length ? members.reduce((a, i) => a + raw[j][i], 0) / members.length : 0, 4)])),
    };
  }).filter((p) => p.accounts > 0);
  return {
    segments: aq.table({ account_id: ids, segment_id: best.clusters, segment: best.clusters.map((c) => segmentNames[c - 1]) }),
    profiles: aq.from(profiles),
    kCurve: aq.from(curve),
  };
}
