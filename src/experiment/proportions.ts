/**
 * Two-proportion comparison of a treatment and a control group: the rates, the absolute uplift
 * (treatment rate - control rate) with its interval, the relative lift with its interval, and the
 * two-sided p-value.
 *
 * - Interval `newcombe` (default): R. G. Newcombe, "Interval estimation for the difference between
 *   independent proportions: comparison of eleven methods", Statistics in Medicine 17, 873-890
 *   (1998), method 10, the hybrid score interval: each group's Wilson (1927) score interval,
 *   combined as L = d - sqrt((p1 - l1)² + (u0 - p0)²), U = d + sqrt((u1 - p1)² + (p0 - l0)²).
 *   Chosen as the default because breakdown slices are small and adoption is rare (rates of
 *   0.5-2%): there the Wald interval undercovers and collapses to zero width when a slice has no
 *   responder, while the hybrid score interval keeps close to its nominal coverage (Newcombe 1998,
 *   tables II-III). At the overall sizes of a campaign (thousands per group, rates not near 0 or 1)
 *   the two agree to about 1e-4.
 * - Interval `wald`: the unpooled Wald interval d ± z·sqrt(p1(1-p1)/n1 + p0(1-p0)/n0) (e.g. Agresti,
 *   Categorical Data Analysis, 3rd ed. 2013, §1.4), what GrowthBook and Statsig report for
 *   proportions; fine when every group has, say, at least ten responders and ten non-responders.
 * - p-value: the pooled two-proportion z-test, z = d / sqrt(p(1-p)(1/n1 + 1/n0)) with p the pooled
 *   rate (Agresti 2013 §2.1; equal to Pearson's chi-square test of the 2x2 table without continuity
 *   correction). The p-value and the interval come from different approximations, so in rare
 *   borderline cases one can exclude 0 while the other is just above 0.05.
 * - Relative lift d / p0 with the Katz et al. (1978) log-ratio interval
 *   exp(ln(p1/p0) ± z·sqrt((1-p1)/(n1 p1) + (1-p0)/(n0 p0))) - 1 (Biometrics 34, 469-474);
 *   undefined (NaN) when either group has no responder.
 */
import { SoOError } from '../util/errors';
import { normalQuantile, normalSf } from './normal';

export interface GroupCount {
  /** Units in the group (the denominator). */
  units: number;
  /** Units with the outcome (each unit counts at most once). */
  successes: number;
}

export type ProportionInterval = 'newcombe' | 'wald';

export interface ProportionOptions {
  /** Two-sided confidence level of the intervals. */
  confidence: number;
  /** Which interval for the absolute uplift. */
  interval: ProportionInterval;
}

export const PROPORTIONS_DEFAULTS: ProportionOptions = { confidence: 0.95, interval: 'newcombe' };

export interface ProportionComparison {
  treatmentRate: number;
  controlRate: number;
  /** Treatment rate - control rate. */
  uplift: number;
  upliftLow: number;
  upliftHigh: number;
  /** Uplift / control rate. */
  relativeLift: number;
  relativeLiftLow: number;
  relativeLiftHigh: number;
  /** Pooled z statistic. */
  z: number;
  pValue: number;
}

function check(group: GroupCount, name: string): void {
  const { units, successes } = group;
  if (!(Number.isInteger(units) && Number.isInteger(successes) && units >= 0 && successes >= 0 && successes <= units)) {
    throw new SoOError('proportions', `${name} needs whole counts with 0 <= successes <= units, got ${successes}/${units}`);
  }
}

/** Wilson's score interval for one proportion (Wilson 1927, JASA 22, 209-212). */
export function wilsonInterval(group: GroupCount, options: Partial<Pick<ProportionOptions, 'confidence'>> = {}): [number, number] {
  check(group, 'wilsonInterval');
  const { confidence } = { ...PROPORTIONS_DEFAULTS, ...options };
  const { units: n, successes } = group;
  if (n === 0) return [NaN, NaN];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = p + z2n / 2;
  const half = z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At 0 and n successes the bounds are exactly 0 and 1; the formula leaves rounding error there.
  const low = successes === 0 ? 0 : (centre - half) / (1 + z2n);
  const high = successes === n ? 1 : (centre + half) / (1 + z2n);
  return [low, high];
}

export function compareProportions(
  input: { treatment: GroupCount; control: GroupCount },
  options: Partial<ProportionOptions> = {},
): ProportionComparison {
  const { confidence, interval } = { ...PROPORTIONS_DEFAULTS, ...options };
  if (!(confidence > 0 && confidence < 1)) throw new SoOError('proportions', `confidence must be in (0, 1), got ${confidence}`);
  if (interval !== 'newcombe' && interval !== 'wald') throw new SoOError('proportions', `interval must be newcombe or wald, got ${interval}`);
  const { treatment, control } = input;
  check(treatment, 'treatment');
  check(control, 'control');
  const n1 = treatment.units;
  const n0 = control.units;
  const p1 = n1 ? treatment.successes / n1 : NaN;
  const p0 = n0 ? control.successes / n0 : NaN;
  const d = p1 - p0;
  const z = normalQuantile(1 - (1 - confidence) / 2);

  let low: number;
  let high: number;
  if (!(n1 > 0 && n0 > 0)) {
    low = high = NaN;
  } else if (interval === 'wald') {
    const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
    low = d - z * se;
    high = d + z * se;
  } else {
    const [l1, u1] = wilsonInterval(treatment, { confidence });
    const [l0, u0] = wilsonInterval(control, { confidence });
    low = d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2);
    high = d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2);
  }

  const pooled = (treatment.successes + control.successes) / (n1 + n0);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  // With no responder (or only responders) in both groups the data cannot show a difference.
  const zStat = sePooled > 0 ? d / sePooled : d === 0 ? 0 : NaN;
  const pValue = Number.isFinite(zStat) ? Math.min(1, 2 * normalSf(Math.abs(zStat))) : NaN;

  const relativeLift = p0 > 0 ? d / p0 : NaN;
  let relativeLiftLow = NaN;
  let relativeLiftHigh = NaN;
  if (p1 > 0 && p0 > 0) {
    const logRatio = Math.log(p1 / p0);
    const se = Math.sqrt((1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0));
    relativeLiftLow = Math.exp(logRatio - z * se) - 1;
    relativeLiftHigh = Math.exp(logRatio + z * se) - 1;
  }

  return {
    treatmentRate: p1,
    controlRate: p0,
    uplift: d,
    upliftLow: low,
    upliftHigh: high,
    relativeLift,
    relativeLiftLow,
    relativeLiftHigh,
    z: zStat,
    pValue,
  };
}
