import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { clusterLines } from '../../src/features/kmeans';
import { featureMatrix } from '../../src/features/matrix';
import { persona } from '../../src/personas/rules';
import { resolveConfig } from '../../src/config';
import { createRng, normal } from '../../src/util/rng';

describe('k-means', () => {
  const rng = createRng(1);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const points = centres.flatMap((c, k) => Array.from({ length: 30 + k * 10 }, () => [normal(rng, c[0], 0.5), normal(rng, c[1], 0.5)]));
  it('recovers well separated groups, numbered by size', () => {
    const { clusters } = clusterLines(points, { k: 3, restarts: 5, maxIterations: 100, seed: 42 });
    // The largest group (the third centre, 50 points) is cluster 1.
    expect(new Set(clusters.slice(70))).toEqual(new Set([1]));
    expect(new Set(clusters.slice(0, 30)).size).toBe(1);
  });
  it('gives the same clusters for the same seed', () => {
    const a = clusterLines(points, { k: 3, restarts: 3, maxIterations: 100, seed: 7 });
    const b = clusterLines(points, { k: 3, restarts: 3, maxIterations: 100, seed: 7 });
    expect(a).toEqual(b);
  });
});

describe('features and personas', () => {
  it('standardises columns and logs long tails', () => {
    // roaming_days is long-tailed in the dictionary (scale: log); the others are not.
    const t = aq.table({ a: [1, 2, 3], b: [0, 0, 0], roaming_days: [0, 9, 99] });
    const { matrix } = featureMatrix(t, ['a', 'b', 'roaming_days']);
    expect(matrix.map((r) => r[0])).toEqual([-1, 0, 1]);
    expect(matrix.every((r) => r[1] === 0)).toBe(true);
    expect(matrix[1][2]).toBeCloseTo((Math.log(10) - (Math.log(1) + Math.log(10) + Math.log(100)) / 3) / Math.log(10), 6);
  });
  it('names a line by the first rule that matches', () => {
    const { rules, default_persona } = resolveConfig({}).personas;
    expect(persona({ international_share: 0.5, roaming_days: 9 }, rules, default_persona)).toBe('international');
    expect(persona({ international_share: 0.1, roaming_days: 9 }, rules, default_persona)).toBe('executive');
    expect(persona({ international_share: 0, roaming_days: 0, voice_out_count: 100, internal_share: 0.1 }, rules, default_persona)).toBe('mixed');
  });
});
