import { describe, expect, it } from 'vitest';
import { groupBy, groupIndices, quantile, round, shareBelow, sortedNumbers } from '../../src/util/stats';
import { createRng, deriveSeed, deriveSeeds } from '../../src/util/rng';
import { activityBands, spendTiers } from '../../src/value/value';

describe('stats and rng', () => {
  it('interpolates quantiles like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5, 1, 3], 0.9)).toBeCloseTo(4.6);
  });
  it('groups items and row indices by key, keys in first-seen order', () => {
    const groups = groupBy(['b1', 'a1', 'b2'], (s) => s[0]);
    expect([...groups]).toEqual([['b', ['b1', 'b2']], ['a', ['a1']]]);
    expect([...groupIndices(['b', 'a', 'b'])]).toEqual([['b', [0, 2]], ['a', [1]]]);
  });
  it('rounds without negative zero', () => {
    expect(Object.is(round(-1e-12), 0)).toBe(true);
  });
  it('repeats a seeded stream and separates derived seeds', () => {
    const a = createRng(5);
    const b = createRng(5);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(deriveSeed(1, 'x')).not.toBe(deriveSeed(1, 'y'));
  });
  it('places a value among sorted values: the share strictly below it', () => {
    const sorted = sortedNumbers([3, 1, 2, 2, 10]);
    expect(Array.from(sorted)).toEqual([1, 2, 2, 3, 10]);
    expect([shareBelow(sorted, 2), shareBelow(sorted, 2.5), shareBelow(sorted, 0), shareBelow(sorted, 11)]).toEqual([0.2, 0.6, 0, 1]);
    expect(shareBelow(new Float64Array(0), 1)).toBe(0);
  });
  it('derives a seed per row as deriveSeed does, the leading parts hashed once', () => {
    const perRow = deriveSeeds(7, 'offers', 'sample');
    for (const row of [0, 1, 99, 123456, 'L0042']) expect(perRow(row)).toBe(deriveSeed(7, 'offers', 'sample', row));
    // Against the FNV-1a hash written out: offset basis xor seed, each character then a 0x2f separator, times the prime.
    let h = 2166136261 ^ 3;
    for (const c of 'ab') h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    h = Math.imul(h ^ 0x2f, 16777619);
    expect(deriveSeed(3, 'ab')).toBe(h >>> 0);
    expect(deriveSeed(3)).toBe((2166136261 ^ 3) >>> 0);
  });
});

describe('value tiers and bands', () => {
  it('puts the few lines that carry half the spend in tier A', () => {
    // 50 + 30 = 80% of 100: the first line alone reaches 50%.
    expect(spendTiers([50, 30, 10, 5, 5], 0.5, 0.8)).toEqual(['A', 'B', 'C', 'C', 'C']);
    expect(spendTiers([10, 10, 10, 10], 0.5, 0.8)).toEqual(['A', 'A', 'B', 'B']);
  });
  it('bands activity by rank', () => {
    expect(activityBands([5, 1, 3, 100], 2)).toEqual([2, 1, 1, 2]);
  });
});
