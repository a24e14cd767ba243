/**
 * The statistics checked by simulation: many seeded experiments with a planted effect, so the
 * truth is known. A 95% interval must cover the planted uplift in about 95% of experiments, the
 * test must reject at about 5% when nothing is planted, and at the minimum detectable effect the
 * power function states, it must reject in about 80% of experiments, also under cluster
 * randomisation with the design effect.
 *
 * "About" is a binomial tolerance: over N experiments a rate with true value r is within
 * 3·sqrt(r(1-r)/N) of r with probability 99.7%. Seeds are fixed, so the test is deterministic; the
 * tolerance says the figures are what the nominal rates predict, not tuned to pass.
 */
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, logNormal, type Rng } from '../../src/util/rng';
import { compareProportions } from '../../src/experiment/proportions';
import { compareMeans, summarise } from '../../src/experiment/means';
import { minimumDetectableEffect } from '../../src/experiment/power';
import { spillover, type Colleague } from '../../src/measure/spillover';

const EXPERIMENTS = 1000;
const SEED = 20260301;

function tolerance(rate: number, n = EXPERIMENTS): number {
  return 3 * Math.sqrt((rate * (1 - rate)) / n);
}

function successes(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < p) k++;
  return k;
}

/** Reported on the console so the figures can be quoted. */
const figures: string[] = [];

describe('simulation: proportions', () => {
  it('95% uplift intervals cover the planted uplift about 95% of the time; the test rejects about 5% under no effect', () => {
    // A campaign-sized comparison, a slice-sized one, and a small slice with a rare outcome (2-4 adopters).
    for (const [n, p0, uplift] of [[2000, 0.1, 0.02], [400, 0.02, 0.01], [100, 0.02, 0.02]] as const) {
      const covered = { newcombe: 0, wald: 0 };
      let nullRejections = 0;
      for (let e = 0; e < EXPERIMENTS; e++) {
        const rng = createRng(deriveSeed(SEED, 'proportions', n, e));
        const treatment = { units: n, successes: successes(rng, n, p0 + uplift) };
        const control = { units: n, successes: successes(rng, n, p0) };
        for (const interval of ['newcombe', 'wald'] as const) {
          const r = compareProportions({ treatment, control }, { interval });
          if (r.upliftLow <= uplift && uplift <= r.upliftHigh) covered[interval]++;
        }
        const nullTreatment = { units: n, successes: successes(rng, n, p0) };
        if (compareProportions({ treatment: nullTreatment, control }).pValue < 0.05) nullRejections++;
      }
      const newcombe = covered.newcombe / EXPERIMENTS;
      const wald = covered.wald / EXPERIMENTS;
      const typeI = nullRejections / EXPERIMENTS;
      figures.push(`proportions n=${n}/group p0=${p0} uplift=${uplift}: coverage Newcombe ${newcombe.toFixed(3)}, Wald ${wald.toFixed(3)}; type I error ${typeI.toFixed(3)}`);
      // With a handful of responders the score interval is conservative (Newcombe 1998): at least nominal.
      if (n * p0 >= 5) expect(Math.abs(newcombe - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
      else expect(newcombe).toBeGreaterThanOrEqual(0.95 - tolerance(0.95));
      // The pooled z-test: at most nominal (discreteness makes it a little conservative at tiny counts).
      if (n * p0 >= 5) expect(Math.abs(typeI - 0.05)).toBeLessThanOrEqual(tolerance(0.05));
      else expect(typeI).toBeLessThanOrEqual(0.05 + tolerance(0.05));
      // Wald is held to the nominal level only where the normal approximation is good.
      if (n * p0 >= 100) expect(Math.abs(wald - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
    }
  });

  it('at the MDE the power function states, the test rejects about 80% of the time', () => {
    const n = 2000;
    const p0 = 0.1;
    const mde = minimumDetectableEffect({ treatmentUnits: n, controlUnits: n, baseRate: p0 });
    let rejections = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const rng = createRng(deriveSeed(SEED, 'power', e));
      const r = compareProportions({ treatment: { units: n, successes: successes(rng, n, p0 + mde) }, control: { units: n, successes: successes(rng, n, p0) } });
      if (r.pValue < 0.05) rejections++;
    }
    const power = rejections / EXPERIMENTS;
    figures.push(`power at the MDE ${mde.toFixed(4)} (n=${n}/group, p0=${p0}): ${power.toFixed(3)} (nominal 0.80)`);
    expect(Math.abs(power - 0.8)).toBeLessThanOrEqual(tolerance(0.8));
  });

  it('under cluster randomisation: the cluster-level test holds 5% under no effect, and at the MDE with the design effect rejects about 80%', () => {
    // 100 accounts of 20 lines per group, ICC 0.05: each line copies its account's shared draw with
    // probability sqrt(ICC), else draws on its own, so two lines of one account correlate by ICC.
    const clusters = 100;
    const m = 20;
    const icc = 0.05;
    const p0 = 0.1;
    const mde = minimumDetectableEffect({ treatmentUnits: clusters * m, controlUnits: clusters * m, baseRate: p0 }, { clusterSize: m, icc });
    const copy = Math.sqrt(icc);
    const simulate = (rng: Rng, uplift: number): Colleague[] => {
      const colleagues: Colleague[] = [];
      for (const arm of ['treatment', 'control'] as const) {
        const p = arm === 'treatment' ? p0 + uplift : p0;
        for (let k = 0; k < clusters; k++) {
          const shared = rng() < p ? 1 : 0;
          for (let i = 0; i < m; i++) {
            const adopted = rng() < copy ? shared : rng() < p ? 1 : 0;
            colleagues.push({ line_id: `${arm}${k}-${i}`, cluster: `${arm}${k}`, arm, adopted });
          }
        }
      }
      return colleagues;
    };
    // The same data analysed as if lines were independent: what ignoring the design gives.
    const lineLevelP = (colleagues: Colleague[]) => {
      const count = (arm: string) => ({ units: clusters * m, successes: colleagues.filter((c) => c.arm === arm && c.adopted).length });
      return compareProportions({ treatment: count('treatment'), control: count('control') }).pValue;
    };
    let rejections = 0;
    let nullRejections = 0;
    let nullLineLevel = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const rng = createRng(deriveSeed(SEED, 'clusters', e));
      if (spillover(simulate(rng, mde)).p_value < 0.05) rejections++;
      const nothing = simulate(rng, 0);
      if (spillover(nothing).p_value < 0.05) nullRejections++;
      if (lineLevelP(nothing) < 0.05) nullLineLevel++;
    }
    const power = rejections / EXPERIMENTS;
    const typeI = nullRejections / EXPERIMENTS;
    figures.push(
      `cluster randomisation (${clusters} clusters of ${m}/group, ICC ${icc}, design effect 1.95): power at the MDE ${mde.toFixed(4)} ${power.toFixed(3)} (nominal 0.80); ` +
        `type I error ${typeI.toFixed(3)}, line-level test ignoring clusters ${(nullLineLevel / EXPERIMENTS).toFixed(3)}`,
    );
    expect(Math.abs(power - 0.8)).toBeLessThanOrEqual(tolerance(0.8));
    expect(Math.abs(typeI - 0.05)).toBeLessThanOrEqual(tolerance(0.05));
  });
});

describe('simulation: difference of means', () => {
  it('95% Welch intervals cover the planted difference in mean spend about 95% of the time (skewed spend)', () => {
    // Spend per customer: 0 for non-buyers, log-normal for buyers (median 40, sigma 1), buyers 10% vs 12%.
    const n = 2000;
    const median = 40;
    const sigma = 1;
    const buyerMean = median * Math.exp((sigma * sigma) / 2);
    const planted = (0.12 - 0.1) * buyerMean;
    let covered = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const rng = createRng(deriveSeed(SEED, 'means', e));
      const draw = (buy: number) => Array.from({ length: n }, () => (rng() < buy ? logNormal(rng, median, sigma) : 0));
      const r = compareMeans({ treatment: summarise(draw(0.12)), control: summarise(draw(0.1)) });
      if (r.differenceLow <= planted && planted <= r.differenceHigh) covered++;
    }
    const coverage = covered / EXPERIMENTS;
    figures.push(`Welch coverage, skewed spend (n=${n}/group, planted difference ${planted.toFixed(3)}): ${coverage.toFixed(3)}; ROI intervals map this interval, so cover equally`);
    expect(Math.abs(coverage - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
    console.log(figures.join('\n'));
  });
});
