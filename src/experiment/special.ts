/**
 * Special functions behind the distributions: log-gamma, the regularised incomplete gamma
 * functions P and Q, and the regularised incomplete beta function I_x(a, b).
 *
 * - logGamma: Lanczos (1964) approximation with g = 7 and nine coefficients (the set published by
 *   P. Godfrey, as in Press et al. and most libraries); relative error about 1e-15 for x > 0.
 * - P(a, x), Q(a, x): the series for x < a + 1 and the continued fraction (modified Lentz,
 *   Thompson & Barnett 1986) otherwise, as in Press, Teukolsky, Vetterling & Flannery,
 *   Numerical Recipes, 3rd ed. (2007), §6.2. The continued fraction gives Q directly, so tail
 *   probabilities keep their relative accuracy far below 1e-16 (p-values of 1e-90 are exact to
 *   about 14 digits, not rounded to 0 by 1 - P).
 * - I_x(a, b): the continued fraction of Numerical Recipes §6.4 (Lentz again), using the symmetry
 *   I_x(a, b) = 1 - I_{1-x}(b, a) where it converges faster.
 *
 * Checked against mpmath at 30 digits in test/unit/experiment-distributions.test.ts.
 */
import { SoOError } from '../util/errors';

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Relative precision the series and continued fractions iterate to. */
const EPS = Number.EPSILON;
/** Stands in for zero in Lentz's algorithm so no division by zero happens. */
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new SoOError('special', `logGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Lower regularised incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  checkGamma(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 - P(a, x). */
export function regularizedGammaQ(a: number, x: number): number {
  checkGamma(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function checkGamma(a: number, x: number): void {
  if (!(a > 0) || !(x >= 0)) throw new SoOError('special', `incomplete gamma needs a > 0 and x >= 0, got a=${a}, x=${x}`);
}

/** P(a, x) by its series (Numerical Recipes eq. 6.2.5). */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (Numerical Recipes eq. 6.2.7), modified Lentz. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) {
    throw new SoOError('special', `incomplete beta needs a, b > 0 and 0 <= x <= 1, got x=${x}, a=${a}, b=${b}`);
  }
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The continued fraction converges quickly for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The continued fraction for I_x(a, b) (Numerical Recipes eq. 6.4.5), modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}
