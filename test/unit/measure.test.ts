/**
 * The campaign measurement core on a pilot small enough to count by hand: windows, responses of
 * other campaigns, repeated responses, account campaigns, a shared control group, breakdowns,
 * multiplicity, the sample-ratio check, and spill-over to colleagues.
 */
import { describe, expect, it } from 'vitest';
import { aq } from '../../src/util/arquero';
import { campaignResultsTable, measureCampaigns, type CampaignResult } from '../../src/measure/campaigns';
import { spillover, spilloverColleagues } from '../../src/measure/spillover';
import { normalQuantile } from '../../src/experiment/normal';

/** Student t quantile 0.975 at 4 df (tables: 2.776). */
const T4 = 2.7764451051977987;
const Z = normalQuantile(0.975);

const campaigns = [
  { campaign_id: 'C1', name: 'Roaming pack', target: 'line', channel: 'sms', start_date: '2026-03-01', end_date: '2026-03-10', cost_per_contact: '1', fixed_cost: '10' },
  { campaign_id: 'C2', name: 'Fleet offer', target: 'account', channel: 'sales_rep', start_date: '2026-03-05', end_date: '', cost_per_contact: '', fixed_cost: '' },
  { campaign_id: 'C3', name: 'Same control', target: 'line', channel: 'email', start_date: '2026-03-01', end_date: '2026-03-10', cost_per_contact: 0, fixed_cost: 0 },
  { campaign_id: 'W1', name: 'Word of mouth', target: 'line', channel: 'sms', start_date: '2026-02-01', end_date: '2026-03-31' },
];
const lines = [
  ['L1', 'A1', 'high'], ['L2', 'A1', 'low'], ['L3', 'A1', 'high'], ['L4', 'A1', 'high'],
  ['L5', 'A2', 'low'], ['L6', 'A2', ''], ['L7', 'A2', 'low'], ['L8', 'A2', 'low'],
].map(([line_id, account_id, handset_tier]) => ({ line_id, account_id, plan_id: 'P', payment_type: 'postpaid', monthly_fee: 10, handset_tier }));
const accounts = [
  { account_id: 'A1', account_name: 'North Ltd', region: 'north' },
  { account_id: 'A2', account_name: 'South AG', region: 'south' },
];
// Both id columns on every row, as in a CSV file (the one not used stays empty).
const assign = (campaign_id: string, group: string, ids: string[], key = 'line_id') => ids.map((id) => ({ campaign_id, line_id: '', account_id: '', [key]: id, group }));
const assignments = [
  ...assign('C1', 'treatment', ['L1', 'L2', 'L3', 'L5', 'L6']),
  ...assign('C1', 'control', ['L4', 'L7', 'L8']),
  ...assign('C2', 'treatment', ['A1'], 'account_id'),
  ...assign('C2', 'control', ['A2'], 'account_id'),
  ...assign('C3', 'treatment', ['L5', 'L6']),
  ...assign('C3', 'control', ['L4', 'L7', 'L8']),
  ...assign('W1', 'treatment', ['L1']),
  ...assign('W1', 'control', ['L5']),
];
const r = (date: string, account_id: string, line_id: string, response: string, value: number | '' = '', campaign_id = 'C1') => ({ date, account_id, line_id, response, value, campaign_id, channel: 'sms' });
const responses = [
  r('2026-03-01', 'A1', 'L1', 'contacted'),
  r('2026-03-02', 'A1', 'L1', 'visited'),
  r('2026-03-03T23:30:00-05:00', 'A1', 'L1', 'visited'), // a second visit counts once; local date 03-03
  r('2026-03-04', 'A1', 'L1', 'adopted', 30),
  r('2026-03-05', 'A1', 'L2', 'visited', '', 'C2'), // another campaign's response still counts
  r('2026-03-11', 'A1', 'L3', 'adopted', 50), // after C1's window
  r('2026-03-02', 'A1', 'L4', 'visited', '', ''), // a control line: no campaign at all
  r('2026-03-09', 'A2', 'L5', 'adopted', 20),
  r('2026-02-28', 'A2', 'L7', 'adopted', 100), // before C1's window
  r('2026-03-10', 'A2', 'L8', 'visited'), // the window's last day is inside
  r('2026-03-06', 'A2', '', 'adopted', 5, 'C2'), // an account-level response
];
const data = { campaigns, assignments, responses, lines, accounts };

const row = (rows: CampaignResult[], campaign: string, outcome: string, breakdown = 'all', level = 'all') =>
  rows.find((x) => x.campaign_id === campaign && x.outcome === outcome && x.breakdown === breakdown && x.breakdown_value === level)!;

describe('measureCampaigns', () => {
  const m = measureCampaigns(data, { breakdowns: ['handset_tier', 'region'], controlShares: { C1: 0.4 } });

  it('counts each unit once per outcome from all its responses inside the window', () => {
    const visited = row(m.results, 'C1', 'visited');
    expect([visited.treatment_units, visited.control_units, visited.treatment_responders, visited.control_responders]).toEqual([5, 3, 2, 2]);
    expect(visited.treatment_rate).toBe(0.4);
    expect(visited.control_rate).toBeCloseTo(2 / 3, 15);
    const adopted = row(m.results, 'C1', 'adopted');
    expect([adopted.treatment_responders, adopted.control_responders]).toEqual([2, 0]);
    expect(adopted.relative_lift).toBeNull(); // no control adopter
    // Outbound touches are not outcomes.
    expect(m.results.some((x) => x.outcome === 'contacted')).toBe(false);
    expect([...new Set(m.results.map((x) => x.outcome))]).toEqual(['visited', 'adopted', 'value']);
  });

  it('value per unit with Welch, incremental value, cost and ROI by hand', () => {
    const v = row(m.results, 'C1', 'value');
    // Treated values 30, 0, 0, 20, 0: mean 10, variance 800/4 = 200; control all 0.
    expect([v.treatment_mean, v.control_mean, v.difference]).toEqual([10, 0, 10]);
    const se = Math.sqrt(200 / 5);
    // Welch df = (40)² / (40²/4) = 4.
    expect(v.difference_low).toBeCloseTo(10 - T4 * se, 10);
    expect(v.difference_high).toBeCloseTo(10 + T4 * se, 10);
    expect(v.incremental_value).toBe(50);
    expect(v.cost).toBe(1 * 5 + 10);
    expect(v.roi).toBeCloseTo((50 - 15) / 15, 14);
    expect(v.roi_low).toBeCloseTo((5 * (10 - T4 * se) - 15) / 15, 10);
    expect(v.roi_high).toBeCloseTo((5 * (10 + T4 * se) - 15) / 15, 10);
    expect(v.treatment_responders).toBe(2);
    expect(v.uplift).toBeNull();
  });

  it('the uplift interval is the Newcombe hybrid score interval by default, Wald on request', () => {
    const wald = measureCampaigns(data, { interval: 'wald' });
    const v = row(wald.results, 'C1', 'visited');
    const se = Math.sqrt((0.4 * 0.6) / 5 + (2 / 3) * (1 / 3) / 3);
    expect(v.uplift_low).toBeCloseTo(0.4 - 2 / 3 - Z * se, 14);
    expect(row(m.results, 'C1', 'visited').uplift_low).not.toBeCloseTo(v.uplift_low!, 3);
  });

  it('one control group serving two campaigns gives both the same control figures', () => {
    for (const outcome of ['visited', 'adopted', 'value']) {
      const a = row(m.results, 'C1', outcome);
      const b = row(m.results, 'C3', outcome);
      expect([b.control_units, b.control_responders, b.control_rate, b.control_mean]).toEqual([a.control_units, a.control_responders, a.control_rate, a.control_mean]);
    }
    expect(row(m.results, 'C3', 'value').roi).toBeNull(); // no cost, no ROI
  });

  it('account campaigns read all responses of the account, and an open window ends at the last response date', () => {
    const visited = row(m.results, 'C2', 'visited');
    expect([visited.treatment_responders, visited.control_responders]).toEqual([1, 1]);
    const value = row(m.results, 'C2', 'value');
    // A1 from 03-05: L3's 50 on 03-11 (the last date). A2: L5's 20 and the account's own 5.
    expect([value.treatment_mean, value.control_mean]).toEqual([50, 25]);
    expect(value.p_value).toBeNull(); // one unit per group: no variance
    expect(m.notes).toContain('campaign C2: no end_date, window runs to the last response date 2026-03-11');
    expect(m.notes).toContain("campaign C2: breakdown handset_tier is a line attribute and the campaign's unit is the account: skipped");
  });

  it('breakdowns by a line attribute and by an account attribute, missing values as their own level', () => {
    const tiers = m.results.filter((x) => x.campaign_id === 'C1' && x.breakdown === 'handset_tier' && x.outcome === 'visited');
    expect(tiers.map((x) => [x.breakdown_value, x.treatment_units, x.control_units, x.treatment_responders, x.control_responders])).toEqual([
      ['high', 2, 1, 1, 1], // L1, L3 | L4
      ['low', 2, 2, 1, 1], // L2, L5 | L7, L8
      ['(missing)', 1, 0, 0, 0], // L6
    ]);
    expect(tiers[2].p_value).toBeNull();
    const north = row(m.results, 'C1', 'adopted', 'region', 'north');
    expect([north.treatment_units, north.control_units, north.treatment_responders]).toEqual([3, 1, 1]);
    // Slice cost carries no fixed cost: 1 per treated line.
    expect(row(m.results, 'C1', 'value', 'region', 'south').cost).toBe(2);
  });

  it('tests_count and Benjamini-Hochberg q-values per family', () => {
    const overall = m.results.filter((x) => x.campaign_id === 'C1' && x.breakdown === 'all');
    expect(overall.every((x) => x.tests_count === 3)).toBe(true);
    const slices = m.results.filter((x) => x.campaign_id === 'C1' && x.breakdown !== 'all');
    const tested = slices.filter((x) => x.p_value !== null);
    expect(slices.every((x) => x.tests_count === tested.length)).toBe(true);
    for (const x of tested) expect(x.q_value!).toBeGreaterThanOrEqual(x.p_value!);
    // BH written out: sort p ascending, q_(i) = min over j >= i of m·p_(j)/j.
    const sorted = [...tested].sort((a, b) => a.p_value! - b.p_value!);
    const mTests = sorted.length;
    sorted.forEach((x, i) => {
      const q = Math.min(1, ...sorted.slice(i).map((y, j) => (mTests * y.p_value!) / (i + j + 1)));
      expect(x.q_value).toBeCloseTo(q, 14);
    });
  });

  it('sample ratio against the design share, and what it says without one', () => {
    const c1 = m.sampleRatio.find((x) => x.campaign_id === 'C1')!;
    // 5 treated, 3 control at an intended 40% control: (5-4.8)²/4.8 + (3-3.2)²/3.2.
    expect(c1.chi_square).toBeCloseTo(0.04 / 4.8 + 0.04 / 3.2, 14);
    expect([c1.df, c1.share_source, c1.mismatch]).toEqual([1, 'design', false]);
    const c2 = m.sampleRatio.find((x) => x.campaign_id === 'C2')!;
    expect([c2.p_value, c2.share_source]).toEqual([null, 'observed']);
    expect(c2.note).toMatch(/cannot be tested/);
  });

  it('tests strata against the observed share when no design is given', () => {
    const strata = [
      ...Array.from({ length: 100 }, (_, i) => ({ campaign_id: 'C1', line_id: `S${i}`, group: i < 50 ? 'treatment' : 'control', stratum: 'a' })),
      ...Array.from({ length: 100 }, (_, i) => ({ campaign_id: 'C1', line_id: `T${i}`, group: i < 90 ? 'treatment' : 'control', stratum: 'b' })),
    ];
    const s = measureCampaigns({ ...data, assignments: strata }).sampleRatio.find((x) => x.campaign_id === 'C1')!;
    // Overall 140:60 (share 0.3). Expected per stratum 70:30; X² = 2·(20²/70 + 20²/30), df 1.
    expect(s.chi_square).toBeCloseTo(2 * (400 / 70 + 400 / 30), 12);
    expect([s.df, s.strata, s.mismatch]).toEqual([1, 2, true]);
  });

  it('accepts arquero tables and writes the documented columns', () => {
    const t = measureCampaigns({ ...data, campaigns: aq.from(campaigns), assignments: aq.from(assignments), responses: aq.from(responses) });
    expect(t.results).toEqual(measureCampaigns(data).results);
    const table = campaignResultsTable(m.results);
    expect(table.columnNames().slice(0, 4)).toEqual(['campaign_id', 'outcome', 'breakdown', 'breakdown_value']);
    expect(table.numRows()).toBe(m.results.length);
  });

  it('refuses input that breaks the contract, naming the module', () => {
    expect(() => measureCampaigns({ ...data, assignments: [...assignments, assignments[0]] })).toThrow(/^segment-of-one\/measure: assignments row \d+: line L1 is assigned to campaign C1 twice/);
    expect(() => measureCampaigns({ ...data, assignments: [{ campaign_id: 'X', line_id: 'L1', group: 'treatment' }] })).toThrow(/campaign "X" is not in campaigns/);
    expect(() => measureCampaigns(data, { breakdowns: ['colour'] })).toThrow(/breakdown colour is a column of neither/);
    expect(() => measureCampaigns({ ...data, responses: [r('03/04/2026', 'A1', 'L1', 'visited')] })).toThrow(/is not a date/);
  });
});

describe('spill-over', () => {
  it('cluster-level interval of the colleagues adoption difference, by hand', () => {
    const colleagues = [
      ...[['K1', 4, 2], ['K2', 2, 0], ['K3', 4, 1]].flatMap(([k, m, y]) => Array.from({ length: m as number }, (_, i) => ({ line_id: `${k}-${i}`, cluster: k as string, arm: 'treatment' as const, adopted: i < (y as number) ? 1 : 0 }))),
      ...[['K4', 3, 0], ['K5', 5, 1], ['K6', 2, 0]].flatMap(([k, m, y]) => Array.from({ length: m as number }, (_, i) => ({ line_id: `${k}-${i}`, cluster: k as string, arm: 'control' as const, adopted: i < (y as number) ? 1 : 0 }))),
    ];
    const s = spillover(colleagues);
    // Treatment: p = 3/10, Σ(y - p·m)² = 0.8² + 0.6² + 0.2² = 1.04, var = 3/2 · 1.04 / 100.
    // Control:   p = 1/10, Σ = 0.3² + 0.5² + 0.2² = 0.38,        var = 3/2 · 0.38 / 100.
    expect(s.treatment.variance).toBeCloseTo(0.0156, 15);
    expect(s.control.variance).toBeCloseTo(0.0057, 15);
    expect(s.difference).toBeCloseTo(0.2, 15);
    expect(s.df).toBe(4);
    expect(s.difference_low).toBeCloseTo(0.2 - T4 * Math.sqrt(0.0213), 12);
    expect(s.difference_high).toBeCloseTo(0.2 + T4 * Math.sqrt(0.0213), 12);
    expect(s.design_effect).toBeCloseTo(0.0213 / (0.21 / 10 + 0.09 / 10), 12);
  });
  it('finds the untreated colleagues of seed lines and refuses campaigns not randomised by cluster', () => {
    const colleagues = spilloverColleagues({ campaign_id: 'W1', ...data });
    expect(colleagues.map((c) => [c.line_id, c.arm, c.adopted])).toEqual([
      ['L2', 'treatment', 0], ['L3', 'treatment', 1], ['L4', 'treatment', 0],
      ['L6', 'control', 0], ['L7', 'control', 1], ['L8', 'control', 0],
    ]);
    expect(() => spilloverColleagues({ campaign_id: 'C1', ...data })).toThrow(/^segment-of-one\/spillover: account_id A1 holds seeds of both groups/);
  });
});
