/**
 * Sample-ratio mismatch (SRM): do the observed group sizes fit the shares the design intended?
 * A mismatch means units were lost or moved between groups after randomisation (a broken
 * assignment, a filter applied to one group only, bounced contacts dropped from treatment), and
 * the comparison is then not a fair one, whatever its p-value.
 *
 * Pearson's chi-square goodness of fit (Pearson 1900): X² = Σ (O_i - E_i)² / E_i over the cells,
 * E_i = N·share_i, df = cells - 1 - (number of shares estimated from the same data).
 * Flagged when p < 0.001: A. Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD 2019; R. Kohavi, D. Tang & Y. Xu, Trustworthy Online Controlled Experiments
 * (2020), ch. 21. The strict threshold keeps false alarms rare when every readout is checked.
 */
import { SoOError } from '../util/errors';
import { chiSquareSf } from './chi-square';
import { plural } from '../util/text';

export interface SrmOptions {
  /** p below this flags a mismatch. */
  threshold: number;
  /** Shares estimated from the same counts (each takes one degree of freedom). */
  estimatedParameters: number;
}

export const SRM_DEFAULTS: SrmOptions = { threshold: 0.001, estimatedParameters: 0 };

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  mismatch: boolean;
}

/** Observed counts per cell against the intended shares of those cells (shares sum to 1). */
export function sampleRatioMismatch(input: { observed: number[]; expectedShares: number[] }, options: Partial<SrmOptions> = {}): SrmResult {
  const { threshold, estimatedParameters } = { ...SRM_DEFAULTS, ...options };
  const { observed, expectedShares } = input;
  if (observed.length !== expectedShares.length || observed.length < 2) {
    throw new SoOError('srm', `needs at least two cells with one expected share each, got ${observed.length} ${plural(observed.length, 'count')} and ${expectedShares.length} ${plural(expectedShares.length, 'share')}`);
  }
  if (!observed.every((o) => Number.isInteger(o) && o >= 0)) throw new SoOError('srm', `observed counts must be whole numbers >= 0, got ${observed.join(', ')}`);
  if (!expectedShares.every((s) => s >= 0)) throw new SoOError('srm', `expected shares must be >= 0, got ${expectedShares.join(', ')}`);
  const totalShare = expectedShares.reduce((a, b) => a + b, 0);
  if (Math.abs(totalShare - 1) > 1e-9) throw new SoOError('srm', `expected shares must sum to 1, got ${totalShare}`);
  const n = observed.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  let cells = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = n * expectedShares[i];
    if (expected === 0) {
      // A cell the design leaves empty: any unit in it is a mismatch beyond doubt.
      if (observed[i] > 0) chiSquare = Infinity;
      continue;
    }
    cells++;
    chiSquare += (observed[i] - expected) ** 2 / expected;
  }
  const df = cells - 1 - estimatedParameters;
  if (df < 1 || n === 0) return { chiSquare, df, pValue: NaN, mismatch: false };
  const pValue = chiSquare === Infinity ? 0 : chiSquareSf(chiSquare, { df });
  return { chiSquare, df, pValue, mismatch: pValue < threshold };
}
