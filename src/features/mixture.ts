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

/** Per component, the log of its weight and of its Gaussian's normalising constant: log w − ½ Σⱼ log(2π σⱼ²). */
function logConstants(m: Pick<Mixture, 'weights' | 'variances'>): number[] {
  return m.weights.map((w, c) => m.variances[c].reduce((s, va) => s - 0.5 * Math.log(2 * Math.PI * va), Math.log(Math.max(w, 1e-300))));
}

/**
 * The log-density of each component at a point, weight included, as a function: each component's normalising constant and
 * inverse variances are computed once, not at every point (most of a fit's time went there).
 */
function densities(m: Mixture): (row: readonly number[]) => number[] {
  const constants = logConstants(m);
  const precisions = m.variances.map((va) => va.map((v) => 0.5 / v));
  return (row) => m.means.map((mu, c) => {
    const h = precisions[c];
    let s = 0;
    for (let j = 0; j < row.length; j++) s += (row[j] - mu[j]) ** 2 * h[j];
    return constants[c] - s;
  });
}

/** Posterior probability of each component at each point. */
export function posteriors(m: Mixture, matrix: readonly number[][]): number[][] {
  const logsAt = densities(m);
  return matrix.map((row) => {
    const logs = logsAt(row);
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
  // Flat, row-major: points n × d and responsibilities n × k.
  const x = new Float64Array(n * d);
  matrix.forEach((row, i) => x.set(row, i * d));
  const resp = new Float64Array(n * k);
  start.forEach((c, i) => (resp[i * k + c - 1] = 1));
  const logs = new Float64Array(k);
  let model: Mixture = { weights: [], means: [], variances: [], logLikelihood: -Infinity, iterations: 0 };
  for (let it = 0; it < o.maxIterations; it++) {
    const mass = new Float64Array(k);
    const mean = new Float64Array(k * d);
    const variance = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        if (!r) continue;
        mass[c] += r;
        for (let j = 0; j < d; j++) mean[c * d + j] += r * x[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) mean[c * d + j] /= Math.max(mass[c], 1e-12);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        if (!r) continue;
        for (let j = 0; j < d; j++) variance[c * d + j] += r * (x[i * d + j] - mean[c * d + j]) ** 2;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) variance[c * d + j] = Math.max(o.varianceFloor, variance[c * d + j] / Math.max(mass[c], 1e-12));
    const next: Mixture = {
      weights: Array.from(mass, (m) => m / n),
      means: Array.from({ length: k }, (_, c) => Array.from(mean.subarray(c * d, (c + 1) * d))),
      variances: Array.from({ length: k }, (_, c) => Array.from(variance.subarray(c * d, (c + 1) * d))),
      logLikelihood: 0,
      iterations: it + 1,
    };
    // E-step: as densities(), over the flat arrays.
    const constants = logConstants(next);
    const precision = variance.map((v) => 0.5 / v);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let top = -Infinity;
      for (let c = 0; c < k; c++) {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += (x[i * d + j] - mean[c * d + j]) ** 2 * precision[c * d + j];
        logs[c] = constants[c] - sum;
        if (logs[c] > top) top = logs[c];
      }
      let z = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(logs[c] - top);
        resp[i * k + c] = e;
        z += e;
      }
      for (let c = 0; c < k; c++) resp[i * k + c] /= z;
      ll += top + Math.log(z);
    }
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
