/**
 * Measurement checked on simulated pilots (src/generate/outcome.ts): many seeded pilots with a planted
 * uplift and spill-over, each measured as `npm run measure` measures (src/measure/campaigns.ts,
 * src/measure/spillover.ts). A 95% interval must cover the planted effect in about 95% of pilots, overall
 * and per segment, and at the minimum detectable effect the design states (src/experiment/power.ts, the
 * figure src/pilot/design.ts writes to pilot/design.csv) the test must reject in about 80% of them.
 *
 * "About" is a binomial tolerance: over N pilots a rate with true value r is within 3·sqrt(r(1-r)/N) of r
 * with probability 99.7%, as in experiment-simulation.test.ts. Seeds are fixed, so the test is
 * deterministic; the tolerance says the figures are what the nominal rates predict, not tuned to pass.
 *
 * The population: 50 accounts of 40 lines, personas by position (20% executive, 40% office, 40%
 * road_warrior), four communities of 10 lines per account.
 */
import { describe, expect, it } from 'vitest';
import { simulateOutcome, type OutcomeOptions, type TruthRow } from '../../src/generate/outcome';
import { measureCampaigns, type CampaignResult } from '../../src/measure/campaigns';
import { spillover, spilloverColleagues } from '../../src/measure/spillover';
import { assignClusters, assignStratified, assignmentRows } from '../../src/experiment/randomise';
import { minimumDetectableEffect } from '../../src/experiment/power';
import { designFigures } from '../../src/pilot/design';

const PILOTS = 400;
const SEED = 20260401;

function tolerance(rate: number, n = PILOTS): number {
  return 3 * Math.sqrt((rate * (1 - rate)) / n);
}

const lines = Array.from({ length: 2000 }, (_, i) => {
  const a = Math.floor(i / 40);
  const k = i % 40;
  return { line_id: `L${a}-${k}`, account_id: `A${a}`, persona: k % 5 === 0 ? 'executive' : k % 5 < 3 ? 'office' : 'road_warrior', community: `A${a}-C${Math.floor(k / 10)}` };
});
const PERSONAS = ['executive', 'office', 'road_warrior'];
const window = { start_date: '2026-04-01', end_date: '2026-04-28', cost_per_contact: 0.05, fixed_cost: 500 };
const lineCampaign = (id: string, product: string) => ({ campaign_id: id, name: id, product_id: product, target: 'line', channel: 'sms', ...window, control_share: 0.5, randomised_by: 'line' });
// Every line, stratified by account, half held out (the pilot step's rule, src/experiment/randomise.ts).
const byLine = (id: string, seed: number) => assignmentRows(assignStratified(lines.map((l) => ({ id: l.line_id, stratum: l.account_id })), { controlShare: 0.5, seed }), { campaign_id: id, target: 'line' });

const covers = (low: number | null, high: number | null, x: number) => low !== null && high !== null && low <= x && x <= high;
const overall = (results: CampaignResult[], campaign: string) => results.find((r) => r.campaign_id === campaign && r.outcome === 'adopted' && r.breakdown === 'all')!;
const slice = (results: CampaignResult[], campaign: string, persona: string) => results.find((r) => r.campaign_id === campaign && r.outcome === 'adopted' && r.breakdown === 'persona' && r.breakdown_value === persona)!;
const truthOf = (truth: TruthRow[], campaign: string, breakdown = 'all', level = 'all', effect = 'uplift') =>
  truth.find((t) => t.campaign_id === campaign && t.effect === effect && t.breakdown === breakdown && t.breakdown_value === level)!;

/** Simulates and measures PILOTS pilots of one design; calls `check` with each. */
function pilots(data: { campaigns: Record<string, unknown>[]; assignments: Record<string, unknown>[] }, options: Partial<OutcomeOptions>, tag: string,
  check: (results: CampaignResult[], truth: TruthRow[], responses: ReturnType<typeof simulateOutcome>['responses']) => void, n = PILOTS, breakdowns = ['persona']): void {
  for (let e = 0; e < n; e++) {
    const { responses, truth } = simulateOutcome({ ...data, lines }, { ...options, seed: SEED + e, idPrefix: tag });
    const { results } = measureCampaigns({ ...data, responses, lines }, { breakdowns, outcomes: ['adopted'] });
    check(results, truth, responses);
  }
}

/** Reported on the console so the figures can be quoted. */
const figures: string[] = [];

describe('simulated pilots measured', () => {
  it('line randomisation at the design’s MDE: intervals cover the planted uplift about 95% overall and per persona; the test rejects about 80%', () => {
    const campaigns = [lineCampaign('P-MDE', 'HOME_FIBER')];
    const assignments = byLine('P-MDE', 1);
    const baseRate = 0.1;
    const t = assignments.filter((a) => a.group === 'treatment').length;
    const design = designFigures({ campaign_id: 'P-MDE', assignments: assignments.map((a) => ({ id: a.line_id, stratum: a.stratum, group: a.group })), baseRate, randomisedBy: 'line', clusterSize: 1 }, { power: 0.8, alpha: 0.05, icc: 0 });
    const mde = minimumDetectableEffect({ treatmentUnits: t, controlUnits: assignments.length - t, baseRate }, { power: 0.8, alpha: 0.05 });
    expect(design.mde).toBeCloseTo(mde, 6);
    let covered = 0;
    let rejected = 0;
    const bySegment = Object.fromEntries(PERSONAS.map((p) => [p, 0]));
    pilots({ campaigns, assignments }, { baseRate, uplift: mde }, 'MDE', (results) => {
      const r = overall(results, 'P-MDE');
      if (covers(r.uplift_low, r.uplift_high, mde)) covered++;
      if (r.p_value! < 0.05) rejected++;
      for (const p of PERSONAS) if (covers(slice(results, 'P-MDE', p).uplift_low, slice(results, 'P-MDE', p).uplift_high, mde)) bySegment[p]++;
    });
    const coverage = covered / PILOTS;
    const power = rejected / PILOTS;
    figures.push(`line campaign ${t}/${assignments.length - t} lines, base ${baseRate}, planted uplift = MDE ${mde.toFixed(4)}: coverage ${coverage.toFixed(3)}; power ${power.toFixed(3)} (design 0.80); ` +
      `by persona ${PERSONAS.map((p) => `${p} ${(bySegment[p] / PILOTS).toFixed(3)}`).join(', ')}`);
    expect(Math.abs(coverage - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
    expect(Math.abs(power - 0.8)).toBeLessThanOrEqual(tolerance(0.8));
    for (const p of PERSONAS) expect(Math.abs(bySegment[p] / PILOTS - 0.95), p).toBeLessThanOrEqual(tolerance(0.95));
  });

  it('an uplift planted per persona: each persona’s interval covers its own uplift about 95% of the time, the overall one the mean', () => {
    const campaigns = [lineCampaign('P-SEG', 'PERSONAL_LINE')];
    const assignments = byLine('P-SEG', 2);
    const planted: Record<string, number> = { executive: 0.08, office: 0, road_warrior: 0.03 };
    const bySegment = Object.fromEntries(PERSONAS.map((p) => [p, 0]));
    let covered = 0;
    let target = NaN;
    pilots({ campaigns, assignments }, { baseRate: 0.1, uplift: 0.03, upliftBy: [{ attribute: 'persona', value: 'executive', uplift: 0.08 }, { attribute: 'persona', value: 'office', uplift: 0 }] }, 'SEG', (results, truth) => {
      for (const p of PERSONAS) {
        expect(truthOf(truth, 'P-SEG', 'persona', p).planted).toBe(planted[p]);
        if (covers(slice(results, 'P-SEG', p).uplift_low, slice(results, 'P-SEG', p).uplift_high, planted[p])) bySegment[p]++;
      }
      // Overall: the mean of the units' planted uplifts (20% × 0.08 + 40% × 0 + 40% × 0.03).
      target = truthOf(truth, 'P-SEG').planted;
      const r = overall(results, 'P-SEG');
      if (covers(r.uplift_low, r.uplift_high, target)) covered++;
    });
    expect(target).toBeCloseTo(0.028, 10);
    figures.push(`uplift by persona (${PERSONAS.map((p) => `${p} ${planted[p]}`).join(', ')}; base 0.1): coverage ${PERSONAS.map((p) => `${p} ${(bySegment[p] / PILOTS).toFixed(3)}`).join(', ')}; overall (planted mean ${target}) ${(covered / PILOTS).toFixed(3)}`);
    for (const p of PERSONAS) expect(Math.abs(bySegment[p] / PILOTS - 0.95), p).toBeLessThanOrEqual(tolerance(0.95));
    expect(Math.abs(covered / PILOTS - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
  });

  it('community randomisation with intra-cluster correlation: the spill-over interval covers the planted spill-over about 95% of the time', () => {
    // One seed line per community (its third line), whole communities randomised within account, ICC 0.05.
    const campaigns = [{ ...lineCampaign('W-SPILL', 'PERSONAL_LINE'), randomised_by: 'community' }];
    const seeds = lines.filter((l) => l.line_id.endsWith('-2') || l.line_id.endsWith('-12') || l.line_id.endsWith('-22') || l.line_id.endsWith('-32'));
    const assignments = assignmentRows(assignClusters(seeds.map((l) => ({ id: l.line_id, cluster: l.community, stratum: l.account_id })), { controlShare: 0.5, seed: 3 }), { campaign_id: 'W-SPILL', target: 'line' });
    const planted = 0.03;
    let covered = 0;
    let seedCovered = 0;
    let rejected = 0;
    let shape = '';
    pilots({ campaigns, assignments }, { baseRate: 0.1, uplift: 0.05, spillover: planted, icc: 0.05 }, 'WOM', (results, truth, responses) => {
      const colleagues = spilloverColleagues({ campaign_id: 'W-SPILL', campaigns, assignments, responses, lines }, { cluster: 'community' });
      const s = spillover(colleagues);
      const t = truthOf(truth, 'W-SPILL', 'all', 'all', 'spillover');
      expect([s.treatment.lines, s.control.lines, s.treatment.adopters, s.control.adopters]).toEqual([t.treatment_units, t.control_units, t.treatment_responders, t.control_responders]);
      expect(t.expected_measured).toBeCloseTo(planted, 10);
      shape = `${s.treatment.clusters}/${s.control.clusters} communities, ${s.treatment.lines}/${s.control.lines} colleagues`;
      if (covers(s.difference_low, s.difference_high, planted)) covered++;
      if (s.p_value < 0.05) rejected++;
      const r = overall(results, 'W-SPILL');
      if (covers(r.uplift_low, r.uplift_high, 0.05)) seedCovered++;
    }, PILOTS, []);
    figures.push(`spill-over, ${shape}, ICC 0.05, base 0.1, planted ${planted}: coverage ${(covered / PILOTS).toFixed(3)} (power ${(rejected / PILOTS).toFixed(3)}); seeds' uplift 0.05 covered ${(seedCovered / PILOTS).toFixed(3)}`);
    expect(Math.abs(covered / PILOTS - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
    expect(Math.abs(seedCovered / PILOTS - 0.95)).toBeLessThanOrEqual(tolerance(0.95));
  });

  it('two campaigns of different products on the same lines: each measures its planted uplift, the other’s adoptions not counted', () => {
    // Measurement counts a product campaign's outcome from responses about its product (or naming none):
    // the other campaign's adoptions, in both groups of this (independently randomised) one, are not counted.
    const n = 200;
    const campaigns = [lineCampaign('P-A', 'HOME_FIBER'), lineCampaign('P-B', 'TRAVEL_PASS')];
    const assignments = [...byLine('P-A', 4), ...byLine('P-B', 5)];
    const ids = ['P-A', 'P-B'];
    const covered: Record<string, number> = { 'P-A': 0, 'P-B': 0 };
    const sum: Record<string, number> = { 'P-A': 0, 'P-B': 0 };
    pilots({ campaigns, assignments }, { baseRate: 0.2, uplift: 0.05 }, 'TWO', (results, truth) => {
      for (const id of ids) {
        const r = overall(results, id);
        const t = truthOf(truth, id);
        expect(t.planted).toBe(0.05);
        expect(t.expected_measured).toBeCloseTo(0.05, 10);
        expect(t.overlap_units).toBe(0);
        sum[id] += r.uplift!;
        if (covers(r.uplift_low, r.uplift_high, 0.05)) covered[id]++;
      }
    }, n, []);
    figures.push(`two campaigns of different products on the same 2,000 lines (base 0.2, planted 0.05 each): expected measured 0.05; ` +
      ids.map((id) => `${id} mean measured ${(sum[id] / n).toFixed(4)}, coverage of the planted ${(covered[id] / n).toFixed(3)}`).join('; '));
    for (const id of ids) {
      // The mean of 200 measured uplifts has a standard error of about 0.0013: it sits on the planted uplift.
      expect(Math.abs(sum[id] / n - 0.05), id).toBeLessThan(0.005);
      expect(Math.abs(covered[id] / n - 0.95), id).toBeLessThanOrEqual(tolerance(0.95, n));
    }
  });

  it('two campaigns of one product on the same lines: measurement estimates the diluted uplift the truth states, not the planted one', () => {
    // Both offer HOME_FIBER: each campaign's adoptions are the other's outcome too, in both its groups, so
    // its uplift shrinks by about (1 − 0.2).
    const n = 200;
    const campaigns = [lineCampaign('P-A', 'HOME_FIBER'), lineCampaign('P-B', 'HOME_FIBER')];
    const assignments = [...byLine('P-A', 4), ...byLine('P-B', 5)];
    let covered = 0;
    let coveredPlanted = 0;
    let sum = 0;
    let expected = NaN;
    pilots({ campaigns, assignments }, { baseRate: 0.2, uplift: 0.05 }, 'ONE', (results, truth) => {
      const r = overall(results, 'P-A');
      expected = truthOf(truth, 'P-A').expected_measured!;
      sum += r.uplift!;
      if (covers(r.uplift_low, r.uplift_high, expected)) covered++;
      if (covers(r.uplift_low, r.uplift_high, 0.05)) coveredPlanted++;
    }, n, []);
    const mean = sum / n;
    figures.push(`two campaigns of one product on the same 2,000 lines (base 0.2, planted 0.05 each): expected measured ${expected.toFixed(4)}, mean measured ${mean.toFixed(4)}; ` +
      `coverage of the expected ${(covered / n).toFixed(3)}, of the planted ${(coveredPlanted / n).toFixed(3)}`);
    // (1 − 0.2 − 0.05/2) × 0.05 up to the balance of P-B's groups inside P-A's.
    expect(expected).toBeGreaterThan(0.037);
    expect(expected).toBeLessThan(0.04);
    // The mean of 200 measured uplifts has a standard error of about 0.0014: it sits on the expected, far from the planted.
    expect(Math.abs(mean - expected)).toBeLessThan(0.005);
    expect(0.05 - mean).toBeGreaterThan(0.006);
    expect(Math.abs(covered / n - 0.95)).toBeLessThanOrEqual(tolerance(0.95, n));
    console.log(figures.join('\n'));
  });
});
