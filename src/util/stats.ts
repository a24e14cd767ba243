/** Small descriptive statistics used across steps (linear interpolation, like numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}

export function sd(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return values.length > 1 ? Math.sqrt(s / (values.length - 1)) : 0;
}

/** The logistic function, stable for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** How many sorted values lie below v, or with `orEqual` at or below it (binary search). */
function countBelow(sorted: ArrayLike<number>, v: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v || (orEqual && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Share of the sorted values below v: a line's place among the pilot's lines. */
export function shareBelow(sorted: ArrayLike<number>, v: number): number {
  return sorted.length ? countBelow(sorted, v, false) / sorted.length : 0;
}

/** Share of the sorted values above v: with shareBelow, where a line stands when many lines tie with it. */
export function shareAbove(sorted: ArrayLike<number>, v: number): number {
  return sorted.length ? (sorted.length - countBelow(sorted, v, true)) / sorted.length : 0;
}

/** Whether sorted values are all one value (or none): a feature that tells no line from another. */
export function allEqual(sorted: ArrayLike<number>): boolean {
  return !sorted.length || sorted[0] === sorted[sorted.length - 1];
}

/** A column's values as numbers, ascending: a typed array sorts natively (a comparator sort of 181k values took 60 ms). */
export function sortedNumbers(values: ArrayLike<unknown>): Float64Array {
  return Float64Array.from(values, Number).sort();
}

/** Rounds for output so tables are stable to the byte and readable. */
export function round(value: number, digits = 6): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Groups items by a key, keys in first-seen order, items in their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Groups row indices by a key, keys in first-seen order. */
export function groupIndices(keys: readonly string[]): Map<string, number[]> {
  return groupBy(keys.map((_, i) => i), (i) => keys[i]);
}
