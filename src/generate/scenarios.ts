/**
 * Scenarios of the synthetic pilot: named sets of knobs over one generator.
 *
 * One synthetic population cannot show that a method generalises: thresholds and
 * models fitted beside it learn its accidents. Each scenario shifts what real
 * enterprise bases differ in (usage levels, travel, evening and international use,
 * data volume, the persona mix per industry, product prevalence) or plants the
 * confounders an analyst meets in real usage records. A scenario is data, not code:
 * `DEFAULT_KNOBS` is what the generator did before scenarios existed, and every
 * named scenario overrides a few knobs. docs/scenarios.md explains each one.
 */
import { SoOError } from '../util/errors';
import { PERSONAS, PROFILES, type Persona, type PersonaProfile } from './personas';

export interface ScenarioKnobs {
  /** Multiplies every line's calls, SMS and data sessions per day. */
  usage: number;
  /** Multiplies the median volume of a data session. */
  dataVolume: number;
  /** Multiplies each persona's share of days abroad (how often travellers travel). */
  travel: number;
  /** Share of lines of the other personas (not executive or international) that travel on business too. */
  travellers: number;
  /** Their share of days abroad (before the line's own jitter and `travel`). */
  travellerRoaming: number;
  /** Length of a business trip in days, [min, max]. */
  tripDays: [number, number];
  /** On business-trip days, at least this share of calls and SMS go to colleagues (0: unchanged). */
  tripInternal: number;
  /** Chance that a business trip takes a teammate along; the two call each other while abroad. */
  teamTrips: number;
  /**
   * Records the receiving colleague of an internal call where that colleague is (abroad or at the
   * office) and at their own local time and day. The default pilot, as it always did, records the
   * receiving end at the colleague's office cell with the caller's timestamp, even when abroad.
   */
  receiverLocal: boolean;
  /** Multiplies the call weight of evening and night hours (18:00-06:59 local). */
  evening: number;
  /** Multiplies each line's share of calls with other countries (capped at 0.95). */
  international: number;
  /** Persona mix per industry: `default` or `shifted` (see INDUSTRY_MIXES). */
  industryMix: keyof typeof INDUSTRY_MIXES;
  /** Multiplies product prevalence: the seed holdings, and how long holders keep a product (churn divided by it). */
  holdingRate: number;
  /** Multiplies the odds of adopting a product in every 90-day period, before the window (the holdings' history) and after it. */
  adoptionRate: number;
  /** 90-day periods of holdings history run before the window. */
  historyPeriods: number;
  /** Chance, as a share of a product's fit, that a line holds it at the start of the history or gets it in its bundle at activation. */
  seedShare: number;
  /** Hazard per 90-day period that a holder ends a holding (times adoptionRate / holdingRate, so prevalence moves with holdingRate). */
  churn: number;
  /** Share of lines whose behaviour blends their persona with a second one. */
  blendShare: number;
  /** Weight of the second persona in a blended line, [min, max] (below 0.5: the planted persona dominates). */
  blendWeight: [number, number];
  /** Share of lines that spend a holiday abroad over a weekend: private calls only, no colleagues. */
  holidayAbroad: number;
  /** Share of lines that call family or friends abroad in the evening and at weekends. */
  privateIntl: number;
  /** Share of lines activated during the window (no records before their activation day). */
  midWindowActivation: number;
  /** Share of lines idle for a run of days (leave, sickness, a phone in a drawer). */
  idle: number;
  /** Length of an idle run in days, [min, max]. */
  idleDays: [number, number];
  /** Share of office, strict_business and data_user lines that move across many cells but call few outsiders. */
  moverFewOutsiders: number;
  /** Share of lines barely used, whatever their plan: they behave as light users below the light user's level. */
  barelyUsed: number;
  /**
   * Weight of the account's archetype of needs in its persona mix, over its industry's (0: the industry's
   * mix alone, and the archetype is read off the planted personas).
   */
  archetypeWeight: number;
  /** Weights of the archetypes (ARCHETYPES order, src/generate/accounts.ts) an account is drawn from. */
  archetypeMix: number[];
  /** Spread of price levels: each account's plan fees times 1 - s, 1 or 1 + s (a volume discount, list prices, premium options), drawn evenly. */
  valueSpread: number;
  /** Accounts of 2-9 lines added after the regular ones. */
  smallAccounts: number;
  /** Lines of one large account of light, often prepaid lines added at the end (0: none). */
  largeAccountLines: number;
  /** Weights of the relationship stages (STAGES order, src/generate/relationship.ts), before the tilt by value and size. */
  stageMix: number[];
  /** Share of key_player, dialogue_early and dialogue_mid accounts whose stage is a deeper dialogue gone silent for more than 180 days. */
  silence: number;
  /** Share of key_player accounts whose dialogue ended in an opt-out (half of it for dialogue_early accounts that opted in again). */
  optOut: number;
}

export const DEFAULT_KNOBS: Readonly<ScenarioKnobs> = Object.freeze({
  usage: 1,
  dataVolume: 1,
  travel: 1,
  travellers: 0,
  travellerRoaming: 0.1,
  tripDays: [2, 5],
  tripInternal: 0,
  teamTrips: 0,
  receiverLocal: false,
  evening: 1,
  international: 1,
  industryMix: 'default',
  holdingRate: 1,
  adoptionRate: 1,
  historyPeriods: 8,
  seedShare: 0.1,
  churn: 0.35,
  blendShare: 0,
  blendWeight: [0.2, 0.45],
  holidayAbroad: 0,
  privateIntl: 0,
  midWindowActivation: 0,
  idle: 0,
  idleDays: [4, 10],
  moverFewOutsiders: 0,
  barelyUsed: 0,
  archetypeWeight: 0,
  archetypeMix: [1, 1, 1, 1, 1],
  valueSpread: 0,
  smallAccounts: 0,
  largeAccountLines: 0,
  stageMix: [1, 1, 2, 1.5, 1.2, 1, 0.8],
  silence: 0.3,
  optOut: 0.4,
} as ScenarioKnobs);

export interface Scenario {
  name: string;
  /** One line for `--scenario list`. */
  summary: string;
  knobs: Partial<ScenarioKnobs>;
}

/** Every scenario but the default records receiving colleagues where they are, at their local time. */
const WHERE = { receiverLocal: true } as const;

export const SCENARIOS: Scenario[] = [
  { name: 'default', summary: 'the built-in pilot as it always was (same bytes for the same seed)', knobs: {} },
  {
    name: 'low_usage', summary: 'half the calls, SMS and sessions, 0.6x data per session, 10% barely used lines',
    knobs: { ...WHERE, usage: 0.5, dataVolume: 0.6, barelyUsed: 0.1 },
  },
  {
    name: 'heavy_usage', summary: 'double the calls, SMS and sessions, 2.5x data per session',
    knobs: { ...WHERE, usage: 2, dataVolume: 2.5 },
  },
  {
    name: 'frequent_travel', summary: '2x trips, 20% of other staff travel too, longer trips, more calls with (travelling) colleagues abroad',
    knobs: { ...WHERE, travel: 2, travellers: 0.2, tripDays: [2, 6], tripInternal: 0.45, teamTrips: 0.4 },
  },
  {
    name: 'night_and_international', summary: '3x evening and night call weight, 2x international share',
    knobs: { ...WHERE, evening: 3, international: 2 },
  },
  {
    name: 'noisy', summary: 'confounders: holidays and private calls abroad, mid-window and idle lines, movers, barely used and blended lines',
    knobs: {
      ...WHERE, holidayAbroad: 0.2, privateIntl: 0.12, midWindowActivation: 0.08, idle: 0.12,
      moverFewOutsiders: 0.15, barelyUsed: 0.12, blendShare: 0.3,
    },
  },
  {
    name: 'industry_shift', summary: 'a different persona mix in every industry, 20% blended lines',
    knobs: { ...WHERE, industryMix: 'shifted', blendShare: 0.2 },
  },
  {
    name: 'product_rich', summary: '2x product holdings, 2x adoption odds after the window',
    knobs: { ...WHERE, holdingRate: 2, adoptionRate: 2 },
  },
  {
    name: 'product_poor', summary: '0.3x product holdings, 0.4x adoption odds after the window',
    knobs: { ...WHERE, holdingRate: 0.3, adoptionRate: 0.4 },
  },
  {
    name: 'real_mix', summary: 'several shifts at once, as a real base differs: 0.7x usage, 1.5x travel, 1.5x evening, shifted mix, confounders, 35% blended',
    knobs: {
      ...WHERE, usage: 0.7, dataVolume: 1.4, travel: 1.5, travellers: 0.1, tripInternal: 0.35, teamTrips: 0.2,
      evening: 1.5, international: 1.4, industryMix: 'shifted', blendShare: 0.35,
      holidayAbroad: 0.12, privateIntl: 0.08, midWindowActivation: 0.05, idle: 0.08, moverFewOutsiders: 0.1, barelyUsed: 0.06,
      holdingRate: 0.7, adoptionRate: 1.3,
    },
  },
  {
    name: 'account_mix', summary: 'archetypes of needs drive each account\'s staff, price levels of -25%, list and +25%, 4 accounts under 10 lines and one of 1200 light lines',
    knobs: { ...WHERE, archetypeWeight: 0.7, valueSpread: 0.25, smallAccounts: 4, largeAccountLines: 1200 },
  },
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** The knobs of a named scenario, with `overrides` on top; unknown names and knobs stop with a clear message. */
export function resolveScenario(name = 'default', overrides: Partial<ScenarioKnobs> = {}): ScenarioKnobs {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new SoOError('generate', `unknown scenario ${name}; scenarios: ${scenarioNames().join(', ')}`);
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_KNOBS)) throw new SoOError('generate', `unknown scenario knob ${key}; knobs: ${Object.keys(DEFAULT_KNOBS).join(', ')}`);
  }
  const knobs = { ...DEFAULT_KNOBS, ...scenario.knobs, ...overrides } as ScenarioKnobs;
  if (!(knobs.industryMix in INDUSTRY_MIXES)) throw new SoOError('generate', `industryMix must be one of ${Object.keys(INDUSTRY_MIXES).join(', ')}`);
  const check = (ok: boolean, key: keyof ScenarioKnobs, want: string) => {
    if (!ok) throw new SoOError('generate', `knob ${key} must be ${want}, got ${JSON.stringify(knobs[key])}`);
  };
  for (const key of ['usage', 'dataVolume', 'travel', 'evening', 'international', 'holdingRate', 'adoptionRate'] as const) check(knobs[key] > 0, key, 'a number above 0');
  check(Number.isInteger(knobs.historyPeriods) && knobs.historyPeriods >= 1 && knobs.historyPeriods <= 40, 'historyPeriods', 'whole periods from 1 to 40');
  for (const key of ['seedShare', 'churn', 'travellers', 'travellerRoaming', 'tripInternal', 'teamTrips', 'blendShare', 'holidayAbroad', 'privateIntl', 'midWindowActivation', 'idle', 'moverFewOutsiders', 'barelyUsed'] as const) {
    check(knobs[key] >= 0 && knobs[key] <= 1, key, 'a share from 0 to 1');
  }
  for (const key of ['tripDays', 'idleDays'] as const) check(Number.isInteger(knobs[key][0]) && knobs[key][0] >= 1 && knobs[key][0] <= knobs[key][1], key, 'whole days MIN:MAX with 1 <= MIN <= MAX');
  check(knobs.archetypeWeight >= 0 && knobs.archetypeWeight <= 1, 'archetypeWeight', 'a share from 0 to 1');
  check(knobs.valueSpread >= 0 && knobs.valueSpread < 1, 'valueSpread', 'a number from 0 to below 1');
  check(Number.isInteger(knobs.smallAccounts) && knobs.smallAccounts >= 0, 'smallAccounts', 'a whole number of accounts >= 0');
  check(Number.isInteger(knobs.largeAccountLines) && knobs.largeAccountLines >= 0, 'largeAccountLines', 'a whole number of lines >= 0');
  for (const [key, n] of [['archetypeMix', 5], ['stageMix', 7]] as const) {
    check(knobs[key].length === n && knobs[key].every((w) => w >= 0) && knobs[key].some((w) => w > 0), key, `${n} weights >= 0, not all 0`);
  }
  check(knobs.silence >= 0 && knobs.optOut >= 0 && knobs.silence + knobs.optOut <= 1, 'silence', 'a share from 0 to 1, with optOut at most 1 together');
  check(knobs.blendWeight[0] >= 0 && knobs.blendWeight[0] <= knobs.blendWeight[1] && knobs.blendWeight[1] < 0.5, 'blendWeight', 'MIN:MAX with 0 <= MIN <= MAX < 0.5');
  return knobs;
}

/** Parses `KNOB=VALUE` (numbers, `true`/`false`, `a:b` ranges, names) against the default knobs' types. */
export function parseKnob(text: string): Partial<ScenarioKnobs> {
  const m = /^([A-Za-z]+)=(.+)$/.exec(text);
  if (!m) throw new SoOError('generate', `--set wants KNOB=VALUE, got ${text}`);
  const [, key, raw] = m;
  if (!(key in DEFAULT_KNOBS)) throw new SoOError('generate', `unknown scenario knob ${key}; knobs: ${Object.keys(DEFAULT_KNOBS).join(', ')}`);
  const want = (DEFAULT_KNOBS as unknown as Record<string, unknown>)[key];
  const num = (s: string) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new SoOError('generate', `knob ${key} wants a number, got ${s}`);
    return n;
  };
  if (Array.isArray(want)) {
    const parts = raw.split(':');
    if (parts.length !== want.length) {
      throw new SoOError('generate', want.length === 2 ? `knob ${key} wants MIN:MAX, got ${raw}` : `knob ${key} wants ${want.length} numbers separated by ':', got ${raw}`);
    }
    return { [key]: parts.map(num) } as Partial<ScenarioKnobs>;
  }
  if (typeof want === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new SoOError('generate', `knob ${key} wants true or false, got ${raw}`);
    return { [key]: raw === 'true' } as Partial<ScenarioKnobs>;
  }
  if (typeof want === 'number') return { [key]: num(raw) } as Partial<ScenarioKnobs>;
  return { [key]: raw } as Partial<ScenarioKnobs>;
}

const isEveningOrNight = (hour: number) => hour >= 18 || hour < 7;

/**
 * The persona profiles under a scenario's usage, data and evening knobs. With the
 * default knobs every number is the base profile's times 1, so the same.
 */
export function scenarioProfiles(k: ScenarioKnobs): Record<Persona, PersonaProfile> {
  const out = {} as Record<Persona, PersonaProfile>;
  for (const persona of PERSONAS) {
    const p = PROFILES[persona];
    out[persona] = {
      ...p,
      voiceOut: p.voiceOut * k.usage,
      smsOut: p.smsOut * k.usage,
      dataSessions: p.dataSessions * k.usage,
      sessionKb: p.sessionKb * k.dataVolume,
      international: p.international * k.international,
      roaming: p.roaming * k.travel,
      hours: p.hours.map((w, hour) => (isEveningOrNight(hour) ? w * k.evening : w)),
    };
  }
  return out;
}

/** A line that behaves as `a` with weight 1 - w and as `b` with weight w: every rate and share mixed. */
export function blendProfiles(a: PersonaProfile, b: PersonaProfile, w: number): PersonaProfile {
  const mix = (x: number, y: number) => x * (1 - w) + y * w;
  const range = (x: [number, number], y: [number, number]): [number, number] => [Math.round(mix(x[0], y[0])), Math.round(mix(x[1], y[1]))];
  // Hours are mixed as shares of the day, not raw weights, so neither side's scale dominates.
  const share = (h: number[]) => {
    const s = h.reduce((t, v) => t + v, 0);
    return h.map((v) => v / s);
  };
  const ha = share(a.hours);
  const hb = share(b.hours);
  return {
    voiceOut: mix(a.voiceOut, b.voiceOut), smsOut: mix(a.smsOut, b.smsOut), dataSessions: mix(a.dataSessions, b.dataSessions),
    sessionKb: Math.exp(mix(Math.log(a.sessionKb), Math.log(b.sessionKb))),
    internal: mix(a.internal, b.internal), international: mix(a.international, b.international),
    fixed: mix(a.fixed, b.fixed), special: mix(a.special, b.special),
    hours: ha.map((v, i) => mix(v, hb[i])),
    weekend: mix(a.weekend, b.weekend), roaming: mix(a.roaming, b.roaming),
    cells: range(a.cells, b.cells), contacts: range(a.contacts, b.contacts),
    activeDays: mix(a.activeDays, b.activeDays),
    prepaid: a.prepaid, handset: a.handset,
  };
}

/** Persona weights per industry (the order of PERSONAS). `default` is the generator's own. */
export const INDUSTRY_MIXES = {
  default: {} as Record<string, number[]>,
  /**
   * Another market's bases: logistics runs on data devices and drivers who barely call,
   * construction sites on light users, pharma on field reps, consulting and engineering
   * abroad, software on data users, law firms on partners who travel.
   */
  shifted: {
    'export-import': [1, 3, 3, 2, 0.5, 1, 1.5],
    logistics: [0.5, 0.5, 2, 1, 0.5, 4, 3],
    consulting: [2, 3, 1, 1, 2, 1, 0.3],
    construction: [0.5, 0.5, 2, 1, 0.5, 1, 5],
    pharma: [1, 1, 4, 2, 1, 1, 0.5],
    software: [1, 2, 0.5, 1, 0.5, 5, 0.5],
    retail: [0.3, 0.2, 1, 2, 1, 2, 5],
    law: [3, 2, 0.5, 2, 2, 0.3, 0.3],
    engineering: [1, 3, 3, 1, 1, 1, 1],
    media: [2, 1, 2, 1, 0.5, 3, 1],
  } as Record<string, number[]>,
};
