/**
 * Simulated pilot outcomes: given a pilot's campaigns and assignments (contract v2), writes the
 * response memory the pilot would leave, with a planted uplift per campaign (and per segment) and a
 * planted spill-over, and says what measurement should find. The truth is known, so the measurement
 * (src/measure) can be checked: its 95% intervals should cover the planted effect in about 95% of
 * simulated pilots, and at the design's minimum detectable effect its test should reject in about
 * the design's power (test/unit/outcome-simulation.test.ts).
 *
 * The model (one adoption chance per unit and campaign, a Bernoulli draw):
 * - Units as measured (src/measure/campaigns.ts): lines for target = line, accounts for target = account.
 * - A control unit adopts with the campaign's base rate b and gets no touch; a treated unit is
 *   `contacted` on the first day of the window and adopts with b + δ, δ the planted absolute uplift of
 *   its campaign, or of its segment (the first uplift rule whose attribute value it has: an attribute
 *   of its line, else of its account, as measurement breaks results down).
 * - Spill-over (the indirect effect of M. G. Hudgens & M. E. Halloran, JASA 103, 832-842, 2008): when a
 *   line campaign was randomised by account or community, every line of a cluster holding assigned lines
 *   that is not itself assigned (a colleague) adopts with b, or b + σ when the cluster's lines were
 *   treated. Colleagues are the ones src/measure/spillover.ts compares.
 * - Adoption day uniform in the campaign window; a treated unit's adoption carries the campaign_id and
 *   its channel, a control unit's or a colleague's none (the campaign tool does not know of it) and the
 *   organic channel. Value of an adoption: log-normal around a median (by default the product's
 *   first-year margin, monthly_price × 12 × margin_rate), mean median·exp(s²/2).
 * - Optional intra-cluster correlation ρ (accounts; communities for community campaigns): a unit's draw
 *   copies its cluster's shared uniform with probability √ρ, else draws its own, so each unit keeps its
 *   own adoption probability exactly while two units of one cluster with the same probability correlate
 *   by ρ (the construction of test/unit/experiment-simulation.test.ts, with a uniform instead of a coin).
 * - Campaigns without a product (the relationship campaign of the pilot step) plant `meeting`: what an
 *   account's next marketing action aims at, and evidence of a later dialogue stage
 *   (src/relationship/stages.ts).
 *
 * What measurement estimates. A unit's outcome is read from all its responses of the kind in the window
 * (DATA_CONTRACT v2), whatever their campaign, but for a product campaign only those about its product (or
 * naming none): a line in two campaigns of one product shows the other's adoptions in both groups of
 * this one, and an account shows every adoption of its lines.
 * Given the assignments, measurement's uplift therefore estimates
 *   E[uplift] = mean over treated units of P_u − mean over control units of P_u,
 *   P_u = 1 − Π_k (1 − p_k·w_k)
 * over every adoption chance k attached to the unit whose responses count (p_k its probability, w_k the
 * share of its window inside this campaign's window; 1 when an earlier response already is), which is the
 * planted uplift only when no other chance reaches the campaign's units; overlap with campaigns of the same
 * product (or of none) shrinks it by about their adoption rates. The truth gives both (`planted`,
 * `expected_measured`) and the realised counts as measurement counts them. Spill-over likewise over
 * colleagues (the ratio estimator's expectation given the clusters is the mean of P_u); value as
 * Σ_k p_k·w_k·E[v_k] per unit.
 *
 * Pure and seeded: each unit's draws come from createRng(deriveSeed(seed, campaign, unit)), so the same
 * seed and rows give the same responses whatever the input order.
 */
import { SoOError } from '../util/errors';
import { createRng, deriveSeed, normal } from '../util/rng';
import { round } from '../util/stats';
import { MEDIA, RESPONSES } from '../io/contract';
import { DEFAULT_PRODUCTS } from '../offers/products';
import { MISSING_LEVEL } from '../measure/campaigns';
import {
  OUTBOUND_KINDS, columnsOf, indexResponses, isEmpty, numberOf, outcomeInWindow, readCampaigns, rowsOf, text,
  type CampaignSpec, type Row, type Rows,
} from '../measure/input';

export type Medium = (typeof MEDIA)[number];
export type ResponseKind = (typeof RESPONSES)[number];

/** A planted uplift for the units with one value of an attribute (e.g. persona = executive). */
export interface UpliftRule {
  /** Only in this campaign; absent = every campaign. */
  campaign_id?: string;
  /** A column of lines or accounts (a line's own column first, then its account's), or `stratum`. */
  attribute: string;
  value: string;
  /** Absolute uplift of the adoption rate. */
  uplift: number;
}

export interface OutcomeInput {
  campaigns: Rows;
  assignments: Rows;
  /** Lines: account_id of line units, segment attributes, and clusters (account_id, community). */
  lines?: Rows;
  /** Accounts: segment attributes of account units and of lines' accounts. */
  accounts?: Rows;
  /** The catalog, for the value of an adoption; default: the workspace's catalog. */
  products?: Rows;
  /** Decision makers: an account's touches and meetings name its key player. */
  contacts?: Rows;
  /** pilot/design.csv: base_rate per campaign_id. */
  design?: Rows;
  /** The response memory so far: not repeated in the output, but counted in the truth as measurement will. */
  responses?: Rows;
}

export interface OutcomeOptions {
  seed: number;
  /** Base rate of a campaign neither `baseRates` nor the design gives one for. */
  baseRate: number;
  /** Base rate per campaign_id (over the design's base_rate). */
  baseRates: Record<string, number>;
  /** Planted absolute uplift of every campaign, */
  uplift: number;
  /** or per campaign_id. */
  upliftByCampaign: Record<string, number>;
  /** Uplift per segment; a unit takes the first rule naming its campaign, else the first general one. */
  upliftBy: UpliftRule[];
  /** Planted spill-over of every campaign randomised by account or community, */
  spillover: number;
  /** or per campaign_id. */
  spilloverByCampaign: Record<string, number>;
  /** Intra-cluster correlation of adoption in [0, 1). */
  icc: number;
  /** Response kind planted per campaign_id; default `adopted` with a product, `meeting` without. */
  outcomes: Record<string, string>;
  /** Median value of an adoption; null = the product's first-year margin (no value for a product not in the catalog). */
  valueMedian: number | null;
  /** Log-normal sigma of the value of an adoption. */
  valueSigma: number;
  /** An adopter also `visited` the same day (the shop visit before a purchase). */
  funnel: boolean;
  /** Channel of the adoptions no campaign caused (control units, colleagues). */
  organicChannel: Medium;
  /** Window length of a campaign without end_date. */
  days: number;
  /** More attributes to give the truth by (those of upliftBy always are). */
  breakdowns: string[];
  /** response_id = prefix + seed + '-' + number. */
  idPrefix: string;
}

export const OUTCOME_DEFAULTS: OutcomeOptions = {
  seed: 1,
  baseRate: 0.05,
  baseRates: {},
  uplift: 0.03,
  upliftByCampaign: {},
  upliftBy: [],
  spillover: 0,
  spilloverByCampaign: {},
  icc: 0,
  outcomes: {},
  valueMedian: null,
  valueSigma: 0.5,
  funnel: false,
  organicChannel: 'web',
  days: 28,
  breakdowns: [],
  idPrefix: 'SIM',
};

/** A row of responses (contract v2). */
export interface ResponseRow {
  response_id: string;
  date: string;
  account_id: string;
  contact_id: string;
  line_id: string;
  campaign_id: string;
  channel: string;
  response: string;
  product_id: string;
  value: number | null;
}

export const RESPONSE_COLUMNS: readonly (keyof ResponseRow)[] = [
  'response_id', 'date', 'account_id', 'contact_id', 'line_id', 'campaign_id', 'channel', 'response', 'product_id', 'value',
];

/** A row of pilot_outcome_truth.csv; null = not applicable. */
export interface TruthRow {
  campaign_id: string;
  /** `uplift` (treatment against control units) or `spillover` (colleagues of treated against control clusters). */
  effect: 'uplift' | 'spillover';
  outcome: string;
  /** `all` or an attribute, as in measure/campaign_results.csv. */
  breakdown: string;
  breakdown_value: string;
  base_rate: number;
  /** The effect planted on the slice's units were they treated, averaged: their uplift, or the colleagues' spill-over. */
  planted: number;
  /** What measurement's difference estimates given the assignments (see the header). */
  expected_measured: number | null;
  treatment_units: number;
  control_units: number;
  treatment_clusters: number | null;
  control_clusters: number | null;
  /** Units with the outcome in the window, as measurement counts them. */
  treatment_responders: number;
  control_responders: number;
  realised_difference: number | null;
  /** Expected difference of the mean value per unit (adoptions with value only). */
  expected_value_difference: number | null;
  /** Touches written (treated units). */
  contacted: number | null;
  /** Units (colleagues) whose outcome another campaign or an earlier response can also give. */
  overlap_units: number;
  note: string;
}

export const TRUTH_COLUMNS: readonly (keyof TruthRow)[] = [
  'campaign_id', 'effect', 'outcome', 'breakdown', 'breakdown_value', 'base_rate', 'planted', 'expected_measured',
  'treatment_units', 'control_units', 'treatment_clusters', 'control_clusters', 'treatment_responders', 'control_responders',
  'realised_difference', 'expected_value_difference', 'contacted', 'overlap_units', 'note',
];

export interface SimulatedOutcome {
  /** New responses only, sorted by date, campaign, unit and kind. */
  responses: ResponseRow[];
  truth: TruthRow[];
  /** What was left out and why. */
  notes: string[];
}

interface Campaign {
  spec: CampaignSpec;
  id: string;
  target: 'line' | 'account';
  start: number;
  end: number;
  days: number;
  kind: string;
  product: string;
  channel: string;
  base: number;
  uplift: number;
  spill: number;
  /** Column of lines naming the clusters whose colleagues show the spill-over; null = no spill-over. */
  clusterColumn: string | null;
  /** Mean value of an adoption (0: none written). */
  meanValue: number;
  medianValue: number | null;
}

interface Unit {
  campaign: Campaign;
  /** Line or account id, as the campaign's unit. */
  id: string;
  line: string;
  account: string;
  group: 'treatment' | 'control';
  stratum: string;
  /** True for a colleague (spill-over), false for an assigned unit. */
  colleague: boolean;
  cluster: string;
  planted: number;
  p: number;
}

const DAY_MS = 86_400_000;
const dayOf = (date: string) => Math.round(Date.parse(date + 'T00:00:00Z') / DAY_MS);
/** YYYY-MM-DD of a day number, remembered for one simulation: toISOString per response was most of its time. */
function dayNames(): (day: number) => string {
  const names = new Map<number, string>();
  return (day) => names.get(day) ?? names.set(day, new Date(day * DAY_MS).toISOString().slice(0, 10)).get(day)!;
}
const NOTHING = { kinds: new Set<string>(), value: 0 };
const KIND_ORDER = new Map<string, number>(RESPONSES.map((k, i) => [k, i]));

function fail(message: string): never {
  throw new SoOError('outcome', message);
}

function checkRate(value: number, what: string, low = 0, high = 1): void {
  if (!(typeof value === 'number' && value >= low && value <= high)) fail(`${what} must be in [${low}, ${high}], got ${value}`);
}

function resolve(options: Partial<OutcomeOptions>): OutcomeOptions {
  const o = { ...OUTCOME_DEFAULTS, ...options };
  if (!Number.isInteger(o.seed)) fail(`seed must be a whole number, got ${o.seed}`);
  checkRate(o.baseRate, 'baseRate');
  checkRate(o.uplift, 'uplift', -1, 1);
  checkRate(o.spillover, 'spillover', -1, 1);
  if (!(o.icc >= 0 && o.icc < 1)) fail(`icc must be in [0, 1), got ${o.icc}`);
  if (!(o.valueSigma >= 0)) fail(`valueSigma must be >= 0, got ${o.valueSigma}`);
  if (o.valueMedian !== null && !(o.valueMedian >= 0)) fail(`valueMedian must be >= 0 or null, got ${o.valueMedian}`);
  if (!MEDIA.includes(o.organicChannel)) fail(`organicChannel must be one of ${MEDIA.join(', ')}, got ${o.organicChannel}`);
  if (!(Number.isInteger(o.days) && o.days >= 1)) fail(`days must be a whole number >= 1, got ${o.days}`);
  for (const [id, kind] of Object.entries(o.outcomes)) {
    if (!KIND_ORDER.has(kind) || OUTBOUND_KINDS.has(kind)) fail(`outcomes.${id} must be a prospect's response kind (${RESPONSES.filter((k) => !OUTBOUND_KINDS.has(k)).join(', ')}), got ${kind}`);
  }
  for (const r of o.upliftBy) {
    if (!r.attribute || r.value === undefined) fail(`an uplift rule needs an attribute and a value, got ${JSON.stringify(r)}`);
    checkRate(r.uplift, `uplift of ${r.attribute} = ${r.value}`, -1, 1);
  }
  return o;
}

/** The first key player of each account (by contact_id), else its first contact. */
function keyPlayers(contacts: Rows | undefined): Map<string, string> {
  const best = new Map<string, { id: string; key: boolean }>();
  for (const c of rowsOf(contacts)) {
    const account = text(c.account_id);
    const id = text(c.contact_id);
    if (!account || !id) continue;
    const key = text(c.key_player).toLowerCase() === 'true';
    const known = best.get(account);
    if (!known || (key && !known.key) || (key === known.key && id < known.id)) best.set(account, { id, key });
  }
  return new Map([...best].map(([a, c]) => [a, c.id]));
}

/** Simulates the responses of a pilot and the truth measurement should find. */
export function simulateOutcome(input: OutcomeInput, options: Partial<OutcomeOptions> = {}): SimulatedOutcome {
  const o = resolve(options);
  const notes: string[] = [];
  const dateOf = dayNames();
  const lineRows = new Map<string, Row>(rowsOf(input.lines).map((r) => [text(r.line_id), r]));
  const accountRows = new Map<string, Row>(rowsOf(input.accounts).map((r) => [text(r.account_id), r]));
  const lineCols = columnsOf(input.lines);
  const accountCols = columnsOf(input.accounts);
  const products = new Map<string, Row>(rowsOf(input.products ?? (DEFAULT_PRODUCTS as unknown as Row[])).map((r) => [text(r.product_id), r]));
  const designRate = new Map<string, number>(rowsOf(input.design).filter((r) => !isEmpty(r.base_rate)).map((r) => [text(r.campaign_id), numberOf(r.base_rate, NaN, `design ${text(r.campaign_id)} base_rate`)]));
  const contactOf = keyPlayers(input.contacts);

  // Campaigns, with what is planted in each.
  const campaignRows = new Map<string, Row>(rowsOf(input.campaigns).map((r) => [text(r.campaign_id), r]));
  const campaigns = readCampaigns(input.campaigns, '').map((spec): Campaign => {
    const row = campaignRows.get(spec.campaign_id)!;
    const id = spec.campaign_id;
    const start = dayOf(spec.start);
    const end = spec.openEnded ? start + o.days - 1 : dayOf(spec.end);
    if (end < start) fail(`campaign ${id}: end_date ${spec.end} is before start_date ${spec.start}`);
    const channel = text(row.channel);
    if (!MEDIA.includes(channel as Medium)) fail(`campaign ${id}: channel must be one of ${MEDIA.join(', ')}, got ${JSON.stringify(row.channel)}`);
    const product = text(row.product_id);
    const kind = o.outcomes[id] ?? (product ? 'adopted' : 'meeting');
    const base = o.baseRates[id] ?? designRate.get(id) ?? o.baseRate;
    checkRate(base, `base rate of campaign ${id}`);
    const uplift = o.upliftByCampaign[id] ?? o.uplift;
    checkRate(base + uplift, `base rate + uplift of campaign ${id}`);
    const by = text(row.randomised_by) || spec.target;
    const clustered = spec.target === 'line' && (by === 'account' || by === 'community');
    if (o.spilloverByCampaign[id] !== undefined && !clustered) {
      fail(`campaign ${id} is randomised by ${by}: a spill-over needs a line campaign randomised by account or community`);
    }
    const spill = clustered ? o.spilloverByCampaign[id] ?? o.spillover : 0;
    checkRate(base + spill, `base rate + spill-over of campaign ${id}`);
    let clusterColumn: string | null = null;
    if (clustered) {
      const column = by === 'account' ? 'account_id' : 'community';
      if (lineCols.has(column)) clusterColumn = column;
      else if (spill !== 0) fail(`campaign ${id} is randomised by ${by} and has a spill-over, but lines have no ${column} column: give it (e.g. the network step's community)`);
      else notes.push(`campaign ${id}: lines have no ${column} column: its colleagues are not simulated`);
    }
    const price = products.get(product);
    const margin = price ? numberOf(price.monthly_price, NaN, `product ${product} monthly_price`) * 12 * numberOf(price.margin_rate, NaN, `product ${product} margin_rate`) : NaN;
    const medianValue = kind !== 'adopted' || !product ? null : o.valueMedian ?? (Number.isFinite(margin) ? margin : null);
    return {
      spec, id, target: spec.target, start, end, days: end - start + 1, kind, product, channel, base, uplift, spill, clusterColumn,
      medianValue, meanValue: medianValue === null ? 0 : medianValue * Math.exp((o.valueSigma * o.valueSigma) / 2),
    };
  });
  const byId = new Map(campaigns.map((c) => [c.id, c]));
  const named = (what: string, ids: Iterable<string>) => {
    for (const id of ids) if (!byId.has(id)) fail(`${what} names campaign ${id}, which is not in campaigns`);
  };
  named('baseRates', Object.keys(o.baseRates));
  named('upliftByCampaign', Object.keys(o.upliftByCampaign));
  named('spilloverByCampaign', Object.keys(o.spilloverByCampaign));
  named('outcomes', Object.keys(o.outcomes));
  named('an uplift rule', o.upliftBy.flatMap((r) => (r.campaign_id ? [r.campaign_id] : [])));

  // An attribute of a unit, as measurement reads it: the line's own column, then its account's; `stratum` from the assignment.
  const attribute = (c: Campaign, u: { line: string; account: string; stratum: string }, name: string): unknown => {
    if (c.target === 'line' && lineCols.has(name)) return lineRows.get(u.line)?.[name];
    if (accountCols.has(name)) return accountRows.get(u.account)?.[name];
    if (name === 'stratum') return u.stratum;
    return undefined;
  };
  const levelOf = (v: unknown) => (isEmpty(v) ? MISSING_LEVEL : text(v));
  for (const name of new Set([...o.upliftBy.map((r) => r.attribute), ...o.breakdowns])) {
    if (!lineCols.has(name) && !accountCols.has(name) && name !== 'stratum') fail(`${name} is a column of neither lines nor accounts`);
  }
  const plantedOf = (c: Campaign, u: { line: string; account: string; stratum: string }): number => {
    const rule = o.upliftBy.find((r) => r.campaign_id === c.id && levelOf(attribute(c, u, r.attribute)) === r.value)
      ?? o.upliftBy.find((r) => !r.campaign_id && levelOf(attribute(c, u, r.attribute)) === r.value);
    if (!rule) return c.uplift;
    checkRate(c.base + rule.uplift, `base rate + uplift of campaign ${c.id} for ${rule.attribute} = ${rule.value}`);
    return rule.uplift;
  };

  // Assigned units, checked as measurement checks them.
  const units = new Map<string, Unit[]>(campaigns.map((c) => [c.id, []]));
  const seen = new Map<string, Set<string>>();
  rowsOf(input.assignments).forEach((row, i) => {
    const where = () => `assignments row ${i + 1}`;
    const c = byId.get(text(row.campaign_id));
    if (!c) fail(`${where()}: campaign ${JSON.stringify(text(row.campaign_id))} is not in campaigns`);
    const key = c.target === 'line' ? 'line_id' : 'account_id';
    const id = text(row[key]);
    if (!id) fail(`${where()}: campaign ${c.id} targets ${c.target}s but ${key} is empty`);
    const group = text(row.group);
    if (group !== 'treatment' && group !== 'control') fail(`${where()}: group must be treatment or control, got ${JSON.stringify(row.group)}`);
    const once = seen.get(c.id) ?? seen.set(c.id, new Set()).get(c.id)!;
    if (once.has(id)) fail(`${where()}: ${c.target} ${id} is assigned to campaign ${c.id} twice`);
    once.add(id);
    const line = c.target === 'line' ? id : '';
    const account = c.target === 'line' ? text(lineRows.get(id)?.account_id) || text(row.account_id) : id;
    if (!account) fail(`${where()}: line ${id} has no account_id (give lines, or account_id in assignments)`);
    const stratum = text(row.stratum);
    const planted = plantedOf(c, { line, account, stratum });
    const cluster = c.target === 'line' ? (c.clusterColumn ? text(lineRows.get(id)?.[c.clusterColumn]) : account) : account;
    if (c.clusterColumn && !cluster) fail(`${where()}: line ${id} of campaign ${c.id} has no ${c.clusterColumn} in lines`);
    units.get(c.id)!.push({ campaign: c, id, line, account, group, stratum, colleague: false, cluster, planted, p: c.base + (group === 'treatment' ? planted : 0) });
  });

  // Colleagues: the unassigned lines of the clusters holding assigned lines.
  const colleagues = new Map<string, Unit[]>(campaigns.map((c) => [c.id, []]));
  for (const c of campaigns) {
    if (!c.clusterColumn) continue;
    const arm = new Map<string, 'treatment' | 'control'>();
    for (const u of units.get(c.id)!) {
      const known = arm.get(u.cluster);
      if (known && known !== u.group) fail(`${c.clusterColumn} ${u.cluster} holds lines of both groups: campaign ${c.id} was not randomised by ${c.clusterColumn}`);
      arm.set(u.cluster, u.group);
    }
    const assigned = new Set(units.get(c.id)!.map((u) => u.id));
    for (const [line, row] of lineRows) {
      const cluster = text(row[c.clusterColumn]);
      const group = arm.get(cluster);
      if (!group || assigned.has(line)) continue;
      // As for assigned units, `planted` is the effect were the cluster treated; only treated clusters get it.
      colleagues.get(c.id)!.push({ campaign: c, id: line, line, account: text(row.account_id), group, stratum: '', colleague: true, cluster, planted: c.spill, p: c.base + (group === 'treatment' ? c.spill : 0) });
    }
  }

  // The draws.
  const responses: Omit<ResponseRow, 'response_id'>[] = [];
  const shared = new Map<string, number>();
  const sharedUniform = (c: Campaign, cluster: string) => {
    const key = `${c.id}\u0000${cluster}`;
    let u = shared.get(key);
    if (u === undefined) shared.set(key, (u = createRng(deriveSeed(o.seed, 'outcome-cluster', c.id, cluster))()));
    return u;
  };
  const copy = Math.sqrt(o.icc);
  const add = (u: Unit, day: number, kind: string, treated: boolean, value: number | null) => {
    const c = u.campaign;
    responses.push({
      date: dateOf(day), account_id: u.account, contact_id: c.target === 'account' ? contactOf.get(u.account) ?? '' : '', line_id: u.line,
      campaign_id: treated ? c.id : '', channel: treated ? c.channel : o.organicChannel, response: kind, product_id: c.product, value,
    });
  };
  for (const c of campaigns) {
    for (const u of [...units.get(c.id)!, ...colleagues.get(c.id)!]) {
      const treated = !u.colleague && u.group === 'treatment';
      if (treated) add(u, c.start, 'contacted', true, null);
      const rng = createRng(deriveSeed(o.seed, 'outcome', c.id, u.colleague ? 'colleague' : 'unit', u.id));
      const draw = o.icc > 0 && rng() < copy ? sharedUniform(c, u.cluster) : rng();
      if (draw >= u.p) continue;
      const day = c.start + Math.floor(rng() * c.days);
      const value = c.medianValue === null ? null : round(c.medianValue * Math.exp(o.valueSigma * normal(rng)), 2);
      if (o.funnel && c.kind === 'adopted') add(u, day, 'visited', treated, null);
      add(u, day, c.kind, treated, value);
    }
  }
  // A total order, so response ids do not depend on the order of the input rows (two campaigns of one product
  // can give one control line two adoptions on one day, told apart by value alone).
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  responses.sort((a, b) => cmp(a.date, b.date) || cmp(a.campaign_id, b.campaign_id) || cmp(a.account_id, b.account_id) || cmp(a.line_id, b.line_id)
    || KIND_ORDER.get(a.response)! - KIND_ORDER.get(b.response)! || cmp(a.product_id, b.product_id) || cmp(a.channel, b.channel) || (a.value ?? -1) - (b.value ?? -1));
  const written: ResponseRow[] = responses.map((r, i) => ({ response_id: `${o.idPrefix}${o.seed}-${String(i + 1).padStart(6, '0')}`, ...r }));

  // As measurement does, a campaign of accounts is not broken down by an attribute of lines.
  const applies = (c: Campaign, name: string) => c.target === 'line' || accountCols.has(name) || name === 'stratum';
  return { responses: written, truth: truthRows(campaigns, units, colleagues, written, input.responses, o, { attribute, levelOf, applies }, dateOf), notes };
}

/** Per campaign and slice: planted, what measurement should find, and what it will count. */
function truthRows(
  campaigns: Campaign[], units: Map<string, Unit[]>, colleagues: Map<string, Unit[]>, written: ResponseRow[], earlier: Rows | undefined, o: OutcomeOptions,
  slicing: { attribute: (c: Campaign, u: Unit, name: string) => unknown; levelOf: (v: unknown) => string; applies: (c: Campaign, name: string) => boolean },
  dateOf: (day: number) => string,
): TruthRow[] {
  const { attribute, levelOf, applies } = slicing;
  const before = indexResponses(earlier ?? []);
  const after = indexResponses([...rowsOf(earlier), ...(written as unknown as Row[])]);
  // Every adoption chance by the line and the account whose outcome it can give, per kind.
  const chances = new Map<string, { line: Map<string, Unit[]>; account: Map<string, Unit[]> }>();
  const push = (m: Map<string, Unit[]>, key: string, u: Unit) => (m.get(key) ?? m.set(key, []).get(key)!).push(u);
  for (const c of campaigns) {
    for (const kind of o.funnel && c.kind === 'adopted' ? [c.kind, 'visited'] : [c.kind]) {
      const by = chances.get(kind) ?? chances.set(kind, { line: new Map(), account: new Map() }).get(kind)!;
      for (const u of [...units.get(c.id)!, ...colleagues.get(c.id)!]) {
        if (u.line) push(by.line, u.line, u);
        push(by.account, u.account, u);
      }
    }
  }
  const chancesOf = (kind: string, level: 'line' | 'account', id: string) => chances.get(kind)?.[level].get(id) ?? [];
  const overlap = (k: Campaign, c: Campaign) => Math.max(0, Math.min(k.end, c.end) - Math.max(k.start, c.start) + 1) / k.days;
  // A unit's figures are the same in every slice it falls in: computed once.
  const scores = new Map<Unit, { p: number; value: number; others: boolean; hit: boolean }>();
  const score = (c: Campaign, u: Unit) => {
    const known = scores.get(u);
    if (known) return known;
    const level = c.target;
    const prior = before.lastDate ? outcomeInWindow((level === 'line' ? before.byLine : before.byAccount).get(u.id), dateOf(c.start), dateOf(c.end), c.product ?? '') : NOTHING;
    // Measurement counts only responses about this campaign's product (or none): the other products' chances do not reach it.
    const sameProduct = (k: Unit) => !c.product || !k.campaign.product || k.campaign.product === c.product;
    const own = chancesOf(c.kind, level, u.id).filter(sameProduct);
    let none = prior.kinds.has(c.kind) ? 0 : 1;
    for (const k of own) none *= 1 - k.p * overlap(k.campaign, c);
    let value = prior.value;
    for (const k of chancesOf('adopted', level, u.id).filter(sameProduct)) value += k.p * overlap(k.campaign, c) * k.campaign.meanValue;
    const hit = outcomeInWindow((level === 'line' ? after.byLine : after.byAccount).get(u.id), dateOf(c.start), dateOf(c.end), c.product ?? '').kinds.has(c.kind);
    const figures = { p: 1 - none, value, others: prior.kinds.has(c.kind) || own.some((k) => k !== u), hit };
    scores.set(u, figures);
    return figures;
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const r6 = (x: number) => (Number.isFinite(x) ? round(x, 6) : null);

  const rows: TruthRow[] = [];
  const slice = (c: Campaign, effect: TruthRow['effect'], members: Unit[], breakdown: string, level: string): TruthRow => {
    const scored = members.map((u) => {
      const e = score(c, u);
      return { u, e, hit: e.hit };
    });
    const t = scored.filter((s) => s.u.group === 'treatment');
    const k = scored.filter((s) => s.u.group === 'control');
    const both = t.length > 0 && k.length > 0;
    const tr = t.filter((s) => s.hit).length;
    const cr = k.filter((s) => s.hit).length;
    const exp = both ? mean(t.map((s) => s.e.p)) - mean(k.map((s) => s.e.p)) : NaN;
    const planted = mean(members.map((u) => u.planted));
    const overlapUnits = scored.filter((s) => s.e.others).length;
    const notes: string[] = [];
    const rule = c.product ? `the responses of the kind about ${c.product} or naming no product` : 'every response of the kind, whatever the product';
    if (overlapUnits && both) notes.push(`${overlapUnits} of ${members.length} ${effect === 'spillover' ? 'colleagues' : 'units'} can show '${c.kind}' responses of other campaigns or earlier ones in the window (measurement counts ${rule}): the difference measurement estimates is ${round(exp, 4)}, not the planted ${round(planted, 4)}`);
    return {
      campaign_id: c.id, effect, outcome: c.kind, breakdown, breakdown_value: level, base_rate: r6(c.base)!, planted: r6(planted)!,
      expected_measured: r6(exp), treatment_units: t.length, control_units: k.length,
      treatment_clusters: effect === 'spillover' ? new Set(t.map((s) => s.u.cluster)).size : null,
      control_clusters: effect === 'spillover' ? new Set(k.map((s) => s.u.cluster)).size : null,
      treatment_responders: tr, control_responders: cr, realised_difference: both ? r6(tr / t.length - cr / k.length) : null,
      expected_value_difference: c.meanValue > 0 && both ? r6(mean(t.map((s) => s.e.value)) - mean(k.map((s) => s.e.value))) : null,
      contacted: effect === 'uplift' ? t.length : null, overlap_units: overlapUnits, note: notes.join('; '),
    };
  };
  const attributes = [...new Set([...o.upliftBy.map((r) => r.attribute), ...o.breakdowns])];
  for (const c of campaigns) {
    const members = units.get(c.id)!;
    if (!members.length) continue;
    rows.push(slice(c, 'uplift', members, 'all', 'all'));
    for (const name of attributes.filter((a) => applies(c, a))) {
      const groups = new Map<string, Unit[]>();
      for (const u of members) {
        const level = levelOf(attribute(c, u, name));
        (groups.get(level) ?? groups.set(level, []).get(level)!).push(u);
      }
      const levels = [...groups.keys()].filter((l) => l !== MISSING_LEVEL).sort();
      if (groups.has(MISSING_LEVEL)) levels.push(MISSING_LEVEL);
      for (const level of levels) rows.push(slice(c, 'uplift', groups.get(level)!, name, level));
    }
    if (c.clusterColumn && colleagues.get(c.id)!.length) rows.push(slice(c, 'spillover', colleagues.get(c.id)!, 'all', 'all'));
  }
  return rows;
}
