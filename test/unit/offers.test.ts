import { describe, expect, it } from 'vitest';
import { auc, fitLogistic, predictLogistic, rowsOf, selectPenalty } from '../../src/offers/logistic';
import { describe as describeFeature } from '../../src/features/describe';
import { eligible } from '../../src/offers/eligibility';
import { createRng, deriveSeed } from '../../src/util/rng';
import { recentAdoption, sampleRows, spellsByLine } from '../../src/offers/model';
import { tariffChange } from '../../src/offers/tariffs';

describe('logistic regression', () => {
  it('recovers the sign and rough size of a planted effect', () => {
    const rng = createRng(3);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = rng() * 4 - 2;
      const b = rng() * 4 - 2;
      x.push([a, b]);
      y.push(rng() < 1 / (1 + Math.exp(-(0.5 + 2 * a))) ? 1 : 0);
    }
    const m = fitLogistic(x, y, { l2: 0.01, iterations: 50 });
    expect(m.weights[1]).toBeGreaterThan(1.6);
    expect(m.weights[1]).toBeLessThan(2.4);
    expect(Math.abs(m.weights[2])).toBeLessThan(0.3);
    expect(predictLogistic(m, [2, 0])).toBeGreaterThan(predictLogistic(m, [-2, 0]));
  });
});

describe('penalty choice', () => {
  // A planted model with one real effect among five features.
  const rng = createRng(5);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 300; i++) {
    const row = Array.from({ length: 5 }, () => rng() * 2 - 1);
    x.push(row);
    y.push(rng() < 1 / (1 + Math.exp(-(-1 + 1.5 * row[0]))) ? 1 : 0);
  }
  const exactLoo = (l2: number) => {
    let loss = 0;
    for (let i = 0; i < x.length; i++) {
      const m = fitLogistic(x.filter((_, k) => k !== i), y.filter((_, k) => k !== i), { l2, iterations: 50, tolerance: 1e-10 });
      const p = predictLogistic(m, x[i]);
      loss -= y[i] ? Math.log(p) : Math.log(1 - p);
    }
    return loss / x.length;
  };
  it('scores a penalty by approximate leave-one-out within 0.1% of exact leave-one-out (in-sample is 1-4% off)', () => {
    for (const l2 of [0.5, 5, 50]) {
      const approx = selectPenalty(rowsOf(x), y, { candidates: [l2], iterations: 50 }).logLoss;
      expect(Math.abs(approx - exactLoo(l2)) / exactLoo(l2)).toBeLessThan(0.001);
    }
  });
  it('returns the candidate with the lowest score and its model on every row, whatever the order listed', () => {
    const a = selectPenalty(rowsOf(x), y, { candidates: [0.5, 5, 50, 500], iterations: 50 });
    const b = selectPenalty(rowsOf(x), y, { candidates: [500, 50, 5, 0.5], iterations: 50 });
    expect(a.l2).toBe(b.l2);
    expect(a.l2).not.toBe(500);
    const direct = fitLogistic(x, y, { l2: a.l2, iterations: 50, tolerance: 1e-10 });
    a.model.weights.forEach((w, j) => expect(w).toBeCloseTo(direct.weights[j], 6));
  });
});

describe('fit sample', () => {
  // The definition, sorted the plain way: the rows with the lowest keyed hash, ties to the lower row, in row order.
  const reference = (count: number, n: number, seed: number) =>
    Array.from({ length: count }, (_, i) => [deriveSeed(seed, 'sample', i), i])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .slice(0, n)
      .map(([, i]) => i)
      .sort((a, b) => a - b);

  it('takes the rows with the lowest keyed hash, whatever the sizes', () => {
    for (const [count, n, seed] of [[10, 3, 1], [1000, 999, 2], [5000, 200, 3], [54321, 20000, 4]]) expect(sampleRows(count, n, seed)).toEqual(reference(count, n, seed));
    expect(sampleRows(5, 20, 1)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('auc', () => {
  it('is 1 for a perfect ranking, 0.5 for ties, and counts pairs', () => {
    expect(auc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(auc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(auc([0.3, 0.2, 0.1], [1, 0, 1])).toBe(0.5);
  });
});

describe('offer wording and eligibility', () => {
  it('phrases features from the dictionary', () => {
    expect(describeFeature('roaming_days', 6)).toBe('roams abroad on 6 days');
    expect(describeFeature('international_share', 0.456)).toBe('has 46% of calls and SMS with other countries');
    // One of a thing is singular; a unit in capitals stays as it is.
    expect(describeFeature('roaming_days', 1)).toBe('roams abroad on 1 day');
    expect(describeFeature('voice_out_per_active_day', 1.04)).toBe('makes 1 call a day');
    expect(describeFeature('sms_per_active_day', 1)).toBe('exchanges 1 SMS a day');
  });
  it('keeps business add-ons for active postpaid lines', () => {
    const line = { status: 'active', payment_type: 'prepaid', handset_tier: 'low', device_type: 'smartphone' };
    expect(eligible(line, 'ROAM_PACK', 'business', false)).toBe(false);
    expect(eligible(line, 'TRAVEL_PASS', 'personal', false)).toBe(true);
    expect(eligible({ ...line, payment_type: 'postpaid' }, 'ROAM_PACK', 'business', true)).toBe(false);
    expect(eligible({ ...line, status: 'suspended' }, 'TRAVEL_PASS', 'personal', false)).toBe(false);
  });
});

describe('adoption evidence', () => {
  it('counts at risk only the lines that existed and did not hold the product at the period start', () => {
    const spells = new Map([
      ['held', [{ start: '2025-01-01', end: null }]],
      ['adopted', [{ start: '2025-05-10', end: null }]],
      ['late', [{ start: '2025-06-01', end: null }]],
    ]);
    const lines = ['held', 'adopted', 'none', 'late', 'unknown'];
    // Period (2025-04-01, 2025-06-30]: `late` was activated inside it, `unknown` has no activation date.
    const activation = ['2020-01-01', '2024-01-01', '2024-06-01', '2025-05-20', null];
    const own = spellsByLine(lines, spells);
    expect(recentAdoption(own, '2025-06-30', 90, activation)).toEqual([null, 1, 0, null, 0]);
    expect(recentAdoption(own, '2025-06-30', 90)).toEqual([null, 1, 0, 1, 0]);
  });
});

describe('tariff change', () => {
  const tariffs = { BIZ_TEAM: { name: 'Team', monthly_fee: 25, margin_rate: 0.6, personas: ['office'], absorbs: [], includes: [] } };
  const line = { line_id: 'L1', persona: 'office', plan_id: 'OLD', payment_type: 'postpaid', monthly_fee: 20, charges: 0, roaming_charges: 0, international_charges: 0, observed_days: 30 };
  const rates = { plan_margin_rate: 0.5, charge_margin_rate: 0.8 };
  it('values the fee difference for each side', () => {
    const c = tariffChange(line, new Set(), tariffs, new Map(), rates)!;
    expect(c.customer_pays_change_per_month).toBeCloseTo(5, 9);
    expect(c.operator_margin_change_per_month).toBeCloseTo(0.6 * 25 - 0.5 * 20, 9);
  });
  it('proposes nothing to a postpaid line without a plan fee: against 0 any tariff is pure new margin', () => {
    expect(tariffChange({ ...line, monthly_fee: 0 }, new Set(), tariffs, new Map(), rates)).toBeUndefined();
  });
});
