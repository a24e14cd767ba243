/**
 * What a tariff change is worth, for the customer and for the operator, separately (docs/methods.md §7).
 *
 * A line is proposed the first tariff (config order) whose personas include its persona, when it is
 * postpaid and on another plan. Per month, from the window's usage scaled to 30 days:
 *   customer pays change = new fee − current fee − the out-of-plan charges the tariff absorbs
 *                          − the add-ons it holds that the tariff includes (it no longer pays for them)
 *   operator margin change = margin of the new fee − margin of the current fee − margin of the absorbed
 *                          charges − margin of the dropped add-ons
 * A line whose change is nil both ways is not proposed, nor a line without a plan fee (0: its price is not in the
 * data); an account's tariff row sums its lines.
 */
import type { Product } from './products';

export type ChargeKind = 'roaming' | 'international' | 'national';

export interface Tariff {
  name: string;
  monthly_fee: number;
  /** Share of the fee that is margin. */
  margin_rate: number;
  /** Personas whose lines the tariff suits. */
  personas: string[];
  /** Out-of-plan charges it includes: roaming, international (calls abroad from home), national (the rest). */
  absorbs: ChargeKind[];
  /** Add-ons it includes: a line on it is not offered them, and stops paying for them. */
  includes: string[];
}

export interface TariffLine {
  line_id: string;
  persona: string;
  plan_id: string;
  payment_type: string;
  monthly_fee: number;
  /** Charges in the window, and the window's length in days. */
  charges: number;
  roaming_charges: number;
  international_charges: number;
  observed_days: number;
}

export interface TariffChange {
  plan_id: string;
  customer_pays_change_per_month: number;
  operator_margin_change_per_month: number;
  /** Add-ons it includes that the line holds, and so drops. */
  dropped: string[];
}

export interface MarginRates {
  /** Margin rate of a line's current plan fee. */
  plan_margin_rate: number;
  /** Margin rate of out-of-plan charges. */
  charge_margin_rate: number;
}

/**
 * A postpaid line billed 0 a month has its price elsewhere (an account-level contract, or a feed without fees):
 * against a fee of 0 any tariff looks like pure new margin, so no tariff change is valued or proposed for it.
 */
export function unpriced(line: Pick<TariffLine, 'payment_type' | 'monthly_fee'>): boolean {
  return line.payment_type === 'postpaid' && !(line.monthly_fee > 0);
}

/** The tariff proposed to a line, if any, and what changes. */
export function tariffChange(line: TariffLine, held: ReadonlySet<string>, tariffs: Record<string, Tariff>, products: ReadonlyMap<string, Product>, rates: MarginRates): TariffChange | undefined {
  if (line.payment_type !== 'postpaid' || unpriced(line)) return undefined;
  const hit = Object.entries(tariffs).find(([, t]) => t.personas.includes(line.persona));
  if (!hit || hit[0] === line.plan_id) return undefined;
  const [planId, t] = hit;
  const perMonth = line.observed_days > 0 ? 30 / line.observed_days : 0;
  const national = Math.max(0, line.charges - line.roaming_charges - line.international_charges);
  const charge = { roaming: line.roaming_charges, international: line.international_charges, national } as const;
  const absorbed = t.absorbs.reduce((s, k) => s + charge[k], 0) * perMonth;
  const dropped = t.includes.filter((p) => held.has(p) && products.has(p));
  const addOns = dropped.reduce((s, p) => s + products.get(p)!.monthly_price, 0);
  const addOnMargin = dropped.reduce((s, p) => s + products.get(p)!.monthly_price * products.get(p)!.margin_rate, 0);
  const customer = t.monthly_fee - line.monthly_fee - absorbed - addOns;
  const operator = t.margin_rate * t.monthly_fee - rates.plan_margin_rate * line.monthly_fee - rates.charge_margin_rate * absorbed - addOnMargin;
  if (Math.abs(customer) < 0.005 && Math.abs(operator) < 0.005) return undefined;
  return { plan_id: planId, customer_pays_change_per_month: customer, operator_margin_change_per_month: operator, dropped };
}
