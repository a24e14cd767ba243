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

export function silhouette(matrix: readonly number[][], clusters: readonly number[], options: Partial<SilhouetteOptions> = {}): number {
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
  const labels = [...new Set(idx.map((i) => clusters[i]))];
  if (labels.length < 2) return 0;
  const dist = (a: readonly number[], b: readonly number[]) => {
    let s = 0;
    for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
    return Math.sqrt(s);
  };
  let total = 0;
  for (const i of idx) {
    const sums = new Map<number, [number, number]>();
    for (const j of idx) {
      if (i === j) continue;
      const s = sums.get(clusters[j]) ?? [0, 0];
      s[0] += dist(matrix[i], matrix[j]);
      s[1]++;
      sums.set(clusters[j], s);
    }
    const own = sums.get(clusters[i]);
    // A point alone in its cluster scores 0 (Rousseeuw's convention).
    if (!own || own[1] === 0) continue;
    const a = own[0] / own[1];
    let b = Infinity;
    for (const [c, [s, n]] of sums) if (c !== clusters[i] && n > 0) b = Math.min(b, s / n);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return total / idx.length;
}
