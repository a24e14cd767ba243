/**
 * A mart feature's value in words, from the feature dictionary's phrase: "roams abroad on 6 days",
 * "has 46% of calls and SMS with other countries". Personas and offers explain themselves with it.
 */
import { feature } from '../mart/dictionary';
import { round } from '../util/stats';

function formatValue(name: string, v: number): string {
  const unit = feature(name)?.unit;
  if (unit === 'share') return `${Math.round(v * 100)}%`;
  return v >= 100 ? String(Math.round(v)) : String(round(v, 1));
}

/**
 * "roams abroad on 6 days" from the dictionary's phrase, or "<feature> is <v>". A value of 1 takes the singular of
 * the lower-case plural after it ("makes 1 call a day"; "exchanges 1 SMS" keeps its unit).
 */
export function describe(name: string, v: number): string {
  const phrase = feature(name)?.phrase;
  const value = formatValue(name, v);
  if (!phrase) return `${name.replace(/_/g, ' ')} is ${value}`;
  return (value === '1' ? phrase.replace(/\{v\} ([a-z]+)s\b/, '{v} $1') : phrase).replace('{v}', value);
}
