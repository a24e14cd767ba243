/**
 * Student's t distribution with real (not only integer) degrees of freedom, for Welch intervals
 * whose Welch-Satterthwaite df is fractional.
 *
 * - cdf: P(T <= -|t|) = I_x(ν/2, 1/2) / 2 with x = ν / (ν + t²) (Abramowitz & Stegun 1964, 26.7.1
 *   with 26.5.27), I the regularised incomplete beta function.
 * - quantile: Newton's method on the cdf from the Cornish-Fisher start (A&S 26.7.5), kept inside a
 *   bracket that halves whenever a Newton step leaves it, so it cannot diverge for small ν.
 *   Beyond ν = 1e7 the t and the normal quantiles agree to 1e-7 relative and the normal is used.
 */
import { SoOError } from '../util/errors';
import { logGamma, regularizedBeta } from './special';
import { normalCdf, normalQuantile, normalSf } from './normal';

export interface StudentTOptions {
  /** Degrees of freedom ν > 0 (real). */
  df: number;
}

/** Above this ν the normal distribution is used (difference < 1e-7). */
const NORMAL_LIMIT = 1e7;

function checkDf(df: number): void {
  if (!(df > 0)) throw new SoOError('student-t', `df must be > 0, got ${df}`);
}

export function studentTPdf(t: number, options: StudentTOptions): number {
  const { df } = options;
  checkDf(df);
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** P(T <= t). */
export function studentTCdf(t: number, options: StudentTOptions): number {
  const { df } = options;
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (df > NORMAL_LIMIT) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  // Near t = 0 the argument ν/(ν + t²) is close to 1 and 1 - x would cancel inside the beta function:
  // use the central probability P(|T| < |t|) = I_{t²/(ν+t²)}(1/2, ν/2) there instead (A&S 26.7.1).
  const tail = t2 < df ? 0.5 * (1 - regularizedBeta(t2 / (df + t2), 0.5, df / 2)) : 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5);
  return t < 0 ? tail : 1 - tail;
}

/** P(T > t), accurate in the upper tail. */
export function studentTSf(t: number, options: StudentTOptions): number {
  if (options.df > NORMAL_LIMIT) return normalSf(t);
  return studentTCdf(-t, options);
}

/** The t with P(T <= t) = p. */
export function studentTQuantile(p: number, options: StudentTOptions): number {
  const { df } = options;
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new SoOError('student-t', `quantile needs 0 <= p <= 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df > NORMAL_LIMIT) return normalQuantile(p);
  // Solve in the lower tail (p < 0.5) where the cdf is computed without cancellation.
  const lower = Math.min(p, 1 - p);
  const sign = p < 0.5 ? 1 : -1;
  const z = normalQuantile(lower);
  // Cornish-Fisher start (A&S 26.7.5), good to a few digits for ν >= 3.
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!Number.isFinite(t) || t >= 0) t = -1;
  let lo = -Infinity;
  let hi = 0;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, { df }) - lower;
    if (f > 0) hi = Math.min(hi, t);
    else lo = Math.max(lo, t);
    let next = t - f / studentTPdf(t, { df });
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) ? (lo + hi) / 2 : Math.min(2 * t, hi - 1);
    if (Math.abs(next - t) <= 4 * Number.EPSILON * Math.abs(t)) {
      t = next;
      break;
    }
    t = next;
  }
  return sign * t;
}
