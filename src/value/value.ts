/**
 * Step 3, employee value (docs/methods.md has the formulas):
 *   current_value   postpaid: monthly_fee + charges; prepaid: top-ups; scaled to 30 days: what the line pays now per month
 *   potential_value what comparable lines pay more: the potential_quantile of current value among its peers
 *                   (same persona and activity band; with fewer than min_peers, the same persona; then all),
 *                   less this line's, capped at potential_cap times its current value; plus
 *                   personal_line_value when the employee has no personal line with us yet
 *   influence_value influence_rate x sum over colleagues j of (w_ij / strength_j) x potential_value_j: the part of
 *                   its colleagues' potential that word of mouth through this line may bring (w: the call
 *                   graph's tie weights, network/call_ties.csv). It is a share of other lines' potential, never
 *                   of anyone's spend: summed over an account it never exceeds influence_rate x its potential
 *   total_value     current + potential_weight x potential + influence_weight x influence: an index to rank
 *                   lines by, not money to add up (docs/methods.md says which values may be summed)
 *   value_tier      A: the fewest lines that together carry tier_a_share of the account's spend,
 *                   B: up to tier_b_share, C: the rest
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { groupIndices, quantile, round } from '../util/stats';

export interface ValueParams {
  /** Quantile of current value among a line's peers that sets its potential. */
  potential_quantile: number;
  /** Activity bands within a persona: the peers of a line are its persona's lines of its band. */
  activity_bands: number;
  /** Fewest peers a comparison needs; below, the persona's lines, then every line. */
  min_peers: number;
  /** Potential (before a personal line) is at most this many times the line's current value. */
  potential_cap: number;
  /** Monthly value of a personal line the employee does not yet have with us. */
  personal_line_value: number;
  /** Share of a colleague's potential that word of mouth through a line may bring. */
  influence_rate: number;
  potential_weight: number;
  influence_weight: number;
  /** Tier A holds the lines that carry the first tier_a_share of an account's value. */
  tier_a_share: number;
  tier_b_share: number;
}

export interface ValueInputs {
  mart: ColumnTable;
  /** line_id, persona: the peers of a line share its persona. */
  personas: ColumnTable;
  /** The call graph's ties (line_id, other_line_id, weight), from the network step. */
  ties: ColumnTable;
  /** Active holdings: line_id, product_id. */
  holdings: ColumnTable;
}

/** Activity bands (1 = least active): rank-based, so heavy tails do not squeeze the bands. */
export function activityBands(activity: readonly number[], bands: number): number[] {
  const order = activity.map((a, i) => [a, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out = new Array<number>(activity.length);
  order.forEach(([, i], rank) => (out[i] = Math.min(bands, 1 + Math.floor((rank * bands) / activity.length))));
  return out;
}

/** Tier per line of one account from its spend: A carries the first tierA share, B up to tierB. */
export function spendTiers(spend: readonly number[], tierA: number, tierB: number): string[] {
  const total = spend.reduce((a, b) => a + b, 0);
  const order = spend.map((s, i) => [s, i] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  const tiers = new Array<string>(spend.length);
  let before = 0;
  for (const [s, i] of order) {
    // A line is in a tier when the spend before it has not yet reached the tier's share.
    tiers[i] = total <= 0 ? 'C' : before < tierA * total ? 'A' : before < tierB * total ? 'B' : 'C';
    before += s;
  }
  return tiers;
}

export function computeValue({ mart, personas, ties, holdings }: ValueInputs, cfg: ValueParams): ColumnTable {
  const n = mart.numRows();
  const col = (name: string) => mart.array(name) as number[];
  const ids = mart.array('line_id') as string[];
  const accounts = mart.array('account_id') as string[];
  const payment = mart.array('payment_type') as string[];
  const [fee, charges, topUps, days] = [col('monthly_fee'), col('charges'), col('recharge_amount'), col('observed_days')];
  const [minutes, sms, data] = [col('voice_minutes'), col('sms_count'), col('data_mb')];

  const current = ids.map((_, i) => {
    const perMonth = days[i] > 0 ? 30 / days[i] : 0;
    // Prepaid usage is paid from top-ups: counting its charges too would count it twice.
    return payment[i] === 'prepaid' ? topUps[i] * perMonth : fee[i] + charges[i] * perMonth;
  });

  // Peers: same persona and activity band, falling back to the persona, then to every line.
  // Each column read once: arquero's array() of a derived table copies it, and per row that was quadratic (492 s at x100).
  const personaNames = personas.array('persona') as string[];
  const personaOf = new Map((personas.array('line_id') as string[]).map((id, i) => [id, personaNames[i]]));
  const persona = ids.map((id) => personaOf.get(id) ?? '');
  const activity = ids.map((_, i) => minutes[i] + sms[i] + data[i] / 100);
  const bands = new Array<number>(n).fill(1);
  for (const [, idx] of groupIndices(persona)) activityBands(idx.map((i) => activity[i]), cfg.activity_bands).forEach((b, k) => (bands[idx[k]] = b));
  const target = new Array<number>(n).fill(0);
  const all = quantile(current, cfg.potential_quantile);
  const byPersona = new Map([...groupIndices(persona)].map(([p, idx]) => [p, idx]));
  for (const [, idx] of groupIndices(ids.map((_, i) => `${persona[i]}|${bands[i]}`))) {
    const personaIdx = byPersona.get(persona[idx[0]])!;
    const peers = idx.length >= cfg.min_peers ? idx : personaIdx.length >= cfg.min_peers ? personaIdx : undefined;
    const q = peers ? quantile(peers.map((i) => current[i]), cfg.potential_quantile) : all;
    for (const i of idx) target[i] = q;
  }
  const personal = new Set((holdings.numRows() ? (holdings.filter((d: { product_id: string }) => d.product_id === 'PERSONAL_LINE').array('line_id') as string[]) : []));
  const headroom = ids.map((_, i) => Math.min(cfg.potential_cap * current[i], Math.max(0, target[i] - current[i])));
  const potential = ids.map((id, i) => headroom[i] + (personal.has(id) ? 0 : cfg.personal_line_value));

  // Influence through the internal call graph (undirected strengths); ties of weight 0 carry none.
  const index = new Map(ids.map((id, i) => [id, i]));
  const strength = new Float64Array(n);
  const pairs: [number, number, number][] = [];
  const [from, to, weight] = [ties.array('line_id') as string[], ties.array('other_line_id') as string[], ties.array('weight') as number[]];
  for (let k = 0; k < ties.numRows(); k++) {
    const a = index.get(from[k]);
    const b = index.get(to[k]);
    if (a === undefined || b === undefined || a === b || !(weight[k] > 0)) continue;
    pairs.push([a, b, weight[k]]);
    strength[a] += weight[k];
    strength[b] += weight[k];
  }
  const influence = new Float64Array(n);
  for (const [a, b, w] of pairs) {
    influence[a] += (w / strength[b]) * potential[b];
    influence[b] += (w / strength[a]) * potential[a];
  }

  const tiers = new Array<string>(n);
  const spendShare = new Array<number>(n);
  for (const [, idx] of groupIndices(accounts)) {
    const spend = idx.map((i) => current[i]);
    const total = spend.reduce((a, b) => a + b, 0);
    spendTiers(spend, cfg.tier_a_share, cfg.tier_b_share).forEach((t, k) => (tiers[idx[k]] = t));
    idx.forEach((i) => (spendShare[i] = total > 0 ? current[i] / total : 0));
  }

  return aq.table({
    line_id: ids,
    account_id: accounts,
    current_value: current.map((v) => round(v, 4)),
    potential_value: potential.map((v) => round(v, 4)),
    influence_value: Array.from(influence, (v) => round(cfg.influence_rate * v, 4)),
    total_value: ids.map((_, i) => round(current[i] + cfg.potential_weight * potential[i] + cfg.influence_weight * cfg.influence_rate * influence[i], 4)),
    spend_share: spendShare.map((v) => round(v)),
    activity_band: bands,
    value_tier: tiers,
  });
}
