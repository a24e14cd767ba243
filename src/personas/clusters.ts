/**
 * The clusters personas are named from: for each k in [k_min, k_max], k-means with restarts starts a diagonal
 * Gaussian mixture, scored by the mean silhouette of its hard labels; the best k wins (personas.ts, step 2).
 *
 * Each k is one task over worker threads (util/workers.ts): a k's fit depends only on the lines, the settings
 * and the seed, so the winner and the curve are the same for any number of workers. This module loads no
 * arquero: worker threads load only what a task needs.
 */
import { clusterLines } from '../features/kmeans';
import { fitMixture, hardLabels, posteriors, type Mixture } from '../features/mixture';
import { silhouetteScorer } from '../features/silhouette';
import { createRng, deriveSeed, shuffle } from '../util/rng';
import { round } from '../util/stats';
import { mapTasks } from '../util/workers';

export interface ClusterSettings {
  k_min: number;
  k_max: number;
  restarts: number;
  max_iterations: number;
  fit_sample: number;
}

export interface ClusterChoice {
  model: Mixture;
  k: number;
  curve: { k: number; silhouette: number }[];
}

interface Shared {
  fit: number[][];
  restarts: number;
  max_iterations: number;
  seed: number;
}

// The silhouette's distances are computed once per set of lines, and a worker receives the lines once.
const scorers = new WeakMap<number[][], (clusters: readonly number[]) => number>();

/** One k: the mixture started from k-means, and its silhouette. */
export function fitClusterCount(task: { k: number }, shared: Shared): { k: number; model: Mixture; score: number } {
  const start = clusterLines(shared.fit, { k: task.k, restarts: shared.restarts, maxIterations: shared.max_iterations, seed: shared.seed });
  const model = fitMixture(shared.fit, start.clusters);
  let score = scorers.get(shared.fit);
  if (!score) scorers.set(shared.fit, (score = silhouetteScorer(shared.fit, { seed: shared.seed })));
  return { k: task.k, model, score: score(hardLabels(posteriors(model, shared.fit))) };
}

/** k from the data, over `workers` threads; above fit_sample lines, on a seeded sample of them. */
export async function chooseClusters(matrix: number[][], cfg: ClusterSettings, seed: number, workers = 1): Promise<ClusterChoice> {
  let fit = matrix;
  if (matrix.length > cfg.fit_sample) {
    const order = shuffle(createRng(deriveSeed(seed, 'persona-sample')), matrix.map((_, i) => i)).slice(0, cfg.fit_sample).sort((a, b) => a - b);
    fit = order.map((i) => matrix[i]);
  }
  const tasks: { k: number }[] = [];
  for (let k = cfg.k_min; k <= Math.min(cfg.k_max, fit.length - 1); k++) tasks.push({ k });
  // Too few lines to cluster: one component.
  if (!tasks.length) return { model: fitMixture(fit, fit.map(() => 1)), k: 1, curve: [] };
  const shared: Shared = { fit, restarts: cfg.restarts, max_iterations: cfg.max_iterations, seed };
  const fits = await mapTasks({ module: 'personas/clusters.js', fn: 'fitClusterCount' }, fitClusterCount, tasks, shared, { workers, cost: (t) => (t as { k: number }).k });
  let best = fits[0];
  for (const f of fits) if (f.score > best.score + 1e-9) best = f;
  return { model: best.model, k: best.k, curve: fits.map((f) => ({ k: f.k, silhouette: round(f.score, 4) })) };
}
