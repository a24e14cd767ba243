/**
 * Step 5, next best offer: for every product a propensity per line (model.ts: the probability of adopting
 * it in the period after the window), then per line the eligible products ranked by expected monthly
 * margin, each with a reason a marketer can repeat; a line with no offer gets a row saying why. Per account,
 * the products and tariffs to propose, tariffs valued for the customer and the operator apart (tariffs.ts).
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { describe } from '../features/describe';
import { groupBy, groupIndices, round, shareBelow, sortedNumbers } from '../util/stats';
import { DEFAULT_PRODUCTS, type Product } from './products';
import { eligible } from './eligibility';
import { ACCOUNT, NEIGHBOUR, baseDesign, holdersAmong, holdersOf, holdsOf, learnable, readHoldings, tieIndex, type ModelOptions } from './model';
import { fitProduct, productTask, type PropensityShared } from './fit';
import { mapTasks } from '../util/workers';
import { tariffChange, type MarginRates, type Tariff, type TariffChange, type TariffLine } from './tariffs';
import { plural } from '../util/text';

export type { Tariff };

export interface OfferParams extends MarginRates {
  per_line: number;
  /** Offers below this propensity (probability of adopting in the period) are not made. */
  min_propensity: number;
  /** A line counts in an account's product proposal from this propensity. */
  proposal_min_propensity: number;
  /** A line that declined a product within this many days (response memory) is not offered it again. */
  decline_memory_days: number;
  /** Tariffs to propose, by plan id. */
  tariffs: Record<string, Tariff>;
}

/** Who buys: business products through the employer, personal ones through the employee. */
function channelOf(audience: string): 'employer' | 'employee' {
  return audience === 'business' ? 'employer' : 'employee';
}

/** A share of lines below a value, in words (none below the middle). */
const comparison = (share: number) => {
  const tenths = Math.floor(share * 10);
  return tenths >= 9 ? 'more than 9 in 10 lines of the pilot' : tenths >= 5 ? `more than ${tenths} in 10 lines of the pilot` : '';
};

/** The propensity step's parameters: the models (model.ts). */
export type PropensityParams = Omit<ModelOptions, 'seed'>;

export interface PropensityInputs {
  mart: ColumnTable;
  products: ColumnTable;
  /** Active holdings: line_id, product_id, start_date. */
  holdings: ColumnTable;
  /** Every dated holding spell, ended ones too: the adoption history. */
  spells?: ColumnTable;
  ties: ColumnTable;
  /** The observation window's last day ('' when unknown). */
  windowEnd: string;
}

export interface PropensityResult {
  /** Every (line, product) pair: held, eligible, how it was scored, propensity, and the reason in words. */
  propensities: ColumnTable;
  models: ColumnTable;
}

/** The catalog of a run: the pilot's products, or the built-in catalog. */
function catalogOf(products: ColumnTable): Product[] {
  return products.numRows() ? (products.objects() as unknown as Product[]) : DEFAULT_PRODUCTS;
}

/**
 * Propensities of every line for every product, with the reason a marketer can repeat: the features that push
 * the line's score up, with its value and how it compares with the pilot. Nothing here depends on personas,
 * so tuning them re-runs the offers without refitting a model.
 */
export async function computePropensities(inputs: PropensityInputs, cfg: PropensityParams, seed: number, options: { workers?: number } = {}): Promise<PropensityResult> {
  const { mart } = inputs;
  // Columns, not row objects: at x100 the mart's 181k rows as objects, and 1.8 M pairs as objects, were most of
  // the step's memory.
  // Each column read once (mart.array can copy the column: per row, it made the step quadratic).
  const columns = new Map<string, ArrayLike<unknown>>();
  const column = (name: string) => columns.get(name) ?? columns.set(name, mart.array(name) as ArrayLike<unknown>).get(name)!;
  const ids = Array.from(column('line_id') as ArrayLike<string>);
  const accountIds = column('account_id') as ArrayLike<string>;
  const fees = column('monthly_fee') as ArrayLike<number>;
  const eligibility = ids.map((_, i) => ({ status: String(column('status')[i]), payment_type: String(column('payment_type')[i]), handset_tier: String(column('handset_tier')[i]), device_type: String(column('device_type')[i]) }));
  const catalog = catalogOf(inputs.products);
  const byProduct = new Map(catalog.map((p) => [p.product_id, p]));
  const holdings = readHoldings(inputs.holdings, inputs.spells);
  const shared: PropensityShared = {
    design: baseDesign(mart, cfg.features),
    ties: tieIndex(ids, inputs.ties),
    knownTo: holdings.knownTo,
    held: catalog.map((p) => [p.product_id, holdersOf(holdings, p.product_id)] as const).filter(([, owners]) => owners.size >= cfg.min_holders).map(([id, owners]) => [id, holdsOf(ids, owners)]),
    windowEnd: inputs.windowEnd,
    options: { ...cfg, seed },
  };
  // Learnable products are fitted over worker threads; the others are ranked by their rule here (it reads the mart).
  const learned = catalog.filter((p) => learnable(holdersAmong(ids, holdersOf(holdings, p.product_id)), ids.length, cfg));
  // Each feature a reason names, sorted once: model features and behaviour-rule drivers alike.
  const sorted = new Map<string, Float64Array>();
  const sortedFeature = (f: string) => sorted.get(f) ?? sorted.set(f, sortedNumbers(mart.array(f) as ArrayLike<number>)).get(f)!;
  const martColumns = new Set(mart.columnNames());
  // Every (line, product) pair, product after product in catalog order, each product's block at its place: the
  // blocks are filled as the fits come back, in any order, and nothing is copied or grown.
  const n = ids.length;
  const total = catalog.length * n;
  const pairs = {
    line_id: new Array<string>(total).fill(''), account_id: new Array<string>(total).fill(''), product_id: new Array<string>(total).fill(''),
    holds: new Array<boolean>(total).fill(false), eligible: new Array<boolean>(total).fill(false), model: new Array<string>(total).fill(''),
    propensity: new Array<number>(total).fill(0), reason: new Array<string>(total).fill(''),
  };
  const models: Record<string, unknown>[] = new Array(catalog.length);
  const blockOf = new Map(catalog.map((p, c) => [p.product_id, c]));
  // One product's pairs with their reasons, and its model's summary row. Only the summary is kept of the model:
  // its scores and reason closure hold the product's design matrix, and ten of those at once ran a 181k-line
  // base out of heap.
  const fill = (product: Product, { model: m, neighbour }: ReturnType<typeof fitProduct>) => {
    const c = blockOf.get(product.product_id)!;
    const owners = holdersOf(holdings, product.product_id);
    const basis = m.model === 'logistic' ? `like the ${m.holders} lines that hold it` : m.model === 'affinity' ? 'by its behaviour rule (too few holders to learn from)' : 'not scored';
    ids.forEach((id, i) => {
      const at = c * n + i;
      const holds = owners.has(id);
      const top = holds || m.model === 'none' ? [] : [m.drivers[2 * i], m.drivers[2 * i + 1]].filter((j) => j >= 0).map((j) => m.driverNames[j]);
      const reasons = top.map((f) => {
        if (f === NEIGHBOUR) return `${Math.round(neighbour[i] * 100)}% of its calls with colleagues go to colleagues who hold it`;
        if (f === ACCOUNT) return 'many of its colleagues in the company hold it';
        if (f.startsWith('holds:')) return `holds ${byProduct.get(f.slice(6))?.name ?? f.slice(6)}`;
        if (f === 'plan_fee') return `is on a ${Number(fees[i]) >= 40 ? 'rich' : 'mid-range'} plan`;
        // The plan and device flags push a score only when they hold (weight × 0 is 0), so each reads as a fact.
        if (f === 'handset_low') return 'has a low-end handset';
        if (f === 'handset_high') return 'has a high-end handset';
        if (f === 'prepaid') return 'is a prepaid line';
        if (f === 'device_feature') return 'is a feature phone';
        if (f === 'device_tablet_or_router') return 'is a tablet or router';
        if (f === 'new_line') return Number(column(f)[i]) === 1 ? 'was activated within the window' : 'was active before the window';
        if (!martColumns.has(f)) return f.replace(/_/g, ' ');
        const v = Number(column(f)[i]);
        const compared = comparison(shareBelow(sortedFeature(f), v));
        return compared ? `${describe(f, v)}, ${compared}` : describe(f, v);
      });
      pairs.line_id[at] = id;
      pairs.account_id[at] = accountIds[i];
      pairs.product_id[at] = product.product_id;
      pairs.holds[at] = holds;
      pairs.eligible[at] = eligible(eligibility[i], product.product_id, product.audience, holds);
      pairs.model[at] = m.model;
      // A holder's propensity is the score it would have had: the in-sample check of the scale needs it.
      pairs.propensity[at] = round(m.propensity[i], 6);
      pairs.reason[at] = holds ? 'holds it' : reasons.length ? `${reasons.join('; ')}: ${basis}` : basis;
    });
    models[c] = {
      product_id: m.product_id, model: m.model, holders: m.holders, recent_adopters: m.recent_adopters, at_risk: m.at_risk,
      l2: m.l2 === null ? null : round(m.l2, 6), cv_log_loss: m.cv_log_loss === null ? null : round(m.cv_log_loss, 6),
      adoption_rate: round(m.adoption_rate, 6), scale: m.scale, note: m.note,
    };
  };
  // A product's block is filled as its fit comes back, while the workers fit the next products (at x100 the
  // reasons took 12 s of this thread after every fit was done); the rest are ranked by their rule here (it reads
  // the mart).
  await mapTasks({ module: 'offers/fit.js', fn: 'fitProduct' }, fitProduct, learned.map((product) => productTask(product, holdings)), shared, {
    workers: options.workers ?? 1, onResult: (k, fit) => fill(learned[k], fit),
  });
  const fitted = new Set(learned.map((p) => p.product_id));
  for (const product of catalog) if (!fitted.has(product.product_id)) fill(product, fitProduct(productTask(product, holdings), shared, mart));
  return { propensities: aq.table(pairs), models: aq.from(models) };
}

export interface OfferInputs {
  mart: ColumnTable;
  personas: ColumnTable;
  products: ColumnTable;
  holdings: ColumnTable;
  propensities: ColumnTable;
  /** The response memory (declines), when there is one. */
  responses?: ColumnTable;
  /** The observation window's last day ('' when unknown). */
  windowEnd: string;
}

export interface OfferResult {
  offers: ColumnTable;
  proposals: ColumnTable;
}

/** The mart columns nextBestOffers reads of each line (proposedTariffs' among them). */
const LINE_COLUMNS = new Set(['line_id', 'account_id', 'plan_id', 'payment_type', 'monthly_fee', 'charges', 'roaming_charges', 'international_charges', 'observed_days']);

/** Ranks each line's eligible products by expected monthly margin; a line with none gets a row saying why. */
export function nextBestOffers(inputs: OfferInputs, cfg: OfferParams): OfferResult {
  const { mart } = inputs;
  // Only the columns the tariffs and the offers read: a line's sixty-odd features as objects cost 0.5-1 s at x100.
  const lines = mart.select(mart.columnNames().filter((c) => LINE_COLUMNS.has(c))).objects() as Record<string, unknown>[];
  const ids = lines.map((l) => l.line_id as string);
  const index = new Map(ids.map((id, i) => [id, i]));
  const catalog = catalogOf(inputs.products);
  const byProduct = new Map(catalog.map((p) => [p.product_id, p]));
  const heldBy = new Map<string, Set<string>>();
  for (const [product, owners] of readHoldings(inputs.holdings).holders) for (const l of owners) (heldBy.get(l) ?? heldBy.set(l, new Set()).get(l)!).add(product);
  // The column read once, not per row (quadratic on a base of 180k lines).
  const personaNames = inputs.personas.array('persona') as string[];
  const personaOf = new Map((inputs.personas.array('line_id') as string[]).map((id, i) => [id, personaNames[i]]));

  // The tariff each line would be proposed, and the add-ons that tariff makes pointless for it.
  const changes = proposedTariffs(lines, personaOf, heldBy, byProduct, cfg);
  const includes = Object.fromEntries(Object.entries(cfg.tariffs).map(([id, t]) => [id, new Set(t.includes)]));
  const includedBy = (i: number) => (changes[i] ? includes[changes[i]!.plan_id] : undefined);

  // Declines remembered: product offers a line turned down recently.
  const declined = new Set<string>();
  if (inputs.responses?.numRows() && inputs.windowEnd) {
    const since = new Date(Date.parse(inputs.windowEnd + 'T00:00:00Z') - cfg.decline_memory_days * 86_400_000).toISOString().slice(0, 10);
    for (const r of inputs.responses.objects() as Record<string, string>[]) {
      if (r.response === 'declined' && r.line_id && r.product_id && String(r.date) > since) declined.add(`${r.line_id}|${r.product_id}`);
    }
  }

  const candidates: Record<string, unknown>[][] = ids.map(() => []);
  const why: Set<string>[] = ids.map(() => new Set());
  // The pairs read by column: an object for each of the 1.8 M pairs of x100 cost 1-1.5 s.
  // (Named pair*, apart from the eligibility rule `eligible` this module imports.)
  const pairs = inputs.propensities;
  const pairLine = pairs.array('line_id') as string[];
  const pairProduct = pairs.array('product_id') as string[];
  const pairHolds = pairs.array('holds') as boolean[];
  const pairEligible = pairs.array('eligible') as boolean[];
  const pairModel = pairs.array('model') as string[];
  const pairPropensity = pairs.array('propensity') as ArrayLike<number>;
  const pairReason = pairs.array('reason') as string[];
  for (let k = 0; k < pairs.numRows(); k++) {
    const i = index.get(pairLine[k]);
    const product = byProduct.get(pairProduct[k]);
    if (i === undefined || !product) continue;
    if (pairHolds[k]) why[i].add('held');
    else if (!pairEligible[k]) why[i].add('not eligible');
    else if (pairModel[k] === 'none') why[i].add('no model');
    else if (includedBy(i)?.has(pairProduct[k])) why[i].add('in its proposed tariff');
    else if (declined.has(`${pairLine[k]}|${pairProduct[k]}`)) why[i].add('declined recently');
    else if (pairPropensity[k] < cfg.min_propensity) why[i].add('below the threshold');
    else {
      candidates[i].push({
        line_id: pairLine[k], account_id: lines[i].account_id, product_id: product.product_id, audience: product.audience, channel: channelOf(product.audience),
        propensity: pairPropensity[k], expected_value: round(pairPropensity[k] * product.monthly_price * product.margin_rate, 4), reason: pairReason[k],
      });
    }
  }

  const offers: Record<string, unknown>[] = [];
  candidates.forEach((list, i) => {
    if (!list.length) {
      // Every line gets a row: one with no offer says why.
      const w = why[i];
      const reason = w.has('below the threshold') ? `no offer: every product it could take is below the propensity threshold ${cfg.min_propensity}`
        : w.size === 1 && w.has('held') ? 'no offer: it holds every product'
        : w.has('declined recently') && [...w].every((x) => x === 'declined recently' || x === 'held') ? 'no offer: it declined what is left recently'
        : `no offer: nothing eligible (${[...w].sort().join(', ')})`;
      offers.push({ line_id: ids[i], account_id: lines[i].account_id, rank: 0, product_id: null, audience: null, channel: null, propensity: 0, expected_value: 0, reason });
      return;
    }
    list
      .sort((a, b) => (b.expected_value as number) - (a.expected_value as number) || ((a.product_id as string) < (b.product_id as string) ? -1 : 1))
      .slice(0, cfg.per_line)
      .forEach((o, r) => offers.push({ ...o, rank: r + 1 }));
  });

  return {
    offers: aq.from(offers.map((o) => ({ line_id: o.line_id, account_id: o.account_id, rank: o.rank, product_id: o.product_id, audience: o.audience, channel: o.channel, propensity: o.propensity, expected_value: o.expected_value, reason: o.reason }))),
    proposals: accountProposals(mart, catalog, offers, changes, cfg),
  };
}

/** The tariff change of each line (in the order of `lines`), its persona looked up by line id. */
export function proposedTariffs(lines: readonly Record<string, unknown>[], personaOf: ReadonlyMap<string, string>, heldBy: ReadonlyMap<string, ReadonlySet<string>>, products: ReadonlyMap<string, Product>, cfg: Pick<OfferParams, 'tariffs' | 'plan_margin_rate' | 'charge_margin_rate'>): (TariffChange | undefined)[] {
  return lines.map((l) => {
    const line: TariffLine = {
      line_id: l.line_id as string, persona: personaOf.get(l.line_id as string) ?? '', plan_id: String(l.plan_id), payment_type: String(l.payment_type),
      monthly_fee: Number(l.monthly_fee), charges: Number(l.charges ?? 0), roaming_charges: Number(l.roaming_charges ?? 0),
      international_charges: Number(l.international_charges ?? 0), observed_days: Number(l.observed_days ?? 30),
    };
    return tariffChange(line, heldBy.get(line.line_id) ?? new Set(), cfg.tariffs, products, cfg);
  });
}

/** Per account: each product with the lines it is offered to, then each tariff with the lines it changes and what it is worth. */
function accountProposals(mart: ColumnTable, catalog: Product[], offers: Record<string, unknown>[], changes: (TariffChange | undefined)[], cfg: OfferParams): ColumnTable {
  const accounts = mart.array('account_id') as string[];
  const plans = mart.array('plan_id') as string[];
  const linesByAccount = groupIndices(accounts);
  const strongOffers = groupBy(offers.filter((o) => Number(o.rank) > 0 && (o.propensity as number) >= cfg.proposal_min_propensity), (o) => o.account_id as string);
  const rows: Record<string, unknown>[] = [];
  for (const account of [...linesByAccount.keys()].sort()) {
    const lines = linesByAccount.get(account)!;
    const total = lines.length;
    const accountOffers = strongOffers.get(account) ?? [];
    for (const product of catalog) {
      const hits = accountOffers.filter((o) => o.product_id === product.product_id);
      if (!hits.length) continue;
      rows.push({
        account_id: account, kind: 'product', item_id: product.product_id, name: product.name, audience: product.audience,
        channel: channelOf(product.audience), lines: hits.length, share_of_lines: round(hits.length / total, 4),
        expected_margin_per_month: round(hits.reduce((s, o) => s + (o.expected_value as number), 0), 2),
        customer_pays_change_per_month: null, operator_margin_change_per_month: null,
        detail: `lines whose propensity is at least ${cfg.proposal_min_propensity} (offers.proposal_min_propensity); mean propensity ${round(hits.reduce((s, o) => s + (o.propensity as number), 0) / hits.length, 3)} (probability of adopting within the period after the window)`,
      });
    }
    for (const [planId, tariff] of Object.entries(cfg.tariffs)) {
      const idx = lines.filter((i) => changes[i]?.plan_id === planId);
      // No line changes plan: nothing to propose.
      if (!idx.length) continue;
      const mix = new Map<string, number>();
      for (const i of idx) mix.set(plans[i], (mix.get(plans[i]) ?? 0) + 1);
      // Rounded once, so the detail's words and the column say the same cent (-6465.125 gave -6465.12 and "6465.13 less").
      const customer = round(idx.reduce((s, i) => s + changes[i]!.customer_pays_change_per_month, 0), 2);
      const operator = idx.reduce((s, i) => s + changes[i]!.operator_margin_change_per_month, 0);
      const dropped = idx.reduce((s, i) => s + changes[i]!.dropped.length, 0);
      rows.push({
        account_id: account, kind: 'tariff', item_id: planId, name: tariff.name, audience: 'business', channel: channelOf('business'),
        lines: idx.length, share_of_lines: round(idx.length / total, 4), expected_margin_per_month: null,
        customer_pays_change_per_month: customer, operator_margin_change_per_month: round(operator, 2),
        detail: `${idx.length} ${plural(idx.length, 'line')} ${idx.length === 1 ? 'moves' : 'move'} from ${[...mix.entries()].sort().map(([p, n]) => `${p} ${n}`).join(', ')}; ${customer === 0 ? 'the customer pays the same a month' : `the customer pays ${Math.abs(customer).toLocaleString('en', { maximumFractionDigits: 2 })} ${customer < 0 ? 'less' : 'more'} a month`}${dropped ? ` (${dropped} ${plural(dropped, 'add-on')} included)` : ''}`,
      });
    }
  }
  return aq.from(rows);
}
