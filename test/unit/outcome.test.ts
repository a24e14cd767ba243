/** The pilot outcome simulator (src/generate/outcome.ts) on a small hand-made pilot whose answers are known. */
import { describe, expect, it } from 'vitest';
import { simulateOutcome, type OutcomeInput, type ResponseRow } from '../../src/generate/outcome';
import { measureCampaigns } from '../../src/measure/campaigns';
import { spillover, spilloverColleagues } from '../../src/measure/spillover';

// 4 accounts of 10 lines, two communities of 5 lines each per account; personas by position.
const lines = Array.from({ length: 40 }, (_, i) => {
  const a = Math.floor(i / 10) + 1;
  const k = i % 10;
  return { line_id: `L${a}-${k}`, account_id: `A${a}`, persona: k < 3 ? 'executive' : 'office', community: `A${a}-C${k < 5 ? 1 : 2}` };
});
const accounts = [1, 2, 3, 4].map((a) => ({ account_id: `A${a}`, account_name: `Account ${a}`, segment: a <= 2 ? 'small' : 'large' }));
const contacts = [
  { account_id: 'A1', contact_id: 'A1-C2', key_player: 'false' },
  { account_id: 'A1', contact_id: 'A1-C3', key_player: 'true' },
  { account_id: 'A2', contact_id: 'A2-C1', key_player: 'true' },
];
const window = { start_date: '2026-04-01', end_date: '2026-04-28' };
const campaigns = [
  { campaign_id: 'P-1', name: 'Offer fibre', product_id: 'HOME_FIBER', target: 'line', channel: 'sms', ...window, control_share: 0.5, randomised_by: 'line' },
  { campaign_id: 'W-1', name: 'Word of mouth', product_id: 'PERSONAL_LINE', target: 'line', channel: 'sms', ...window, control_share: 0.5, randomised_by: 'community' },
  { campaign_id: 'R-1', name: 'Next action', product_id: '', target: 'account', channel: 'sales_rep', ...window, control_share: 0.5, randomised_by: 'account' },
];
// P-1: the 20 lines of A1 and A2, alternating groups; W-1: the first line of each community of A3 and A4 (C1 treated); R-1: accounts.
const assignments = [
  ...lines.slice(0, 20).map((l, i) => ({ campaign_id: 'P-1', line_id: l.line_id, account_id: l.account_id, group: i % 2 ? 'control' : 'treatment', stratum: l.account_id })),
  ...['A3-C1', 'A3-C2', 'A4-C1', 'A4-C2'].map((c) => {
    const seed = lines.find((l) => l.community === c)!;
    return { campaign_id: 'W-1', line_id: seed.line_id, account_id: seed.account_id, group: c.endsWith('C1') ? 'treatment' : 'control', stratum: seed.account_id };
  }),
  ...accounts.map((a, i) => ({ campaign_id: 'R-1', line_id: '', account_id: a.account_id, group: i % 2 ? 'control' : 'treatment', stratum: '' })),
];
const input: OutcomeInput = { campaigns, assignments, lines, accounts, contacts };
const of = (rs: ResponseRow[], kind: string, campaign?: string) => rs.filter((r) => r.response === kind && (campaign === undefined || r.campaign_id === campaign));
const groupOf = (campaign: string, id: string) => assignments.find((a) => a.campaign_id === campaign && (a.line_id === id || (!a.line_id && a.account_id === id)))?.group;

describe('simulateOutcome', () => {
  it('is deterministic: same seed same rows, whatever the input order; another seed other rows', () => {
    const a = simulateOutcome(input, { seed: 3, baseRate: 0.3, spillover: 0.1 });
    const b = simulateOutcome({ ...input, lines: [...lines].reverse(), assignments: [...assignments].reverse(), campaigns: [...campaigns].reverse() }, { seed: 3, baseRate: 0.3, spillover: 0.1 });
    expect(b.responses).toEqual(a.responses);
    expect(simulateOutcome(input, { seed: 3, baseRate: 0.3, spillover: 0.1 })).toEqual(a);
    expect(simulateOutcome(input, { seed: 4, baseRate: 0.3, spillover: 0.1 }).responses).not.toEqual(a.responses);
    expect(new Set(a.responses.map((r) => r.response_id)).size).toBe(a.responses.length);
  });

  it('touches each treated unit once and no control unit; with base 0 and uplift 1 exactly the treated adopt', () => {
    const { responses, truth } = simulateOutcome(input, { seed: 1, baseRate: 0, uplift: 1 });
    for (const c of campaigns) {
      const treated = assignments.filter((a) => a.campaign_id === c.campaign_id && a.group === 'treatment').length;
      expect(of(responses, 'contacted', c.campaign_id)).toHaveLength(treated);
      expect(truth.find((t) => t.campaign_id === c.campaign_id && t.breakdown === 'all' && t.effect === 'uplift')).toMatchObject({ contacted: treated, treatment_responders: treated, control_responders: 0, planted: 1, expected_measured: 1 });
    }
    const touched = of(responses, 'contacted');
    expect(touched.every((r) => groupOf(r.campaign_id, r.line_id || r.account_id) === 'treatment')).toBe(true);
    expect(touched.every((r) => r.channel === campaigns.find((c) => c.campaign_id === r.campaign_id)!.channel)).toBe(true);
    // P-1: 10 treated adopt, with the campaign's id and channel.
    const adopted = responses.filter((r) => r.response === 'adopted' && r.product_id === 'HOME_FIBER');
    expect(adopted).toHaveLength(10);
    expect(adopted.every((r) => r.campaign_id === 'P-1' && r.channel === 'sms' && groupOf('P-1', r.line_id) === 'treatment')).toBe(true);
  });

  it('lets control units adopt at the base rate with no campaign_id, on the organic channel, and untouched', () => {
    const { responses } = simulateOutcome(input, { seed: 2, baseRate: 1, uplift: 0, organicChannel: 'app' });
    const control = responses.filter((r) => r.campaign_id === '' && r.product_id === 'HOME_FIBER');
    expect(control).toHaveLength(10);
    expect(control.every((r) => r.response === 'adopted' && r.channel === 'app' && groupOf('P-1', r.line_id) === 'control')).toBe(true);
  });

  it('dates every response inside its campaign window, touches on the first day; an open window lasts `days`', () => {
    const { responses } = simulateOutcome(input, { seed: 5, baseRate: 0.5, spillover: 0.2 });
    expect(responses.every((r) => r.date >= window.start_date && r.date <= window.end_date)).toBe(true);
    expect(of(responses, 'contacted').every((r) => r.date === window.start_date)).toBe(true);
    expect(new Set(of(responses, 'adopted').map((r) => r.date)).size).toBeGreaterThan(5);
    const open = simulateOutcome({ ...input, campaigns: campaigns.map((c) => ({ ...c, end_date: '' })) }, { seed: 5, baseRate: 0.5, days: 3 });
    expect(open.responses.every((r) => r.date >= '2026-04-01' && r.date <= '2026-04-03')).toBe(true);
  });

  it('spills over only to the untreated colleagues of treated clusters', () => {
    const { responses, truth } = simulateOutcome(input, { seed: 1, baseRate: 0, uplift: 0, spillover: 1, outcomes: { 'P-1': 'visited' } });
    const adopters = new Set(of(responses, 'adopted').map((r) => r.line_id));
    const seeds = new Set(assignments.filter((a) => a.campaign_id === 'W-1').map((a) => a.line_id));
    const expected = lines.filter((l) => (l.community === 'A3-C1' || l.community === 'A4-C1') && !seeds.has(l.line_id)).map((l) => l.line_id);
    expect([...adopters].sort()).toEqual(expected.sort());
    expect(of(responses, 'adopted').every((r) => r.campaign_id === '' && r.channel === 'web' && r.product_id === 'PERSONAL_LINE')).toBe(true);
    expect(truth.find((t) => t.effect === 'spillover')).toMatchObject({
      campaign_id: 'W-1', planted: 1, expected_measured: 1, treatment_units: 8, control_units: 8, treatment_clusters: 2, control_clusters: 2, treatment_responders: 8, control_responders: 0,
    });
    // What measurement sees: the same colleagues, all treated-cluster ones adopting.
    const colleagues = spilloverColleagues({ campaign_id: 'W-1', campaigns, assignments, responses, lines }, { cluster: 'community' });
    expect(spillover(colleagues).difference).toBe(1);
  });

  it('measures an account campaign on its accounts: meetings with the key player, no line, no product', () => {
    const { responses } = simulateOutcome(input, { seed: 1, baseRate: 0, uplift: 1 });
    const r = responses.filter((x) => x.campaign_id === 'R-1' || x.response === 'meeting');
    expect(r.every((x) => x.line_id === '' && x.product_id === '' && x.value === null)).toBe(true);
    expect(of(r, 'meeting').map((x) => x.account_id).sort()).toEqual(['A1', 'A3']);
    expect(r.filter((x) => x.account_id === 'A1').every((x) => x.contact_id === 'A1-C3')).toBe(true);
    expect(r.filter((x) => x.account_id === 'A3').every((x) => x.contact_id === '')).toBe(true);
  });

  it('plants an uplift per segment (a line attribute, then an account attribute) and gives the truth per level', () => {
    const { responses, truth } = simulateOutcome(input, {
      seed: 1, baseRate: 0, uplift: 0, upliftBy: [{ campaign_id: 'P-1', attribute: 'persona', value: 'executive', uplift: 1 }, { attribute: 'segment', value: 'large', uplift: 1 }],
    });
    const p1 = responses.filter((r) => r.product_id === 'HOME_FIBER' && r.response === 'adopted');
    expect(p1.every((r) => lines.find((l) => l.line_id === r.line_id)!.persona === 'executive' && groupOf('P-1', r.line_id) === 'treatment')).toBe(true);
    expect(p1).toHaveLength(lines.slice(0, 20).filter((l, i) => i % 2 === 0 && l.persona === 'executive').length);
    const row = (c: string, b: string, v: string) => truth.find((t) => t.campaign_id === c && t.breakdown === b && t.breakdown_value === v);
    expect(row('P-1', 'persona', 'executive')?.planted).toBe(1);
    expect(row('P-1', 'persona', 'office')?.planted).toBe(0);
    // A slice of another attribute plants the mean of its units' uplifts: 3 executives of 10 lines per account.
    expect(row('P-1', 'segment', 'small')?.planted).toBe(0.3);
    // The account campaign takes the account attribute's rule: large accounts (A3 treated, A4 control).
    expect(row('R-1', 'segment', 'large')).toMatchObject({ planted: 1, treatment_responders: 1, control_responders: 0 });
    expect(row('R-1', 'persona', 'executive')).toBeUndefined();
  });

  it('says what measurement estimates when campaigns share units: the planted uplift across products, planted × (1 − the other’s rate) within one', () => {
    const own = assignments.filter((a) => a.campaign_id === 'P-1');
    const twice = [...own, ...own.map((a, i) => ({ ...a, campaign_id: 'P-2', group: i % 4 < 2 ? 'treatment' : 'control' }))];
    const shared = (p2: Record<string, unknown>, options: Parameters<typeof simulateOutcome>[1] = {}) => {
      const both = [campaigns[0], { ...campaigns[0], campaign_id: 'P-2', ...p2 }];
      const { responses, truth } = simulateOutcome({ ...input, campaigns: both, assignments: twice }, { seed: 1, baseRates: { 'P-1': 0.1, 'P-2': 0.3 }, upliftByCampaign: { 'P-1': 0.2, 'P-2': 0 }, ...options });
      // Measurement counts the responders the truth counts, in both campaigns;
      const measured = measureCampaigns({ campaigns: both, assignments: twice, responses, lines, accounts });
      for (const t of truth.filter((x) => x.breakdown === 'all')) {
        const m = measured.results.find((r) => r.campaign_id === t.campaign_id && r.outcome === t.outcome && r.breakdown === 'all')!;
        expect([m.treatment_responders, m.control_responders], t.campaign_id).toEqual([t.treatment_responders, t.control_responders]);
      }
      // in P-1, the lines of each group with an adoption of HOME_FIBER or of no product.
      const p1 = truth.find((t) => t.campaign_id === 'P-1' && t.breakdown === 'all')!;
      const adopters = (group: string) => new Set(of(responses, 'adopted').filter((r) => (r.product_id === 'HOME_FIBER' || r.product_id === '') && groupOf('P-1', r.line_id) === group).map((r) => r.line_id)).size;
      expect([p1.treatment_responders, p1.control_responders]).toEqual([adopters('treatment'), adopters('control')]);
      return { p1, responses };
    };
    // P-2 offers another product: its adoptions (some on P-1's lines of both groups) are not P-1's outcome,
    // which estimates the planted uplift.
    const { p1: other, responses } = shared({ product_id: 'TRAVEL_PASS' });
    expect(new Set(of(responses, 'adopted').filter((r) => r.product_id === 'TRAVEL_PASS').map((r) => groupOf('P-1', r.line_id)))).toEqual(new Set(['treatment', 'control']));
    expect(other.planted).toBe(0.2);
    expect(other.expected_measured).toBeCloseTo(0.2, 10);
    expect(other.overlap_units).toBe(0);
    expect(other.note).toBe('');
    // P-2 offers the same product, or none (its adoptions name no product): they show in both groups of P-1.
    // Treated: 1 − 0.7·0.7 = 0.51; control: 1 − 0.9·0.7 = 0.37.
    for (const { p1 } of [shared({ product_id: 'HOME_FIBER' }), shared({ product_id: '' }, { outcomes: { 'P-2': 'adopted' } })]) {
      expect(p1.planted).toBe(0.2);
      expect(p1.expected_measured).toBeCloseTo(0.14, 10);
      expect(p1.overlap_units).toBe(20);
      expect(p1.note).toMatch(/estimates is 0\.14, not the planted 0\.2/);
      // The note states the rule measurement applies to a product campaign.
      expect(p1.note).toMatch(/measurement counts the responses of the kind about HOME_FIBER or naming no product\)/);
    }
  });

  it('gives adoptions the product’s first-year margin as value and the expected value difference', () => {
    const { responses, truth } = simulateOutcome(input, { seed: 1, baseRate: 0.2, uplift: 0.3, valueSigma: 0 });
    expect(responses.filter((r) => r.response === 'adopted' && r.product_id === 'HOME_FIBER').every((r) => r.value === 147)).toBe(true); // 35 × 12 × 0.35
    const p1 = truth.find((t) => t.campaign_id === 'P-1' && t.breakdown === 'all')!;
    expect(p1.expected_value_difference).toBeCloseTo(0.3 * 147, 6);
    const spread = simulateOutcome(input, { seed: 1, baseRate: 0.2, uplift: 0.3, valueSigma: 0.5, valueMedian: 100 });
    const values = spread.responses.filter((r) => r.value !== null).map((r) => r.value!);
    expect(new Set(values).size).toBeGreaterThan(3);
    expect(spread.truth.find((t) => t.campaign_id === 'P-1' && t.breakdown === 'all')!.expected_value_difference).toBeCloseTo(0.3 * 100 * Math.exp(0.125), 6);
  });

  it('counts earlier responses as measurement will: a control unit that adopted the product, or something naming none, already counts as adopting', () => {
    const [c1, c2, c3] = assignments.filter((a) => a.campaign_id === 'P-1' && a.group === 'control');
    const old = (id: string, a: typeof c1, product: string, value: string) => ({ response_id: id, date: '2026-04-02', account_id: a.account_id, contact_id: '', line_id: a.line_id, campaign_id: '', channel: 'web', response: 'adopted', product_id: product, value });
    // P-1 offers HOME_FIBER: the DATA_XL adoption is another product's outcome and does not count.
    const earlier = [old('OLD-1', c1, 'HOME_FIBER', '10'), old('OLD-2', c2, '', '4'), old('OLD-3', c3, 'DATA_XL', '100')];
    const { responses, truth } = simulateOutcome({ ...input, responses: earlier }, { seed: 1, baseRate: 0, uplift: 0.5, valueSigma: 0 });
    const p1 = truth.find((t) => t.campaign_id === 'P-1' && t.breakdown === 'all')!;
    expect(p1.control_responders).toBe(2);
    expect(p1.overlap_units).toBe(2);
    expect(p1.expected_measured).toBeCloseTo(0.5 - 2 / 10, 10);
    expect(p1.expected_value_difference).toBeCloseTo(0.5 * 147 - (10 + 4) / 10, 6);
    // Measurement reads the memory with the new responses appended and counts the same.
    const measured = measureCampaigns({ campaigns, assignments, responses: [...earlier, ...responses], lines, accounts }, { outcomes: ['adopted'] });
    const m = measured.results.find((r) => r.campaign_id === 'P-1' && r.outcome === 'adopted' && r.breakdown === 'all')!;
    expect([m.treatment_responders, m.control_responders]).toEqual([p1.treatment_responders, 2]);
  });

  it('writes responses that measurement reads back to the truth’s realised counts', () => {
    const { responses, truth } = simulateOutcome(input, { seed: 9, baseRate: 0.3, uplift: 0.2, spillover: 0.1, funnel: true, breakdowns: ['persona'] });
    const measured = measureCampaigns({ campaigns, assignments, responses, lines, accounts }, { breakdowns: ['persona'] });
    for (const t of truth.filter((x) => x.effect === 'uplift')) {
      const m = measured.results.find((r) => r.campaign_id === t.campaign_id && r.outcome === t.outcome && r.breakdown === t.breakdown && r.breakdown_value === t.breakdown_value)!;
      expect(m, `${t.campaign_id} ${t.breakdown_value}`).toBeDefined();
      expect([m.treatment_responders, m.control_responders]).toEqual([t.treatment_responders, t.control_responders]);
    }
    // The funnel: every adopter visited the same day.
    const visits = new Set(of(responses, 'visited').map((r) => `${r.line_id}|${r.date}|${r.product_id}`));
    expect(of(responses, 'adopted').filter((r) => r.line_id).every((r) => visits.has(`${r.line_id}|${r.date}|${r.product_id}`))).toBe(true);
  });

  it('refuses what it cannot simulate, in one line naming the module', () => {
    const e = (options: Parameters<typeof simulateOutcome>[1], data: OutcomeInput = input) => () => simulateOutcome(data, options);
    expect(e({ baseRate: 0.9, uplift: 0.2 })).toThrow(/^segment-of-one\/outcome: base rate \+ uplift of campaign P-1 must be in \[0, 1\], got 1\.1/);
    expect(e({ spilloverByCampaign: { 'P-1': 0.1 } })).toThrow(/campaign P-1 is randomised by line: a spill-over needs/);
    expect(e({ upliftByCampaign: { 'P-9': 0.1 } })).toThrow(/upliftByCampaign names campaign P-9, which is not in campaigns/);
    expect(e({ upliftBy: [{ attribute: 'tenure', value: 'long', uplift: 0.1 }] })).toThrow(/tenure is a column of neither lines nor accounts/);
    expect(e({ spillover: 0.1 }, { ...input, lines: lines.map(({ community: _, ...l }) => l) })).toThrow(/campaign W-1 is randomised by community and has a spill-over, but lines have no community column/);
    expect(e({}, { ...input, assignments: [...assignments, assignments[0]] })).toThrow(/line L1-0 is assigned to campaign P-1 twice/);
    expect(e({ outcomes: { 'P-1': 'contacted' } })).toThrow(/outcomes\.P-1 must be a prospect's response kind/);
    const noCommunity = simulateOutcome({ ...input, lines: lines.map(({ community: _, ...l }) => l) }, { spillover: 0 });
    expect(noCommunity.notes).toEqual(['campaign W-1: lines have no community column: its colleagues are not simulated']);
  });
});
