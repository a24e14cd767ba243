/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS). Small and
 * exact enough for tens of features and up to millions of rows, deterministic, and
 * its coefficients explain each propensity (the offer's reason).
 */
import { sigmoid } from '../util/stats';
import { createRng, shuffle } from '../util/rng';

export interface LogisticModel {
  /** Intercept first, then one weight per feature. */
  weights: number[];
  iterations: number;
}

export interface LogisticOptions {
  l2: number;
  iterations: number;
  tolerance?: number;
}


/** Solves A x = b for a symmetric positive definite A (Cholesky). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map((row) => row.map(() => 0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
    }
  }
  const y = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

export function fitLogistic(x: number[][], y: number[], options: LogisticOptions & { start?: number[] }): LogisticModel {
  const p = (x[0]?.length ?? 0) + 1;
  let w = options.start ? [...options.start] : new Array(p).fill(0);
  const tol = options.tolerance ?? 1e-8;
  const row = new Float64Array(p);
  let it = 0;
  for (; it < options.iterations; it++) {
    const grad = new Array(p).fill(0);
    const hess = Array.from({ length: p }, () => new Float64Array(p));
    for (let i = 0; i < x.length; i++) {
      row[0] = 1;
      const xi = x[i];
      for (let j = 1; j < p; j++) row[j] = xi[j - 1];
      let z = 0;
      for (let j = 0; j < p; j++) z += w[j] * row[j];
      const mu = sigmoid(z);
      const r = mu - y[i];
      const s = mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        const rj = row[j];
        grad[j] += r * rj;
        const sj = s * rj;
        const hj = hess[j];
        for (let k = 0; k <= j; k++) hj[k] += sj * row[k];
      }
    }
    // The intercept is not penalised.
    for (let j = 1; j < p; j++) {
      grad[j] += options.l2 * w[j];
      hess[j][j] += options.l2;
    }
    const full = hess.map((h, j) => Array.from(h, (v, k) => (k <= j ? v : hess[k][j])));
    const step = solve(full, grad);
    w = w.map((v, j) => v - step[j]);
    if (Math.max(...step.map(Math.abs)) < tol) {
      it++;
      break;
    }
  }
  return { weights: w, iterations: it };
}

/** Mean log-loss of a model on rows (probabilities kept off 0 and 1). */
export function logLoss(model: LogisticModel, x: number[][], y: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, predictLogistic(model, x[i])));
    s -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return x.length ? s / x.length : 0;
}

/**
 * The L2 penalty by k-fold cross-validation: each candidate fitted on k − 1 folds and scored by the log-loss
 * on the one left out (folds by a seeded shuffle, so the choice repeats). Returns the best candidate and its
 * cross-validated log-loss.
 */
export function crossValidatedL2(x: number[][], y: number[], options: { candidates: readonly number[]; folds: number; iterations: number; seed: number }): { l2: number; logLoss: number } {
  const rng = createRng(options.seed);
  const fold = shuffle(rng, x.map((_, i) => i)).reduce((f, i, r) => ((f[i] = r % options.folds), f), new Array<number>(x.length));
  let best = { l2: options.candidates[0], logLoss: Infinity };
  for (const l2 of options.candidates) {
    let loss = 0;
    for (let k = 0; k < options.folds; k++) {
      const train = x.map((_, i) => i).filter((i) => fold[i] !== k);
      const test = x.map((_, i) => i).filter((i) => fold[i] === k);
      if (!test.length) continue;
      const m = fitLogistic(train.map((i) => x[i]), train.map((i) => y[i]), { l2, iterations: options.iterations });
      loss += logLoss(m, test.map((i) => x[i]), test.map((i) => y[i])) * test.length;
    }
    loss /= x.length;
    if (loss < best.logLoss - 1e-12) best = { l2, logLoss: loss };
  }
  return best;
}

export function predictLogistic(model: LogisticModel, row: number[]): number {
  let z = model.weights[0];
  for (let j = 0; j < row.length; j++) z += model.weights[j + 1] * row[j];
  return sigmoid(z);
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function auc(scores: readonly number[], labels: readonly (number | boolean)[]): number {
  const pairs = scores.map((s, i) => [s, labels[i] ? 1 : 0] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < pairs.length) {
    let j = i;
    while (j < pairs.length && pairs[j][0] === pairs[i][0]) j++;
    const avgRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (pairs[k][1]) {
      rankSum += avgRank;
      pos++;
    }
    i = j;
  }
  const neg = pairs.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
