/**
 * What the generator plants per account beyond its lines: an archetype of needs (which kinds of
 * staff it employs, so its persona mix), a size class and a value level. The accounts step must
 * find these from the data (needs segments, size bands, spend); it must never import them.
 */
import { PERSONAS, type Persona } from './personas';
import type { MEDIA } from '../io/contract';

export interface Archetype {
  name: string;
  /** What the account needs, in a few words (docs/scenarios.md). */
  needs: string;
  /** Persona weights, in the order of PERSONAS. */
  mix: number[];
  /** Share of prepaid lines the archetype pulls its lines' prepaid chance towards (if above the persona's). */
  prepaid?: number;
  /** How the account prefers to be reached: weights of the outbound media. */
  media: Partial<Record<Medium, number>>;
}

export type Medium = (typeof MEDIA)[number];

/**
 * The archetypes of needs, in the order of the `archetypeMix` knob. Each mix puts most weight on
 * the personas that carry the need, and leaves the others present: real companies are mixed.
 */
export const ARCHETYPES: Archetype[] = [
  {
    name: 'globally_connected', needs: 'executives and international callers, abroad and calling abroad',
    mix: [3, 4, 1, 1.5, 0.5, 0.5, 0.3], media: { sales_rep: 3, email: 2, telemarketing: 1, web: 1 },
  },
  {
    name: 'field_force', needs: 'road warriors: many cells, many clients, calls on the move',
    mix: [0.7, 0.3, 6, 1.5, 0.5, 1, 1], media: { telemarketing: 3, sms: 2, sales_rep: 1, app: 1 },
  },
  {
    name: 'office_centric', needs: 'office and strict business staff: calls among colleagues in office hours',
    mix: [0.7, 0.3, 0.5, 5, 4, 0.5, 0.7], media: { email: 3, direct_mail: 2, telemarketing: 1 },
  },
  {
    name: 'digital', needs: 'data users: tablets, routers, heavy data',
    mix: [0.7, 0.5, 0.5, 1.5, 0.5, 6, 0.5], media: { email: 2, web: 3, app: 2 },
  },
  {
    name: 'light_prepaid', needs: 'light users and prepaid lines: little use, low spend',
    mix: [0.2, 0.2, 0.5, 1.5, 0.5, 1, 6], prepaid: 0.7, media: { sms: 3, direct_mail: 2, app: 1 },
  },
];

export const ARCHETYPE_NAMES = ARCHETYPES.map((a) => a.name);

/** The persona mix of an account: its industry's, with `weight` of its archetype's on top (both as shares). */
export function accountMix(industry: readonly number[], archetype: Archetype, weight: number): number[] {
  if (weight <= 0) return [...industry];
  const share = (w: readonly number[]) => {
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / s);
  };
  const a = share(industry);
  const b = share(archetype.mix);
  return a.map((v, i) => (1 - weight) * v + weight * b[i]);
}

/**
 * The archetype whose persona mix makes the account's planted personas most likely (multinomial
 * likelihood): how an account whose mix its industry alone drew is labelled.
 */
export function likeliestArchetype(personas: readonly Persona[]): Archetype {
  const counts = PERSONAS.map((p) => personas.filter((q) => q === p).length);
  let best = ARCHETYPES[0];
  let bestLog = -Infinity;
  for (const a of ARCHETYPES) {
    const total = a.mix.reduce((s, w) => s + w, 0);
    const log = counts.reduce((s, n, i) => s + n * Math.log(a.mix[i] / total), 0);
    if (log > bestLog) {
      bestLog = log;
      best = a;
    }
  }
  return best;
}

export const SIZE_CLASSES = ['small', 'mid', 'large'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

/** By reported employees: small under 10 (a micro enterprise), large from 250 (the EU's SME bounds). */
export function sizeClass(employees: number): SizeClass {
  return employees < 10 ? 'small' : employees < 250 ? 'mid' : 'large';
}

export const VALUE_LEVELS = ['low', 'mid', 'high'] as const;
export type ValueLevel = (typeof VALUE_LEVELS)[number];

/**
 * Monthly spend per line (plan fee and the prices of the products held at the end of the window) that
 * bounds the value levels: the default pilot's tertiles (seeds 1-6).
 */
export const VALUE_BOUNDS = [47, 54] as const;

export function valueLevel(spendPerLine: number): ValueLevel {
  return spendPerLine < VALUE_BOUNDS[0] ? 'low' : spendPerLine < VALUE_BOUNDS[1] ? 'mid' : 'high';
}

/** With `valueSpread` s, an account's price level multiplies its lines' plan fees: a volume discount, list prices, premium options. */
export function feeFactor(level: ValueLevel, spread: number): number {
  return level === 'low' ? 1 - spread : level === 'high' ? 1 + spread : 1;
}
