/**
 * Seeded pseudo-random numbers. Every random choice in the workspace draws from
 * one of these so that the same seed gives the same bytes.
 * mulberry32: tiny, fast and good enough for simulation and initialisation.
 */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One part into an FNV-1a hash: its characters, then a separator. */
function mixPart(h: number, part: string | number): number {
  const s = String(part);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= 0x2f;
  return Math.imul(h, 16777619);
}

/** The FNV-1a state after the seed and the parts. */
function hashParts(seed: number, parts: readonly (string | number)[]): number {
  let h = 2166136261 ^ (seed >>> 0);
  for (const part of parts) h = mixPart(h, part);
  return h;
}

/** Derives an independent seed for a named sub-stream (account, line, restart). */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  return hashParts(seed, parts) >>> 0;
}

/**
 * `deriveSeed(seed, ...parts, last)` as a function of `last`, the parts hashed once: a seed per row of a large
 * table.
 */
export function deriveSeeds(seed: number, ...parts: (string | number)[]): (last: string | number) => number {
  const h = hashParts(seed, parts);
  return (last) => mixPart(h, last) >>> 0;
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function weighted<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let total = 0;
  for (const w of weights) total += w;
  let r = rng() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}

export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(normal(rng, 0, sigma));
}

/** Knuth for small means, normal approximation above 30 (only counts per day are drawn). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(normal(rng, mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
