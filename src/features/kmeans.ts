/**
 * k-means with restarts (ml-kmeans, k-means++ initialisation): each restart takes
 * its seed from the config seed, the lowest within-cluster sum of squares wins, and
 * clusters are renumbered by size so ids do not depend on initialisation order.
 */
import type * as MlKMeans from 'ml-kmeans';
import { Random } from 'ml-random';

// Loaded on first use: 60 ms of start-up that a run served from the cache of fits never needs.
let mlKMeans: typeof MlKMeans | undefined;
const kmeans: typeof MlKMeans.kmeans = (...args) => (mlKMeans ??= require('ml-kmeans') as typeof MlKMeans).kmeans(...args);

export interface KMeansOptions {
  k: number;
  restarts: number;
  maxIterations: number;
  seed: number;
}

export interface Clustering {
  clusters: number[];
  centroids: number[][];
  inertia: number;
}

/** Squared distance, summed as ml-distance-euclidean's squaredEuclidean sums it. */
function sq(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

/** Each value times the reciprocal of their sum, the sum taken from the first value on (ml-spectra-processing's xSum). */
function normalised(values: Float64Array): Float64Array {
  let sum = values[0];
  for (let i = 1; i < values.length; i++) sum += values[i];
  const scale = 1 / sum;
  return values.map((v) => v * scale);
}

/**
 * The k-means++ starting centres (Arthur & Vassilvitskii 2007, with scikit-learn's greedy local trials: each new
 * centre is the best of 2 + ln k candidates drawn in proportion to the squared distance to the nearest centre) exactly
 * as ml-kmeans draws them: the same seeded generator (ml-random), the same draws, the same sums in the same order, so
 * the same centres and the same clustering (test/unit/personas.test.ts). Written here because ml-kmeans's own copies
 * a row of the data for every (candidate, point) distance: it was 40-60 % of each k-means run (x10: 150 ms of
 * 250-420 ms), for what is one pass over the points per candidate.
 */
export function kmeansPlusPlus(matrix: readonly number[][], k: number, seed: number): number[][] {
  const n = matrix.length;
  const random = new Random(seed);
  const trials = 2 + Math.floor(Math.log(k));
  const centres = [matrix[random.randInt(n)].slice()];
  let closest = Float64Array.from(matrix, (row) => sq(row, centres[0]));
  let probabilities = normalised(closest);
  for (let c = 1; c < k; c++) {
    const candidates = random.choice(n, { replace: true, size: trials, probabilities: Array.from(probabilities) });
    let best = candidates[0];
    let bestPotential = Infinity;
    let bestClosest = closest;
    for (const candidate of candidates) {
      const centre = matrix[candidate];
      const next = new Float64Array(n);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        next[i] = Math.min(closest[i], sq(centre, matrix[i]));
        potential += next[i];
      }
      if (potential < bestPotential) {
        best = candidate;
        bestPotential = potential;
        bestClosest = next;
      }
    }
    centres.push(matrix[best].slice());
    closest = bestClosest;
    probabilities = normalised(closest);
  }
  return centres;
}

export function clusterLines(matrix: number[][], options: KMeansOptions): Clustering {
  const k = Math.min(options.k, matrix.length);
  if (k < 2) return { clusters: matrix.map(() => 0), centroids: matrix.slice(0, 1), inertia: 0 };
  let best: Clustering | undefined;
  for (let r = 0; r < options.restarts; r++) {
    const result = kmeans(matrix, k, { initialization: kmeansPlusPlus(matrix, k, options.seed + r), maxIterations: options.maxIterations });
    const inertia = matrix.reduce((s, row, i) => s + sq(row, result.centroids[result.clusters[i]]), 0);
    if (!best || inertia < best.inertia - 1e-9) best = { clusters: result.clusters, centroids: result.centroids, inertia };
  }
  const sizes = new Array(k).fill(0);
  for (const c of best!.clusters) sizes[c]++;
  const order = sizes.map((s, c) => [s, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, c]) => c);
  const rename = new Map(order.map((c, i) => [c, i + 1]));
  return {
    clusters: best!.clusters.map((c) => rename.get(c)!),
    centroids: order.map((c) => best!.centroids[c]),
    inertia: best!.inertia,
  };
}
