/**
 * The propensity of each line to adopt each product in the 90 days after the window (docs/methods.md §6).
 *
 * Ranking: an L2-regularised logistic regression (logistic.ts) of holding the product, over what separates
 * business from private behaviour (international calls in working hours against evenings and weekends,
 * days abroad with colleagues on the line against holidays), rates per active day, the share of the line's
 * call weight that goes to colleagues who hold the product (network neighbours adopt at 3-5 times the rate
 * of others: Hill, Provost & Volinsky, Statistical Science 21, 2006), the share of the account's other
 * lines that hold it, the products already held, the plan's fee, prepaid or not, handset and device. The
 * penalty is chosen by approximate leave-one-out log-loss (logistic.ts). The model's features and their direction are the reason
 * each offer gives.
 *
 * Scale: what holding a product looks like is not how often lines take it up. Where holdings carry start
 * dates, the history says: over the last `adoption_days` before the latest start in the holdings (the date the
 * holdings are known to, at most the window's end), the lines that did not hold the product at its beginning
 * (no spell, ended ones included, covering that day) are at risk, and those that took it up in the period are
 * the adopters. With enough of them the score is recalibrated on them (Platt 1999: a logistic of the score's
 * log-odds), with fewer its mean is set to their rate; without start dates it is set to
 * `prior_adoption_rate`, and the run says so.
 *
 * A product with too few holders to learn from is ranked by its behaviour rule (products.ts: drivers, and
 * `needs` so that no line without a use for it is offered it), scaled the same way; without a rule it is
 * not offered. Which of these each product got, and why, is in offers/product_models.csv.
 */
import type { ColumnTable } from 'arquero';
import { featureMatrix } from '../features/matrix';
import { matches } from '../features/rules';
import { mean, sd, sigmoid } from '../util/stats';
import { deriveSeed, deriveSeeds } from '../util/rng';
import { fitLogistic, predictLogistic, selectPenalty, type LogisticModel, type PenaltyChoice, type Rows } from './logistic';
import { PRODUCT_AFFINITY, type Product } from './products';

export interface ModelOptions {
  /** Behaviour features of the mart, standardised as the dictionary scales them. */
  features: readonly string[];
  min_holders: number;
  /** Penalties tried, per 1,000 training lines; the one with the lowest approximate leave-one-out log-loss is used. */
  l2_candidates: readonly number[];
  iterations: number;
  /** Above this many lines, models are fitted on a seeded sample and score every line. */
  fit_sample: number;
  /** Days before the window's end in which a start counts as adoption; also the period propensities are for. */
  adoption_days: number;
  /** Periods of `adoption_days` before the history's end the adoption model learns from (1: only the last). */
  history_periods: number;
  /** Below this many recent adopters only the mean is calibrated (Platt needs more). */
  min_adopters: number;
  /** The 90-day adoption rate assumed when holdings carry no start dates. */
  prior_adoption_rate: number;
  seed: number;
}

export type ModelKind = 'logistic' | 'affinity' | 'none';
export type ScaleSource = 'platt on recent adopters' | 'rate of recent adopters' | 'prior' | 'none';

export interface ProductModel {
  product_id: string;
  model: ModelKind;
  holders: number;
  recent_adopters: number;
  at_risk: number;
  l2: number | null;
  cv_log_loss: number | null;
  /** The 90-day adoption rate the scale follows. */
  adoption_rate: number;
  scale: ScaleSource;
  note: string;
  /** P(adopt in the period) of every line. */
  propensity: number[];
  /** The names `drivers` points into. */
  driverNames: string[];
  /**
   * Per line i, at 2i and 2i + 1: the two features pushing its score up most (contribution above 0.1), strongest
   * first, as indices into driverNames; -1 for none. Plain arrays, so a model fitted on a worker thread comes back whole.
   */
  drivers: Int16Array;
}

/** The two strongest of each line's contributions above 0.1 (ties: the feature listed first), as ProductModel.drivers. */
function topDrivers(n: number, width: number, contribution: (i: number, j: number) => number): Int16Array {
  const top = new Int16Array(2 * n).fill(-1);
  for (let i = 0; i < n; i++) {
    let first = -1;
    let second = -1;
    let a = 0.1;
    let b = 0.1;
    for (let j = 0; j < width; j++) {
      const c = contribution(i, j);
      if (c > a) {
        second = first;
        b = a;
        first = j;
        a = c;
      } else if (c > b) {
        second = j;
        b = c;
      }
    }
    top[2 * i] = first;
    top[2 * i + 1] = second;
  }
  return top;
}

/** The design columns a product's model sees, beside the mart's behaviour: names for the reasons. */
export const NEIGHBOUR = 'neighbour_share';
export const ACCOUNT = 'account_share';
export const holdsColumn = (product: string) => `holds:${product}`;

export interface Design {
  names: string[];
  /** One row per line (names.length wide, row-major), standardised behaviour then reference features: flat, so
   * that worker threads receive it as one buffer. */
  base: Float64Array;
  lineIds: string[];
  accountIds: string[];
  /** Per line, the day it was activated (null when not given): before it, a line cannot take anything up. */
  activation: (string | null)[];
}

/**
 * Columns that measure how long a line has been there. Holding a product is the sum of every period the line
 * could take it up in, so the holding model gives a line activated last month a low score for its short past,
 * not for what it will do; it keeps them to absorb that, but its weights on them are not used to score. The
 * adoption model compares lines at risk over the same period, so its weights on them are.
 */
export const EXPOSURE: readonly string[] = ['new_line', 'line_age_years'];

/** The shared part of every product's design: behaviour (standardised) and the line's plan and device. */
export function baseDesign(mart: ColumnTable, features: readonly string[]): Design {
  const { matrix } = featureMatrix(mart, features);
  const fee = Array.from(mart.array('monthly_fee') as ArrayLike<number>, (v) => Math.log1p(Math.max(0, v)));
  const feeMean = mean(fee);
  const feeSd = sd(fee) || 1;
  const payment = mart.array('payment_type') as string[];
  const handset = mart.array('handset_tier') as string[];
  const device = mart.array('device_type') as string[];
  const extra: [string, (i: number) => number][] = [
    ['plan_fee', (i) => (fee[i] - feeMean) / feeSd],
    ['prepaid', (i) => (payment[i] === 'prepaid' ? 1 : 0)],
    ['handset_low', (i) => (handset[i] === 'low' ? 1 : 0)],
    ['handset_high', (i) => (handset[i] === 'high' ? 1 : 0)],
    ['device_feature', (i) => (device[i] === 'feature' ? 1 : 0)],
    ['device_tablet_or_router', (i) => (device[i] === 'tablet' || device[i] === 'router' ? 1 : 0)],
  ];
  return {
    names: [...features, ...extra.map(([n]) => n)],
    base: Float64Array.from(matrix.flatMap((row, i) => [...row, ...extra.map(([, f]) => f(i))])),
    lineIds: mart.array('line_id') as string[],
    accountIds: mart.array('account_id') as string[],
    activation: mart.columnNames().includes('activation_date')
      ? Array.from(mart.array('activation_date') as ArrayLike<unknown>, (d) => (d ? String(d).slice(0, 10) : null))
      : new Array<null>(mart.numRows()).fill(null),
  };
}

export interface Spell {
  start: string;
  end: string | null;
}

export interface Holdings {
  /** product -> lines that hold it at the end of the window. */
  holders: Map<string, Set<string>>;
  /** product -> line -> its dated spells, ended ones too. */
  spells: Map<string, Map<string, Spell[]>>;
  /** The latest start date in the history: the day the holdings are known to. */
  knownTo: string;
}

/** The lines that hold a product at the end of the window; none for a product no line holds. */
export function holdersOf(holdings: Holdings, productId: string): Set<string> {
  return holdings.holders.get(productId) ?? new Set<string>();
}

/** Current holdings, and the dated history when the pilot gives one (spells). */
export function readHoldings(holdings: ColumnTable, history?: ColumnTable): Holdings {
  const holders = new Map<string, Set<string>>();
  const spells = new Map<string, Map<string, Spell[]>>();
  const lines = holdings.array('line_id') as string[];
  const products = holdings.array('product_id') as string[];
  for (let k = 0; k < holdings.numRows(); k++) (holders.get(products[k]) ?? holders.set(products[k], new Set()).get(products[k])!).add(lines[k]);
  let knownTo = '';
  if (history?.numRows()) {
    const hl = history.array('line_id') as string[];
    const hp = history.array('product_id') as string[];
    const hs = history.array('start_date') as string[];
    const he = history.array('end_date') as (string | null)[];
    for (let k = 0; k < history.numRows(); k++) {
      const byLine = spells.get(hp[k]) ?? spells.set(hp[k], new Map()).get(hp[k])!;
      (byLine.get(hl[k]) ?? byLine.set(hl[k], []).get(hl[k])!).push({ start: hs[k], end: he[k] || null });
      if (hs[k] > knownTo) knownTo = hs[k];
    }
  }
  return { holders, spells, knownTo };
}

/** Per line (by its place in `lineIds`), its spells of one product; undefined for none. Read once per product: the
 * periods then index them instead of looking each line up by id (at x100, 181k lookups per period and product). */
export function spellsByLine(lineIds: readonly string[], spells: ReadonlyMap<string, Spell[]> | undefined): (readonly Spell[] | undefined)[] {
  return lineIds.map((l) => spells?.get(l));
}

/** Whether a spell covers `day`: started on or before it and not ended by then. */
const covers = (s: Spell, day: string) => s.start <= day && (!s.end || s.end > day);

/**
 * The adoption evidence of one product over the `days` before `to`, from each line's spells of it (spellsByLine):
 * per line, null when it held the product at the period's start or was activated after it (not at risk), 1 when
 * it took it up in the period, 0 otherwise.
 */
export function recentAdoption(own: readonly (readonly Spell[] | undefined)[], to: string, days: number, activation?: readonly (string | null)[]): (0 | 1 | null)[] {
  const from = daysBefore(to, days);
  return own.map((spells, i) => {
    if (activation?.[i] && activation[i]! > from) return null;
    if (!spells) return 0;
    if (spells.some((s) => covers(s, from))) return null;
    return spells.some((s) => s.start > from && s.start <= to) ? 1 : 0;
  });
}

/** 1 for each line that held the product on `day`. */
function heldOn(own: readonly (readonly Spell[] | undefined)[], day: string): Uint8Array {
  return Uint8Array.from(own, (spells) => (spells?.some((s) => covers(s, day)) ? 1 : 0));
}

/** 1 for each line among `holders`. */
export function holdsOf(lineIds: readonly string[], holders: ReadonlySet<string>): Uint8Array {
  return Uint8Array.from(lineIds, (id) => (holders.has(id) ? 1 : 0));
}

/** The call ties between the pilot's lines as positions in its line list: read once, used for every product. */
export interface TieIndex {
  lineIds: readonly string[];
  a: Int32Array;
  b: Int32Array;
  weight: Float64Array;
  /** Per line, the total weight of its ties. */
  strength: Float64Array;
}

export function tieIndex(lineIds: readonly string[], ties: ColumnTable): TieIndex {
  const index = new Map(lineIds.map((id, i) => [id, i]));
  const la = ties.array('line_id') as string[];
  const lb = ties.array('other_line_id') as string[];
  const lw = ties.array('weight') as number[];
  const a: number[] = [];
  const b: number[] = [];
  const weight: number[] = [];
  const strength = new Float64Array(lineIds.length);
  for (let k = 0; k < ties.numRows(); k++) {
    const i = index.get(la[k]);
    const j = index.get(lb[k]);
    if (i === undefined || j === undefined || !(lw[k] > 0)) continue;
    a.push(i);
    b.push(j);
    weight.push(lw[k]);
    strength[i] += lw[k];
    strength[j] += lw[k];
  }
  return { lineIds, a: Int32Array.from(a), b: Int32Array.from(b), weight: Float64Array.from(weight), strength };
}

/** Per line, the share of its call weight with colleagues that goes to holders of the product (0 without ties). */
export function neighbourShares(ties: TieIndex, holds: Uint8Array): Float64Array {
  const toHolders = new Float64Array(ties.lineIds.length);
  for (let k = 0; k < ties.a.length; k++) {
    const i = ties.a[k];
    const j = ties.b[k];
    if (holds[j]) toHolders[i] += ties.weight[k];
    if (holds[i]) toHolders[j] += ties.weight[k];
  }
  return Float64Array.from(ties.strength, (s, i) => (s > 0 ? toHolders[i] / s : 0));
}

/** Each line's account as a slot (0..accounts - 1), and each account's number of lines: read once, used per product and period. */
export interface AccountSlots {
  slot: Int32Array;
  size: Int32Array;
}

export function accountSlots(accountIds: readonly string[]): AccountSlots {
  const index = new Map<string, number>();
  const slot = Int32Array.from(accountIds, (a) => index.get(a) ?? index.set(a, index.size).get(a)!);
  const size = new Int32Array(index.size);
  for (const k of slot) size[k]++;
  return { slot, size };
}

/** Per line, the share of the other lines of its account that hold the product. */
export function accountShares(accounts: AccountSlots, holds: Uint8Array): Float64Array {
  const held = new Int32Array(accounts.size.length);
  accounts.slot.forEach((k, i) => (held[k] += holds[i]));
  return Float64Array.from(accounts.slot, (k, i) => {
    const others = accounts.size[k] - 1;
    return others > 0 ? (held[k] - holds[i]) / others : 0;
  });
}

const daysBefore = (day: string, n: number) => new Date(Date.parse(day + 'T00:00:00Z') - n * 86_400_000).toISOString().slice(0, 10);
const logit = (p: number) => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));

/** The shift of log-odds that makes the mean propensity over `rows` equal `target` (bisection: the mean is monotone in it). */
export function shiftToMean(logits: readonly number[], rows: readonly number[], target: number): number {
  if (!rows.length || !(target > 0 && target < 1)) return 0;
  const meanAt = (d: number) => rows.reduce((s, i) => s + sigmoid(logits[i] + d), 0) / rows.length;
  let lo = -30;
  let hi = 30;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (meanAt(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A seeded sample of row indices, at most n (all of them below n), in order: the n rows with the lowest keyed
 * hash `deriveSeed(seed, 'sample', row)` (ties to the lower row), so the same lines are sampled whatever the
 * table's order. The n-th lowest key is found by sorting the keys alone (a typed array sorts natively) and the
 * rows are read off below it: at x100, sorting the (key, row) pairs of the 540k adoption rows took 0.4-0.5 s
 * per product, this takes 50 ms.
 */
export function sampleRows(count: number, n: number, seed: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  const keyOf = deriveSeeds(seed, 'sample');
  const keys = Uint32Array.from({ length: count }, (_, i) => keyOf(i));
  const cut = Uint32Array.from(keys).sort()[n - 1];
  let ties = n;
  for (const k of keys) if (k < cut) ties--;
  const rows: number[] = [];
  for (let i = 0; i < count; i++) {
    if (keys[i] < cut) rows.push(i);
    else if (keys[i] === cut && ties > 0) {
      rows.push(i);
      ties--;
    }
  }
  return rows;
}

/**
 * One product's model. `design` is the shared base; the product adds the neighbour and account shares of its
 * holders and the other products held. `windowEnd` dates the adoption evidence ('' when unknown).
 */
export interface ProductExtra {
  neighbour: Float64Array;
  account: Float64Array;
  held: [string, Uint8Array][];
  /** Neighbour and account shares as they were when only the lines flagged in `holds` held the product (the start of the evidence period). */
  sharesAt(holds: Uint8Array): Shares;
}

export interface Shares {
  neighbour: Float64Array;
  account: Float64Array;
}

/** How many of the lines hold the product: what learnable() is asked about, in the main thread and in productModel alike. */
export function holdersAmong(lineIds: readonly string[], holders: ReadonlySet<string>): number {
  return lineIds.reduce((s, l) => s + (holders.has(l) ? 1 : 0), 0);
}

/** Whether a product has enough holders among the lines, and enough lines without it, for a model to learn from. */
export function learnable(holders: number, lines: number, o: Pick<ModelOptions, 'min_holders'>): boolean {
  return holders >= o.min_holders && lines - holders >= o.min_holders;
}

/**
 * `mart` is read only by the behaviour rule of a product that is not learnable; a learnable product's model
 * needs none (so it can be fitted on a worker thread, fit.ts).
 */
export function productModel(product: Product, design: Design, extra: ProductExtra, mart: ColumnTable | undefined, holdings: Holdings, windowEnd: string, o: ModelOptions): ProductModel {
  const id = product.product_id;
  const holders = holdersOf(holdings, id);
  const n = design.lineIds.length;
  const labels: number[] = design.lineIds.map((l) => (holders.has(l) ? 1 : 0));
  const holderCount = holdersAmong(design.lineIds, holders);
  const names = [...design.names, NEIGHBOUR, ACCOUNT, ...extra.held.map(([p]) => holdsColumn(p))];
  // The product's rows, packed: the shared design, then the neighbour and account shares (as they were at a
  // period's start for the adoption model) and the other products held.
  const k = design.names.length;
  const width = names.length;
  const rowsFor = (pick: readonly number[], shares: (r: number) => Shares): Rows => {
    const data = new Float64Array(pick.length * width);
    pick.forEach((i, r) => {
      const off = r * width;
      for (let j = 0; j < k; j++) data[off + j] = design.base[i * k + j];
      const then = shares(r);
      data[off + k] = Math.sqrt(then.neighbour[i]);
      data[off + k + 1] = then.account[i];
      extra.held.forEach(([, v], h) => (data[off + k + 2 + h] = v[i]));
    });
    return { data, count: pick.length, width };
  };
  const now = { neighbour: extra.neighbour, account: extra.account };
  const x = rowsFor(Array.from({ length: n }, (_, i) => i), () => now);

  // Adoption evidence: who took the product up in the last adoption_days of the history, among those at risk.
  const to = holdings.knownTo && windowEnd && holdings.knownTo > windowEnd ? windowEnd : holdings.knownTo;
  const own = spellsByLine(design.lineIds, holdings.spells.get(id));
  const evidence = to ? recentAdoption(own, to, o.adoption_days, design.activation) : [];
  const atRisk = evidence.map((e, i) => (e === null ? -1 : i)).filter((i) => i >= 0);
  const recent = evidence.map((e) => e ?? 0);
  const recentCount = recent.reduce((a: number, b: number) => a + b, 0);
  const dated = Boolean(to) && (holdings.spells.get(id)?.size ?? 0) > 0;

  let logits: number[];
  let model: ModelKind;
  let l2: number | null = null;
  let cv: number | null = null;
  let drivers: Int16Array;
  let driverNames: string[];
  let note = '';
  // Lines a behaviour rule keeps the product from: probability 0, and left out of the scale.
  let excluded: boolean[] | undefined;
  if (learnable(holderCount, n, o)) {
    // Two views of who takes the product: lines that hold it now (many), and lines that took it up in the last
    // period among those at risk (the very event, but fewer). Each model is fitted with its own penalty; their
    // log-odds are averaged, which lowers the variance of either alone.
    const select = (rows: Rows, ys: number[]) => selectPenalty(rows, ys, { candidates: o.l2_candidates.map((c) => (c * rows.count) / 1000), iterations: o.iterations });
    const sample = sampleRows(n, o.fit_sample, deriveSeed(o.seed, 'offers', id, 'holding'));
    const holding = select(rowsFor(sample, () => now), sample.map((i) => labels[i]));
    // The adoption model learns from the last `history_periods` periods of the history, each row a line at risk
    // at a period's start, seen with its colleagues as they were then (who held then is what spread), labelled
    // by whether it took the product up in that period.
    let adopting: PenaltyChoice | undefined;
    const periods: Shares[] = [];
    const at: { line: number; period: number; label: number }[] = [];
    for (let period = 0; period < o.history_periods && to; period++) {
      const end = daysBefore(to, period * o.adoption_days);
      const from = daysBefore(end, o.adoption_days);
      const ev = recentAdoption(own, end, o.adoption_days, design.activation);
      periods.push(extra.sharesAt(heldOn(own, from)));
      ev.forEach((e, i) => {
        if (e !== null) at.push({ line: i, period, label: e });
      });
    }
    if (at.reduce((a, r) => a + r.label, 0) >= o.min_adopters) {
      const picked = sampleRows(at.length, o.fit_sample, deriveSeed(o.seed, 'offers', id, 'adoption')).map((r) => at[r]);
      adopting = select(rowsFor(picked.map((r) => r.line), (r) => periods[picked[r].period]), picked.map((r) => r.label));
    }
    // Exposure columns score by the adoption model alone (EXPOSURE), or not at all without it.
    const exposure = new Set(EXPOSURE.map((f) => names.indexOf(f) + 1).filter((j) => j > 0));
    const fitted: LogisticModel = {
      weights: holding.model.weights.map((w, j) => {
        if (exposure.has(j)) return adopting ? adopting.model.weights[j] : 0;
        return adopting ? (w + adopting.model.weights[j]) / 2 : w;
      }),
      iterations: 0,
    };
    l2 = holding.l2;
    cv = holding.logLoss;
    model = 'logistic';
    const row = (i: number) => x.data.subarray(i * width, (i + 1) * width);
    logits = Array.from({ length: n }, (_, i) => logit(predictLogistic(fitted, row(i))));
    driverNames = names;
    drivers = topDrivers(n, width, (i, j) => fitted.weights[j + 1] * x.data[i * width + j]);
  } else {
    if (!mart) throw new Error(`productModel: ${id} is ranked by its behaviour rule, which reads the mart`);
    const rule = PRODUCT_AFFINITY.find((a) => a.product_id === id);
    // Drivers are read from the mart itself, whether or not they are model features.
    const usable = rule?.drivers.filter((d) => mart.columnNames().includes(d.replace(/^-/, ''))) ?? [];
    if (!rule || !usable.length) {
      return {
        product_id: id, model: 'none', holders: holderCount, recent_adopters: recentCount, at_risk: atRisk.length, l2: null, cv_log_loss: null,
        adoption_rate: 0, scale: 'none', note: `${holderCount} holders (fewer than ${o.min_holders}) and no behaviour rule for it: not offered`,
        propensity: new Array(n).fill(0), driverNames: [], drivers: new Int16Array(0),
      };
    }
    const ruleDrivers = usable.map((d) => d.replace(/^-/, ''));
    const z = featureMatrix(mart, ruleDrivers).matrix;
    const cols = usable.map((d, j) => [j, d.startsWith('-') ? -1 : 1] as const);
    const rows = mart.objects() as Record<string, unknown>[];
    const fits = rows.map((r, i) => labels[i] === 0 && (!rule.needs || matches(r, rule.needs)));
    const score = z.map((row) => 1.5 * cols.reduce((s, [j, sign]) => s + sign * row[j], 0) / cols.length);
    const fitting = fits.flatMap((f, i) => (f ? [i] : []));
    // A rule ranks only where the lines that may need the product differ on its drivers; else offering it to
    // all of them alike, at one made-up probability, would say nothing (as on a pilot without the usage it reads).
    const unused = !fitting.length;
    const flat = !unused && fitting.every((i) => score[i] === score[fitting[0]]);
    if (unused || flat) {
      const why = unused
        ? `no line shows a use for it (${Object.entries(rule.needs ?? {}).map(([f, [op, v]]) => `${f} ${op} ${v}`).join(', ')})`
        : `its behaviour rule's drivers (${usable.join(', ')}) do not vary across the lines`;
      return {
        product_id: id, model: 'none', holders: holderCount, recent_adopters: recentCount, at_risk: atRisk.length, l2: null, cv_log_loss: null,
        adoption_rate: 0, scale: 'none', note: `${holderCount} holders (fewer than ${o.min_holders}) and ${why}: not offered`,
        propensity: new Array(n).fill(0), driverNames: [], drivers: new Int16Array(0),
      };
    }
    model = 'affinity';
    note = `${holderCount} holders (fewer than ${o.min_holders} to learn from): ranked by its behaviour rule`;
    logits = score;
    excluded = fits.map((f, i) => !f && labels[i] === 0);
    driverNames = ruleDrivers;
    drivers = topDrivers(n, cols.length, (i, k) => cols[k][1] * z[i][cols[k][0]]);
  }

  // The scale: what the adoption evidence says, else the prior.
  const nonHolders = labels.map((l, i) => (l || excluded?.[i] ? -1 : i)).filter((i) => i >= 0);
  let scale: ScaleSource;
  let rate: number;
  let propensity: number[];
  if (recentCount >= o.min_adopters && atRisk.length > recentCount) {
    const pool = atRisk.filter((i) => !excluded?.[i]);
    const platt = fitLogistic(pool.map((i) => [logits[i]]), pool.map((i) => recent[i]), { l2: 0, iterations: 50 });
    propensity = logits.map((z) => predictLogistic(platt, [z]));
    rate = recentCount / atRisk.length;
    scale = 'platt on recent adopters';
  } else {
    if (dated) {
      rate = (recentCount + 0.5) / (atRisk.length + 1);
      scale = 'rate of recent adopters';
    } else {
      rate = o.prior_adoption_rate;
      scale = 'prior';
      note = note ? `${note}; no start dates to measure adoption: scaled to the prior rate` : 'no start dates to measure adoption: scaled to the prior rate';
    }
    const d = shiftToMean(logits, nonHolders, rate);
    propensity = logits.map((z) => sigmoid(z + d));
  }
  if (excluded) propensity = propensity.map((p, i) => (excluded![i] ? 0 : p));
  return {
    product_id: id, model, holders: holderCount, recent_adopters: recentCount, at_risk: atRisk.length, l2, cv_log_loss: cv,
    adoption_rate: rate, scale, note, propensity, driverNames, drivers,
  };
}
