/**
 * Step 5, next best offer. For every product, a propensity per line: a logistic
 * model trained on the lines that already hold it (look-alikes) or, with fewer
 * than min_holders holders, the product's affinity rule. Eligible products are
 * ranked by expected monthly margin; per account the proposal counts the lines
 * each product and each tariff suits.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe } from '../features/describe';
import { featureMatrix } from '../features/matrix';
import { groupBy, groupIndices, round, sigmoid } from '../util/stats';
import { PRODUCT_AFFINITY, type Product } from './products';
import { eligible } from './eligibility';
import { fitLogistic, predictLogistic } from './logistic';

export interface Tariff {
  name: string;
  monthly_fee: number;
  /** Personas whose lines the tariff suits. */
  personas: string[];
}

export interface OfferParams {
  per_line: number;
  min_propensity: number;
  features: string[];
  l2: number;
  iterations: number;
  /** Below this many holders a product is scored by its affinity rule, not a model. */
  min_holders: number;
  proposal_min_propensity: number;
  /** Tariffs to propose, by plan id. */
  tariffs: Record<string, Tariff>;
}

export interface OfferInputs {
  mart: ColumnTable;
  personas: ColumnTable;
  products: ColumnTable;
  /** Active holdings: line_id, product_id. */
  holdings: ColumnTable;
}

export interface OfferResult {
  /** Every (line, product) pair with its propensity, eligible or not. */
  propensities: ColumnTable;
  offers: ColumnTable;
  proposals: ColumnTable;
}

/** Who buys: business products through the employer, personal ones through the employee. */
function channelOf(audience: string): 'employer' | 'employee' {
  return audience === 'business' ? 'employer' : 'employee';
}

interface Scorer {
  model: 'logistic' | 'affinity' | 'none';
  holders: number;
  score: (i: number) => number;
  /** Features pushing line i's score up, strongest first. */
  drivers: (i: number) => string[];
}

function scorer(productId: string, labels: number[], z: number[][], features: string[], cfg: OfferParams): Scorer {
  const holders = labels.reduce((a, b) => a + b, 0);
  const others = labels.length - holders;
  if (holders >= cfg.min_holders && others >= cfg.min_holders) {
    const model = fitLogistic(z, labels, { l2: cfg.l2, iterations: cfg.iterations });
    return {
      model: 'logistic',
      holders,
      score: (i) => predictLogistic(model, z[i]),
      drivers: (i) => features
        .map((f, j) => [f, model.weights[j + 1] * z[i][j]] as const)
        .filter(([, c]) => c > 0.1)
        .sort((a, b) => b[1] - a[1])
        .map(([f]) => f),
    };
  }
  const affinity = PRODUCT_AFFINITY.find((a) => a.product_id === productId);
  const idx = affinity?.drivers.map((d) => features.indexOf(d.replace(/^-/, ''))).filter((j) => j >= 0) ?? [];
  if (!affinity || idx.length === 0) return { model: 'none', holders, score: () => 0, drivers: () => [] };
  const signs = affinity.drivers.filter((d) => features.includes(d.replace(/^-/, ''))).map((d) => (d.startsWith('-') ? -1 : 1));
  return {
    model: 'affinity',
    holders,
    // Mean standardised driver, shifted so an average line scores about 0.12.
    score: (i) => sigmoid(-2 + 1.5 * idx.reduce((s, j, k) => s + signs[k] * z[i][j], 0) / idx.length),
    drivers: (i) => idx.filter((j, k) => signs[k] * z[i][j] > 0.1).sort((a, b) => z[i][b] - z[i][a]).map((j) => features[j]),
  };
}

export function nextBestOffers({ mart, personas, products, holdings }: OfferInputs, cfg: OfferParams): OfferResult {
  const lines = mart.objects() as Record<string, unknown>[];
  const ids = lines.map((l) => l.line_id as string);
  const catalog = products.objects() as unknown as Product[];
  const held = new Set((holdings.objects() as { line_id: string; product_id: string }[]).map((h) => `${h.line_id}|${h.product_id}`));
  const features = cfg.features;
  const { matrix: z } = featureMatrix(mart, features);

  const pairs: Record<string, unknown>[] = [];
  const candidates: Record<string, unknown>[][] = ids.map(() => []);
  for (const product of catalog) {
    const labels = ids.map((id) => (held.has(`${id}|${product.product_id}`) ? 1 : 0));
    const s = scorer(product.product_id, labels, z, features, cfg);
    ids.forEach((id, i) => {
      const line = lines[i];
      const ok = eligible(line as never, product.product_id, product.audience, labels[i] === 1);
      const propensity = labels[i] ? 1 : s.score(i);
      pairs.push({ line_id: id, account_id: line.account_id, product_id: product.product_id, holds: labels[i] === 1, eligible: ok, model: s.model, propensity: round(propensity) });
      if (!ok || propensity < cfg.min_propensity || s.model === 'none') return;
      const drivers = s.drivers(i).slice(0, 2).map((f) => describe(f, Number(line[f])));
      const basis = s.model === 'logistic' ? `like the ${s.holders} lines that hold it` : 'by its affinity rule (too few holders to learn from)';
      candidates[i].push({
        line_id: id,
        account_id: line.account_id,
        product_id: product.product_id,
        audience: product.audience,
        channel: channelOf(product.audience),
        propensity: round(propensity),
        expected_value: round(propensity * product.monthly_price * product.margin_rate, 4),
        reason: drivers.length ? `${drivers.join('; ')}: ${basis}` : basis,
      });
    });
  }

  const offers: Record<string, unknown>[] = [];
  candidates.forEach((list) => {
    list
      .sort((a, b) => (b.expected_value as number) - (a.expected_value as number) || ((a.product_id as string) < (b.product_id as string) ? -1 : 1))
      .slice(0, cfg.per_line)
      .forEach((o, r) => offers.push({ line_id: o.line_id, account_id: o.account_id, rank: r + 1, product_id: o.product_id, audience: o.audience, channel: o.channel, propensity: o.propensity, expected_value: o.expected_value, reason: o.reason }));
  });

  return {
    propensities: aq.from(pairs),
    offers: aq.from(offers),
    proposals: accountProposals(mart, personas, catalog, offers, cfg),
  };
}

/** Per account: each product with the lines it suits, then each tariff with the lines whose persona it fits. */
export function accountProposals(mart: ColumnTable, personaTable: ColumnTable, catalog: Product[], offers: Record<string, unknown>[], cfg: OfferParams): ColumnTable {
  const accounts = mart.array('account_id') as string[];
  const plans = mart.array('plan_id') as string[];
  const fees = mart.array('monthly_fee') as number[];
  const payment = mart.array('payment_type') as string[];
  // Matched by line id, never by row position: the two tables need not share an order.
  const personaOf = new Map((personaTable.array('line_id') as string[]).map((id, i) => [id, (personaTable.array('persona') as string[])[i]]));
  const personas = (mart.array('line_id') as string[]).map((id) => personaOf.get(id) ?? '');
  const linesByAccount = groupIndices(accounts);
  const strongOffers = groupBy(offers.filter((o) => (o.propensity as number) >= cfg.proposal_min_propensity), (o) => o.account_id as string);
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
        expected_monthly_value: round(hits.reduce((s, o) => s + (o.expected_value as number), 0), 2),
        detail: `mean propensity ${round(hits.reduce((s, o) => s + (o.propensity as number), 0) / hits.length, 2)}`,
      });
    }
    for (const [planId, tariff] of Object.entries(cfg.tariffs)) {
      const idx = lines.filter((i) => payment[i] === 'postpaid' && tariff.personas.includes(personas[i]));
      if (!idx.length) continue;
      const changing = idx.filter((i) => plans[i] !== planId);
      const mix = new Map<string, number>();
      for (const i of idx) mix.set(plans[i], (mix.get(plans[i]) ?? 0) + 1);
      rows.push({
        account_id: account, kind: 'tariff', item_id: planId, name: tariff.name, audience: 'business', channel: channelOf('business'),
        lines: idx.length, share_of_lines: round(idx.length / total, 4),
        expected_monthly_value: round(changing.reduce((s, i) => s + (tariff.monthly_fee - fees[i]), 0), 2),
        detail: `${changing.length} lines change plan; now on ${[...mix.entries()].sort().map(([p, n]) => `${p} ${n}`).join(', ')}`,
      });
    }
  }
  return aq.from(rows);
}
