/**
 * A Gaussian mixture with diagonal covariances, fitted by expectation-maximisation (Dempster, Laird &
 * Rubin 1977) from a k-means start. Unlike k-means, each component has its own spread per feature, so a
 * tight group (lines that barely call) and a wide one (travellers) are both found; and each line gets a
 * posterior probability per component, which is the confidence of what it is named.
 *
 * Deterministic: no randomness beyond the start it is given. A variance floor keeps a component from
 * collapsing onto one value of one feature.
 */
export interface MixtureOptions {
  maxIterations: number;
  /** Smallest variance of a feature within a component (the features are z-scores: 1 is the pilot's spread). */
  varianceFloor: number;
  /** Stop when the mean log-likelihood improves less than this. */
  tolerance: number;
}

export const MIXTURE_DEFAULTS: MixtureOptions = { maxIterations: 100, varianceFloor: 0.01, tolerance: 1e-6 };

export interface Mixture {
  weights: number[];
  means: number[][];
  variances: number[][];
  /** Mean log-likelihood per point at the end of the fit. */
  logLikelihood: number;
  iterations: number;
}

/** Log-density of each component at a point, weight included. */
function componentLogs(m: Mixture, row: readonly number[]): number[] {
  return m.weights.map((w, c) => {
    let s = Math.log(Math.max(w, 1e-300));
    const mu = m.means[c];
    const va = m.variances[c];
    for (let j = 0; j < row.length; j++) s -= 0.5 * (Math.log(2 * Math.PI * va[j]) + (row[j] - mu[j]) ** 2 / va[j]);
    return s;
  });
}

/** Posterior probability of each component at each point. */
export function posteriors(m: Mixture, matrix: readonly number[][]): number[][] {
  return matrix.map((row) => {
    const logs = componentLogs(m, row);
    const top = Math.max(...logs);
    const e = logs.map((l) => Math.exp(l - top));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
}

/** Fits the mixture from a hard start (component 1..k of each point, e.g. k-means clusters). */
export function fitMixture(matrix: readonly number[][], start: readonly number[], options: Partial<MixtureOptions> = {}): Mixture {
  const o = { ...MIXTURE_DEFAULTS, ...options };
  const n = matrix.length;
  const d = matrix[0]?.length ?? 0;
  const k = Math.max(1, ...start);
  let resp: number[][] = start.map((c) => Array.from({ length: k }, (_, j) => (j === c - 1 ? 1 : 0)));
  let model: Mixture = { weights: [], means: [], variances: [], logLikelihood: -Infinity, iterations: 0 };
  for (let it = 0; it < o.maxIterations; it++) {
    const mass = new Array(k).fill(0);
    const means = Array.from({ length: k }, () => new Array(d).fill(0));
    const variances = Array.from({ length: k }, () => new Array(d).fill(0));
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i][c];
        if (!r) continue;
        mass[c] += r;
        for (let j = 0; j < d; j++) means[c][j] += r * matrix[i][j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c][j] /= Math.max(mass[c], 1e-12);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i][c];
        if (!r) continue;
        for (let j = 0; j < d; j++) variances[c][j] += r * (matrix[i][j] - means[c][j]) ** 2;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) variances[c][j] = Math.max(o.varianceFloor, variances[c][j] / Math.max(mass[c], 1e-12));
    const next: Mixture = { weights: mass.map((m) => m / n), means, variances, logLikelihood: 0, iterations: it + 1 };
    let ll = 0;
    resp = matrix.map((row) => {
      const logs = componentLogs(next, row);
      const top = Math.max(...logs);
      const e = logs.map((l) => Math.exp(l - top));
      const z = e.reduce((a, b) => a + b, 0);
      ll += top + Math.log(z);
      return e.map((x) => x / z);
    });
    next.logLikelihood = ll / Math.max(1, n);
    const done = next.logLikelihood - model.logLikelihood < o.tolerance;
    model = next;
    if (done) break;
  }
  return model;
}

/** The most probable component (1-based) of each point. */
export function hardLabels(post: readonly number[][]): number[] {
  return post.map((p) => p.indexOf(Math.max(...p)) + 1);
}
