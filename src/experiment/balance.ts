/**
 * Covariate balance between treatment and control: the standardised mean difference (SMD) of each
 * feature, as P. C. Austin, "Balance diagnostics for comparing the distribution of baseline
 * covariates between treatment groups in propensity-score matched samples", Statistics in
 * Medicine 28, 3083-3107 (2009), §3.1:
 *   continuous   d = (x̄1 - x̄0) / sqrt((s1² + s0²) / 2)
 *   dichotomous  d = (p1 - p0)  / sqrt((p1(1-p1) + p0(1-p0)) / 2)
 * Unlike a t-test the SMD does not grow with the sample, so it reads the same for a pilot of 200
 * lines and one of 20,000. |d| > 0.1 is the usual mark of a meaningful imbalance (Austin 2009;
 * Normand et al. 2001). A numeric feature whose values are all 0 or 1 is dichotomous; a text
 * feature becomes one dichotomous indicator per level. Missing values (null, undefined, '', NaN)
 * are left out of that feature's means and counted.
 */
import { SoOError } from '../util/errors';

export interface BalanceOptions {
  /** Feature columns to compare. */
  features: string[];
  /** Column holding the group. */
  group: string;
  treatment: string;
  control: string;
  /** |SMD| above this is flagged as imbalanced. */
  threshold: number;
}

export const BALANCE_DEFAULTS: BalanceOptions = { features: [], group: 'group', treatment: 'treatment', control: 'control', threshold: 0.1 };

export interface BalanceRow {
  feature: string;
  /** The level of a text feature ('' for numeric features). */
  level: string;
  kind: 'continuous' | 'dichotomous';
  treatment_units: number;
  control_units: number;
  /** Units of either group with no value for the feature. */
  missing: number;
  treatment_mean: number;
  control_mean: number;
  smd: number;
  imbalanced: boolean;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function moments(values: number[]): { n: number; mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  let m2 = 0;
  values.forEach((v, i) => {
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  });
  return { n, mean: n ? mean : NaN, variance: n > 1 ? m2 / (n - 1) : 0 };
}

function smdRow(feature: string, level: string, t: number[], c: number[], missing: number, threshold: number): BalanceRow {
  const dichotomous = [...t, ...c].every((v) => v === 0 || v === 1);
  const a = moments(t);
  const b = moments(c);
  const spread = dichotomous ? (a.mean * (1 - a.mean) + b.mean * (1 - b.mean)) / 2 : (a.variance + b.variance) / 2;
  const diff = a.mean - b.mean;
  // A feature constant across both groups is perfectly balanced.
  const smd = spread > 0 ? diff / Math.sqrt(spread) : diff === 0 ? 0 : NaN;
  return {
    feature,
    level,
    kind: dichotomous ? 'dichotomous' : 'continuous',
    treatment_units: a.n,
    control_units: b.n,
    missing,
    treatment_mean: a.mean,
    control_mean: b.mean,
    smd,
    imbalanced: !(Math.abs(smd) <= threshold),
  };
}

export function standardisedMeanDifferences(units: readonly Record<string, unknown>[], options: Partial<BalanceOptions> = {}): BalanceRow[] {
  const o = { ...BALANCE_DEFAULTS, ...options };
  if (!o.features.length) throw new SoOError('balance', 'no features given: pass options.features');
  const inGroup = (u: Record<string, unknown>, g: string) => String(u[o.group]) === g;
  const treated = units.filter((u) => inGroup(u, o.treatment));
  const controls = units.filter((u) => inGroup(u, o.control));
  if (!treated.length || !controls.length) {
    throw new SoOError('balance', `needs units in both groups (${o.group} = ${o.treatment} / ${o.control}), got ${treated.length} and ${controls.length}`);
  }
  const rows: BalanceRow[] = [];
  for (const feature of o.features) {
    if (!units.some((u) => feature in u)) throw new SoOError('balance', `feature ${feature} is not a column of the units`);
    const present = (list: typeof units) => list.map((u) => u[feature]).filter((v) => !isMissing(v));
    const t = present(treated);
    const c = present(controls);
    const missing = treated.length + controls.length - t.length - c.length;
    const numeric = [...t, ...c].every((v) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))));
    if (numeric) {
      rows.push(smdRow(feature, '', t.map(Number), c.map(Number), missing, o.threshold));
    } else {
      const levels = [...new Set([...t, ...c].map(String))].sort();
      for (const level of levels) {
        const indicator = (vs: unknown[]) => vs.map((v) => (String(v) === level ? 1 : 0));
        rows.push(smdRow(feature, level, indicator(t), indicator(c), missing, o.threshold));
      }
    }
  }
  return rows;
}
