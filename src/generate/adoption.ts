/**
 * The planted adoption model: for a product a line does not hold at the end of the
 * window, the probability that it adopts the product in the 90 days after it.
 *
 * A logistic model over what the line did in the window, as a real base behaves:
 * business behaviour drives business products and private behaviour personal ones
 * (roaming on business trips with colleague calls sells roaming packs, holidays
 * abroad sell travel passes; international calls to business contacts sell
 * international minutes, calls to family abroad barely do); heavy use sells more
 * of the same; colleagues who hold a product lift adoption (network neighbours of
 * adopters adopt at 3-5 times the rate of others: Hill, Provost & Volinsky,
 * "Network-based marketing", Statistical Science 21(2), 2006), and so does the
 * account's own uptake; held products complement or substitute others.
 *
 * The analytics must learn this from usage records and reference data; they must
 * never import it. docs/scenarios.md gives its shape.
 */
import { sigmoid } from '../util/stats';

/** What the generator knows about a line at the end of the window. */
export interface AdoptionInputs {
  /** Days with at least one record of the line's own. */
  activeDays: number;
  /** Voice calls made. */
  voiceOut: number;
  /** Calls and SMS made, and of them to colleagues. */
  made: number;
  internal: number;
  /** Calls made to business contacts abroad, and to family or friends abroad. */
  intlBusiness: number;
  intlPrivate: number;
  /** Own calls and SMS (both directions), and of them in the evening, at night or at weekends, and at weekends. */
  calls: number;
  privateTime: number;
  weekend: number;
  dataKb: number;
  /** Days with records abroad on a business trip, and on holiday. */
  businessAbroadDays: number;
  holidayAbroadDays: number;
  cells: number;
  handset: 'low' | 'mid' | 'high';
  device: string;
  prepaid: boolean;
  monthlyFee: number;
  lineAgeYears: number;
  /** Activated during the window: a new line takes its bundle in its first months. */
  newLine: boolean;
  holds: ReadonlySet<string>;
  /** Per product: share of the line's call and SMS weight with colleagues (both directions) that goes to holders. */
  neighbourShare: Record<string, number>;
  /** Per product: share of the account's other lines holding it. */
  accountShare: Record<string, number>;
}

/** Intercepts: with the default pilot's lines they give 90-day adoption rates of a few % to ~15% per product. */
export const ADOPTION_INTERCEPTS: Record<string, number> = {
  ROAM_PACK: -3.75,
  INTL_PACK: -4.65,
  DATA_XL: -3.45,
  FLEET_VPN: -3.75,
  DEVICE_UPGRADE: -3.05,
  MOBILE_SECURITY: -4.05,
  PERSONAL_LINE: -4.05,
  FAMILY_BUNDLE: -4.75,
  HOME_FIBER: -4.75,
  TRAVEL_PASS: -4.55,
};

/** Products sold to the employer: a prepaid line's employer rarely buys them, a rich plan's does. */
const BUSINESS = new Set(['ROAM_PACK', 'INTL_PACK', 'DATA_XL', 'FLEET_VPN', 'DEVICE_UPGRADE', 'MOBILE_SECURITY']);

/**
 * Log odds added at a neighbour share of 1; the effect grows with the square root of the share,
 * so the first calls with a holder count most (word of mouth needs a tie, not a majority).
 */
export const NEIGHBOUR_EFFECT = 2.2;
/** Coefficient of the share of the account's lines that hold it. */
export const ACCOUNT_EFFECT = 1.2;

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const ln = (x: number) => Math.log(Math.max(x, 1e-6));

/** What the model reads from a line's counts; the same for every product, so computed once per line. */
export interface AdoptionFeatures {
  data: number;
  voice: number;
  internal: number;
  privateTime: number;
  weekend: number;
  intlBusinessWeek: number;
  intlPrivateWeek: number;
  biz: number;
  holiday: number;
}

export function adoptionFeatures(x: AdoptionInputs): AdoptionFeatures {
  const days = Math.max(1, x.activeDays);
  const dataMbPerDay = x.dataKb / 1024 / days;
  return {
    data: clip(ln(dataMbPerDay / 50), -3, 2.5),
    voice: clip(ln((x.voiceOut / days + 0.2) / 6), -3, 2),
    internal: x.made > 0 ? x.internal / x.made : 0,
    privateTime: x.calls > 0 ? x.privateTime / x.calls : 0,
    weekend: x.calls > 0 ? x.weekend / x.calls : 0,
    intlBusinessWeek: (7 * x.intlBusiness) / days,
    intlPrivateWeek: (7 * x.intlPrivate) / days,
    biz: Math.min(x.businessAbroadDays, 10),
    holiday: Math.min(x.holidayAbroadDays, 10),
  };
}

const HANDSET = { low: 0.5, mid: 0.3, high: -0.9 } as const;
const has = (x: AdoptionInputs, id: string) => (x.holds.has(id) ? 1 : 0);

/**
 * The log odds of adopting `product`, given `x`, with the scenario's adoption odds multiplier; `f` may be
 * given when `x`'s counts are unchanged since it was computed (the holdings' history, many periods a line).
 */
export function adoptionLogit(product: string, x: AdoptionInputs, adoptionRate = 1, f: AdoptionFeatures = adoptionFeatures(x)): number {
  const { data, voice, internal, privateTime, weekend, intlBusinessWeek, intlPrivateWeek, biz, holiday } = f;
  let z = ADOPTION_INTERCEPTS[product] ?? -4;
  switch (product) {
    case 'ROAM_PACK': z += 0.4 * biz + 0.04 * holiday - 1.3 * has(x, 'TRAVEL_PASS'); break;
    case 'TRAVEL_PASS': z += 0.45 * holiday + 0.08 * biz - 1.3 * has(x, 'ROAM_PACK') + 0.5 * has(x, 'FAMILY_BUNDLE'); break;
    case 'INTL_PACK': z += 0.75 * Math.log1p(intlBusinessWeek) + 0.15 * Math.log1p(intlPrivateWeek); break;
    case 'DATA_XL': z += 0.8 * data + (x.device === 'tablet' || x.device === 'router' ? 0.6 : 0); break;
    case 'FLEET_VPN': z += 3 * (internal - 0.3); break;
    case 'DEVICE_UPGRADE':
      z += HANDSET[x.handset] + 0.4 * voice + 0.3 * clip(ln(x.cells / 5), -1, 2.5)
        + (x.lineAgeYears >= 3 ? 0.3 : 0) - (x.device === 'feature' ? 1 : 0);
      break;
    case 'MOBILE_SECURITY': z += 0.35 * data + 0.12 * biz + 0.6 * has(x, 'DEVICE_UPGRADE'); break;
    case 'PERSONAL_LINE': z += 3 * (privateTime - 0.25) + 0.5 * Math.log1p(intlPrivateWeek) + 0.08 * holiday; break;
    case 'FAMILY_BUNDLE': z += 1.2 * has(x, 'PERSONAL_LINE') + 2.5 * (weekend - 0.15) + 0.06 * holiday; break;
    case 'HOME_FIBER': z += 0.5 * data + 2 * (privateTime - 0.25) + 0.8 * has(x, 'PERSONAL_LINE'); break;
  }
  if (BUSINESS.has(product)) z += x.prepaid ? -0.9 : 0.3 * clip(ln(x.monthlyFee / 25), -1, 1);
  if (x.newLine) z += 0.4;
  z += NEIGHBOUR_EFFECT * Math.sqrt(x.neighbourShare[product] ?? 0) + ACCOUNT_EFFECT * (x.accountShare[product] ?? 0);
  return z + Math.log(adoptionRate);
}

export function adoptionProbability(product: string, x: AdoptionInputs, adoptionRate = 1): number {
  return sigmoid(adoptionLogit(product, x, adoptionRate));
}
