/**
 * The experiment statistics against hand-computed and published values. Where a value comes from
 * a program it is scipy 1.17 (stats.ttest_ind, chisquare, false_discovery_control) or the formula
 * written out in numpy; published ones cite their table.
 */
import { describe, expect, it } from 'vitest';
import { compareProportions, wilsonInterval } from '../../src/experiment/proportions';
import { compareMeans, summarise } from '../../src/experiment/means';
import { fiellerInterval, returnOnInvestment } from '../../src/experiment/roi';
import { designEffect, minimumDetectableDifference, minimumDetectableEffect, proportionPower, sampleSize } from '../../src/experiment/power';
import { standardisedMeanDifferences } from '../../src/experiment/balance';
import { sampleRatioMismatch } from '../../src/experiment/srm';
import { assignClusters, assignStratified, assignmentRows, controlCounts } from '../../src/experiment/randomise';
import { benjaminiHochberg } from '../../src/experiment/multiple';
import { qiniCurve } from '../../src/experiment/qini';
import { normalQuantile } from '../../src/experiment/normal';

const Z = normalQuantile(0.975);

describe('proportions', () => {
  it("Newcombe's hybrid score interval: the worked examples of Newcombe (1998), table II, method 10", () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [5, 56, 0, 29, -0.0381, 0.1926],
    ];
    for (const [x1, n1, x0, n0, low, high] of cases) {
      const r = compareProportions({ treatment: { units: n1, successes: x1 }, control: { units: n0, successes: x0 } });
      expect(r.upliftLow).toBeCloseTo(low, 4);
      expect(r.upliftHigh).toBeCloseTo(high, 4);
    }
    // Full precision, from the formula in numpy.
    const r = compareProportions({ treatment: { units: 70, successes: 56 }, control: { units: 80, successes: 48 } });
    expect(r.upliftLow).toBeCloseTo(0.05243147240236498, 13);
    expect(r.upliftHigh).toBeCloseTo(0.333872654036906, 13);
  });
  it('Wald interval, pooled z p-value (= Pearson chi-square without correction) and Katz relative-lift interval', () => {
    const r = compareProportions({ treatment: { units: 70, successes: 56 }, control: { units: 80, successes: 48 } }, { interval: 'wald' });
    expect(r.treatmentRate).toBe(0.8);
    expect(r.controlRate).toBe(0.6);
    expect(r.uplift).toBeCloseTo(0.2, 15);
    // 0.2 ± 1.96·sqrt(0.8·0.2/70 + 0.6·0.4/80)
    expect(r.upliftLow).toBeCloseTo(0.2 - Z * Math.sqrt(0.16 / 70 + 0.24 / 80), 14);
    expect(r.upliftLow).toBeCloseTo(0.05750489914903714, 13);
    expect(r.upliftHigh).toBeCloseTo(0.342495100850963, 13);
    expect(r.pValue).toBeCloseTo(0.00804508136819656, 14);
    expect(r.relativeLift).toBeCloseTo(1 / 3, 14);
    expect(r.relativeLiftLow).toBeCloseTo(0.07662642276319276, 13);
    expect(r.relativeLiftHigh).toBeCloseTo(0.6512485112663873, 13);
  });
  it('keeps a sensible interval where Wald collapses (no responder in either group)', () => {
    const wald = compareProportions({ treatment: { units: 10, successes: 0 }, control: { units: 20, successes: 0 } }, { interval: 'wald' });
    expect([wald.upliftLow, wald.upliftHigh]).toEqual([0, 0]);
    const score = compareProportions({ treatment: { units: 10, successes: 0 }, control: { units: 20, successes: 0 } });
    expect(score.upliftLow).toBeCloseTo(-0.16112515805281938, 13);
    expect(score.upliftHigh).toBeCloseTo(0.2775327998628892, 13);
    expect(score.pValue).toBe(1);
    expect(score.relativeLift).toBeNaN();
  });
  it('Wilson interval of one proportion and errors', () => {
    const [l, u] = wilsonInterval({ units: 10, successes: 0 });
    expect(l).toBe(0);
    expect(u).toBeCloseTo(Z * Z / (10 + Z * Z), 14);
    expect(() => compareProportions({ treatment: { units: 5, successes: 6 }, control: { units: 5, successes: 1 } })).toThrow(/^segment-of-one\/proportions: /);
  });
});

describe('difference of means (Welch)', () => {
  const a = [3.1, 4.5, 2.2, 6.0, 5.5, 4.9, 3.3];
  const b = [2.0, 1.5, 3.9, 2.2, 2.8, 1.1, 2.6, 3.0, 2.4];
  it('matches scipy.stats.ttest_ind(equal_var=False) and its confidence interval', () => {
    const sa = summarise(a);
    expect(sa.variance).toBeCloseTo(1.9214285714285715, 13);
    const r = compareMeans({ treatment: sa, control: summarise(b) });
    expect(r.difference).toBeCloseTo(1.8253968253968256, 13);
    expect(r.df).toBeCloseTo(9.27086826343581, 11);
    expect(r.differenceLow).toBeCloseTo(0.49111732125781105, 11);
    expect(r.differenceHigh).toBeCloseTo(3.15967632953584, 11);
    expect(r.pValue).toBeCloseTo(0.012671762476613032, 12);
  });
  it('degenerate groups', () => {
    expect(compareMeans({ treatment: summarise([1]), control: summarise(b) }).pValue).toBeNaN();
    const same = compareMeans({ treatment: summarise([2, 2]), control: summarise([2, 2, 2]) });
    expect([same.difference, same.pValue]).toEqual([0, 1]);
  });
});

describe('incremental value and return on investment', () => {
  it('a known cost maps the difference interval through (n·d - cost)/cost (Fieller with var(cost) = 0)', () => {
    const r = returnOnInvestment({ treatmentUnits: 1000, difference: 0.5, standardError: 0.1, cost: 200 });
    expect(r.incrementalValue).toBe(500);
    expect(r.roi).toBe(1.5);
    expect(r.incrementalValueLow).toBeCloseTo(500 - Z * 100, 10);
    expect(r.roiLow).toBeCloseTo((500 - Z * 100 - 200) / 200, 12);
    expect(r.roiHigh).toBeCloseTo((500 + Z * 100 - 200) / 200, 12);
    expect(returnOnInvestment({ treatmentUnits: 10, difference: 1, standardError: 0.1, cost: 0 }).roi).toBeNaN();
  });
  it("Fieller's interval for an estimated denominator, solved by hand", () => {
    // a = 10, b = 4, var a = 4, var b = 1, cov = 0.5, z = 1.96 (normal):
    // (b² - z²·vb)ρ² - 2(ab - z²·cov)ρ + (a² - z²·va) = 0
    const z2 = Z * Z;
    const A = 16 - z2;
    const B = 40 - z2 * 0.5;
    const C = 100 - z2 * 4;
    const r = fiellerInterval({ numerator: 10, denominator: 4, numeratorVariance: 4, denominatorVariance: 1, covariance: 0.5 });
    expect(r.ratio).toBe(2.5);
    expect(r.low).toBeCloseTo((B - Math.sqrt(B * B - A * C)) / A, 12);
    expect(r.high).toBeCloseTo((B + Math.sqrt(B * B - A * C)) / A, 12);
    expect(fiellerInterval({ numerator: 10, denominator: 1, numeratorVariance: 4, denominatorVariance: 1, covariance: 0 }).bounded).toBe(false);
  });
});

describe('power and minimum detectable effect', () => {
  it('MDE at 80% power, 5% two-sided (Fleiss et al. 2003 eq. 4.14/4.19, solved with scipy brentq)', () => {
    expect(minimumDetectableEffect({ treatmentUnits: 2000, controlUnits: 2000, baseRate: 0.1 })).toBeCloseTo(0.028156208597714182, 10);
    expect(minimumDetectableEffect({ treatmentUnits: 8000, controlUnits: 2000, baseRate: 0.05 })).toBeCloseTo(0.01665939182837123, 10);
    // 100 accounts of 20 lines per group, ICC 0.05: design effect 1 + 19·0.05 = 1.95.
    expect(designEffect({ clusterSize: 20, icc: 0.05 })).toBeCloseTo(1.95, 14);
    expect(minimumDetectableEffect({ treatmentUnits: 2000, controlUnits: 2000, baseRate: 0.1 }, { clusterSize: 20, icc: 0.05 })).toBeCloseTo(0.04019332723076346, 10);
    expect(proportionPower({ treatmentUnits: 1000, controlUnits: 1000, baseRate: 0.1, uplift: 0.03 })).toBeCloseTo(0.556852915971467, 12);
    const mde = minimumDetectableEffect({ treatmentUnits: 2000, controlUnits: 2000, baseRate: 0.1 });
    expect(proportionPower({ treatmentUnits: 2000, controlUnits: 2000, baseRate: 0.1, uplift: mde })).toBeCloseTo(0.8, 10);
    expect(minimumDetectableEffect({ treatmentUnits: 2000, controlUnits: 2000, baseRate: 0.1 }, { direction: 'decrease' })).toBeLessThan(mde);
    expect(minimumDetectableEffect({ treatmentUnits: 3, controlUnits: 3, baseRate: 0.5 })).toBeNaN();
  });
  it('sample size: 3,841 per group for 10% -> 12% (the textbook figure), and with a 20% control share', () => {
    const equal = sampleSize({ baseRate: 0.1, uplift: 0.02 });
    expect([equal.treatmentUnits, equal.controlUnits]).toEqual([3841, 3841]);
    // n0 = 2444.56, n1 = 4·n0 = 9778.25 (numpy, Fleiss eq. 4.19).
    const held = sampleSize({ baseRate: 0.1, uplift: 0.02 }, { controlShare: 0.2 });
    expect([held.treatmentUnits, held.controlUnits]).toEqual([9779, 2445]);
    const clustered = sampleSize({ baseRate: 0.1, uplift: 0.02 }, { clusterSize: 20, icc: 0.05 });
    expect(clustered.controlUnits).toBe(Math.ceil(3840.847482436272 * 1.95));
    expect(clustered.controlClusters).toBe(Math.ceil(clustered.controlUnits / 20));
  });
  it('MDE of a mean: (z_0.975 + z_0.8)·sd·sqrt(1/n1 + 1/n0)', () => {
    expect(minimumDetectableDifference({ treatmentUnits: 500, controlUnits: 500, sd: 10 })).toBeCloseTo((Z + normalQuantile(0.8)) * 10 * Math.sqrt(2 / 500), 12);
  });
});

describe('balance (Austin 2009)', () => {
  it('standardised mean differences, continuous, dichotomous and text features', () => {
    const units = [
      { group: 'treatment', age: 30, smart: 1, tier: 'high' },
      { group: 'treatment', age: 40, smart: 1, tier: 'low' },
      { group: 'treatment', age: 50, smart: 0, tier: 'high' },
      { group: 'control', age: 20, smart: 0, tier: 'low' },
      { group: 'control', age: 40, smart: 1, tier: '' },
    ];
    const rows = standardisedMeanDifferences(units, { features: ['age', 'smart', 'tier'] });
    const age = rows.find((r) => r.feature === 'age')!;
    // means 40 and 30, variances 100 and 200: (40 - 30) / sqrt(150)
    expect(age.smd).toBeCloseTo(10 / Math.sqrt(150), 14);
    expect(age.kind).toBe('continuous');
    const smart = rows.find((r) => r.feature === 'smart')!;
    // 2/3 vs 1/2: (1/6) / sqrt((2/9 + 1/4) / 2)
    expect(smart.smd).toBeCloseTo(1 / 6 / Math.sqrt((2 / 9 + 1 / 4) / 2), 14);
    expect(smart.kind).toBe('dichotomous');
    const high = rows.find((r) => r.feature === 'tier' && r.level === 'high')!;
    // 2/3 vs 0/1 (the control with no tier is missing)
    expect(high.smd).toBeCloseTo(2 / 3 / Math.sqrt(2 / 9 / 2), 14);
    expect(high.missing).toBe(1);
    expect(rows.every((r) => r.imbalanced)).toBe(true);
    expect(() => standardisedMeanDifferences(units, { features: ['nope'] })).toThrow(/segment-of-one\/balance/);
  });
});

describe('sample-ratio mismatch', () => {
  it('chi-square goodness of fit against the design shares (scipy.stats.chisquare)', () => {
    const fine = sampleRatioMismatch({ observed: [21307, 21306], expectedShares: [0.5, 0.5] });
    expect(fine.pValue).toBeCloseTo(0.9961348415003554, 12);
    expect(fine.mismatch).toBe(false);
    const off = sampleRatioMismatch({ observed: [5200, 4800], expectedShares: [0.5, 0.5] });
    expect(off.chiSquare).toBeCloseTo(16, 12);
    expect(off.pValue).toBeCloseTo(6.334248366623988e-5, 15);
    expect(off.mismatch).toBe(true);
    const held = sampleRatioMismatch({ observed: [820, 2180], expectedShares: [0.2, 0.8] });
    expect(held.pValue / 1.0005820770300646e-23).toBeCloseTo(1, 10);
    expect(sampleRatioMismatch({ observed: [3, 0], expectedShares: [1, 0] }).df).toBe(0);
  });
});

describe('randomisation', () => {
  const units = Array.from({ length: 103 }, (_, i) => ({ id: `L${String(i).padStart(3, '0')}`, stratum: `A${i % 4}|band${i % 3}` }));
  it('exact control counts per stratum by the largest-remainder rule', () => {
    expect([...controlCounts(new Map([['a', 7], ['b', 3]]), { controlShare: 0.2 })]).toEqual([['a', 1], ['b', 1]]);
    // Five strata of 2 at 20%: 2 controls in all, not 0 (rounding each stratum alone gives 0).
    const small = controlCounts(new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, 2])), { controlShare: 0.2 });
    expect([...small.values()].reduce((x, y) => x + y, 0)).toBe(2);
    expect([...small.values()].every((c) => c === 0 || c === 1)).toBe(true);
  });
  it('stratified: each stratum holds floor or ceil of its share, the pilot round(N·s), same seed same groups', () => {
    const a = assignStratified(units);
    const strata = new Map<string, { n: number; c: number }>();
    for (const r of a) {
      const s = strata.get(r.stratum) ?? strata.set(r.stratum, { n: 0, c: 0 }).get(r.stratum)!;
      s.n++;
      if (r.group === 'control') s.c++;
    }
    for (const { n, c } of strata.values()) expect([Math.floor(n * 0.2), Math.ceil(n * 0.2)]).toContain(c);
    expect(a.filter((r) => r.group === 'control')).toHaveLength(Math.round(103 * 0.2));
    expect(assignStratified(units)).toEqual(a);
    expect(assignStratified([...units].reverse()).reverse()).toEqual(a);
    expect(assignStratified(units, { seed: 2 })).not.toEqual(a);
    expect(() => assignStratified([{ id: 'x' }, { id: 'x' }])).toThrow(/segment-of-one\/randomise: unit x appears twice/);
    expect(assignmentRows(a.slice(0, 1), { campaign_id: 'P1', target: 'line' })).toEqual([{ campaign_id: 'P1', line_id: 'L000', account_id: '', group: a[0].group, stratum: 'A0|band0' }]);
  });
  it('cluster randomisation assigns whole clusters, stratified by a cluster-level stratum', () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ id: `L${i}`, cluster: `ACC${i % 40}`, stratum: i % 40 < 20 ? 'small' : 'large' }));
    const a = assignClusters(lines, { controlShare: 0.25, seed: 7 });
    const byCluster = new Map<string, Set<string>>();
    for (const r of a) (byCluster.get(r.cluster) ?? byCluster.set(r.cluster, new Set()).get(r.cluster)!).add(r.group);
    expect([...byCluster.values()].every((g) => g.size === 1)).toBe(true);
    const controlClusters = [...byCluster].filter(([, g]) => g.has('control')).map(([c]) => Number(c.slice(3)));
    expect(controlClusters.filter((c) => c < 20)).toHaveLength(5);
    expect(controlClusters.filter((c) => c >= 20)).toHaveLength(5);
    expect(assignClusters(lines, { controlShare: 0.25, seed: 7 })).toEqual(a);
    expect(() => assignClusters([{ id: 'a', cluster: 'X', stratum: 's1' }, { id: 'b', cluster: 'X', stratum: 's2' }])).toThrow(/spans strata/);
  });
});

describe('multiple comparisons', () => {
  it('Benjamini-Hochberg q-values (scipy.stats.false_discovery_control), missing p-values not counted', () => {
    const { tests, qValues } = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2, NaN, 0.04]);
    expect(tests).toBe(7);
    const expected = [0.035, 0.056, 0.056, 0.035, 0.5, 0.23333333333333336, NaN, 0.056];
    qValues.forEach((q, i) => (Number.isNaN(expected[i]) ? expect(q).toBeNaN() : expect(q).toBeCloseTo(expected[i], 14)));
  });
});

describe('Qini curve (Radcliffe 2007)', () => {
  const units = [
    { score: 0.9, group: 'treatment', outcome: 1 },
    { score: 0.8, group: 'control', outcome: 0 },
    { score: 0.7, group: 'treatment', outcome: 1 },
    { score: 0.6, group: 'control', outcome: 1 },
    { score: 0.5, group: 'treatment', outcome: 0 },
    { score: 0.4, group: 'control', outcome: 0 },
    { score: 0.3, group: 'treatment', outcome: 0 },
    { score: 0.2, group: 'control', outcome: 1 },
  ];
  it('bands, cumulative incremental responders and the coefficient, by hand', () => {
    const q = qiniCurve(units, { bands: 2 });
    // Top half: treated 2/2 respond, control 1/2: Q(0.5) = 2 - 1·2/2 = 1. All: 2 - 2·4/4 = 0.
    expect(q.bands.map((b) => b.uplift)).toEqual([0.5, -0.5]);
    expect(q.curve.map((p) => [p.fraction, p.incremental])).toEqual([[0, 0], [0.5, 1], [1, 0]]);
    // Gap to the random line in shares of 8 units: 0, 1/8, 0 -> trapezoids 0.5·(1/8)/2 twice.
    expect(q.coefficient).toBeCloseTo(0.0625, 15);
  });
  it('keeps tied scores in one band, whatever the input order', () => {
    const tied = units.map((u, i) => ({ ...u, score: i < 3 ? 1 : u.score }));
    const q = qiniCurve(tied, { bands: 4 });
    expect(q.bands[0].units).toBe(3);
    expect(qiniCurve([...tied].reverse(), { bands: 4 })).toEqual(q);
  });
});
