/**
 * The account mart: one row per account in scope, from its lines' tables. What a service model needs to
 * know of a company: how big and valuable it is, how varied its people are (persona mix and its entropy),
 * how concentrated its spend, how its people call each other (communities, modularity, centralisation),
 * how international, how equipped (product penetration and breadth), how prepaid.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { PERSONAS } from '../personas/vocabulary';
import { groupIndices, round } from '../util/stats';

export interface AccountFeature {
  name: string;
  unit: string;
  definition: string;
  /** How a segment high on it is named (segment names are built from these). */
  label?: string;
  /** Long-tailed: log1p before standardising for segmentation. */
  scale?: 'log';
}

export const shareColumn = (persona: string) => `share_${persona}`;

export const ACCOUNT_FEATURES: AccountFeature[] = [
  { name: 'account_id', unit: 'id', definition: 'The enterprise account' },
  { name: 'lines', unit: 'lines', definition: 'Lines in scope' },
  { name: 'employees', unit: 'people', definition: 'Headcount the customer reported (empty when not given)' },
  { name: 'size', unit: 'people', definition: 'employees, or lines where employees is not given: what size bands read' },
  { name: 'spend_per_month', unit: 'currency/month', definition: 'Sum of the lines\' current value', scale: 'log' },
  { name: 'spend_per_line', unit: 'currency/month', definition: 'spend_per_month / lines', label: 'high spend per line', scale: 'log' },
  ...PERSONAS.map((p) => ({ name: shareColumn(p), unit: 'share', definition: `Share of lines whose persona is ${p}`, label: `${p.replace(/_/g, ' ')} staff` })),
  { name: 'persona_entropy', unit: '0..1', definition: 'Shannon entropy of the persona shares over its maximum (log of the number of personas of the run, added ones too): 0 = all lines alike, 1 = evenly spread', label: 'varied needs' },
  { name: 'spend_top_fifth_share', unit: 'share', definition: 'Share of spend carried by the fifth of lines that spend most', label: 'spend concentrated on few lines' },
  { name: 'communities', unit: 'groups', definition: 'Communities of its internal call graph (network step)' },
  { name: 'modularity', unit: '-0.5..1', definition: 'Newman modularity of the call graph under those communities: how much calls stay inside groups (0 without calls)', label: 'separate teams' },
  { name: 'internal_call_share', unit: 'share', definition: 'Share of calls and SMS with colleagues, over all its lines', label: 'calls among colleagues' },
  { name: 'centralisation', unit: '0..1', definition: 'Freeman degree centralisation of the call graph: 1 = everyone calls one person, 0 = all alike', label: 'a central switchboard' },
  { name: 'international_share', unit: 'share', definition: 'Share of calls and SMS with other countries, over all its lines', label: 'international calls' },
  { name: 'roaming_days_per_line', unit: 'days/line', definition: 'Days abroad per line in the window', label: 'travel abroad', scale: 'log' },
  { name: 'data_mb_per_line', unit: 'MB/line', definition: 'Mobile data per line in the window', label: 'heavy data use', scale: 'log' },
  { name: 'product_penetration', unit: 'share', definition: 'Share of lines that hold at least one product', label: 'well equipped' },
  { name: 'product_breadth', unit: 'share', definition: 'Distinct products held by its lines over the products in the catalog', label: 'broad product use' },
  { name: 'prepaid_share', unit: 'share', definition: 'Share of prepaid lines', label: 'prepaid lines' },
  { name: 'potential_value', unit: 'currency/month', definition: 'Sum of the lines\' potential value (value step)' },
  { name: 'product_margin_per_month', unit: 'currency/month', definition: 'Expected monthly margin of the products proposed to it: adoption probability × price × margin rate, summed (offers step)' },
  { name: 'tariff_margin_change_per_month', unit: 'currency/month', definition: 'Change in the operator\'s monthly margin if every line proposed a tariff moved (offers step); not probability-weighted, so never added to the products\' margin' },
];

export function accountFeature(name: string): AccountFeature | undefined {
  return ACCOUNT_FEATURES.find((f) => f.name === name);
}

export interface AccountTables {
  accounts: ColumnTable;
  mart: ColumnTable;
  network: ColumnTable;
  ties: ColumnTable;
  value: ColumnTable;
  personas: ColumnTable;
  holdings: ColumnTable;
  products: ColumnTable;
  proposals: ColumnTable;
}

type Row = Record<string, unknown>;
const col = <T = number>(t: ColumnTable, name: string) => t.array(name) as ArrayLike<T>;

/** Newman's modularity Q = Σ_c [w_in(c) / W − (s(c) / 2W)²] of a weighted graph under a partition. */
export function modularity(ties: readonly { a: string; b: string; w: number }[], community: ReadonlyMap<string, string>): number {
  let total = 0;
  const inside = new Map<string, number>();
  const strength = new Map<string, number>();
  for (const { a, b, w } of ties) {
    total += w;
    const ca = community.get(a)!;
    const cb = community.get(b)!;
    if (ca === cb) inside.set(ca, (inside.get(ca) ?? 0) + w);
    strength.set(ca, (strength.get(ca) ?? 0) + w);
    strength.set(cb, (strength.get(cb) ?? 0) + w);
  }
  if (total <= 0) return 0;
  let q = 0;
  for (const [c, s] of strength) q += (inside.get(c) ?? 0) / total - (s / (2 * total)) ** 2;
  return q;
}

/** Freeman's degree centralisation: Σ (max degree − degree) / ((n − 1)(n − 2)); 0 below three lines. */
export function centralisation(degrees: readonly number[]): number {
  const n = degrees.length;
  if (n < 3) return 0;
  const max = Math.max(...degrees);
  return degrees.reduce((s, d) => s + (max - d), 0) / ((n - 1) * (n - 2));
}

export function buildAccountMart(t: AccountTables): ColumnTable {
  const ids = col<string>(t.mart, 'line_id');
  const accountOf = col<string>(t.mart, 'account_id');
  const index = new Map(Array.from(ids, (id, i) => [id, i]));
  const byId = (table: ColumnTable, name: string) => {
    const values = col(table, name);
    const lines = col<string>(table, 'line_id');
    const out = new Array<number>(ids.length).fill(0);
    for (let k = 0; k < table.numRows(); k++) {
      const i = index.get(lines[k]);
      if (i !== undefined) out[i] = Number(values[k]);
    }
    return out;
  };
  const textById = (table: ColumnTable, name: string) => {
    const values = col<string>(table, name);
    const lines = col<string>(table, 'line_id');
    const out = new Array<string>(ids.length).fill('');
    for (let k = 0; k < table.numRows(); k++) {
      const i = index.get(lines[k]);
      if (i !== undefined) out[i] = values[k];
    }
    return out;
  };
  const current = byId(t.value, 'current_value');
  const potential = byId(t.value, 'potential_value');
  const persona = textById(t.personas, 'persona');
  const community = textById(t.network, 'community');
  const degree = byId(t.network, 'degree');
  const sms = col(t.mart, 'sms_count');
  const comms = Array.from(col(t.mart, 'voice_count'), (v, i) => v + sms[i]);
  const [internal, intl, roaming, data] = ['internal_share', 'international_share', 'roaming_days', 'data_mb'].map((c) => Array.from(col(t.mart, c)));
  const prepaid = Array.from(col<string>(t.mart, 'payment_type'), (p) => p === 'prepaid');
  const held = new Map<string, Set<string>>();
  for (const h of t.holdings.objects() as { line_id: string; product_id: string }[]) {
    if (!held.has(h.line_id)) held.set(h.line_id, new Set());
    held.get(h.line_id)!.add(h.product_id);
  }
  const catalogSize = Math.max(1, t.products.numRows());
  const tiesByAccount = new Map<string, { a: string; b: string; w: number }[]>();
  for (const r of t.ties.objects() as { account_id: string; line_id: string; other_line_id: string; weight: number }[]) {
    if (!tiesByAccount.has(r.account_id)) tiesByAccount.set(r.account_id, []);
    tiesByAccount.get(r.account_id)!.push({ a: r.line_id, b: r.other_line_id, w: r.weight });
  }
  // Two sums kept apart: the products' margin is expected (weighted by the chance of adopting), the tariffs'
  // change assumes every proposed line moves. Added together they would be neither.
  const productMargin = new Map<string, number>();
  const tariffChange = new Map<string, number>();
  for (const p of t.proposals.objects() as { account_id: string; kind: string; expected_margin_per_month: number | null; operator_margin_change_per_month: number | null }[]) {
    const [sums, v] = p.kind === 'product' ? [productMargin, p.expected_margin_per_month] : [tariffChange, p.operator_margin_change_per_month];
    sums.set(p.account_id, (sums.get(p.account_id) ?? 0) + Number(v ?? 0));
  }
  const info = new Map((t.accounts.objects() as Row[]).map((a) => [a.account_id as string, a]));

  // The entropy counts every persona of the run, those an analyst added by signature or rule too; the share
  // columns are the named personas'.
  const personaNames = [...new Set([...PERSONAS, ...persona.map(String)])].sort();
  const rows: Row[] = [];
  for (const [account, idx] of [...groupIndices(Array.from(accountOf))].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const n = idx.length;
    const sum = (v: readonly number[]) => idx.reduce((s, i) => s + v[i], 0);
    const spend = sum(current);
    const commsTotal = sum(comms);
    const weighted = (v: readonly number[]) => (commsTotal > 0 ? idx.reduce((s, i) => s + v[i] * comms[i], 0) / commsTotal : 0);
    const shares = new Map(personaNames.map((p) => [p, idx.filter((i) => persona[i] === p).length / n]));
    const entropy = -[...shares.values()].reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(personaNames.length);
    const bySpend = idx.map((i) => current[i]).sort((a, b) => b - a);
    const top = bySpend.slice(0, Math.ceil(n / 5)).reduce((a, b) => a + b, 0);
    const members = new Map(idx.map((i) => [ids[i], community[i]]));
    const products = new Set(idx.flatMap((i) => [...(held.get(ids[i]) ?? [])]));
    const employees = info.get(account)?.employees;
    const reported = typeof employees === 'number' && Number.isFinite(employees) && employees > 0 ? employees : null;
    rows.push({
      account_id: account,
      lines: n,
      employees: reported,
      size: reported ?? n,
      spend_per_month: round(spend, 2),
      spend_per_line: round(spend / n, 4),
      ...Object.fromEntries(PERSONAS.map((p) => [shareColumn(p), round(shares.get(p)!, 4)])),
      persona_entropy: round(entropy, 4),
      spend_top_fifth_share: round(spend > 0 ? top / spend : 0, 4),
      communities: new Set(idx.map((i) => community[i])).size,
      modularity: round(modularity(tiesByAccount.get(account) ?? [], members), 4),
      internal_call_share: round(weighted(internal), 4),
      centralisation: round(centralisation(idx.map((i) => degree[i])), 4),
      international_share: round(weighted(intl), 4),
      roaming_days_per_line: round(sum(roaming) / n, 4),
      data_mb_per_line: round(sum(data) / n, 2),
      product_penetration: round(idx.filter((i) => (held.get(ids[i])?.size ?? 0) > 0).length / n, 4),
      product_breadth: round(products.size / catalogSize, 4),
      prepaid_share: round(idx.filter((i) => prepaid[i]).length / n, 4),
      potential_value: round(sum(potential), 2),
      product_margin_per_month: round(productMargin.get(account) ?? 0, 2),
      tariff_margin_change_per_month: round(tariffChange.get(account) ?? 0, 2),
    });
  }
  return aq.from(rows);
}
