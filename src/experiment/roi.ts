/**
 * Incremental value and return on investment of a campaign, with intervals.
 *
 *   incremental value V = n1 · (mean value per treated unit - mean value per control unit)
 *   return on investment ROI = (V - cost) / cost = V / cost - 1
 *
 * The interval of the ratio V / cost is Fieller's: E. C. Fieller, "Some problems in interval
 * estimation", JRSS B 16, 175-185 (1954); in the form of e.g. Franz, "Ratios: a short guide to
 * confidence limits and proper use" (2007, arXiv:0710.2024): the ρ with
 *   (a - ρb)² <= c²·(var a - 2ρ·cov(a, b) + ρ²·var b),
 * bounded when the denominator is clearly away from zero (b² > c²·var b).
 * A campaign's cost is usually known (cost per contact × contacts + fixed cost): then var b = 0,
 * Fieller's interval is V/cost ± c·se(V)/cost, i.e. the difference-of-means interval mapped through
 * the increasing affine function d -> (n1·d - cost)/cost, and the delta method gives the same.
 * A cost with its own sampling error (e.g. a discount paid per adopter) goes in costVariance.
 * The critical value c is Student's t at the degrees of freedom of the value comparison (Welch),
 * so the ROI interval agrees exactly with the interval of the difference of means.
 */
import { SoOError } from '../util/errors';
import { normalQuantile } from './normal';
import { studentTQuantile } from './student-t';

export interface RatioEstimate {
  numerator: number;
  denominator: number;
  numeratorVariance: number;
  /** 0 when the denominator is known. */
  denominatorVariance: number;
  covariance: number;
}

export interface IntervalOptions {
  /** Two-sided confidence level. */
  confidence: number;
  /** Degrees of freedom of the critical value; Infinity for the normal. */
  df: number;
}

export const ROI_DEFAULTS: IntervalOptions = { confidence: 0.95, df: Infinity };

export interface RatioInterval {
  ratio: number;
  low: number;
  high: number;
  /** False when the denominator is not clearly away from zero: the interval is the whole line. */
  bounded: boolean;
}

function critical(options: IntervalOptions): number {
  const { confidence, df } = options;
  if (!(confidence > 0 && confidence < 1)) throw new SoOError('roi', `confidence must be in (0, 1), got ${confidence}`);
  const p = 1 - (1 - confidence) / 2;
  return Number.isFinite(df) ? studentTQuantile(p, { df }) : normalQuantile(p);
}

/** Fieller's interval for a ratio of two (jointly normal) estimates. */
export function fiellerInterval(input: RatioEstimate, options: Partial<IntervalOptions> = {}): RatioInterval {
  const opts = { ...ROI_DEFAULTS, ...options };
  const { numerator: a, denominator: b, numeratorVariance: va, denominatorVariance: vb, covariance: cov } = input;
  if (va < 0 || vb < 0) throw new SoOError('roi', `variances must be >= 0, got ${va} and ${vb}`);
  const ratio = a / b;
  if (![a, b, va, vb, cov].every(Number.isFinite) || b === 0) return { ratio, low: NaN, high: NaN, bounded: false };
  const c2 = critical(opts) ** 2;
  const qa = b * b - c2 * vb;
  const qb = a * b - c2 * cov;
  const qc = a * a - c2 * va;
  if (qa <= 0) return { ratio, low: -Infinity, high: Infinity, bounded: false };
  const root = Math.sqrt(Math.max(0, qb * qb - qa * qc));
  return { ratio, low: (qb - root) / qa, high: (qb + root) / qa, bounded: true };
}

export interface RoiInput {
  /** Units in the treatment group (all assigned, whether reached or not). */
  treatmentUnits: number;
  /** Difference of mean value per unit, treatment - control. */
  difference: number;
  /** Its standard error. */
  standardError: number;
  /** Total cost of treating the treatment group. */
  cost: number;
  /** Sampling variance of the cost, 0 when known. */
  costVariance?: number;
  /** Covariance of incremental value and cost, 0 when the cost is known. */
  covariance?: number;
}

export interface RoiResult {
  incrementalValue: number;
  incrementalValueLow: number;
  incrementalValueHigh: number;
  cost: number;
  /** (incremental value - cost) / cost; NaN when the cost is 0. */
  roi: number;
  roiLow: number;
  roiHigh: number;
  bounded: boolean;
}

export function returnOnInvestment(input: RoiInput, options: Partial<IntervalOptions> = {}): RoiResult {
  const opts = { ...ROI_DEFAULTS, ...options };
  const { treatmentUnits: n, difference, standardError: se, cost } = input;
  if (!(n >= 0)) throw new SoOError('roi', `treatmentUnits must be >= 0, got ${n}`);
  if (!(cost >= 0)) throw new SoOError('roi', `cost must be >= 0, got ${cost}`);
  const c = Number.isFinite(se) ? critical(opts) : NaN;
  const incrementalValue = n * difference;
  const base = {
    incrementalValue,
    incrementalValueLow: incrementalValue - c * n * se,
    incrementalValueHigh: incrementalValue + c * n * se,
    cost,
  };
  if (cost === 0) return { ...base, roi: NaN, roiLow: NaN, roiHigh: NaN, bounded: false };
  const ratio = fiellerInterval(
    { numerator: incrementalValue, denominator: cost, numeratorVariance: (n * se) ** 2, denominatorVariance: input.costVariance ?? 0, covariance: input.covariance ?? 0 },
    opts,
  );
  return { ...base, roi: ratio.ratio - 1, roiLow: ratio.low - 1, roiHigh: ratio.high - 1, bounded: ratio.bounded };
}
