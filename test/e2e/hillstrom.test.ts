/**
 * The measurement core on a real randomised test: the MineThatData e-mail test (K. Hillstrom, 2008;
 * ../shared/real/hillstrom): 64,000 customers, one third each to a men's e-mail, a women's e-mail and
 * no e-mail (the control group both campaigns share), visits, purchases and spend over two weeks.
 *
 * Every figure the library reports is recomputed here independently: counts and rates exactly from
 * the raw rows, intervals from the textbook formulas written out below (Wald; Wilson and Newcombe's
 * hybrid score; Welch with the Welch-Satterthwaite df and a Cornish-Fisher t quantile), and tail
 * probabilities by Simpson integration of the density, so nothing here calls ../../src/experiment.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isAbsolute, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { measureCampaigns, type CampaignResult } from '../../src/measure/campaigns';

/**
 * shared/real sits beside the repository (CI) or beside the repository this one was cloned from
 * (a local fresh clone); SOO_REAL_DATA names it anywhere else. As in real.test.ts.
 */
function realDataRoot(): string {
  const repo = join(__dirname, '..', '..');
  const candidates = [process.env.SOO_REAL_DATA, join(repo, '..', 'shared', 'real')];
  try {
    const origin = execFileSync('git', ['-C', repo, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (isAbsolute(origin)) candidates.push(join(resolve(origin), '..', 'shared', 'real'));
  } catch {
    // Not a clone: the other places are enough.
  }
  return candidates.find((c) => c && existsSync(c)) ?? candidates[1]!;
}

const DATA = join(realDataRoot(), 'hillstrom', 'data');

/** RFC 4180 records: lines.csv.gz quotes history_segment values such as "6) $750 - $1,000". */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  return rows.map((r) => {
    if (r.length !== header.length) throw new Error(`a record has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}

function read(name: string): Record<string, string>[] {
  const plain = join(DATA, `${name}.csv`);
  const text = existsSync(plain) ? readFileSync(plain, 'utf8') : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
  return parseCsv(text);
}

// ---- Textbook formulas, written out independently of the library ----

const Z975 = 1.959963984540054; // Φ⁻¹(0.975)

/** ∫ f over [a, b] by composite Simpson with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** P(Z > z) for z >= 0, integrating the density over [z, z + 40]. */
function normalTail(z: number): number {
  return simpson((x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI), z, z + 40, 400_000);
}

/** ln Γ(x) by Stirling's series, shifted up to x >= 10 (Abramowitz & Stegun 6.1.40). */
function lnGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= Math.log(x);
    x += 1;
  }
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

/** P(T > t) for Student's t with ν df, t >= 0, integrating its density over [t, t + 60]. */
function tTail(t: number, nu: number): number {
  const c = Math.exp(lnGamma((nu + 1) / 2) - lnGamma(nu / 2)) / Math.sqrt(nu * Math.PI);
  return simpson((x) => c * Math.pow(1 + (x * x) / nu, -(nu + 1) / 2), t, t + 60, 600_000);
}

/** Student t quantile by the Cornish-Fisher expansion (A&S 26.7.5), exact to ~1e-15 at ν in the thousands. */
function tQuantile975(nu: number): number {
  const z = Z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const z2 = Z975 * Z975;
  const centre = p + z2 / (2 * n);
  const half = Z975 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [(centre - half) / (1 + z2 / n), (centre + half) / (1 + z2 / n)];
}

function handProportions(x1: number, n1: number, x0: number, n0: number) {
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const d = p1 - p0;
  const seWald = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const [l1, u1] = wilson(x1, n1);
  const [l0, u0] = wilson(x0, n0);
  const pooled = (x1 + x0) / (n1 + n0);
  const z = d / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  return {
    p1, p0, d,
    wald: [d - Z975 * seWald, d + Z975 * seWald],
    newcombe: [d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)],
    p: 2 * normalTail(Math.abs(z)),
  };
}

function meanVar(values: number[]): [number, number] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return [m, values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)];
}

function handWelch(a: number[], b: number[]) {
  const [m1, v1] = meanVar(a);
  const [m0, v0] = meanVar(b);
  const s1 = v1 / a.length;
  const s0 = v0 / b.length;
  const se = Math.sqrt(s1 + s0);
  const df = (s1 + s0) ** 2 / (s1 ** 2 / (a.length - 1) + s0 ** 2 / (b.length - 1));
  const t = tQuantile975(df);
  const d = m1 - m0;
  return { m1, m0, d, se, df, low: d - t * se, high: d + t * se, p: 2 * tTail(Math.abs(d / se), df) };
}

/** |a - b| <= rel·|b|. */
function near(a: number | null, b: number, rel: number, what: string): void {
  expect(a, what).not.toBeNull();
  expect(Math.abs(a! - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.abs(b));
}

describe('Hillstrom e-mail test (real data)', () => {
  it('measures both campaigns as computed by hand, near the published figures', () => {
    expect(existsSync(DATA), `${DATA}: shared/real sits beside the repository, or set SOO_REAL_DATA`).toBe(true);
    const campaigns = read('campaigns');
    const assignments = read('assignments');
    const responses = read('responses');
    const lines = read('lines');
    const accounts = read('accounts');
    expect([assignments.length, responses.length, lines.length]).toEqual([85_306, 52_666, 64_000]);

    const measured = measureCampaigns(
      { campaigns, assignments, responses, lines, accounts },
      { breakdowns: ['zip_code', 'channel', 'newbie', 'history_segment'], controlShares: { MENS: 0.5, WOMENS: 0.5 } },
    );
    const wald = measureCampaigns({ campaigns, assignments, responses }, { interval: 'wald' });
    const get = (rows: CampaignResult[], c: string, outcome: string, breakdown = 'all', level = 'all') =>
      rows.find((r) => r.campaign_id === c && r.outcome === outcome && r.breakdown === breakdown && r.breakdown_value === level)!;

    // Outcomes present: visited and adopted (contacted is outbound), plus value.
    expect([...new Set(measured.results.map((r) => r.outcome))]).toEqual(['visited', 'adopted', 'value']);

    const table: Record<string, string | number>[] = [];
    for (const c of campaigns) {
      const id = c.campaign_id;
      // Units and outcomes, by hand: every response of the line dated inside [start, end].
      const group = new Map(assignments.filter((a) => a.campaign_id === id).map((a) => [a.line_id, a.group]));
      const kinds = new Map<string, Set<string>>();
      const value = new Map<string, number>();
      for (const r of responses) {
        if (!group.has(r.line_id) || r.date.slice(0, 10) < c.start_date || r.date.slice(0, 10) > c.end_date) continue;
        (kinds.get(r.line_id) ?? kinds.set(r.line_id, new Set()).get(r.line_id)!).add(r.response);
        value.set(r.line_id, (value.get(r.line_id) ?? 0) + (r.value === '' ? 0 : Number(r.value)));
      }
      const ids = (g: string) => [...group].filter(([, x]) => x === g).map(([line]) => line);
      const treated = ids('treatment');
      const controls = ids('control');

      for (const outcome of ['visited', 'adopted']) {
        const x1 = treated.filter((l) => kinds.get(l)?.has(outcome)).length;
        const x0 = controls.filter((l) => kinds.get(l)?.has(outcome)).length;
        const hand = handProportions(x1, treated.length, x0, controls.length);
        const row = get(measured.results, id, outcome);
        expect([row.treatment_units, row.control_units, row.treatment_responders, row.control_responders]).toEqual([treated.length, controls.length, x1, x0]);
        expect(row.treatment_rate).toBe(x1 / treated.length);
        expect(row.control_rate).toBe(x0 / controls.length);
        near(row.uplift_low, hand.newcombe[0], 1e-12, `${id} ${outcome} Newcombe low`);
        near(row.uplift_high, hand.newcombe[1], 1e-12, `${id} ${outcome} Newcombe high`);
        const w = get(wald.results, id, outcome);
        near(w.uplift_low, hand.wald[0], 1e-12, `${id} ${outcome} Wald low`);
        near(w.uplift_high, hand.wald[1], 1e-12, `${id} ${outcome} Wald high`);
        near(row.p_value, hand.p, 1e-8, `${id} ${outcome} p`);
        table.push({
          campaign: id, outcome, treated: `${x1}/${treated.length}`, control: `${x0}/${controls.length}`,
          t_rate: pct(hand.p1), c_rate: pct(hand.p0), uplift: pts(hand.d), ci95: `${pts(row.uplift_low!)} .. ${pts(row.uplift_high!)}`, p: row.p_value!.toExponential(2),
        });
      }

      const spend = (lines: string[]) => lines.map((l) => value.get(l) ?? 0);
      const hand = handWelch(spend(treated), spend(controls));
      const v = get(measured.results, id, 'value');
      near(v.treatment_mean, hand.m1, 1e-12, `${id} mean spend treated`);
      near(v.control_mean, hand.m0, 1e-12, `${id} mean spend control`);
      near(v.difference_low, hand.low, 1e-10, `${id} difference low`);
      near(v.difference_high, hand.high, 1e-10, `${id} difference high`);
      near(v.p_value, hand.p, 1e-6, `${id} Welch p`);
      const cost = Number(c.cost_per_contact) * treated.length + Number(c.fixed_cost);
      const incremental = treated.length * hand.d;
      near(v.cost, cost, 1e-12, `${id} cost`);
      near(v.incremental_value, incremental, 1e-10, `${id} incremental spend`);
      near(v.roi, (incremental - cost) / cost, 1e-10, `${id} ROI`);
      near(v.roi_low, (treated.length * hand.low - cost) / cost, 1e-10, `${id} ROI low`);
      near(v.roi_high, (treated.length * hand.high - cost) / cost, 1e-10, `${id} ROI high`);
      table.push({
        campaign: id, outcome: 'spend/customer', t_rate: `$${hand.m1.toFixed(3)}`, c_rate: `$${hand.m0.toFixed(3)}`, uplift: `$${hand.d.toFixed(3)}`,
        ci95: `$${hand.low.toFixed(3)} .. $${hand.high.toFixed(3)}`, p: v.p_value!.toExponential(2),
        incremental: `$${incremental.toFixed(0)} (${v.incremental_value_low!.toFixed(0)} .. ${v.incremental_value_high!.toFixed(0)})`,
        cost: `$${cost.toFixed(2)}`, roi: `${v.roi!.toFixed(2)} (${v.roi_low!.toFixed(2)} .. ${v.roi_high!.toFixed(2)})`,
      });

      // Sample ratio: one third each means treatment:control = 1:1 within a campaign.
      const srm = measured.sampleRatio.find((s) => s.campaign_id === id)!;
      const half = (treated.length + controls.length) / 2;
      const chi = ((treated.length - half) ** 2 + (controls.length - half) ** 2) / half;
      near(srm.chi_square, chi, 1e-12, `${id} SRM chi-square`);
      near(srm.p_value, 2 * normalTail(Math.sqrt(chi)), 1e-8, `${id} SRM p`); // chi-square 1 df = Z²
      expect(srm.mismatch).toBe(false);

      // One breakdown slice by hand: urban customers' visits.
      const zip = new Map(lines.map((l) => [l.line_id, l.zip_code]));
      const urban = (ls: string[]) => ls.filter((l) => zip.get(l) === 'Urban');
      const slice = get(measured.results, id, 'visited', 'zip_code', 'Urban');
      expect([slice.treatment_units, slice.control_units]).toEqual([urban(treated).length, urban(controls).length]);
      expect(slice.treatment_responders).toBe(urban(treated).filter((l) => kinds.get(l)?.has('visited')).length);
      const slices = measured.results.filter((r) => r.campaign_id === id && r.breakdown !== 'all');
      expect(slices.every((r) => r.tests_count === slices.filter((s) => s.p_value !== null).length)).toBe(true);
    }
    console.log(`Hillstrom e-mail test, cost 0.10 per e-mail (95% intervals; Newcombe for rates, Welch for spend)\n${format(table)}`);

    // The published figures (Hillstrom 2008), for orientation.
    const rate = (c: string, o: string, g: 't' | 'c') => (g === 't' ? get(measured.results, c, o).treatment_rate! : get(measured.results, c, o).control_rate!);
    expect(rate('MENS', 'visited', 't')).toBeCloseTo(0.183, 2);
    expect(rate('WOMENS', 'visited', 't')).toBeCloseTo(0.151, 2);
    expect(rate('MENS', 'visited', 'c')).toBeCloseTo(0.106, 2);
    expect(rate('MENS', 'adopted', 't')).toBeCloseTo(0.0125, 3);
    expect(rate('WOMENS', 'adopted', 't')).toBeCloseTo(0.0088, 3);
    expect(rate('MENS', 'adopted', 'c')).toBeCloseTo(0.0057, 3);
    expect(get(measured.results, 'MENS', 'value').treatment_mean).toBeCloseTo(1.42, 1);
    expect(get(measured.results, 'WOMENS', 'value').treatment_mean).toBeCloseTo(1.08, 1);
    expect(get(measured.results, 'MENS', 'value').control_mean).toBeCloseTo(0.65, 1);
  });
});

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

function format(rows: Record<string, string | number>[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(width[i])).join('  ');
  return [line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ''))))].join('\n');
}
