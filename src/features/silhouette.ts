/**
 * Mean silhouette coefficient of a clustering (Rousseeuw 1987): for each point, (b − a) / max(a, b) with a
 * its mean distance to its own cluster and b to the nearest other cluster; 1 is tight and apart, 0 is
 * on the border. Used to choose k from the data. O(n² d): above `sample` points it is taken on a seeded
 * sample, which estimates the mean well (Kaufman & Rousseeuw 1990, CLARA).
 */
import { createRng, deriveSeed } from '../util/rng';

export interface SilhouetteOptions {
  /** Largest number of points scored; a seeded sample above it. */
  sample: number;
  seed: number;
}

export const SILHOUETTE_DEFAULTS: SilhouetteOptions = { sample: 2000, seed: 1 };

/**
 * A scorer of clusterings of one set of points: the sample and its pairwise distances are computed once, so
 * scoring k = 8..12 costs one O(n² d) pass and then O(n²) per clustering.
 */
export function silhouetteScorer(matrix: readonly number[][], options: Partial<SilhouetteOptions> = {}): (clusters: readonly number[]) => number {
  const o = { ...SILHOUETTE_DEFAULTS, ...options };
  let idx = matrix.map((_, i) => i);
  if (idx.length > o.sample) {
    const rng = createRng(deriveSeed(o.seed, 'silhouette'));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx = idx.slice(0, o.sample).sort((a, b) => a - b);
  }
  const m = idx.length;
  // The upper triangle, row by row: distance (a, b) for a < b at a·m − a(a+1)/2 + b − a − 1.
  const distances = new Float64Array((m * (m - 1)) / 2);
  for (let a = 0, at = 0; a < m; a++) {
    const pa = matrix[idx[a]];
    for (let b = a + 1; b < m; b++, at++) {
      const pb = matrix[idx[b]];
      let s = 0;
      for (let j = 0; j < pa.length; j++) s += (pa[j] - pb[j]) ** 2;
      distances[at] = Math.sqrt(s);
    }
  }
  const rowStart = (a: number) => a * m - (a * (a + 1)) / 2 - a - 1;
  return (clusters) => {
    const labels = [...new Set(idx.map((i) => clusters[i]))];
    if (labels.length < 2) return 0;
    const slot = new Map(labels.map((c, k) => [c, k]));
    const of = Int32Array.from(idx, (i) => slot.get(clusters[i])!);
    const sums = new Float64Array(labels.length);
    const counts = new Float64Array(labels.length);
    let total = 0;
    for (let a = 0; a < m; a++) {
      sums.fill(0);
      counts.fill(0);
      // Distances to the points before a sit in their rows, after a in its own.
      for (let b = 0; b < a; b++) {
        sums[of[b]] += distances[rowStart(b) + a];
        counts[of[b]]++;
      }
      const start = rowStart(a);
      for (let b = a + 1; b < m; b++) {
        sums[of[b]] += distances[start + b];
        counts[of[b]]++;
      }
      const own = of[a];
      // A point alone in its cluster scores 0 (Rousseeuw's convention).
      if (counts[own] === 0) continue;
      const within = sums[own] / counts[own];
      let nearest = Infinity;
      for (let c = 0; c < labels.length; c++) if (c !== own && counts[c] > 0) nearest = Math.min(nearest, sums[c] / counts[c]);
      total += nearest === Infinity ? 0 : (nearest - within) / Math.max(within, nearest);
    }
    return total / m;
  };
}

/** Mean silhouette of one clustering. */
export function silhouette(matrix: readonly number[][], clusters: readonly number[], options: Partial<SilhouetteOptions> = {}): number {
  return silhouetteScorer(matrix, options)(clusters);
}
