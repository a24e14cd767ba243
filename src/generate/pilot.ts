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
import { COUNTRIES, INDUSTRIES, PERSONAS, PROFILES, REGIONS, type Persona, type PersonaProfile } from './personas';
import { DEFAULT_PRODUCTS } from '../offers/products';
import { sigmoid } from '../util/stats';

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

interface GenLine {
  id: string;
  index: number;
  persona: Persona;
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
}

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

export async function generatePilot(options: GenerateOptions): Promise<GenerateSummary> {
  const seed = options.seed ?? 7;
  const days = options.days ?? 28;
  const scale = options.scale ?? 1;
  const nAccounts = (options.accounts ?? 15) * scale;
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
  const truthLines = new CsvSink(join(truthDir, 'lines_truth.csv'), ['line_id', 'account_id', 'persona', 'team', 'hub', 'is_hub', 'is_bridge']);
  const truthProducts = new CsvSink(join(truthDir, 'products_truth.csv'), ['line_id', 'account_id', 'product_id', 'fit_probability', 'holds', 'likely_next']);

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

  let lineCounter = 0;
  const dates = Array.from({ length: days }, (_, d) => addDays(start, d));
  const weekday = (d: number) => new Date(dates[d] + 'T00:00:00Z').getUTCDay();

  const usedNames = new Set<string>();
  for (let a = 0; a < nAccounts; a++) {
    const rng = createRng(deriveSeed(seed, 'account', a));
    const accountId = `A${String(a + 1).padStart(4, '0')}`;
    const ind = INDUSTRIES[(a * 7 + Math.floor(a / INDUSTRIES.length)) % INDUSTRIES.length];
    const region = REGIONS[int(rng, 0, REGIONS.length - 1)];
    const offset = '+01:00';
    const size = Math.max(8, Math.round(SIZE_TEMPLATE[a % SIZE_TEMPLATE.length] * (0.85 + 0.3 * rng())));
    // Billing names are unique: a second company of the same name gets its city, then a number.
    let name = `${pick(rng, ind.names)} ${pick(rng, ['GmbH', 'AG', 'KG', 'SE'])}`;
    if (usedNames.has(name)) name = `${name} ${region.region}`;
    if (usedNames.has(name)) name = `${name} ${a + 1}`;
    usedNames.add(name);
    const accountRow = [accountId, name, ind.industry, Math.round(size * (1 + rng() * 0.3)), region.region];
    await accounts.row(accountRow);
    if (inj.due(10)) {
      const kind = inj.kind(['missing_value', 'duplicate'] as const);
      inj.count(accounts, 'accounts', kind);
      await accounts.row(kind === 'duplicate' ? accountRow : [`${accountId}X`, '', ind.industry, 10, region.region]);
    }

    // Personas and teams: departments by persona, split into teams of at most 12.
    const gl: GenLine[] = [];
    for (let i = 0; i < size; i++) {
      const persona = weighted(rng, PERSONAS, ind.mix);
      const p = PROFILES[persona];
      const jitter = (x: number, s = 0.25) => Math.min(0.95, Math.max(0, x * logNormal(rng, 1, s)));
      gl.push({
        id: msisdn(lineCounter++), index: i, persona, p,
        intensity: logNormal(rng, 1, 0.3),
        internal: jitter(p.internal), international: jitter(p.international), roaming: jitter(p.roaming, 0.4),
        weekend: jitter(p.weekend, 0.3),
        team: -1, hub: '', bridgeTeam: -1, cells: [], contacts: [], prepaid: rng() < p.prepaid,
        holdings: new Set(), hourCum: cumulative(p.hours), abroad: [],
      });
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
    const assistant = gl.find((l) => l.persona === 'office' && l.hub === '');
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
      const pool = l.persona === 'road_warrior' || l.persona === 'executive' ? Object.values(cellIds).flat() : regionCells;
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
          const len = int(rng, 2, 5);
          const country = pick(rng, COUNTRIES).code;
          for (let k = d; k < Math.min(days, d + len); k++) l.abroad[k] = country;
          d += len;
        } else d++;
      }
    }

    // Lines, holdings and the truth about them.
    for (const l of gl) {
      const plan = l.prepaid ? ['PRE_FLEX', 0] as const
        : ({ executive: ['BIZ_XL', 59], international: ['BIZ_L', 39], road_warrior: ['BIZ_L', 39], office: ['BIZ_M', 25], strict_business: ['BIZ_M', 25], data_user: ['BIZ_DATA', 29], light_user: ['BIZ_S', 15] } as const)[l.persona];
      const tier = weighted(rng, ['low', 'mid', 'high'], l.p.handset);
      const device = l.persona === 'data_user' && rng() < 0.5 ? pick(rng, ['tablet', 'router']) : l.persona === 'light_user' && rng() < 0.3 ? 'feature' : 'smartphone';
      const activation = addDays('2019-01-01', int(rng, 0, 2500));
      await lines.row([l.id, accountId, plan[0], l.prepaid ? 'prepaid' : 'postpaid', plan[1], activation, tier, device, `CC-${100 + l.team}`, 'active']);
      const fit = productFit(l);
      for (const product of DEFAULT_PRODUCTS) {
        const prob = sigmoid(-2 + 2.2 * fit[product.product_id]);
        const holds = rng() < prob * 0.6;
        if (holds) {
          l.holdings.add(product.product_id);
          await holdings.row([l.id, product.product_id, addDays(start, -int(rng, 30, 900)), '']);
        } else if (rng() < 0.03) {
          await holdings.row([l.id, product.product_id, addDays(start, -int(rng, 400, 900)), addDays(start, -int(rng, 10, 300))]);
        }
        await truthProducts.row([l.id, accountId, product.product_id, prob.toFixed(4), holds ? 1 : 0, !holds && prob >= 0.5 ? 1 : 0]);
      }
      await truthLines.row([l.id, accountId, l.persona, l.team, l.hub, l.hub ? 1 : 0, l.bridgeTeam >= 0 ? 1 : 0]);
      if (inj.due(10)) {
        const kind = inj.kind(['duplicate', 'unknown_account', 'unknown_enum', 'negative_number'] as const);
        inj.count(lines, 'lines', kind);
        const fake = msisdn(90000000 - lineCounter);
        if (kind === 'duplicate') await lines.row([l.id, accountId, plan[0], l.prepaid ? 'prepaid' : 'postpaid', plan[1], activation, tier, device, `CC-${100 + l.team}`, 'active']);
        else if (kind === 'unknown_account') await lines.row([fake, 'A9999', 'BIZ_M', 'postpaid', 25, activation, 'mid', 'smartphone', '', 'active']);
        else if (kind === 'unknown_enum') await lines.row([fake, accountId, 'BIZ_M', 'credit', 25, activation, 'mid', 'smartphone', '', 'active']);
        else await lines.row([fake, accountId, 'BIZ_M', 'postpaid', -25, activation, 'mid', 'smartphone', '', 'active']);
      }
      if (inj.due(10)) {
        const kind = inj.kind(['unknown_product', 'bad_date'] as const);
        inj.count(holdings, 'holdings', kind);
        await holdings.row([l.id, kind === 'unknown_product' ? 'GOLD_PLAN' : 'DATA_XL', kind === 'bad_date' ? '2025-13-45' : '2025-01-01', '']);
      }
    }

    // Decision makers at the account.
    const nContacts = int(rng, 1, 4);
    for (let c = 0; c < nContacts; c++) {
      await contacts.row([accountId, `${accountId}-C${c + 1}`, pick(rng, ['CEO', 'CFO', 'IT manager', 'Procurement', 'Fleet manager', 'Office manager']), rng() < 0.5 ? 'true' : 'false',
        pick(rng, ['none', 'early', 'mid', 'late', 'sales']), addDays(start, -int(rng, 1, 200))]);
    }
    if (inj.due(10)) {
      const kind = inj.kind(['unknown_enum', 'unknown_account'] as const);
      inj.count(contacts, 'contacts', kind);
      await contacts.row([kind === 'unknown_account' ? 'A9999' : accountId, `${accountId}-CX`, 'CEO', 'true', kind === 'unknown_enum' ? 'negotiating' : 'early', '']);
    }

    // Usage: each line's own calls, SMS and data, with both ends of internal calls.
    const colleagues = (l: GenLine): GenLine => {
      const r = rng();
      if (l.bridgeTeam >= 0 && r < 0.5) return pick(rng, teams[l.bridgeTeam]);
      const team = teams[l.team];
      if (r < 0.85 && team.length > 1) {
        const lead = leads[l.team];
        if (lead !== l && rng() < 0.35) return lead;
        return pick(rng, team);
      }
      if (r < 0.97) return pick(rng, leads);
      return pick(rng, gl);
    };
    const emit = async (fields: string[]) => {
      await events.raw(fields.join(',') + '\n');
      if (inj.due()) await writeBrokenEvent(events, inj, fields);
    };
    const stamp = (d: number, hour: number, off: string) => `${dates[d]}T${pad(hour)}:${pad(int(rng, 0, 59))}:${pad(int(rng, 0, 59))}${off}`;

    for (const l of gl) {
      for (let d = 0; d < days; d++) {
        if (rng() > l.p.activeDays) continue;
        const dow = weekday(d);
        const factor = (dow === 0 || dow === 6 ? l.weekend : 1) * l.intensity;
        if (factor <= 0) continue;
        const abroad = l.abroad[d];
        const off = abroad ? COUNTRIES.find((c) => c.code === abroad)!.offset : offset;
        const cell = () => (abroad ? `R-${abroad}-${int(rng, 1, 9)}` : l.cells[Math.floor(rng() * l.cells.length)]);
        const hub = l.hub ? 1.8 : 1;
        const nCalls = poisson(rng, l.p.voiceOut * factor * hub);
        for (let c = 0; c < nCalls; c++) {
          const t = stamp(d, drawHour(rng, l.hourCum), off);
          const internal = gl.length > 1 && rng() < l.internal;
          if (internal) {
            let other = colleagues(l);
            if (other === l) other = gl[(l.index + 1) % gl.length];
            const dur = String(Math.round(logNormal(rng, 100, 0.8)));
            await emit([l.id, t, 'voice', 'out', other.id, 'onnet', '', dur, '', cell(), abroad, abroad ? (Number(dur) / 60 * 0.25).toFixed(2) : '0']);
            await emit([other.id, t, 'voice', 'in', l.id, 'onnet', '', dur, '', other.cells[0], '', '0']);
          } else {
            const k = pick(rng, l.contacts);
            const dur = Math.round(logNormal(rng, k.network === 'international' ? 240 : 90, 0.9));
            let charge = 0;
            if (abroad && !l.holdings.has('ROAM_PACK')) charge += (dur / 60) * 0.25;
            if (k.network === 'international' && !l.holdings.has('INTL_PACK')) charge += (dur / 60) * 0.15;
            if (k.network === 'special') charge += 0.49;
            await emit([l.id, t, 'voice', 'out', k.number, k.network, k.country, String(dur), '', cell(), abroad, charge.toFixed(2)]);
          }
        }
        const nIn = poisson(rng, l.p.voiceOut * factor * 0.5);
        for (let c = 0; c < nIn; c++) {
          const k = pick(rng, l.contacts);
          if (k.network === 'special') continue;
          const dur = Math.round(logNormal(rng, 80, 0.9));
          await emit([l.id, stamp(d, drawHour(rng, l.hourCum), off), 'voice', 'in', k.number, k.network, k.country, String(dur), '', cell(), abroad, abroad && !l.holdings.has('ROAM_PACK') ? ((dur / 60) * 0.1).toFixed(2) : '0']);
        }
        const nSms = poisson(rng, l.p.smsOut * factor);
        for (let c = 0; c < nSms; c++) {
          const t = stamp(d, drawHour(rng, l.hourCum), off);
          if (rng() < l.internal && gl.length > 1) {
            let other = colleagues(l);
            if (other === l) other = gl[(l.index + 1) % gl.length];
            await emit([l.id, t, 'sms', 'out', other.id, 'onnet', '', '', '', cell(), abroad, '0']);
            await emit([other.id, t, 'sms', 'in', l.id, 'onnet', '', '', '', other.cells[0], '', '0']);
          } else {
            const k = pick(rng, l.contacts);
            await emit([l.id, t, 'sms', rng() < 0.6 ? 'out' : 'in', k.number, k.network, k.country, '', '', cell(), abroad, '0']);
          }
        }
        const nData = poisson(rng, l.p.dataSessions * factor);
        for (let c = 0; c < nData; c++) {
          const kb = Math.round(logNormal(rng, l.p.sessionKb, 1));
          const charge = abroad && !l.holdings.has('ROAM_PACK') ? Math.min(50, kb / 1024 * 0.01).toFixed(2) : '0';
          await emit([l.id, stamp(d, drawHour(rng, DATA_HOURS), off), 'data', '', '', '', '', '', String(kb), cell(), abroad, charge]);
        }
      }
      if (l.prepaid) {
        let d = int(rng, 0, 6);
        while (d < days) {
          const channel = weighted(rng, ['retail', 'app', 'ussd', 'voucher', 'auto'], [2, 3, 1, 1, 1]);
          await recharges.row([l.id, `${dates[d]}T${pad(int(rng, 8, 21))}:${pad(int(rng, 0, 59))}:00${offset}`, pick(rng, [10, 15, 20, 30]), channel]);
          if (inj.due(10)) {
            const kind = inj.kind(['non_positive_amount', 'unknown_enum', 'unknown_line'] as const);
            inj.count(recharges, 'recharges', kind);
            await recharges.row([kind === 'unknown_line' ? '+49000111222' : l.id, `${dates[d]}T12:00:00${offset}`, kind === 'non_positive_amount' ? 0 : 10, kind === 'unknown_enum' ? 'bitcoin' : 'app']);
          }
          d += int(rng, 5, 11);
        }
      }
    }
    options.onAccount?.(a + 1, nAccounts);
  }

  const sinks = { accounts, lines, events, recharges, holdings, contacts, cells, products };
  const rows: Record<string, number> = {};
  for (const [name, sink] of Object.entries(sinks)) {
    await sink.close();
    rows[name] = sink.rows;
  }
  await truthLines.close();
  await truthProducts.close();
  const summary: GenerateSummary = { accounts: nAccounts, lines: lineCounter, rows, broken: inj.broken };
  const brokenRows = ['file,kind,rows', ...Object.entries(inj.broken).flatMap(([file, kinds]) => Object.entries(kinds).sort().map(([k, n]) => `${file},${k},${n}`)).sort()];
  writeFileSync(join(truthDir, 'broken_rows.csv'), brokenRows.join('\n') + '\n');
  // Each file's rows are recorded in the order written, so a stable sort by file keeps them by row.
  const positions = [...inj.positions].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  writeFileSync(join(truthDir, 'broken_row_numbers.csv'), ['file,source_row,kind', ...positions.map((p) => `${p.file},${p.row},${p.kind}`)].join('\n') + '\n');
  writeFileSync(join(truthDir, 'summary.json'), JSON.stringify({ seed, days, scale, start, ...summary }, null, 2) + '\n');
  return summary;
}

/** The built-in pilot: generated once, with this seed, when a command needs it and it is absent. */
export const BUILT_IN_PILOT_SEED = 7;

export async function ensureBuiltInPilot(dir: string): Promise<void> {
  if (existsSync(dir)) return;
  process.stderr.write(`[generate] no pilot data in ${dir}: generating the built-in pilot (seed ${BUILT_IN_PILOT_SEED})\n`);
  await generatePilot({ out: dir, seed: BUILT_IN_PILOT_SEED });
}
