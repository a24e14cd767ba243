/**
 * Power, minimum detectable effect (MDE) and sample size of a two-group pilot, shown before launch.
 *
 * Proportions (the pooled two-proportion z-test of ./proportions, two-sided at level α): with
 * p1 = p0 + δ, p̄ = (n1·p1 + n0·p0)/(n1 + n0),
 *   σ0 = sqrt(D · p̄(1-p̄)(1/n1 + 1/n0))          (standard error the test uses, under H0)
 *   σ1 = sqrt(D · (p1(1-p1)/n1 + p0(1-p0)/n0))   (standard error of the uplift under H1)
 *   power(δ) = Φ((δ - z_{1-α/2}·σ0)/σ1) + Φ((-δ - z_{1-α/2}·σ0)/σ1)
 * J. L. Fleiss, B. Levin & M. C. Paik, Statistical Methods for Rates and Proportions, 3rd ed.
 * (2003), §4.2-4.3 (eq. 4.14 and, for unequal groups, 4.19). The MDE is the smallest δ > 0 with
 * power(δ) >= the target (found by bisection, power rising with δ); the sample size is Fleiss'
 * closed form n0 = (z_{1-α/2}·sqrt(p̄(1-p̄)(1 + 1/k)) + z_{power}·sqrt(p0(1-p0) + p1(1-p1)/k))² · D / δ²,
 * n1 = k·n0 (k = n1/n0), rounded up.
 *
 * Cluster randomisation (whole accounts or communities assigned): variances are inflated by the
 * design effect D = 1 + (m - 1)·ICC for clusters of m units (Kish, Survey Sampling, 1965, §5.4;
 * Donner, Birkett & Buck, Am. J. Epidemiol. 114, 906-914, 1981), or D = 1 + ((cv² + 1)·m - 1)·ICC
 * when cluster sizes vary with coefficient of variation cv around their mean m (Eldridge, Ashby &
 * Kerry, Int. J. Epidemiol. 35, 1292-1300, 2006). D = 1 for individual randomisation.
 *
 * Means (value per unit, Welch test of ./means with a normal approximation at these sizes):
 *   MDE = (z_{1-α/2} + z_{power}) · sd · sqrt(D·(1/n1 + 1/n0))  (e.g. Chow, Shao & Wang, Sample Size
 *   Calculations in Clinical Research, 2nd ed. 2008, §3.2).
 */
import { SoOError } from '../util/errors';
import { normalCdf, normalQuantile } from './normal';

export interface PowerOptions {
  /** Two-sided significance level. */
  alpha: number;
  /** Target power. */
  power: number;
  /** Mean units per cluster (1 = individual randomisation). */
  clusterSize: number;
  /** Intra-cluster correlation of the outcome. */
  icc: number;
  /** Coefficient of variation of cluster sizes (0 = all clusters the same size). */
  clusterSizeCv: number;
  /** Whether the MDE is a rise (`increase`) or a fall (`decrease`) from the base rate. */
  direction: 'increase' | 'decrease';
}

export const POWER_DEFAULTS: PowerOptions = { alpha: 0.05, power: 0.8, clusterSize: 1, icc: 0, clusterSizeCv: 0, direction: 'increase' };

function resolve(options: Partial<PowerOptions>): PowerOptions {
  const o = { ...POWER_DEFAULTS, ...options };
  if (!(o.alpha > 0 && o.alpha < 1)) throw new SoOError('power', `alpha must be in (0, 1), got ${o.alpha}`);
  if (!(o.power > 0 && o.power < 1)) throw new SoOError('power', `power must be in (0, 1), got ${o.power}`);
  if (!(o.clusterSize >= 1)) throw new SoOError('power', `clusterSize must be >= 1, got ${o.clusterSize}`);
  if (!(o.icc >= 0 && o.icc <= 1)) throw new SoOError('power', `icc must be in [0, 1], got ${o.icc}`);
  if (!(o.clusterSizeCv >= 0)) throw new SoOError('power', `clusterSizeCv must be >= 0, got ${o.clusterSizeCv}`);
  if (o.direction !== 'increase' && o.direction !== 'decrease') throw new SoOError('power', `direction must be increase or decrease, got ${o.direction}`);
  return o;
}

/** Design effect of cluster randomisation: 1 + ((cv² + 1)·m - 1)·ICC. */
export function designEffect(options: Partial<Pick<PowerOptions, 'clusterSize' | 'icc' | 'clusterSizeCv'>> = {}): number {
  const { clusterSize: m, icc, clusterSizeCv: cv } = resolve(options);
  return 1 + ((cv * cv + 1) * m - 1) * icc;
}

export interface ProportionDesign {
  treatmentUnits: number;
  controlUnits: number;
  /** Outcome rate without treatment (the control rate expected). */
  baseRate: number;
}

function checkDesign(design: ProportionDesign): void {
  const { treatmentUnits: n1, controlUnits: n0, baseRate: p0 } = design;
  if (!(n1 > 0 && n0 > 0)) throw new SoOError('power', `group sizes must be > 0, got ${n1} and ${n0}`);
  if (!(p0 > 0 && p0 < 1)) throw new SoOError('power', `baseRate must be in (0, 1), got ${p0}`);
}

/** Probability that the pooled z-test rejects at level α when the true uplift is `uplift`. */
export function proportionPower(input: ProportionDesign & { uplift: number }, options: Partial<PowerOptions> = {}): number {
  checkDesign(input);
  const o = resolve(options);
  const { treatmentUnits: n1, controlUnits: n0, baseRate: p0, uplift: d } = input;
  const p1 = p0 + d;
  if (!(p1 >= 0 && p1 <= 1)) throw new SoOError('power', `baseRate + uplift must be in [0, 1], got ${p1}`);
  const D = designEffect(o);
  const pBar = (n1 * p1 + n0 * p0) / (n1 + n0);
  const s0 = Math.sqrt(D * pBar * (1 - pBar) * (1 / n1 + 1 / n0));
  const s1 = Math.sqrt(D * ((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0));
  const z = normalQuantile(1 - o.alpha / 2);
  if (s1 === 0) return Math.abs(d) > z * s0 ? 1 : 0;
  return normalCdf((d - z * s0) / s1) + normalCdf((-d - z * s0) / s1);
}

/**
 * Smallest absolute uplift detectable with the target power (NaN when even the largest possible
 * change, to a rate of 1 or 0, is not).
 */
export function minimumDetectableEffect(design: ProportionDesign, options: Partial<PowerOptions> = {}): number {
  checkDesign(design);
  const o = resolve(options);
  const sign = o.direction === 'increase' ? 1 : -1;
  const limit = o.direction === 'increase' ? 1 - design.baseRate : design.baseRate;
  const power = (d: number) => proportionPower({ ...design, uplift: sign * d }, o);
  if (power(limit) < o.power) return NaN;
  let lo = 0;
  let hi = limit;
  // 100 halvings take any interval in (0, 1) below double precision.
  for (let i = 0; i < 100 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= o.power) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface SampleSizeOptions extends PowerOptions {
  /** Share of units held out as control. */
  controlShare: number;
}

export const SAMPLE_SIZE_DEFAULTS: SampleSizeOptions = { ...POWER_DEFAULTS, controlShare: 0.5 };

export interface SampleSize {
  treatmentUnits: number;
  controlUnits: number;
  totalUnits: number;
  /** Clusters needed per group when clusterSize > 1 (units / mean cluster size, rounded up). */
  treatmentClusters: number;
  controlClusters: number;
}

/** Units needed per group to detect `uplift` from `baseRate` with the target power. */
export function sampleSize(input: { baseRate: number; uplift: number }, options: Partial<SampleSizeOptions> = {}): SampleSize {
  const { controlShare, ...rest } = { ...SAMPLE_SIZE_DEFAULTS, ...options };
  const o = resolve(rest);
  const { baseRate: p0, uplift: d } = input;
  if (!(p0 > 0 && p0 < 1)) throw new SoOError('power', `baseRate must be in (0, 1), got ${p0}`);
  if (!(d !== 0 && p0 + d >= 0 && p0 + d <= 1)) throw new SoOError('power', `uplift must be non-zero with baseRate + uplift in [0, 1], got ${d}`);
  if (!(controlShare > 0 && controlShare < 1)) throw new SoOError('power', `controlShare must be in (0, 1), got ${controlShare}`);
  const p1 = p0 + d;
  const k = (1 - controlShare) / controlShare;
  const pBar = (p0 + k * p1) / (1 + k);
  const za = normalQuantile(1 - o.alpha / 2);
  const zb = normalQuantile(o.power);
  const D = designEffect(o);
  const n0Exact = (D * (za * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / k)) + zb * Math.sqrt(p0 * (1 - p0) + (p1 * (1 - p1)) / k)) ** 2) / (d * d);
  let n0 = Math.ceil(n0Exact - 1e-9);
  let n1 = Math.ceil(k * n0Exact - 1e-9);
  // The closed form ignores the far rejection tail; it can only err by being a hair too large,
  // but check with the power function and step up in the rare case rounding left it short.
  while (proportionPower({ treatmentUnits: n1, controlUnits: n0, baseRate: p0, uplift: d }, o) < o.power) {
    n0 += 1;
    n1 = Math.ceil(k * n0);
  }
  const m = o.clusterSize;
  return { treatmentUnits: n1, controlUnits: n0, totalUnits: n1 + n0, treatmentClusters: Math.ceil(n1 / m), controlClusters: Math.ceil(n0 / m) };
}

/** Smallest difference of mean value per unit detectable with the target power. */
export function minimumDetectableDifference(
  input: { treatmentUnits: number; controlUnits: number; sd: number },
  options: Partial<PowerOptions> = {},
): number {
  const o = resolve(options);
  const { treatmentUnits: n1, controlUnits: n0, sd } = input;
  if (!(n1 > 0 && n0 > 0)) throw new SoOError('power', `group sizes must be > 0, got ${n1} and ${n0}`);
  if (!(sd >= 0)) throw new SoOError('power', `sd must be >= 0, got ${sd}`);
  return (normalQuantile(1 - o.alpha / 2) + normalQuantile(o.power)) * sd * Math.sqrt(designEffect(o) * (1 / n1 + 1 / n0));
}
