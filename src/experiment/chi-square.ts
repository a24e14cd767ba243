/**
 * The chi-square distribution's survival function, for goodness-of-fit tests (sample ratio):
 * P(X > x) = Q(k/2, x/2) for k degrees of freedom (Abramowitz & Stegun 1964, 26.4.19), Q the
 * upper regularised incomplete gamma function, computed directly so small p-values keep their digits.
 */
import { SoOError } from '../util/errors';
import { regularizedGammaQ } from './special';

export interface ChiSquareOptions {
  /** Degrees of freedom k > 0. */
  df: number;
}

/** P(X > x). */
export function chiSquareSf(x: number, options: ChiSquareOptions): number {
  const { df } = options;
  if (!(df > 0)) throw new SoOError('chi-square', `df must be > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}
