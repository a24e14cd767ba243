/**
 * Difference of two means (treatment - control) with Welch's interval and p-value, for value
 * outcomes such as spend per unit.
 *
 * B. L. Welch, "The generalization of 'Student's' problem when several different population
 * variances are involved", Biometrika 34, 28-35 (1947); degrees of freedom by F. E. Satterthwaite,
 * Biometrics Bulletin 2, 110-114 (1946):
 *   se = sqrt(s1²/n1 + s0²/n0),  ν = se⁴ / ((s1²/n1)²/(n1-1) + (s0²/n0)²/(n0-1)),
 *   interval d ± t(ν, 1-α/2)·se,  p = 2·P(T_ν > |d/se|).
 * Spend per customer is mostly zeros with a long tail; the t interval rests on the central limit
 * theorem for the group means, which holds well at campaign sizes (thousands per group) and is what
 * GrowthBook and Eppo use for mean metrics. At ν in the thousands t and normal differ below 1e-4.
 * Variances are sample variances (divisor n - 1), accumulated with Welford's (1962) update so a
 * mean of many zeros and a few large values loses no precision.
 */
import { SoOError } from '../util/errors';
import { studentTQuantile, studentTSf } from './student-t';

export interface MeanSummary {
  units: number;
  mean: number;
  /** Sample variance (divisor n - 1); 0 for a single unit. */
  variance: number;
}

export interface MeansOptions {
  /** Two-sided confidence level. */
  confidence: number;
}

export const MEANS_DEFAULTS: MeansOptions = { confidence: 0.95 };

export interface MeanComparison {
  treatmentMean: number;
  controlMean: number;
  /** Treatment mean - control mean. */
  difference: number;
  differenceLow: number;
  differenceHigh: number;
  standardError: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  t: number;
  pValue: number;
}

/** Count, mean and sample variance of values (Welford's one-pass update). */
export function summarise(values: Iterable<number>): MeanSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new SoOError('means', `values must be finite numbers, got ${v}`);
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return { units: n, mean: n ? mean : NaN, variance: n > 1 ? m2 / (n - 1) : 0 };
}

export function compareMeans(input: { treatment: MeanSummary; control: MeanSummary }, options: Partial<MeansOptions> = {}): MeanComparison {
  const { confidence } = { ...MEANS_DEFAULTS, ...options };
  if (!(confidence > 0 && confidence < 1)) throw new SoOError('means', `confidence must be in (0, 1), got ${confidence}`);
  const { treatment: t1, control: t0 } = input;
  for (const [name, s] of [['treatment', t1], ['control', t0]] as const) {
    if (!(Number.isInteger(s.units) && s.units >= 0 && s.variance >= 0)) {
      throw new SoOError('means', `${name} needs a whole number of units and a variance >= 0, got ${s.units} and ${s.variance}`);
    }
  }
  const difference = t1.mean - t0.mean;
  const none = { treatmentMean: t1.mean, controlMean: t0.mean, difference, differenceLow: NaN, differenceHigh: NaN, standardError: NaN, df: NaN, t: NaN, pValue: NaN };
  // Welch needs a variance estimate in each group.
  if (t1.units < 2 || t0.units < 2) return none;
  const v1 = t1.variance / t1.units;
  const v0 = t0.variance / t0.units;
  const se = Math.sqrt(v1 + v0);
  if (se === 0) {
    // Both groups constant: the difference is known exactly.
    return { ...none, differenceLow: difference, differenceHigh: difference, standardError: 0, df: Infinity, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, pValue: difference === 0 ? 1 : 0 };
  }
  const df = (v1 + v0) ** 2 / (v1 ** 2 / (t1.units - 1) + v0 ** 2 / (t0.units - 1));
  const critical = studentTQuantile(1 - (1 - confidence) / 2, { df });
  const t = difference / se;
  return {
    treatmentMean: t1.mean,
    controlMean: t0.mean,
    difference,
    differenceLow: difference - critical * se,
    differenceHigh: difference + critical * se,
    standardError: se,
    df,
    t,
    pValue: Math.min(1, 2 * studentTSf(Math.abs(t), { df })),
  };
}
