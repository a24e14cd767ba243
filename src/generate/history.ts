/**
 * Product holdings as history: what lines hold at the start of the window is the outcome of
 * the same adoption process that the truth applies after it (src/generate/adoption.ts), run
 * forward over the 90-day periods before the window.
 *
 * At the start of the history (or at a line's activation, its bundle) a line holds a product
 * with a small seed probability; then in every period each line that does not hold a product
 * adopts it with the adoption model's 90-day probability, given its latent behaviour, the share
 * of its call weight with colleagues who hold it, the share of the account's lines that hold it
 * and what it holds itself, all as they stand at the period's start; holders end a holding with
 * a churn hazard. So holders cluster in the call network as adopters do in real bases (network
 * neighbours adopt at 3-5 times the rate of others: Hill, Provost & Volinsky, "Network-based
 * marketing", Statistical Science 21(2), 2006), and the holdings started in the last period
 * estimate the adoption rate after the window.
 *
 * The model sees behaviour through what a window of records would count; before the window
 * there are no records, so the history uses what the line's latent parameters lead a window of
 * the same length to count on average (`latentInputs`).
 */
import { int, type Rng } from '../util/rng';
import { sigmoid } from '../util/stats';
import { adoptionFeatures, adoptionLogit, type AdoptionFeatures, type AdoptionInputs } from './adoption';
import type { PersonaProfile } from './personas';

/** The days of a history period: the adoption truth's horizon after the window. */
export const PERIOD_DAYS = 90;

/** How far before the start of the history a seed holding may have started. */
const SEED_SPAN_DAYS = 720;

/** The adoption model's inputs that hold for a line whatever the time and whatever is held. */
export type LatentInputs = Omit<AdoptionInputs, 'holds' | 'neighbourShare' | 'accountShare' | 'lineAgeYears' | 'newLine'>;

/** What the generator planned for a line, before any record is written. */
export interface LatentLine {
  p: PersonaProfile;
  intensity: number;
  internal: number;
  international: number;
  roaming: number;
  weekend: number;
  hub: boolean;
  cells: number;
  tier: 'low' | 'mid' | 'high';
  device: string;
  prepaid: boolean;
  fee: number;
  /** Days planned abroad on holiday in the window (the line's holiday habit). */
  holidayDays: number;
  callsFamilyAbroad: boolean;
}

const WEEKEND = 2 / 7;
/** Mean of a log-normal session volume over its median (sigma 1). */
const LOGNORMAL_MEAN = Math.exp(0.5);
const isPrivateHour = (hour: number) => hour >= 18 || hour < 7;

/**
 * What a window of `days` days would count for the line on average: the same quantities the
 * generator counts as it writes records (LineStats), from the rates they are drawn with.
 */
export function latentInputs(l: LatentLine, days: number, tripDays: readonly [number, number], usage: number): LatentInputs {
  const { p } = l;
  const dayFactor = 1 - WEEKEND + WEEKEND * l.weekend;
  const active = days * p.activeDays;
  const hub = l.hub ? 1.8 : 1;
  const rate = active * dayFactor * l.intensity;
  const voiceOut = rate * p.voiceOut * hub;
  const voiceIn = rate * p.voiceOut * 0.5;
  const sms = rate * p.smsOut;
  const perDay = l.intensity * (p.voiceOut * (hub + 0.5) + p.smsOut + p.dataSessions);
  const activeDays = active * ((1 - WEEKEND) * (1 - Math.exp(-perDay)) + WEEKEND * (1 - Math.exp(-perDay * l.weekend)));
  const internalMade = (voiceOut + sms) * l.internal;
  const intlShare = Math.min(0.9, l.international / Math.max(0.05, 1 - l.internal));
  // Colleagues call the line about as often as it calls them.
  const calls = voiceOut + voiceIn + sms + internalMade;
  const weekendShare = (WEEKEND * l.weekend) / dayFactor;
  const hours = p.hours.reduce((s, w) => s + w, 0);
  const evening = p.hours.reduce((s, w, h) => s + (isPrivateHour(h) ? w : 0), 0) / hours;
  // A trip starts on a day at home with chance roaming / 3 and lasts tripDays on average.
  const q = Math.min(1, l.roaming / 3);
  const trip = (tripDays[0] + tripDays[1]) / 2;
  const abroad = (q * trip) / (1 + q * trip);
  return {
    activeDays,
    voiceOut,
    made: voiceOut + sms * (l.internal + (1 - l.internal) * 0.6),
    internal: internalMade,
    intlBusiness: voiceOut * (1 - l.internal) * intlShare,
    intlPrivate: l.callsFamilyAbroad ? active * ((1 - WEEKEND) * 0.35 + (l.weekend > 0 ? WEEKEND * 0.6 : 0)) * usage : 0,
    calls,
    privateTime: calls * (weekendShare + (1 - weekendShare) * evening),
    weekend: calls * weekendShare,
    dataKb: rate * p.dataSessions * p.sessionKb * LOGNORMAL_MEAN,
    businessAbroadDays: days * abroad * p.activeDays,
    holidayAbroadDays: l.holidayDays,
    cells: l.cells,
    handset: l.tier,
    device: l.device,
    prepaid: l.prepaid,
    monthlyFee: l.fee,
  };
}

export interface HistoryLine {
  /** Activation day relative to the window's first day (negative: before the window). */
  activationDay: number;
  /** Per product (DEFAULT_PRODUCTS order): chance of holding it at the start of the history, or of a bundle at activation. */
  seed: number[];
  inputs: LatentInputs;
  /** Colleagues (indices into the account's lines) and the expected call and SMS weight with each, both directions. */
  tieIndex: number[];
  tieWeight: number[];
}

export interface HistoryOptions {
  products: readonly string[];
  /** 90-day periods before the window. */
  periods: number;
  /** Hazard, per period, that a holder ends a holding. */
  churn: number;
  adoptionRate: number;
}

/** One holding: days relative to the window's first day; `end` undefined while it lasts. */
export interface Spell {
  product: number;
  start: number;
  end?: number;
  /** Adopted in a period of the history (not a seed or a bundle). */
  adopted: boolean;
}

/**
 * Runs the history of one account and returns each line's holdings (spells, in the order they
 * started). Lines activated in the window hold only their bundle, from their activation day.
 */
export function runHistory(lines: readonly HistoryLine[], o: HistoryOptions, rng: Rng): Spell[][] {
  const n = lines.length;
  const J = o.products.length;
  const spells: Spell[][] = lines.map(() => []);
  /** The open spell of line i and product j, or undefined. */
  const open: (Spell | undefined)[] = new Array(n * J);
  const from = -PERIOD_DAYS * o.periods;
  const bundle = (i: number, day: number, earliest: number) => {
    for (let j = 0; j < J; j++) {
      if (rng() >= lines[i].seed[j]) continue;
      const s: Spell = { product: j, start: Math.max(earliest, day - (day > earliest ? int(rng, 1, SEED_SPAN_DAYS) : 0)), adopted: false };
      spells[i].push(s);
      open[i * J + j] = s;
    }
  };
  for (let i = 0; i < n; i++) {
    const act = lines[i].activationDay;
    if (act < from) bundle(i, from, act);
  }

  const held = new Uint8Array(n * J);
  /** Per line, the products held at the period's start as bits (the tie loop visits only those). */
  const heldMask = new Int32Array(n);
  const exists = new Uint8Array(n);
  const tieHeld = new Float64Array(J);
  const holders = new Float64Array(J);
  // One set of inputs, refilled for each line and period: the model reads them, never keeps them.
  const x: AdoptionInputs = {
    ...lines[0]?.inputs, holds: new Set(), neighbourShare: {}, accountShare: {}, lineAgeYears: 0, newLine: false,
  } as AdoptionInputs;
  const holds = x.holds as Set<string>;
  const features: AdoptionFeatures[] = lines.map((l) => adoptionFeatures({ ...x, ...l.inputs }));
  for (let k = o.periods; k >= 1; k--) {
    const s = -PERIOD_DAYS * k;
    const e = s + PERIOD_DAYS;
    for (let i = 0; i < n; i++) {
      const act = lines[i].activationDay;
      if (act >= s && act < e) bundle(i, act, act);
      exists[i] = act < e ? 1 : 0;
    }
    // Everyone decides on the state at the period's start.
    let present = 0;
    holders.fill(0);
    for (let i = 0; i < n; i++) {
      if (!exists[i]) continue;
      present++;
      let mask = 0;
      for (let j = 0; j < J; j++) {
        held[i * J + j] = open[i * J + j] ? 1 : 0;
        holders[j] += held[i * J + j];
        if (held[i * J + j]) mask |= 1 << j;
      }
      heldMask[i] = mask;
    }
    for (let i = 0; i < n; i++) {
      if (!exists[i]) continue;
      const line = lines[i];
      const act = line.activationDay;
      // Churn: holdings that started before the period may end in it.
      for (let j = 0; j < J; j++) {
        const spell = open[i * J + j];
        if (!spell || spell.start >= s || rng() >= o.churn) continue;
        spell.end = int(rng, s, e - 1);
        open[i * J + j] = undefined;
      }
      let tie = 0;
      tieHeld.fill(0);
      for (let t = 0; t < line.tieIndex.length; t++) {
        const m = line.tieIndex[t];
        if (!exists[m]) continue;
        const w = line.tieWeight[t];
        tie += w;
        for (let mask = heldMask[m]; mask !== 0; mask &= mask - 1) tieHeld[31 - Math.clz32(mask & -mask)] += w;
      }
      // What the model reads besides the line's counts (those are in its features).
      const { inputs } = line;
      x.handset = inputs.handset;
      x.device = inputs.device;
      x.cells = inputs.cells;
      x.prepaid = inputs.prepaid;
      x.monthlyFee = inputs.monthlyFee;
      holds.clear();
      for (let j = 0; j < J; j++) if (held[i * J + j]) holds.add(o.products[j]);
      x.lineAgeYears = Math.max(0, s - act) / 365.25;
      x.newLine = s - act < PERIOD_DAYS;
      const since = Math.max(s, act);
      const exposure = (e - since) / PERIOD_DAYS;
      for (let j = 0; j < J; j++) {
        if (held[i * J + j]) continue;
        x.neighbourShare[o.products[j]] = tie > 0 ? tieHeld[j] / tie : 0;
        x.accountShare[o.products[j]] = present > 1 ? holders[j] / (present - 1) : 0;
        const p = sigmoid(adoptionLogit(o.products[j], x, o.adoptionRate, features[i]));
        if (rng() >= (exposure >= 1 ? p : 1 - (1 - p) ** exposure)) continue;
        const spell: Spell = { product: j, start: int(rng, since, e - 1), adopted: true };
        spells[i].push(spell);
        open[i * J + j] = spell;
      }
    }
  }
  // Lines activated in the window come with their bundle.
  for (let i = 0; i < n; i++) if (lines[i].activationDay >= 0) bundle(i, lines[i].activationDay, lines[i].activationDay);
  return spells;
}
