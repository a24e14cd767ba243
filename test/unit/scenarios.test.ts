/**
 * The scenarios shift what they claim, measured from the generated files as an analyst
 * would (events read back with zlib and a split), against the default scenario with the
 * same seed: usage and data by their factors, travel, evening and international use, the
 * persona mix, product prevalence; the confounders sit where the truth says; and the
 * thresholds that separate personas on the default pilot stop doing so somewhere.
 * Measured values are in docs/scenarios.md; the bars leave room for other seeds.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { generatePilot } from '../../src/generate/pilot';
import { tempDir } from '../helpers';
import { lineUsage, mean, median, readCsv, share, truthOf, type LineUsage } from '../generated';

const FULL = ['default', 'low_usage', 'heavy_usage', 'frequent_travel', 'night_and_international', 'noisy', 'real_mix'];
const PRODUCTS = ['default', 'product_rich', 'product_poor'];
const START = '2026-03-02';
const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'generate.js');

interface Pilot {
  dir: string;
  usage: Map<string, LineUsage>;
  truth: Record<string, string>[];
}

const pilots: Record<string, Pilot> = {};
const small: Record<string, string> = {};

/** Runs the built generator CLI; two at a time, so the pilots generate on both cores. */
function generateCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generate ${args.join(' ')}: ${stderr}`))));
  });
}

beforeAll(async () => {
  const root = tempDir('soo-scenarios-');
  // Pilot size (15 accounts, 28 days), without broken rows; the product scenarios need no events: small.
  const queue = [...FULL];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await generateCli(['--out', join(root, name), '--seed', '5', '--broken-rate', '0', '--scenario', name]);
  };
  await Promise.all([worker(), worker()]);
  for (const name of FULL) {
    const dir = join(root, name);
    pilots[name] = { dir, usage: lineUsage(dir), truth: truthOf(dir, 'lines_truth.csv') };
  }
  await Promise.all(PRODUCTS.map((name) => generatePilot({ out: (small[name] = join(root, `small_${name}`)), seed: 5, accounts: 4, days: 7, scenario: name })));
  // Personas are drawn before anything that depends on the window: two days show the persona mix.
  await generatePilot({ out: (small.industry_shift = join(root, 'small_industry_shift')), seed: 5, days: 2, scenario: 'industry_shift' });
});

/** Mean over lines of a per-line measure, optionally over some lines only. */
function perLine(name: string, f: (u: LineUsage) => number, keep: (t: Record<string, string>) => boolean = () => true): number {
  const p = pilots[name];
  return mean(p.truth.filter(keep).map((t) => f(p.usage.get(t.line_id)!)));
}
const ratio = (name: string, f: (u: LineUsage) => number, keep?: (t: Record<string, string>) => boolean) => perLine(name, f, keep) / perLine('default', f, keep);

const voiceOut = (u: LineUsage) => u.voiceOut;
const dataMb = (u: LineUsage) => u.dataKb / 1024;
const roamingDays = (u: LineUsage) => u.roamingDates.size;
const evening = (u: LineUsage) => share(u.evening, u.calls);
const international = (u: LineUsage) => share(u.international, u.calls);

describe('usage levels', () => {
  it('low_usage halves calls and cuts data to 0.3x (0.5 sessions x 0.6 per session) on lines that are not barely used', () => {
    const barely = new Set(pilots.low_usage.truth.filter((t) => t.barely_used === '1').map((t) => t.line_id));
    const notBarely = (t: Record<string, string>) => !barely.has(t.line_id);
    expect(barely.size / pilots.low_usage.truth.length).toBeGreaterThan(0.07);
    expect(ratio('low_usage', voiceOut, notBarely)).toBeCloseTo(0.5, 1);
    expect(ratio('low_usage', dataMb, notBarely)).toBeGreaterThan(0.24);
    expect(ratio('low_usage', dataMb, notBarely)).toBeLessThan(0.36);
  });

  it('heavy_usage doubles calls and multiplies data by 5 (2 sessions x 2.5 per session)', () => {
    expect(ratio('heavy_usage', voiceOut)).toBeCloseTo(2, 1);
    expect(ratio('heavy_usage', dataMb)).toBeGreaterThan(4.3);
    expect(ratio('heavy_usage', dataMb)).toBeLessThan(5.7);
  });
});

describe('travel, evening and international use', () => {
  it('frequent_travel sends more staff abroad, more often, calling colleagues from there', () => {
    expect(ratio('frequent_travel', roamingDays)).toBeGreaterThan(2.5);
    expect(ratio('frequent_travel', (u) => (u.roamingDates.size > 0 ? 1 : 0))).toBeGreaterThan(1.8);
    // Of the calls and SMS made and received abroad, more are with colleagues.
    const abroadInternal = (name: string) => {
      const lines = [...pilots[name].usage.values()];
      return share(lines.reduce((s, u) => s + u.internalAbroad, 0), lines.reduce((s, u) => s + (u.roamingDates.size > 0 ? u.internal : 0), 0));
    };
    expect(abroadInternal('frequent_travel')).toBeGreaterThan(1.3 * abroadInternal('default'));
    const travellers = pilots.frequent_travel.truth.filter((t) => t.traveller === '1');
    expect(travellers.length / pilots.frequent_travel.truth.length).toBeGreaterThan(0.1);
    for (const t of travellers) expect(['executive', 'international']).not.toContain(t.persona);
    expect(mean(travellers.map((t) => roamingDays(pilots.frequent_travel.usage.get(t.line_id)!)))).toBeGreaterThan(2);
  });

  it('night_and_international triples evening and night call weight (share s -> 3s / (1 + 2s)) and doubles international share below its cap', () => {
    const predicted = perLine('default', (u) => 3 * evening(u) / (1 + 2 * evening(u))) / perLine('default', evening);
    expect(ratio('night_and_international', evening) / predicted).toBeGreaterThan(0.9);
    expect(ratio('night_and_international', evening) / predicted).toBeLessThan(1.1);
    // Lines far below the cap double; the international persona, near it, cannot.
    const notIntl = (t: Record<string, string>) => t.persona !== 'international';
    expect(ratio('night_and_international', international, notIntl)).toBeGreaterThan(1.7);
    expect(ratio('night_and_international', international, notIntl)).toBeLessThan(2.6);
    expect(ratio('night_and_international', international)).toBeGreaterThan(1.3);
  });
});

describe('persona mix', () => {
  const mix = (name: string, industries?: Set<string>) => {
    const dir = pilots[name]?.dir ?? small[name];
    const accounts = new Map(readCsv(join(dir, 'accounts.csv')).map((a) => [a.account_id, a.industry]));
    const lines = truthOf(dir, 'lines_truth.csv').filter((t) => !industries || industries.has(accounts.get(t.account_id)!));
    const out: Record<string, number> = {};
    for (const t of lines) out[t.persona] = (out[t.persona] ?? 0) + 1 / lines.length;
    return out;
  };
  it('industry_shift changes the persona mix of the industries (logistics runs on data users and light users)', () => {
    const a = mix('default');
    const b = mix('industry_shift');
    const distance = Object.keys({ ...a, ...b }).reduce((s, k) => s + Math.abs((a[k] ?? 0) - (b[k] ?? 0)), 0) / 2;
    expect(distance).toBeGreaterThan(0.1);
    const logistics = new Set(['logistics']);
    expect(mix('industry_shift', logistics).data_user).toBeGreaterThan(1.5 * mix('default', logistics).data_user);
  });

  it('blends a second persona into some lines: a line blended with road_warrior moves across more cells than its persona alone', () => {
    const p = pilots.noisy;
    const blended = p.truth.filter((t) => t.blend_persona);
    expect(blended.length / p.truth.length).toBeGreaterThan(0.2);
    const still = ['office', 'strict_business', 'light_user', 'international'];
    const cells = (keep: (t: Record<string, string>) => boolean) => median(p.truth
      .filter((t) => still.includes(t.persona) && t.mover_few_outsiders === '0' && keep(t)).map((t) => p.usage.get(t.line_id)!.cells.size));
    expect(cells((t) => t.blend_persona === 'road_warrior')).toBeGreaterThan(2 * cells((t) => !t.blend_persona));
  });
});

describe('confounders (noisy)', () => {
  const p = () => pilots.noisy;
  const lines = (flag: (t: Record<string, string>) => boolean) => p().truth.filter(flag).map((t) => ({ t, u: p().usage.get(t.line_id)! }));

  it('plants every confounder on a share of lines', () => {
    const n = p().truth.length;
    for (const [flag, min] of [['holiday_abroad_days', 0.1], ['private_intl', 0.06], ['activated_day', 0.04], ['idle_days', 0.06], ['mover_few_outsiders', 0.02], ['barely_used', 0.07], ['blend_persona', 0.2]] as const) {
      expect(p().truth.filter((t) => t[flag] && t[flag] !== '0').length / n, flag).toBeGreaterThan(min);
    }
  });

  it('holidays abroad: roaming over a weekend with no colleague in any call', () => {
    const holidays = lines((t) => t.holiday_abroad_days !== '0' && t.business_abroad_days === '0');
    expect(holidays.length).toBeGreaterThan(100);
    expect(holidays.filter(({ u }) => u.roamingDates.size > 0).length / holidays.length).toBeGreaterThan(0.8);
    expect(holidays.filter(({ u }) => u.internalAbroad > 0)).toEqual([]);
    const weekend = (d: string) => [0, 6].includes(new Date(d + 'T00:00:00Z').getUTCDay());
    expect(holidays.filter(({ u }) => [...u.roamingDates].some(weekend)).length / holidays.length).toBeGreaterThan(0.8);
  });

  it('private calls abroad: international calls mostly in the evening or at weekends', () => {
    const callers = lines((t) => t.private_intl === '1' && t.persona !== 'international' && t.persona !== 'executive');
    expect(callers.length).toBeGreaterThan(50);
    expect(mean(callers.map(({ u }) => share(u.intlOutPrivateTime, u.intlOut)))).toBeGreaterThan(0.6);
  });

  it('lines activated mid-window have no records before their activation day, and it is their activation date', () => {
    const late = lines((t) => t.activated_day !== '0');
    const activation = new Map(readCsv(join(p().dir, 'lines.csv')).map((l) => [l.line_id, l.activation_date]));
    for (const { t, u } of late) {
      const day = new Date(Date.parse(START + 'T00:00:00Z') + Number(t.activated_day) * 86400000).toISOString().slice(0, 10);
      expect(activation.get(t.line_id)).toBe(day);
      expect([...u.dates].filter((d) => d < day)).toEqual([]);
    }
  });

  it('idle lines have a run of days without a record at least as long as planted', () => {
    const idle = lines((t) => t.idle_days !== '0' && t.activated_day === '0');
    expect(idle.length).toBeGreaterThan(50);
    const longestGap = (dates: Set<string>) => {
      let best = 0;
      let run = 0;
      for (let d = 0; d < 28; d++) {
        const day = new Date(Date.parse(START + 'T00:00:00Z') + d * 86400000).toISOString().slice(0, 10);
        run = dates.has(day) ? 0 : run + 1;
        best = Math.max(best, run);
      }
      return best;
    };
    for (const { t, u } of idle) expect(longestGap(u.dates), t.line_id).toBeGreaterThanOrEqual(Number(t.idle_days));
  });

  it('movers cross many cells but call few outsiders, and are not road warriors', () => {
    const movers = lines((t) => t.mover_few_outsiders === '1');
    expect(movers.length).toBeGreaterThan(20);
    for (const { t } of movers) expect(['office', 'strict_business', 'data_user']).toContain(t.persona);
    expect(median(movers.map(({ u }) => u.cells.size))).toBeGreaterThanOrEqual(20);
    expect(median(movers.map(({ u }) => u.externals.size))).toBeLessThanOrEqual(12);
  });

  it('barely used lines are light users with a handful of records, whatever their plan', () => {
    const barely = lines((t) => t.barely_used === '1');
    for (const { t } of barely) expect(t.persona).toBe('light_user');
    expect(barely.some(({ t }) => t.plan_persona !== 'light_user')).toBe(true);
    expect(median(barely.map(({ u }) => u.records))).toBeLessThan(20);
  });
});

describe('thresholds fitted to the default pilot', () => {
  /** Precision of "rule says persona" among lines, per scenario. */
  const precision = (name: string, persona: string, rule: (u: LineUsage) => boolean) => {
    const hits = pilots[name].truth.filter((t) => rule(pilots[name].usage.get(t.line_id)!));
    return share(hits.filter((t) => t.persona === persona).length, hits.length);
  };
  it.each([
    ['executive', 'roaming_days >= 3', (u: LineUsage) => u.roamingDates.size >= 3],
    ['light_user', 'voice_out_count < 20', (u: LineUsage) => u.voiceOut < 20 && u.dataKb / 1024 < 2000],
    ['office', 'internal_share >= 0.4', (u: LineUsage) => share(u.internal, u.calls) >= 0.4],
  ])('%s by %s loses at least 0.15 of its precision in some scenario', (persona, _rule, rule) => {
    const base = precision('default', persona, rule);
    const worst = Math.min(...FULL.filter((n) => n !== 'default').map((n) => precision(n, persona, rule)));
    expect(base - worst).toBeGreaterThan(0.15);
  });
});

describe('product prevalence and adoption', () => {
  const heldPerLine = (dir: string) => readCsv(join(dir, 'holdings.csv')).filter((h) => !h.end_date).length / truthOf(dir, 'lines_truth.csv').length;
  const meanProbability = (dir: string) => mean(truthOf(dir, 'adoption_truth.csv').map((r) => Number(r.adopt_probability)));

  it('product_rich holds and adopts more, product_poor less', () => {
    expect(heldPerLine(small.product_rich)).toBeGreaterThan(1.6 * heldPerLine(small.default));
    expect(heldPerLine(small.product_poor)).toBeLessThan(0.45 * heldPerLine(small.default));
    expect(meanProbability(small.product_rich)).toBeGreaterThan(1.4 * meanProbability(small.default));
    expect(meanProbability(small.product_poor)).toBeLessThan(0.6 * meanProbability(small.default));
  });

  it('network neighbours of holders adopt at several times the rate of others (3-5x in Hill, Provost & Volinsky 2006)', () => {
    // Measured 6.8 (default) and 5.6 (noisy): above Hill's 3-5x, because holders now sit where the same
    // model makes adoption likely, and their colleagues (teams of one department) behave alike.
    for (const name of ['default', 'noisy']) {
      const rows = truthOf(pilots[name].dir, 'adoption_truth.csv');
      const rate = (keep: (r: Record<string, string>) => boolean) => mean(rows.filter(keep).map((r) => Number(r.adopt_probability)));
      const lift = rate((r) => Number(r.neighbour_share) > 0) / rate((r) => Number(r.neighbour_share) === 0);
      expect(lift, name).toBeGreaterThan(3.5);
      expect(lift, name).toBeLessThan(9);
    }
  });

  it('business roaming sells roaming packs, holidays sell travel passes', () => {
    const p = pilots.noisy;
    const kind = new Map(p.truth.map((t) => [t.line_id, t.business_abroad_days !== '0' && t.holiday_abroad_days === '0' ? 'business' : t.holiday_abroad_days !== '0' && t.business_abroad_days === '0' ? 'holiday' : 'other']));
    const rows = truthOf(p.dir, 'adoption_truth.csv');
    const rate = (product: string, k: string) => mean(rows.filter((r) => r.product_id === product && kind.get(r.line_id) === k).map((r) => Number(r.adopt_probability)));
    expect(rate('ROAM_PACK', 'business')).toBeGreaterThan(3 * rate('ROAM_PACK', 'holiday'));
    expect(rate('TRAVEL_PASS', 'holiday')).toBeGreaterThan(2 * rate('TRAVEL_PASS', 'business'));
  });
});
