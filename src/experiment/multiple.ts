/**
 * Multiple comparisons. A readout broken down by region, industry, handset tier and propensity
 * band runs dozens of tests; at p < 0.05 one in twenty slices with no real effect looks
 * significant anyway. Each result therefore carries how many tests were run together and its
 * Benjamini-Hochberg q-value: Y. Benjamini & Y. Hochberg, "Controlling the false discovery rate:
 * a practical and powerful approach to multiple testing", JRSS B 57, 289-300 (1995).
 *
 *   q_(i) = min over j >= i of min(1, m·p_(j) / j)   for p-values sorted ascending, m tests.
 *
 * Declaring every result with q <= α significant keeps the expected share of false discoveries
 * among them at or below α, for independent tests and for positively dependent ones (Benjamini &
 * Yekutieli, Ann. Statist. 29, 1165-1188, 2001), which slices of one campaign are.
 * Missing p-values (NaN: a slice with an empty group) are not tests: they get NaN and do not count in m.
 */

export interface AdjustedPValues {
  /** Tests counted (finite p-values). */
  tests: number;
  /** q-values aligned with the input; NaN where the p-value was missing. */
  qValues: number[];
}

export function benjaminiHochberg(pValues: readonly number[]): AdjustedPValues {
  const index = pValues.map((p, i) => [p, i] as const).filter(([p]) => Number.isFinite(p));
  // Sort by p, then by position, so equal p-values get a deterministic (and equal) q.
  index.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const m = index.length;
  const qValues = pValues.map(() => NaN);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const [p, i] = index[k];
    running = Math.min(running, (m * p) / (k + 1));
    qValues[i] = running;
  }
  return { tests: m, qValues };
}
