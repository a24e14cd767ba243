/**
 * k-means with restarts (ml-kmeans, k-means++ initialisation): each restart takes
 * its seed from the config seed, the lowest within-cluster sum of squares wins, and
 * clusters are renumbered by size so ids do not depend on initialisation order.
 */
import type * as MlKMeans from 'ml-kmeans';

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

function sq(a: number[], b: number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

export function clusterLines(matrix: number[][], options: KMeansOptions): Clustering {
  const k = Math.min(options.k, matrix.length);
  if (k < 2) return { clusters: matrix.map(() => 0), centroids: matrix.slice(0, 1), inertia: 0 };
  let best: Clustering | undefined;
  for (let r = 0; r < options.restarts; r++) {
    const result = kmeans(matrix, k, { seed: options.seed + r, initialization: 'kmeans++', maxIterations: options.maxIterations });
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
