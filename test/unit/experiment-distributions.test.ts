/**
 * The distribution functions against reference values from mpmath 1.3 at 30 significant digits
 * (mp.ncdf, erfinv, betainc, gammainc, loggamma), rounded here to 17-20 digits.
 */
import { describe, expect, it } from 'vitest';
import { logGamma, regularizedBeta, regularizedGammaP, regularizedGammaQ } from '../../src/experiment/special';
import { normalCdf, normalPdf, normalQuantile, normalSf } from '../../src/experiment/normal';
import { studentTCdf, studentTQuantile, studentTSf } from '../../src/experiment/student-t';
import { chiSquareSf } from '../../src/experiment/chi-square';

/** |actual - expected| <= rel·|expected| (or <= rel when expected is 0). */
function near(actual: number, expected: number, rel: number): void {
  const tol = rel * Math.max(Math.abs(expected), expected === 0 ? 1 : 0);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('special functions', () => {
  it('log-gamma (Lanczos)', () => {
    near(logGamma(0.1), 2.252712651734205902, 1e-14);
    near(logGamma(0.5), 0.57236494292470008707, 1e-14);
    near(logGamma(3.7), 1.4280723266653881292, 1e-14);
    near(logGamma(100), 359.13420536957539878, 1e-14);
    near(logGamma(1e5), 1051287.7089736568949, 1e-14);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
  });
  it('regularised incomplete gamma P and Q', () => {
    near(regularizedGammaP(0.5, 0.3), 0.56142197391900013648, 1e-14);
    near(regularizedGammaP(2.5, 4), 0.84376437242227767254, 1e-14);
    near(regularizedGammaP(10, 3), 0.0011024881301154797421, 1e-13);
    // Q(3, x) = e^-x (1 + x + x²/2) in closed form.
    near(regularizedGammaQ(3, 30), 481 * Math.exp(-30), 1e-13);
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, Infinity)).toBe(0);
  });
  it('regularised incomplete beta', () => {
    near(regularizedBeta(0.3, 2, 3), 0.3483, 1e-14);
    near(regularizedBeta(0.9, 0.5, 0.5), 0.79516723530086657191, 1e-14);
    near(regularizedBeta(0.01, 50, 2), 5.0500000000000052552e-99, 1e-12);
  });
  it('rejects arguments outside the domain with the module prefix', () => {
    expect(() => logGamma(0)).toThrow(/^segment-of-one\/special: /);
    expect(() => regularizedBeta(1.5, 1, 1)).toThrow(/segment-of-one\/special/);
  });
});

describe('normal distribution', () => {
  it('cdf, keeping relative accuracy deep in the tail', () => {
    near(normalCdf(-20), 2.7536241186062336951e-89, 1e-13);
    near(normalCdf(-10), 7.619853024160526066e-24, 1e-13);
    near(normalCdf(-5), 2.8665157187919391167e-7, 1e-13);
    near(normalCdf(-1.96), 0.024997895148220436213, 1e-14);
    near(normalCdf(-1), 0.15865525393145705141, 1e-14);
    near(normalCdf(0.5), 0.69146246127401310364, 1e-14);
    near(normalCdf(3), 0.99865010196836990547, 1e-14);
    expect(normalCdf(0)).toBe(0.5);
    near(normalSf(20), 2.7536241186062336951e-89, 1e-13);
    near(normalCdf(12, { mean: 10, sd: 2 }), 0.84134474606854294859, 1e-14);
    near(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-15);
  });
  it('quantile (AS 241)', () => {
    near(normalQuantile(1e-300), -37.047096299361199237, 1e-14);
    near(normalQuantile(1e-20), -9.2623400897984075737, 1e-14); // mpmath at 60 digits: erfinv near -1 needs them
    near(normalQuantile(0.001), -3.0902323061678135415, 1e-14);
    near(normalQuantile(0.025), -1.9599639845400542355, 1e-14);
    near(normalQuantile(0.975), 1.9599639845400542355, 1e-14);
    near(normalQuantile(0.3), -0.52440051270804078404, 1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    for (const p of [1e-12, 0.01, 0.2, 0.5, 0.77, 0.999]) near(normalCdf(normalQuantile(p)), p, 1e-13);
    expect(() => normalQuantile(1.2)).toThrow(/segment-of-one\/normal/);
  });
});

describe('Student t distribution', () => {
  it('cdf for real degrees of freedom', () => {
    near(studentTCdf(-2, { df: 5 }), 0.050969739414929178123, 1e-13);
    near(studentTCdf(3, { df: 1 }), 0.89758361765043327418, 1e-14);
    near(studentTCdf(-40, { df: 3.3 }), 7.529443640899680839e-6, 1e-12);
    near(studentTCdf(1, { df: 100 }), 0.8401379221079383198, 1e-13);
    near(studentTSf(2, { df: 5 }), 0.050969739414929178123, 1e-13);
  });
  it('quantile', () => {
    near(studentTQuantile(0.975, { df: 1 }), 12.706204736174693314, 1e-12);
    near(studentTQuantile(0.975, { df: 2.5 }), 3.5746548420036817607, 1e-12);
    near(studentTQuantile(0.975, { df: 10 }), 2.2281388519862742245, 1e-12);
    near(studentTQuantile(0.975, { df: 40000 }), 1.9600232930849128903, 1e-10);
    near(studentTQuantile(0.001, { df: 3 }), -10.214531852407386477, 1e-12);
    near(studentTQuantile(0.975, { df: 1e9 }), 1.9599639845400542355, 1e-8);
    // Just above the median, where 1 - ν/(ν + t²) would cancel and a step size absolute in t would stop early.
    near(studentTQuantile(0.5000001, { df: 7 }), 2.5974602756456838931e-7, 1e-8);
  });
});

describe('chi-square distribution', () => {
  it('survival function', () => {
    near(chiSquareSf(3.84, { df: 1 }), 0.050043521248705103189, 1e-13);
    near(chiSquareSf(100, { df: 5 }), 5.2851483609432400564e-20, 1e-12);
    near(chiSquareSf(30, { df: 40 }), 0.8752187849674751773, 1e-13);
    expect(chiSquareSf(0, { df: 3 })).toBe(1);
  });
});
