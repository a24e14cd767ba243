/**
 * Synthetic pilot generator: enterprise accounts with teams, hubs, bridges and
 * the mission's personas, written in the pilot data contract, plus the planted
 * truth in a separate folder the pipeline never reads.
 *
 * Everything streams: an account's lines live in memory while its events are
 * written, so --scale multiplies rows, not memory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, deriveSeed, int, logNormal, pick, poisson, weighted, type Rng } from '../util/rng';
import { CsvSink } from './sink';
import { COUNTRIES, HOLIDAY_COUNTRIES, INDUSTRIES, PERSONAS, PRIVATE_COUNTRIES, REGIONS, type Persona, type PersonaProfile } from './personas';
import { DEFAULT_PRODUCTS } from '../offers/products';
import { sigmoid } from '../util/stats';
import { blendProfiles, INDUSTRY_MIXES, resolveScenario, scenarioProfiles, type ScenarioKnobs } from './scenarios';
import { adoptionProbability, type AdoptionInputs } from './adoption';
import { latentInputs, runHistory, type HistoryLine, type Spell } from './history';
import { accountMix, ARCHETYPES, feeFactor, likeliestArchetype, sizeClass, VALUE_LEVELS, valueLevel, type Archetype } from './accounts';
import { chooseEnding, plantRelationship, storyAt, stratified, tiltedQuantile, type Adoption } from './relationship';

export interface GenerateOptions {
  out: string;
  /** Planted truth folder; default `<out>_truth`. */
  truth?: string;
  seed?: number;
  accounts?: number;
  days?: number;
  /** Multiplies the number of accounts (and so lines and events). */
  scale?: number;
  /** Share of event rows followed by a broken row; other files get about ten times that. */
  brokenRate?: number;
  start?: string;
  /** A named scenario (src/generate/scenarios.ts, docs/scenarios.md); default `default`. */
  scenario?: string;
  /** Knobs set over the scenario's own. */
  knobs?: Partial<ScenarioKnobs>;
  onAccount?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  accounts: number;
  lines: number;
  rows: Record<string, number>;
  broken: Record<string, Record<string, number>>;
}

const SIZE_TEMPLATE = [420, 300, 230, 180, 150, 120, 100, 80, 65, 50, 40, 30, 22, 15, 10];
/** Data sessions run all waking hours, whatever the persona's calling pattern. */
const DATA_HOURS = cumulative(Array.from({ length: 24 }, (_, h) => (h >= 7 ? 1 : 0.1)));
const EVENT_HEADER = ['line_id', 'start_time', 'service', 'direction', 'counterpart', 'counterpart_network', 'counterpart_country', 'duration_s', 'volume_kb', 'cell_id', 'roaming_country', 'charge'];

interface Contact {
  number: string;
  network: 'onnet' | 'offnet' | 'fixed' | 'international' | 'special';
  country: string;
}

/** What a line did in the window, counted as its records are written: the adoption model's inputs. */
interface LineStats {
  activeDays: number;
  records: number;
  voiceOut: number;
  made: number;
  internal: number;
  intlBusiness: number;
  intlPrivate: number;
  calls: number;
  privateTime: number;
  weekend: number;
  dataKb: number;
  businessAbroadDays: number;
  holidayAbroadDays: number;
}

interface GenLine {
  id: string;
  index: number;
  /** The planted persona: the behaviour that dominates the line. */
  persona: Persona;
  /** The persona the line was set up for (plan, handset, device); differs from `persona` for barely used lines. */
  planPersona: Persona;
  /** The second persona of a blended line, and its weight. */
  blend: Persona | '';
  blendWeight: number;
  p: PersonaProfile;
  /** Line-level multiplier of activity: people differ within a persona. */
  intensity: number;
  internal: number;
  international: number;
  roaming: number;
  weekend: number;
  team: number;
  hub: '' | 'lead' | 'assistant';
  bridgeTeam: number;
  cells: string[];
  contacts: Contact[];
  prepaid: boolean;
  holdings: Set<string>;
  hourCum: number[];
  /** Roaming country code per day, '' when at home. */
  abroad: string[];
  /** Per day: on holiday abroad (private use only); idle; the colleague on the same business trip. */
  holiday: boolean[];
  idle: boolean[];
  companion: (GenLine | undefined)[];
  /** First day with records (0: active from the start of the window). */
  activatedDay: number;
  traveller: boolean;
  mover: boolean;
  barely: boolean;
  /** Family and friends at home, called on holiday; and abroad, called in the evening and at weekends. */
  privateContacts: Contact[];
  privateIntl: Contact[];
  tier: 'low' | 'mid' | 'high';
  device: string;
  fee: number;
  activation: string;
  stats: LineStats;
  /** Indices in DEFAULT_PRODUCTS of the products held at the end of the window. */
  heldIndex: number[];
  /** Calls and SMS with colleagues (both directions), and of them with colleagues holding each product. */
  tieWeight: number;
  holderTies: Int32Array;
  /** How well each product fits the line's latent behaviour (products_truth.csv), and the seed of its holdings. */
  fit: number[];
  /** A broken holdings row to write after the line's holdings. */
  brokenHolding?: 'unknown_product' | 'bad_date';
}

const newStats = (): LineStats => ({
  activeDays: 0, records: 0, voiceOut: 0, made: 0, internal: 0, intlBusiness: 0, intlPrivate: 0,
  calls: 0, privateTime: 0, weekend: 0, dataKb: 0, businessAbroadDays: 0, holidayAbroadDays: 0,
});

/** Lines that may move a lot but call few outsiders: technicians, facility staff, couriers. */
const MOVER_PERSONAS: Persona[] = ['office', 'strict_business', 'data_user'];

/** A barely used line: the light user's habits at half the rates, on half the days. */
function barelyUsedProfile(light: PersonaProfile): PersonaProfile {
  return { ...light, voiceOut: light.voiceOut * 0.5, smsOut: light.smsOut * 0.5, dataSessions: light.dataSessions * 0.5, activeDays: light.activeDays * 0.5 };
}

const offsetOf = (code: string): string => (COUNTRIES.find((c) => c.code === code) ?? HOLIDAY_COUNTRIES.find((c) => c.code === code))!.offset;

/** The same instant as `t`, in local time at `offset` (a call's receiving end abroad). */
function atOffset(t: string, offset: string): string {
  if (t.endsWith(offset)) return t;
  const sign = offset[0] === '-' ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(Date.parse(t) + minutes * 60000).toISOString();
  return local.slice(0, 19) + offset;
}

const isPrivateHour = (hour: number) => hour >= 18 || hour < 7;

function cumulative(weights: number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) out.push((sum += w));
  return out.map((v) => v / sum);
}

function drawHour(rng: Rng, cum: number[]): number {
  const r = rng();
  for (let i = 0; i < cum.length; i++) if (r < cum[i]) return i;
  return 23;
}

const pad = (n: number) => (n < 10 ? '0' + n : String(n));

function addDays(start: string, days: number): string {
  const d = new Date(start + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A unique, scattered 8-digit subscriber number for the i-th line of the whole pilot. */
function msisdn(i: number): string {
  return '+49151' + String(10000000 + ((i * 7919 + 1234567) % 89999999)).padStart(8, '0');
}

function externalNumber(rng: Rng, network: Contact['network'], country: string): string {
  const digits = (n: number) => String(int(rng, 10 ** (n - 1), 10 ** n - 1));
  switch (network) {
    case 'onnet': return '+49152' + digits(8);
    case 'offnet': return pick(rng, ['+49160', '+49170', '+49176']) + digits(7);
    case 'fixed': return pick(rng, ['+4930', '+4940', '+4989', '+4969']) + digits(7);
    case 'special': return pick(rng, ['+49800', '+49180', '+49900']) + digits(6);
    case 'international': return COUNTRIES.find((c) => c.code === country)!.prefix + digits(7);
  }
}

/** How well each product fits a line's (latent) behaviour, on a roughly standard scale. */
function productFit(line: GenLine): Record<string, number> {
  const data = Math.log((line.p.dataSessions * line.p.sessionKb * line.intensity) / 20000);
  const evening = line.p.hours.slice(18).reduce((a, b) => a + b, 0) / line.p.hours.reduce((a, b) => a + b, 0);
  const roam = (line.roaming - 0.05) / 0.08;
  const intl = (line.international - 0.08) / 0.15;
  const internal = (line.internal - 0.3) / 0.2;
  const cells = Math.log(line.p.cells[1] / 8);
  const weekend = (line.weekend - 0.25) / 0.2;
  return {
    ROAM_PACK: roam,
    INTL_PACK: intl,
    DATA_XL: data,
    FLEET_VPN: internal,
    DEVICE_UPGRADE: 0.7 * cells + 0.5 * Math.log(line.p.voiceOut * line.intensity / 6),
    MOBILE_SECURITY: 0.5 * data + 0.5 * roam,
    PERSONAL_LINE: 0.6 * weekend + 3 * (evening - 0.15),
    FAMILY_BUNDLE: weekend,
    HOME_FIBER: 0.6 * data + 2 * (evening - 0.15),
    TRAVEL_PASS: 0.5 * roam + 0.5 * weekend,
  };
}

/** Colleague calls drawn per line to estimate the ties the history's network effect runs on. */
const TIE_DRAWS = 40;
const PRODUCT_IDS = DEFAULT_PRODUCTS.map((p) => p.product_id);
const PRICE: Record<string, number> = Object.fromEntries(DEFAULT_PRODUCTS.map((p) => [p.product_id, p.monthly_price]));
/** A 90-day adoption probability from which a product not held is a likely next adoption (products_truth.csv). */
const LIKELY_NEXT = 0.15;

/**
 * The draws the account's stream made when holdings were a static draw from the fit (before the
 * history existed), made and discarded, so every later draw of the stream (handsets, activation
 * dates, usage) stays as it was for the same seed.
 */
function skipStaticHoldings(rng: Rng, fit: readonly number[], holdingRate: number): void {
  for (const prob of fit) {
    if (rng() < Math.min(1, prob * 0.6 * holdingRate)) int(rng, 30, 900);
    else if (rng() < 0.03) {
      int(rng, 400, 900);
      int(rng, 10, 300);
    }
  }
}

/** A line's chance of being prepaid: its persona's, pulled towards its account archetype's with the archetype's weight. */
function prepaidChance(persona: number, archetype: number, weight: number): number {
  return archetype > 0 ? (1 - weight) * persona + weight * Math.max(persona, archetype) : persona;
}

/** The draws the account's stream made for the contacts before the relationship had its own stream, made and discarded. */
function skipStaticContacts(rng: Rng): void {
  const n = int(rng, 1, 4);
  for (let c = 0; c < n; c++) for (let d = 0; d < 4; d++) rng();
}

class Injector {
  broken: Record<string, Record<string, number>> = {};
  /** Where each broken row lands: its 1-based data row in its file, as the quarantine must report it. */
  readonly positions: { file: string; row: number; kind: string }[] = [];
  constructor(readonly rng: Rng, readonly rate: number) {}
  /** Counts a broken row that is written to `sink` next, as exactly one row. */
  count(sink: CsvSink, file: string, kind: string): void {
    const f = (this.broken[file] ??= {});
    f[kind] = (f[kind] ?? 0) + 1;
    this.positions.push({ file, row: sink.rows + 1, kind });
  }
  /** Whether to break a row now; small reference files get ten times the rate so each kind appears. */
  due(multiplier = 1): boolean {
    return this.rate > 0 && this.rng() < this.rate * multiplier;
  }
  kind<T>(kinds: readonly T[]): T {
    return pick(this.rng, kinds);
  }
}

const EVENT_BREAKS = ['missing_value', 'bad_timestamp', 'missing_offset', 'unknown_enum', 'negative_number', 'bad_integer', 'unknown_line', 'duplicate', 'bad_utf8', 'bad_csv'] as const;

function writeBrokenEvent(sink: CsvSink, inj: Injector, fields: string[]): Promise<void> | void {
  const kind = inj.kind(EVENT_BREAKS);
  inj.count(sink, 'events', kind);
  const f = [...fields];
  const line = (x: string[]) => x.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',') + '\n';
  switch (kind) {
    case 'missing_value': f[0] = ''; break;
    case 'bad_timestamp': f[1] = f[1].slice(0, 11) + '25:61:00+01:00'; break;
    case 'missing_offset': f[1] = f[1].slice(0, 19); break;
    case 'unknown_enum': f[2] = 'fax'; break;
    case 'negative_number': f[2] = 'voice'; f[3] = f[3] || 'out'; f[4] = f[4] || '+4930123456'; f[5] = f[5] || 'fixed'; f[7] = '-' + int(inj.rng, 1, 300); break;
    case 'bad_integer': f[2] = 'data'; f[8] = 'lots'; break;
    case 'unknown_line': f[0] = '+49000' + int(inj.rng, 1000000, 9999999); break;
    case 'duplicate': break;
    case 'bad_utf8': return sink.raw(Buffer.concat([Buffer.from(f.slice(0, 4).join(',') + ',+49'), Buffer.from([0xff, 0xfe]), Buffer.from('1,' + f.slice(5).join(',') + '\n')]));
    case 'bad_csv': return sink.raw(line(f).replace('\n', ',extra,fields\n'));
  }
  return sink.raw(line(f));
}

/**
 * Plans what a scenario adds to an account's lines before any record is written:
 * holidays abroad, calls to family abroad, mid-window activations, idle runs and
 * colleagues taken along on business trips. Draws only from the scenario stream.
 */
function planConfounders(gl: GenLine[], teams: GenLine[][], days: number, weekday: (d: number) => number, k: ScenarioKnobs, xr: Rng): void {
  const saturdays = Array.from({ length: days }, (_, d) => d).filter((d) => weekday(d) === 6);
  for (const l of gl) {
    // A strict_business employee keeps the business line for business: no private use to plant.
    const privateUse = l.persona !== 'strict_business';
    if (privateUse && saturdays.length > 0 && xr() < k.holidayAbroad) {
      const saturday = pick(xr, saturdays);
      const long = xr() < 0.25;
      const from = long ? saturday : saturday - int(xr, 0, 1);
      const to = long ? saturday + int(xr, 7, 9) - 1 : saturday + 1 + int(xr, 0, 1);
      const country = pick(xr, HOLIDAY_COUNTRIES).code;
      for (let d = Math.max(0, from); d <= Math.min(days - 1, to); d++) {
        l.abroad[d] = country;
        l.holiday[d] = true;
      }
      const n = int(xr, 2, 5);
      for (let c = 0; c < n; c++) {
        const network = weighted(xr, ['onnet', 'offnet', 'fixed'] as const, [0.3, 0.5, 0.2]);
        l.privateContacts.push({ number: externalNumber(xr, network, ''), network, country: '' });
      }
    }
    if (privateUse && xr() < k.privateIntl) {
      const n = int(xr, 1, 2);
      for (let c = 0; c < n; c++) {
        const country = pick(xr, PRIVATE_COUNTRIES);
        l.privateIntl.push({ number: externalNumber(xr, 'international', country), network: 'international', country });
      }
    }
    if (days >= 10 && xr() < k.midWindowActivation) l.activatedDay = int(xr, 3, days - 7);
    if (xr() < k.idle) {
      const len = Math.min(days, int(xr, k.idleDays[0], k.idleDays[1]));
      const from = int(xr, 0, days - len);
      for (let d = from; d < from + len; d++) l.idle[d] = true;
    }
  }
  if (k.teamTrips <= 0) return;
  const free = (m: GenLine, from: number, to: number) => {
    for (let d = from; d <= to; d++) if (m.abroad[d] || m.idle[d] || d < m.activatedDay) return false;
    return true;
  };
  for (const l of gl) {
    for (let d = 0; d < days; d++) {
      if (!l.abroad[d] || l.holiday[d] || (d > 0 && l.abroad[d - 1] === l.abroad[d])) continue;
      let to = d;
      while (to + 1 < days && l.abroad[to + 1] === l.abroad[d] && !l.holiday[to + 1]) to++;
      if (xr() >= k.teamTrips) continue;
      const mates = teams[l.team].filter((m) => m !== l && free(m, d, to));
      if (mates.length === 0) continue;
      const mate = pick(xr, mates);
      for (let t = d; t <= to; t++) {
        mate.abroad[t] = l.abroad[t];
        mate.companion[t] = l;
        l.companion[t] = mate;
      }
    }
  }
}

/** The truth columns a scenario adds to lines_truth.csv, after the seven it always had. */
function scenarioTruth(l: GenLine): (string | number)[] {
  // Days abroad as planned, on days the line is in use (activated, not idle).
  let business = 0;
  let holiday = 0;
  let idle = 0;
  for (let d = 0; d < l.abroad.length; d++) {
    if (l.idle[d]) idle++;
    else if (d >= l.activatedDay && l.abroad[d]) {
      if (l.holiday[d]) holiday++;
      else business++;
    }
  }
  return [l.planPersona, l.blend, l.blend ? l.blendWeight.toFixed(3) : '', l.traveller ? 1 : 0, business, holiday,
    l.privateIntl.length > 0 ? 1 : 0, l.activatedDay, idle, l.mover ? 1 : 0, l.barely ? 1 : 0];
}

/** The colleague a line calls or texts: its bridge team, its own team and its lead, the leads, anyone. */
function pickColleague(l: GenLine, teams: GenLine[][], leads: GenLine[], gl: GenLine[], r: Rng): GenLine {
  const u = r();
  if (l.bridgeTeam >= 0 && u < 0.5) return pick(r, teams[l.bridgeTeam]);
  const team = teams[l.team];
  if (u < 0.85 && team.length > 1) {
    const lead = leads[l.team];
    if (lead !== l && r() < 0.35) return lead;
    return pick(r, team);
  }
  if (u < 0.97) return pick(r, leads);
  return pick(r, gl);
}

interface HoldingsContext {
  seed: number;
  account: number;
  accountId: string;
  start: string;
  days: number;
  k: ScenarioKnobs;
  holdings: CsvSink;
  inj: Injector;
}

/**
 * The account's holdings as the outcome of the adoption process over the periods before the window
 * (history.ts), from its own stream: written to holdings.csv (every spell, ended ones with their end
 * date) and set on the lines (what they hold at the end of the window).
 */
async function plantHoldings(gl: GenLine[], teams: GenLine[][], leads: GenLine[], c: HoldingsContext): Promise<Spell[][]> {
  const { k, start } = c;
  const hr = createRng(deriveSeed(c.seed, 'history', c.account));
  const startMs = Date.parse(start + 'T00:00:00Z');
  const past = gl.map((l): HistoryLine => ({
    activationDay: Math.round((Date.parse(l.activation + 'T00:00:00Z') - startMs) / 86400000),
    seed: l.fit.map((f) => Math.min(1, f * k.seedShare * k.holdingRate)),
    inputs: latentInputs({
      p: l.p, intensity: l.intensity, internal: l.internal, international: l.international, roaming: l.roaming, weekend: l.weekend,
      hub: l.hub !== '', cells: l.cells.length, tier: l.tier, device: l.device, prepaid: l.prepaid, fee: l.fee,
      holidayDays: l.holiday.filter(Boolean).length, callsFamilyAbroad: l.privateIntl.length > 0,
    }, c.days, k.tripDays, k.usage),
    tieIndex: [], tieWeight: [],
  }));
  if (gl.length > 1) {
    // Expected ties: each line's colleague calls, drawn as the window draws them, weighted by its rate of
    // them, both directions; summed per pair in a scratch row (typed arrays: maps cost a tenth of a second).
    const n = gl.length;
    const picks = new Int32Array(n * TIE_DRAWS);
    const incoming = new Int32Array(n + 1);
    for (const l of gl) {
      for (let t = 0; t < TIE_DRAWS; t++) {
        let other = pickColleague(l, teams, leads, gl, hr);
        if (other === l) other = gl[(l.index + 1) % n];
        picks[l.index * TIE_DRAWS + t] = other.index;
        incoming[other.index + 1]++;
      }
    }
    for (let i = 0; i < n; i++) incoming[i + 1] += incoming[i];
    const callers = new Int32Array(n * TIE_DRAWS);
    const fill = incoming.slice(0, n);
    for (let i = 0; i < n * TIE_DRAWS; i++) callers[fill[picks[i]]++] = Math.floor(i / TIE_DRAWS);
    const weight = past.map((x) => x.inputs.internal / TIE_DRAWS);
    const scratch = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const touched: number[] = [];
      const add = (j: number, w: number) => {
        if (scratch[j] === 0) touched.push(j);
        scratch[j] += w;
      };
      for (let t = 0; t < TIE_DRAWS; t++) add(picks[i * TIE_DRAWS + t], weight[i]);
      for (let c = incoming[i]; c < incoming[i + 1]; c++) add(callers[c], weight[callers[c]]);
      past[i].tieIndex = touched;
      past[i].tieWeight = touched.map((j) => scratch[j]);
      for (const j of touched) scratch[j] = 0;
    }
  }
  const spells = runHistory(past, {
    products: PRODUCT_IDS, periods: k.historyPeriods, adoptionRate: k.adoptionRate,
    churn: Math.min(0.95, (k.churn * k.adoptionRate) / k.holdingRate),
  }, hr);
  const dates = new Map<number, string>();
  const date = (day: number) => dates.get(day) ?? dates.set(day, addDays(start, day)).get(day)!;
  for (const l of gl) {
    const own = [...spells[l.index]].sort((x, y) => x.start - y.start || x.product - y.product);
    for (const spell of own) {
      const id = PRODUCT_IDS[spell.product];
      if (spell.end === undefined) {
        l.holdings.add(id);
        l.heldIndex.push(spell.product);
      }
      const written = c.holdings.row([l.id, id, date(spell.start), spell.end === undefined ? '' : date(spell.end)]);
      if (written) await written;
    }
    if (l.brokenHolding) {
      c.inj.count(c.holdings, 'holdings', l.brokenHolding);
      await c.holdings.row([l.id, l.brokenHolding === 'unknown_product' ? 'GOLD_PLAN' : 'DATA_XL', l.brokenHolding === 'bad_date' ? '2025-13-45' : '2025-01-01', '']);
    }
  }
  return spells;
}

interface AccountContext {
  seed: number;
  /** The account's index in the pilot. */
  a: number;
  k: ScenarioKnobs;
  accountId: string;
  employees: number;
  fees: number;
  /** The pilot's offsets of the stratified stories and policy states. */
  spread: number[];
  /** The archetype drawn for the account, if it drives the persona mix. */
  archetype?: Archetype;
  asOf: string;
  days: number;
  contacts: CsvSink;
  responses: CsvSink;
  truthAccounts: CsvSink;
  inj: Injector;
}

/**
 * The account's archetype (drawn, or read off its personas), size class and value level, and its planted
 * relationship (relationship.ts): contacts, the response memory, and the truth row.
 */
async function plantAccount(gl: GenLine[], spells: Spell[][], c: AccountContext): Promise<void> {
  const { k, a, accountId } = c;
  const archetype = c.archetype ?? likeliestArchetype(gl.map((l) => l.planPersona));
  const spend = gl.reduce((t, l) => t + l.fee + [...l.holdings].reduce((u, id) => u + PRICE[id], 0), 0) / gl.length;
  const value = valueLevel(spend);
  const sizeOf = sizeClass(c.employees);
  const rr = createRng(deriveSeed(c.seed, 'relationship', a));
  const story = storyAt(tiltedQuantile(stratified(a, c.spread[0]), value, sizeOf), k.stageMix, k.silence, k.optOut);
  const { stage } = story;
  // The first account is touched on the window's last day, so that day is the memory's as-of date.
  const mode = a === 0 && story.mode === 'opt_out' ? 'plain' : story.mode;
  const ending = chooseEnding(stratified(a, c.spread[1]), stage, mode);
  const adoptions: Adoption[] = [];
  for (const l of gl) {
    for (const spell of spells[l.index]) {
      if (!spell.adopted) continue;
      const p = DEFAULT_PRODUCTS[spell.product];
      adoptions.push({ line: l.id, product: p.product_id, day: spell.start - (c.days - 1), value: 12 * p.monthly_price * p.margin_rate });
    }
  }
  const planted = plantRelationship(rr, { accountId, stage, mode, ending, sizeClass: sizeOf, media: archetype.media, asOf: c.asOf, pinAsOf: a === 0, adoptions });
  for (const x of planted.contacts) await c.contacts.row([accountId, x.contact_id, x.role, x.key_player ? 'true' : 'false', x.dialogue_stage, x.last_response_date]);
  if (c.inj.due(10)) {
    const kind = c.inj.kind(['unknown_enum', 'unknown_account'] as const);
    c.inj.count(c.contacts, 'contacts', kind);
    await c.contacts.row([kind === 'unknown_account' ? 'A9999' : accountId, `${accountId}-CX`, 'CEO', 'true', kind === 'unknown_enum' ? 'negotiating' : 'early', '']);
  }
  for (const x of planted.responses) await c.responses.row([x.response_id, x.date, accountId, x.contact_id, x.line_id, '', x.channel, x.response, x.product_id, x.value]);
  await c.truthAccounts.row([accountId, archetype.name, sizeOf, value, stage, mode, planted.policy, gl.length, c.employees, spend.toFixed(2), c.fees]);
}

/**
 * For every product a line does not hold at the end of the window: its 90-day adoption probability and a draw
 * (adoption_truth.csv); and for every product, its fit, whether held, and whether a likely next adoption (products_truth.csv).
 */
async function writeAdoption(gl: GenLine[], accountId: string, sink: CsvSink, products: CsvSink, k: ScenarioKnobs, ar: Rng, start: string): Promise<void> {
  const holders: Record<string, number> = {};
  for (const l of gl) for (const id of l.holdings) holders[id] = (holders[id] ?? 0) + 1;
  const startMs = Date.parse(start + 'T00:00:00Z');
  for (const l of gl) {
    const neighbourShare: Record<string, number> = {};
    const accountShare: Record<string, number> = {};
    for (const [j, { product_id: id }] of DEFAULT_PRODUCTS.entries()) {
      neighbourShare[id] = l.tieWeight > 0 ? l.holderTies[j] / l.tieWeight : 0;
      accountShare[id] = gl.length > 1 ? ((holders[id] ?? 0) - (l.holdings.has(id) ? 1 : 0)) / (gl.length - 1) : 0;
    }
    const x: AdoptionInputs = {
      ...l.stats, cells: l.cells.length, handset: l.tier, device: l.device, prepaid: l.prepaid, monthlyFee: l.fee,
      lineAgeYears: (startMs - Date.parse(l.activation + 'T00:00:00Z')) / (365.25 * 86400000),
      newLine: l.activatedDay > 0, holds: l.holdings, neighbourShare, accountShare,
    };
    for (const [j, { product_id: id }] of DEFAULT_PRODUCTS.entries()) {
      const holds = l.holdings.has(id);
      const p = holds ? 0 : adoptionProbability(id, x, k.adoptionRate);
      // Awaited only when a sink wants to drain: an await per row costs microtasks.
      const written = holds ? undefined : sink.row([l.id, accountId, id, p.toFixed(4), ar() < p ? 1 : 0, neighbourShare[id].toFixed(4)]);
      if (written) await written;
      const listed = products.row([l.id, accountId, id, l.fit[j].toFixed(4), holds ? 1 : 0, !holds && p >= LIKELY_NEXT ? 1 : 0]);
      if (listed) await listed;
    }
  }
}

export async function generatePilot(options: GenerateOptions): Promise<GenerateSummary> {
  const scenario = options.scenario ?? 'default';
  const k = resolveScenario(scenario, options.knobs);
  const profiles = scenarioProfiles(k);
  const seed = options.seed ?? 7;
  const days = options.days ?? 28;
  const scale = options.scale ?? 1;
  const nRegular = (options.accounts ?? 15) * scale;
  const nSmall = k.smallAccounts * scale;
  const nAccounts = nRegular + nSmall + (k.largeAccountLines > 0 ? scale : 0);
  const start = options.start ?? '2026-03-02';
  const truthDir = options.truth ?? `${options.out.replace(/\/+$/, '')}_truth`;
  mkdirSync(options.out, { recursive: true });
  mkdirSync(truthDir, { recursive: true });
  const inj = new Injector(createRng(deriveSeed(seed, 'broken')), options.brokenRate ?? 0.0005);

  const o = (name: string) => join(options.out, name);
  const accounts = new CsvSink(o('accounts.csv'), ['account_id', 'account_name', 'industry', 'employees', 'region']);
  const lines = new CsvSink(o('lines.csv'), ['line_id', 'account_id', 'plan_id', 'payment_type', 'monthly_fee', 'activation_date', 'handset_tier', 'device_type', 'cost_center', 'status']);
  const events = new CsvSink(o('events.csv.gz'), EVENT_HEADER);
  const recharges = new CsvSink(o('recharges.csv'), ['line_id', 'time', 'amount', 'channel']);
  const holdings = new CsvSink(o('holdings.csv'), ['line_id', 'product_id', 'start_date', 'end_date']);
  const contacts = new CsvSink(o('contacts.csv'), ['account_id', 'contact_id', 'role', 'key_player', 'dialogue_stage', 'last_response_date']);
  const cells = new CsvSink(o('cells.csv'), ['cell_id', 'lat', 'lon']);
  const truthLines = new CsvSink(join(truthDir, 'lines_truth.csv'), ['line_id', 'account_id', 'persona', 'team', 'hub', 'is_hub', 'is_bridge',
    'plan_persona', 'blend_persona', 'blend_weight', 'traveller', 'business_abroad_days', 'holiday_abroad_days', 'private_intl',
    'activated_day', 'idle_days', 'mover_few_outsiders', 'barely_used']);
  const truthProducts = new CsvSink(join(truthDir, 'products_truth.csv'), ['line_id', 'account_id', 'product_id', 'fit_probability', 'holds', 'likely_next']);
  const truthAdoption = new CsvSink(join(truthDir, 'adoption_truth.csv'), ['line_id', 'account_id', 'product_id', 'adopt_probability', 'adopted', 'neighbour_share']);
  const responses = new CsvSink(o('responses.csv'), ['response_id', 'date', 'account_id', 'contact_id', 'line_id', 'campaign_id', 'channel', 'response', 'product_id', 'value']);
  const truthAccounts = new CsvSink(join(truthDir, 'accounts_truth.csv'), ['account_id', 'archetype', 'size_class', 'value_level', 'stage', 'stage_mode', 'policy', 'lines', 'employees', 'spend_per_line', 'fee_factor']);

  const products = new CsvSink(o('products.csv'), ['product_id', 'name', 'audience', 'monthly_price', 'margin_rate', 'description']);
  for (const p of DEFAULT_PRODUCTS) products.row([p.product_id, p.name, p.audience, p.monthly_price, p.margin_rate, p.description]);

  const cellRng = createRng(deriveSeed(seed, 'cells'));
  const cellIds: Record<string, string[]> = {};
  for (const r of REGIONS) {
    const code = r.region.slice(0, 3).toUpperCase();
    cellIds[r.region] = [];
    for (let c = 1; c <= 300; c++) {
      const id = `${code}-${String(c).padStart(4, '0')}`;
      cellIds[r.region].push(id);
      await cells.row([id, (r.lat + (cellRng() - 0.5) * 0.6).toFixed(5), (r.lon + (cellRng() - 0.5) * 0.9).toFixed(5)]);
      if (inj.due(10)) { inj.count(cells, 'cells', 'bad_number'); await cells.raw(`${id}-X,north,${r.lon}\n`); }
    }
  }

  // Stories (stage and mode) and policy states are spread over the accounts from two offsets of the pilot (relationship.ts).
  const spreadRng = createRng(deriveSeed(seed, 'relationship'));
  const spread = [spreadRng(), spreadRng()];
  // Road warriors and executives move across every region's cells (one list, not one per line).
  const allCells = Object.values(cellIds).flat();
  let lineCounter = 0;
  const dates = Array.from({ length: days }, (_, d) => addDays(start, d));
  const weekday = (d: number) => new Date(dates[d] + 'T00:00:00Z').getUTCDay();

  const usedNames = new Set<string>();
  for (let a = 0; a < nAccounts; a++) {
    const rng = createRng(deriveSeed(seed, 'account', a));
    // What scenarios add (blends, confounders, team trips) draws from its own stream, and the
    // adoption after the window from another, so the default pilot's draws stay as they were.
    const xr = createRng(deriveSeed(seed, 'scenario', a));
    const ar = createRng(deriveSeed(seed, 'adoption', a));
    const accountId = `A${String(a + 1).padStart(4, '0')}`;
    const ind = INDUSTRIES[(a * 7 + Math.floor(a / INDUSTRIES.length)) % INDUSTRIES.length];
    // Archetype, size and price level from their own stream. The archetype drives the persona mix when
    // its weight is above 0 (always for the large account of light lines); else it is read off the personas.
    const sr = createRng(deriveSeed(seed, 'accounts', a));
    const extra = a < nRegular ? '' : a < nRegular + nSmall ? 'small' : 'large';
    const archetypeWeight = extra === 'large' ? 1 : k.archetypeWeight;
    const drawnArchetype = extra === 'large' ? ARCHETYPES.find((x) => x.name === 'light_prepaid')! : archetypeWeight > 0 ? weighted(sr, ARCHETYPES, k.archetypeMix) : undefined;
    const priceLevel = k.valueSpread > 0 ? pick(sr, VALUE_LEVELS) : 'mid';
    const industryMix = INDUSTRY_MIXES[k.industryMix][ind.industry] ?? ind.mix;
    const mix = drawnArchetype ? accountMix(industryMix, drawnArchetype, archetypeWeight) : industryMix;
    const archetypePrepaid = drawnArchetype?.prepaid ?? 0;
    const fees = feeFactor(priceLevel, k.valueSpread);
    const region = REGIONS[int(rng, 0, REGIONS.length - 1)];
    const offset = '+01:00';
    const templateSize = Math.max(8, Math.round(SIZE_TEMPLATE[a % SIZE_TEMPLATE.length] * (0.85 + 0.3 * rng())));
    const size = extra === 'small' ? int(sr, 2, 9) : extra === 'large' ? k.largeAccountLines : templateSize;
    // Billing names are unique: a second company of the same name gets its city, then a number.
    let name = `${pick(rng, ind.names)} ${pick(rng, ['GmbH', 'AG', 'KG', 'SE'])}`;
    if (usedNames.has(name)) name = `${name} ${region.region}`;
    if (usedNames.has(name)) name = `${name} ${a + 1}`;
    usedNames.add(name);
    const reported = Math.round(size * (1 + rng() * 0.3));
    const employees = extra === 'small' ? Math.min(9, reported) : reported;
    const accountRow = [accountId, name, ind.industry, employees, region.region];
    await accounts.row(accountRow);
    if (inj.due(10)) {
      const kind = inj.kind(['missing_value', 'duplicate'] as const);
      inj.count(accounts, 'accounts', kind);
      await accounts.row(kind === 'duplicate' ? accountRow : [`${accountId}X`, '', ind.industry, 10, region.region]);
    }

    // Personas and teams: departments by persona, split into teams of at most 12.
    const gl: GenLine[] = [];
    for (let i = 0; i < size; i++) {
      const planPersona = weighted(rng, PERSONAS, mix);
      let persona = planPersona;
      let p = profiles[persona];
      let blend: Persona | '' = '';
      let blendWeight = 0;
      let mover = false;
      const barely = xr() < k.barelyUsed;
      if (barely) {
        persona = 'light_user';
        p = barelyUsedProfile(profiles.light_user);
      } else {
        if (xr() < k.blendShare) {
          blend = weighted(xr, PERSONAS, mix.map((w, j) => (PERSONAS[j] === persona ? 0 : w)));
          blendWeight = k.blendWeight[0] + xr() * (k.blendWeight[1] - k.blendWeight[0]);
          p = blendProfiles(p, profiles[blend], blendWeight);
        }
        if (MOVER_PERSONAS.includes(persona) && xr() < k.moverFewOutsiders) {
          mover = true;
          p = { ...p, cells: [30, 70], contacts: [3, 8], internal: Math.max(p.internal, 0.6) };
        }
      }
      const jitter = (x: number, s = 0.25) => Math.min(0.95, Math.max(0, x * logNormal(rng, 1, s)));
      const l: GenLine = {
        id: msisdn(lineCounter++), index: i, persona, planPersona, blend, blendWeight, p,
        intensity: logNormal(rng, 1, 0.3),
        internal: jitter(p.internal), international: jitter(p.international), roaming: jitter(p.roaming, 0.4),
        weekend: jitter(p.weekend, 0.3),
        team: -1, hub: '', bridgeTeam: -1, cells: [], contacts: [], prepaid: rng() < prepaidChance(profiles[planPersona].prepaid, archetypePrepaid, archetypeWeight),
        holdings: new Set(), hourCum: cumulative(p.hours), abroad: [],
        holiday: new Array(days).fill(false), idle: new Array(days).fill(false), companion: [], activatedDay: 0,
        traveller: false, mover, barely, privateContacts: [], privateIntl: [],
        tier: 'mid', device: '', fee: 0, activation: '', stats: newStats(),
        heldIndex: [], tieWeight: 0, holderTies: new Int32Array(DEFAULT_PRODUCTS.length), fit: [],
      };
      // Staff of the other personas who travel on business too (frequent_travel).
      if (persona !== 'executive' && persona !== 'international' && !barely && xr() < k.travellers) {
        l.traveller = true;
        l.roaming = Math.min(0.95, Math.max(l.roaming, k.travellerRoaming * k.travel * logNormal(xr, 1, 0.4)));
      }
      gl.push(l);
    }
    const dept: Record<string, GenLine[]> = {};
    for (const l of gl) {
      const d = l.persona === 'executive' ? 'management' : l.persona === 'light_user' || l.persona === 'strict_business' ? 'office' : l.persona;
      (dept[d] ??= []).push(l);
    }
    const teams: GenLine[][] = [];
    for (const key of Object.keys(dept).sort()) {
      const members = dept[key];
      const n = Math.ceil(members.length / 12);
      for (let t = 0; t < n; t++) teams.push(members.filter((_, i) => i % n === t));
    }
    teams.forEach((team, t) => team.forEach((l) => (l.team = t)));
    // Hubs: a lead per team of three or more; management also gets an assistant from the office.
    for (const team of teams) {
      if (team.length >= 3) team[0].hub = 'lead';
    }
    const mgmt = teams.find((t) => t[0].persona === 'executive');
    // Never the only member of its team: an empty team would leave a team without a lead to call.
    const assistant = gl.find((l) => l.persona === 'office' && l.hub === '' && teams[l.team].length > 1);
    if (mgmt && assistant && mgmt.length >= 2) {
      assistant.hub = 'assistant';
      teams[assistant.team] = teams[assistant.team].filter((l) => l !== assistant);
      assistant.team = teams.indexOf(mgmt);
      mgmt.push(assistant);
    }
    // Bridges: a few non-hub lines work with a second team.
    if (teams.length >= 2) {
      const nBridges = Math.max(1, Math.round(size * 0.03));
      for (let b = 0; b < nBridges; b++) {
        const l = pick(rng, gl);
        if (l.hub || l.bridgeTeam >= 0) continue;
        let other = int(rng, 0, teams.length - 1);
        if (other === l.team) other = (other + 1) % teams.length;
        l.bridgeTeam = other;
      }
    }
    const leads = teams.map((t) => t.find((l) => l.hub === 'lead') ?? t[0]);

    // External world: clients and suppliers the company shares, plus each line's own contacts.
    const sharedClients: Contact[] = [];
    for (let c = 0; c < 20 + size; c++) {
      const network = weighted(rng, ['onnet', 'offnet', 'fixed'] as const, [0.3, 0.4, 0.3]);
      sharedClients.push({ number: externalNumber(rng, network, ''), network, country: '' });
    }
    const regionCells = cellIds[region.region];
    const officeCell = pick(rng, regionCells);
    for (const l of gl) {
      const nCells = int(rng, l.p.cells[0], l.p.cells[1]);
      l.cells = [officeCell];
      const pool = l.persona === 'road_warrior' || l.persona === 'executive' ? allCells : regionCells;
      while (l.cells.length < nCells) l.cells.push(pick(rng, pool));
      const nContacts = int(rng, l.p.contacts[0], l.p.contacts[1]);
      const intlCountries = [pick(rng, COUNTRIES).code, pick(rng, COUNTRIES).code, pick(rng, COUNTRIES).code];
      for (let c = 0; c < nContacts; c++) {
        const r = rng();
        const intlShare = l.international / Math.max(0.05, 1 - l.internal);
        let contact: Contact;
        if (r < Math.min(0.9, intlShare)) {
          const country = pick(rng, intlCountries);
          contact = { number: externalNumber(rng, 'international', country), network: 'international', country };
        } else if (r < intlShare + l.p.special * 3) {
          contact = { number: externalNumber(rng, 'special', ''), network: 'special', country: '' };
        } else if (rng() < 0.5) {
          contact = pick(rng, sharedClients);
        } else {
          const network = weighted(rng, ['onnet', 'offnet', 'fixed'] as const, [0.3, 0.45, l.p.fixed]);
          contact = { number: externalNumber(rng, network, ''), network, country: '' };
        }
        l.contacts.push(contact);
      }
      // Trips abroad: runs of 2-5 days.
      l.abroad = new Array(days).fill('');
      let d = 0;
      while (d < days) {
        if (rng() < l.roaming / 3) {
          const len = int(rng, k.tripDays[0], k.tripDays[1]);
          const country = pick(rng, COUNTRIES).code;
          for (let k = d; k < Math.min(days, d + len); k++) l.abroad[k] = country;
          d += len;
        } else d++;
      }
    }

    planConfounders(gl, teams, days, weekday, k, xr);

    // Lines, holdings and the truth about them.
    for (const l of gl) {
      const plan = l.prepaid ? ['PRE_FLEX', 0] as const
        : ({ executive: ['BIZ_XL', 59], international: ['BIZ_L', 39], road_warrior: ['BIZ_L', 39], office: ['BIZ_M', 25], strict_business: ['BIZ_M', 25], data_user: ['BIZ_DATA', 29], light_user: ['BIZ_S', 15] } as const)[l.planPersona];
      const tier = weighted(rng, ['low', 'mid', 'high'] as const, profiles[l.planPersona].handset);
      const device = l.planPersona === 'data_user' && rng() < 0.5 ? pick(rng, ['tablet', 'router']) : l.planPersona === 'light_user' && rng() < 0.3 ? 'feature' : 'smartphone';
      // A line activated during the window has no records before its day and holds only what it came with.
      const newLine = l.activatedDay > 0;
      const drawn = addDays('2019-01-01', int(rng, 0, 2500));
      const activation = newLine ? dates[l.activatedDay] : drawn;
      const fee = plan[1] === 0 || fees === 1 ? plan[1] : Math.round(plan[1] * fees * 100) / 100;
      Object.assign(l, { tier, device, fee, activation });
      await lines.row([l.id, accountId, plan[0], l.prepaid ? 'prepaid' : 'postpaid', fee, activation, tier, device, `CC-${100 + l.team}`, 'active']);
      const fit = productFit(l);
      l.fit = DEFAULT_PRODUCTS.map((product) => sigmoid(-2 + 2.2 * fit[product.product_id]));
      skipStaticHoldings(rng, l.fit, k.holdingRate);
      await truthLines.row([l.id, accountId, l.persona, l.team, l.hub, l.hub ? 1 : 0, l.bridgeTeam >= 0 ? 1 : 0, ...scenarioTruth(l)]);
      if (inj.due(10)) {
        const kind = inj.kind(['duplicate', 'unknown_account', 'unknown_enum', 'negative_number'] as const);
        inj.count(lines, 'lines', kind);
        const fake = msisdn(90000000 - lineCounter);
        if (kind === 'duplicate') await lines.row([l.id, accountId, plan[0], l.prepaid ? 'prepaid' : 'postpaid', fee, activation, tier, device, `CC-${100 + l.team}`, 'active']);
        else if (kind === 'unknown_account') await lines.row([fake, 'A9999', 'BIZ_M', 'postpaid', 25, activation, 'mid', 'smartphone', '', 'active']);
        else if (kind === 'unknown_enum') await lines.row([fake, accountId, 'BIZ_M', 'credit', 25, activation, 'mid', 'smartphone', '', 'active']);
        else await lines.row([fake, accountId, 'BIZ_M', 'postpaid', -25, activation, 'mid', 'smartphone', '', 'active']);
      }
      // Drawn here, in the injector's order as before; written after the line's holdings below.
      if (inj.due(10)) l.brokenHolding = inj.kind(['unknown_product', 'bad_date'] as const);
    }

    const spells = await plantHoldings(gl, teams, leads, { seed, account: a, accountId, start, days, k, holdings, inj });

    // The relationship: archetype, size and value level, then contacts and the response memory ending at a planted stage.
    skipStaticContacts(rng);
    await plantAccount(gl, spells, {
      seed, a, k, accountId, employees, fees, spread, archetype: drawnArchetype, asOf: dates[days - 1], days,
      contacts, responses, truthAccounts, inj,
    });

    // Usage: each line's own calls, SMS and data, with both ends of internal calls.
    const colleagues = (l: GenLine): GenLine => pickColleague(l, teams, leads, gl, rng);
    // Rows are written synchronously and backpressure is awaited once per line and day:
    // an await per row cost a tenth of the generation time in microtasks.
    let backpressure: Promise<void> | void;
    const emit = (fields: string[]): void => {
      const written = events.raw(fields.join(',') + '\n');
      if (written) backpressure = written;
      if (inj.due()) {
        const broken = writeBrokenEvent(events, inj, fields);
        if (broken) backpressure = broken;
      }
    };
    const drained = async () => {
      if (!backpressure) return;
      await backpressure;
      backpressure = undefined;
    };
    const stamp = (d: number, hour: number, off: string) => `${dates[d]}T${pad(hour)}:${pad(int(rng, 0, 59))}:${pad(int(rng, 0, 59))}${off}`;
    /** Counts one of the line's own calls or SMS (either direction) for the adoption model. */
    const countCall = (l: GenLine, hour: number, isWeekend: boolean) => {
      l.stats.calls++;
      if (isWeekend) l.stats.weekend++;
      if (isWeekend || isPrivateHour(hour)) l.stats.privateTime++;
    };
    // Holdings are known before any record: ties to holders are counted as the calls are made.
    const tie = (a: GenLine, b: GenLine) => {
      a.tieWeight++;
      b.tieWeight++;
      for (const j of b.heldIndex) a.holderTies[j]++;
      for (const j of a.heldIndex) b.holderTies[j]++;
    };
    /** Can a colleague take a call on day d: activated, not idle, not on holiday; a barely used line answers one call in five. */
    const reachable = (other: GenLine, d: number) => d >= other.activatedDay && !other.idle[d] && !other.holiday[d] && (!other.barely || xr() < 0.2);
    /**
     * The receiving colleague's end of an internal call or SMS, [time, cell, roaming country, charge], or
     * undefined when the call goes unanswered. With `receiverLocal` the colleague is where they are, at
     * their own local time and day; the default pilot keeps the caller's time and the colleague's office cell.
     */
    const receivingEnd = (other: GenLine, d: number, t: string, charge: string): [string, string, string, string] | undefined => {
      if (!k.receiverLocal) return reachable(other, d) ? [t, other.cells[0], '', '0'] : undefined;
      const there = other.abroad[d];
      const local = atOffset(t, there ? offsetOf(there) : offset);
      const day = local.startsWith(dates[d]) ? d : dates.indexOf(local.slice(0, 10));
      if (day < 0 || !reachable(other, day)) return undefined;
      if (!there) return [local, other.cells[0], '', '0'];
      return [local, `R-${there}-${int(xr, 1, 9)}`, there, other.holdings.has('ROAM_PACK') ? '0' : charge];
    };

    for (const l of gl) {
      for (let d = 0; d < days; d++) {
        if (d < l.activatedDay || l.idle[d]) continue;
        const recordsBefore = l.stats.records;
        if (l.holiday[d]) {
          holidayDay(l, d);
          await drained();
          if (l.stats.records > recordsBefore) { l.stats.activeDays++; l.stats.holidayAbroadDays++; }
          continue;
        }
        if (rng() > l.p.activeDays) continue;
        const dow = weekday(d);
        const isWeekend = dow === 0 || dow === 6;
        const factor = (isWeekend ? l.weekend : 1) * l.intensity;
        if (factor <= 0) continue;
        const abroad = l.abroad[d];
        const off = abroad ? COUNTRIES.find((c) => c.code === abroad)!.offset : offset;
        const cell = () => (abroad ? `R-${abroad}-${int(rng, 1, 9)}` : l.cells[Math.floor(rng() * l.cells.length)]);
        const hub = l.hub ? 1.8 : 1;
        // On a business trip some scenarios call colleagues more, and the colleague along on the trip most.
        const internalShare = abroad && k.tripInternal > 0 ? Math.max(l.internal, k.tripInternal) : l.internal;
        const nCalls = poisson(rng, l.p.voiceOut * factor * hub);
        for (let c = 0; c < nCalls; c++) {
          const hour = drawHour(rng, l.hourCum);
          const t = stamp(d, hour, off);
          const internal = gl.length > 1 && rng() < internalShare;
          if (internal) {
            let other = colleagues(l);
            if (other === l) other = gl[(l.index + 1) % gl.length];
            const mate = l.companion[d];
            if (mate && xr() < 0.5) other = mate;
            const dur = String(Math.round(logNormal(rng, 100, 0.8)));
            const end = receivingEnd(other, d, t, (Number(dur) / 60 * 0.1).toFixed(2));
            if (!end) continue;
            emit([l.id, t, 'voice', 'out', other.id, 'onnet', '', dur, '', cell(), abroad, abroad ? (Number(dur) / 60 * 0.25).toFixed(2) : '0']);
            emit([other.id, end[0], 'voice', 'in', l.id, 'onnet', '', dur, '', end[1], end[2], end[3]]);
            l.stats.internal++;
            countCall(other, hour, isWeekend);
            tie(l, other);
          } else {
            const who = pick(rng, l.contacts);
            const dur = Math.round(logNormal(rng, who.network === 'international' ? 240 : 90, 0.9));
            let charge = 0;
            if (abroad && !l.holdings.has('ROAM_PACK')) charge += (dur / 60) * 0.25;
            if (who.network === 'international' && !l.holdings.has('INTL_PACK')) charge += (dur / 60) * 0.15;
            if (who.network === 'special') charge += 0.49;
            emit([l.id, t, 'voice', 'out', who.number, who.network, who.country, String(dur), '', cell(), abroad, charge.toFixed(2)]);
            if (who.network === 'international') l.stats.intlBusiness++;
          }
          l.stats.voiceOut++;
          l.stats.made++;
          l.stats.records++;
          countCall(l, hour, isWeekend);
        }
        const nIn = poisson(rng, l.p.voiceOut * factor * 0.5);
        for (let c = 0; c < nIn; c++) {
          const who = pick(rng, l.contacts);
          if (who.network === 'special') continue;
          const dur = Math.round(logNormal(rng, 80, 0.9));
          const hour = drawHour(rng, l.hourCum);
          emit([l.id, stamp(d, hour, off), 'voice', 'in', who.number, who.network, who.country, String(dur), '', cell(), abroad, abroad && !l.holdings.has('ROAM_PACK') ? ((dur / 60) * 0.1).toFixed(2) : '0']);
          l.stats.records++;
          countCall(l, hour, isWeekend);
        }
        const nSms = poisson(rng, l.p.smsOut * factor);
        for (let c = 0; c < nSms; c++) {
          const hour = drawHour(rng, l.hourCum);
          const t = stamp(d, hour, off);
          if (rng() < l.internal && gl.length > 1) {
            let other = colleagues(l);
            if (other === l) other = gl[(l.index + 1) % gl.length];
            const end = receivingEnd(other, d, t, '0');
            if (!end) continue;
            emit([l.id, t, 'sms', 'out', other.id, 'onnet', '', '', '', cell(), abroad, '0']);
            emit([other.id, end[0], 'sms', 'in', l.id, 'onnet', '', '', '', end[1], end[2], '0']);
            l.stats.made++;
            l.stats.internal++;
            countCall(other, hour, isWeekend);
            tie(l, other);
          } else {
            const who = pick(rng, l.contacts);
            const direction = rng() < 0.6 ? 'out' : 'in';
            emit([l.id, t, 'sms', direction, who.number, who.network, who.country, '', '', cell(), abroad, '0']);
            if (direction === 'out') l.stats.made++;
          }
          l.stats.records++;
          countCall(l, hour, isWeekend);
        }
        const nData = poisson(rng, l.p.dataSessions * factor);
        for (let c = 0; c < nData; c++) {
          const kb = Math.round(logNormal(rng, l.p.sessionKb, 1));
          const charge = abroad && !l.holdings.has('ROAM_PACK') ? Math.min(50, kb / 1024 * 0.01).toFixed(2) : '0';
          emit([l.id, stamp(d, drawHour(rng, DATA_HOURS), off), 'data', '', '', '', '', '', String(kb), cell(), abroad, charge]);
          l.stats.dataKb += kb;
          l.stats.records++;
        }
        if (l.privateIntl.length > 0 && !abroad) privateIntlCalls(l, d, isWeekend);
        await drained();
        if (l.stats.records > recordsBefore) {
          l.stats.activeDays++;
          if (abroad) l.stats.businessAbroadDays++;
        }
      }
      if (l.prepaid) {
        let d = int(rng, 0, 6);
        while (d < days) {
          const channel = weighted(rng, ['retail', 'app', 'ussd', 'voucher', 'auto'], [2, 3, 1, 1, 1]);
          const row = [l.id, `${dates[d]}T${pad(int(rng, 8, 21))}:${pad(int(rng, 0, 59))}:00${offset}`, pick(rng, [10, 15, 20, 30]), channel];
          if (d >= l.activatedDay) await recharges.row(row);
          if (inj.due(10)) {
            const kind = inj.kind(['non_positive_amount', 'unknown_enum', 'unknown_line'] as const);
            inj.count(recharges, 'recharges', kind);
            await recharges.row([kind === 'unknown_line' ? '+49000111222' : l.id, `${dates[d]}T12:00:00${offset}`, kind === 'non_positive_amount' ? 0 : 10, kind === 'unknown_enum' ? 'bitcoin' : 'app']);
          }
          d += int(rng, 5, 11);
        }
      }
    }

    /** A day on holiday abroad: calls and SMS with family and friends at home, leisure hours, data; no colleagues, no clients. */
    function holidayDay(l: GenLine, d: number): void {
      const there = l.abroad[d];
      const off = offsetOf(there);
      const isWeekend = weekday(d) === 0 || weekday(d) === 6;
      const cell = () => `R-${there}-${int(xr, 1, 9)}`;
      const covered = l.holdings.has('ROAM_PACK') || l.holdings.has('TRAVEL_PASS');
      const time = (hour: number) => `${dates[d]}T${pad(hour)}:${pad(int(xr, 0, 59))}:${pad(int(xr, 0, 59))}${off}`;
      const scale = l.intensity * k.usage;
      for (const [service, direction, mean] of [['voice', 'out', 1.2], ['voice', 'in', 0.8], ['sms', 'out', 0.6], ['sms', 'in', 0.6]] as const) {
        const n = poisson(xr, mean * scale);
        for (let c = 0; c < n; c++) {
          const who = pick(xr, l.privateContacts);
          const hour = int(xr, 9, 22);
          const dur = service === 'voice' ? Math.round(logNormal(xr, 200, 0.9)) : 0;
          const charge = covered || service === 'sms' ? 0 : (dur / 60) * (direction === 'out' ? 0.25 : 0.1);
          emit([l.id, time(hour), service, direction, who.number, who.network, who.country, service === 'voice' ? String(dur) : '', '', cell(), there, charge.toFixed(2)]);
          if (direction === 'out') { l.stats.made++; if (service === 'voice') l.stats.voiceOut++; }
          l.stats.records++;
          countCall(l, hour, isWeekend);
        }
      }
      // Maps, photos and streaming: at least a middling session size whatever the line's own.
      const sessionKb = Math.max(l.p.sessionKb, 1500 * k.dataVolume);
      const nData = poisson(xr, Math.max(2, l.p.dataSessions * 0.7) * scale);
      for (let c = 0; c < nData; c++) {
        const kb = Math.round(logNormal(xr, sessionKb, 1));
        emit([l.id, time(drawHour(xr, DATA_HOURS)), 'data', '', '', '', '', '', String(kb), cell(), there, covered ? '0' : Math.min(50, kb / 1024 * 0.01).toFixed(2)]);
        l.stats.dataKb += kb;
        l.stats.records++;
      }
    }

    /** Calls to family and friends abroad from home: weekday evenings and weekend days, long. */
    function privateIntlCalls(l: GenLine, d: number, isWeekend: boolean): void {
      const n = poisson(xr, (isWeekend ? 0.6 : 0.35) * k.usage);
      for (let c = 0; c < n; c++) {
        const who = pick(xr, l.privateIntl);
        const hour = isWeekend ? int(xr, 10, 21) : int(xr, 18, 22);
        const dur = Math.round(logNormal(xr, 700, 0.7));
        const charge = l.holdings.has('INTL_PACK') ? 0 : (dur / 60) * 0.15;
        const t = `${dates[d]}T${pad(hour)}:${pad(int(xr, 0, 59))}:${pad(int(xr, 0, 59))}${offset}`;
        emit([l.id, t, 'voice', 'out', who.number, who.network, who.country, String(dur), '', l.cells[0], '', charge.toFixed(2)]);
        l.stats.intlPrivate++;
        l.stats.voiceOut++;
        l.stats.made++;
        l.stats.records++;
        countCall(l, hour, isWeekend);
      }
    }

    await writeAdoption(gl, accountId, truthAdoption, truthProducts, k, ar, start);
    options.onAccount?.(a + 1, nAccounts);
  }

  const sinks = { accounts, lines, events, recharges, holdings, contacts, responses, cells, products };
  const rows: Record<string, number> = {};
  for (const [name, sink] of Object.entries(sinks)) {
    await sink.close();
    rows[name] = sink.rows;
  }
  await truthLines.close();
  await truthProducts.close();
  await truthAdoption.close();
  await truthAccounts.close();
  const summary: GenerateSummary = { accounts: nAccounts, lines: lineCounter, rows, broken: inj.broken };
  const brokenRows = ['file,kind,rows', ...Object.entries(inj.broken).flatMap(([file, kinds]) => Object.entries(kinds).sort().map(([k, n]) => `${file},${k},${n}`)).sort()];
  writeFileSync(join(truthDir, 'broken_rows.csv'), brokenRows.join('\n') + '\n');
  // Each file's rows are recorded in the order written, so a stable sort by file keeps them by row.
  const positions = [...inj.positions].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  writeFileSync(join(truthDir, 'broken_row_numbers.csv'), ['file,source_row,kind', ...positions.map((p) => `${p.file},${p.row},${p.kind}`)].join('\n') + '\n');
  writeFileSync(join(truthDir, 'summary.json'), JSON.stringify({ scenario, seed, days, scale, start, knobs: k, ...summary }, null, 2) + '\n');
  return summary;
}

/** The built-in pilot: generated once, with this seed, when a command needs it and it is absent. */
export const BUILT_IN_PILOT_SEED = 7;

export async function ensureBuiltInPilot(dir: string): Promise<void> {
  if (existsSync(dir)) return;
  process.stderr.write(`[generate] no pilot data in ${dir}: generating the built-in pilot (seed ${BUILT_IN_PILOT_SEED})\n`);
  await generatePilot({ out: dir, seed: BUILT_IN_PILOT_SEED });
}
