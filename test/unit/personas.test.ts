import { describe, expect, it } from 'vitest';
import { aq } from '../../src/util/arquero';
import { kmeans } from 'ml-kmeans';
import { clusterLines, kmeansPlusPlus } from '../../src/features/kmeans';
import { featureMatrix } from '../../src/features/matrix';
import { persona } from '../../src/personas/rules';
import { assignPersonas, compareWords, observableSignatures, signatureScores } from '../../src/personas/personas';
import { fitMixture, hardLabels, posteriors } from '../../src/features/mixture';
import { silhouette } from '../../src/features/silhouette';
import { adjustedRand } from '../../src/quality/metrics';
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
  it('starts from the centres ml-kmeans\'s own k-means++ draws, so it ends in its clustering', () => {
    // Overlapping groups in 6 dimensions, so the draws and the local trials matter.
    const wide = Array.from({ length: 700 }, (_, i) => Array.from({ length: 6 }, (__, j) => normal(rng, (i % 7) * (j % 3), 1.5)));
    for (const k of [2, 5, 8, 12]) {
      for (const seed of [1, 7, 1234]) {
        const theirs = kmeans(wide, k, { seed, initialization: 'kmeans++', maxIterations: 100 });
        const ours = kmeans(wide, k, { initialization: kmeansPlusPlus(wide, k, seed), maxIterations: 100 });
        expect(ours.clusters).toEqual(theirs.clusters);
        expect(ours.centroids).toEqual(theirs.centroids);
        expect(ours.iterations).toBe(theirs.iterations);
      }
    }
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
  it('names a line by the first pinned rule that matches', () => {
    const rules = {
      international: { persona: 'international', description: 'calls abroad', when: { international_share: ['>=', 0.3] as ['>=', number] } },
      traveller: { persona: 'executive', description: 'travels', when: { roaming_days: ['>=', 3] as ['>=', number] } },
    };
    expect(persona({ international_share: 0.5, roaming_days: 9 }, rules, 'mixed')).toBe('international');
    expect(persona({ international_share: 0.1, roaming_days: 9 }, rules, 'mixed')).toBe('executive');
    expect(persona({ international_share: 0, roaming_days: 0 }, rules, 'mixed')).toBe('mixed');
  });
  it('scores signatures on a point of the standardised space', () => {
    const { signatures } = resolveConfig({}).personas;
    const features = ['roaming_days_with_colleagues', 'roaming_day_share', 'voice_out_per_active_day', 'active_day_share', 'data_mb_per_active_day'];
    const best = (point: number[]) => signatureScores(point, features, signatures).sort((a, b) => b[1] - a[1])[0][0];
    expect(best([2, 2, 0, 0, 0])).toBe('executive');
    expect(best([0, 0, -2, -2, -1])).toBe('light_user');
  });
  it('leaves out a signature whose traits mostly do not vary over the pilot', () => {
    const { signatures } = resolveConfig({}).personas;
    const noData = (f: string) => f !== 'data_mb_per_active_day';
    const { usable, unused } = observableSignatures(signatures, noData);
    // "heavy data, little voice" keeps only its voice trait: half its weight, so it is left out.
    expect(unused).toEqual([{ persona: 'data_user', constant: ['data_mb_per_active_day'] }]);
    // "barely uses the line" keeps voice and active days, 2 of its 2.5.
    expect(Object.keys(usable)).toContain('light_user');
  });
  it('names no data user on a pilot without data usage, and says so of no line', async () => {
    const { personas: cfg } = resolveConfig({});
    const rng = createRng(5);
    const n = 240;
    // Three groups: quiet lines (the low voice that alone used to make a "data user"), office callers, travellers.
    const group = (i: number) => i % 3;
    const columns: Record<string, number[]> = Object.fromEntries(cfg.features.map((f) => [f, Array.from({ length: n }, () => Math.abs(normal(rng, 1, 0.3)))]));
    columns.data_mb_per_active_day = Array(n).fill(0);
    columns.voice_out_per_active_day = columns.voice_out_per_active_day.map((v, i) => (group(i) === 0 ? v * 0.05 : v * 10));
    columns.own_internal_share = columns.own_internal_share.map((v, i) => (group(i) === 1 ? 0.9 : 0.1 * v));
    columns.roaming_day_share = columns.roaming_day_share.map((v, i) => (group(i) === 2 ? 0.5 * v : 0));
    const mart = aq.table({ line_id: Array.from({ length: n }, (_, i) => `L${i}`), account_id: Array(n).fill('A1'), ...columns });
    const { personas, unused } = await assignPersonas(mart, { ...cfg, k_min: 3, k_max: 4 }, 7);
    expect(unused.map((u) => u.persona)).toEqual(['data_user']);
    expect(personas.array('persona')).not.toContain('data_user');
    // A trait every line shares is not a ranking.
    const reasons = (personas.array('reason') as string[]).filter((r) => r.includes('MB of data'));
    for (const r of reasons) expect(r).toMatch(/uses 0 MB of data a day, like every line of the pilot/);
  });
});

describe('where a line stands among the pilot\'s', () => {
  const tenLines = Float64Array.from({ length: 10 }, (_, i) => i);
  it('counts only the lines strictly beyond it, rounding down', () => {
    expect(compareWords(tenLines, 9, true)).toBe('more than 9 in 10 lines of the pilot');
    expect(compareWords(Float64Array.from({ length: 20 }, (_, i) => i), 19, true)).toBe('more than almost every line of the pilot');
    expect(compareWords(tenLines, 3, false)).toBe('less than 6 in 10 lines of the pilot');
    expect(compareWords(tenLines, 5, true)).toBe('about the pilot\'s middle');
  });
  it('does not call a value many lines share "less than almost every line"', () => {
    // Four in five lines have none: a line with none is below only one line in five.
    expect(compareWords(Float64Array.from([0, 0, 0, 0, 5]), 0, false)).toBe('about the pilot\'s middle');
    expect(compareWords(Float64Array.from([0, 0, 0, 0]), 0, false)).toBe('like every line of the pilot');
  });
  it('tells a line that goes against its persona\'s trait so', () => {
    expect(compareWords(tenLines, 0, true)).toBe('less than 9 in 10 lines of the pilot');
  });
});

describe('Gaussian mixture', () => {
  const rng = createRng(5);
  // A tight group and a wide one, side by side: k-means draws the border in the middle, the mixture where the densities cross.
  const tight = Array.from({ length: 200 }, () => [normal(rng, 0, 0.2), normal(rng, 0, 0.2)]);
  const wide = Array.from({ length: 200 }, () => [normal(rng, 2, 1.5), normal(rng, 0, 1.5)]);
  const points = [...tight, ...wide];
  it('recovers groups of different spread better than k-means', () => {
    const start = clusterLines(points, { k: 2, restarts: 5, maxIterations: 100, seed: 1 });
    const mixture = hardLabels(posteriors(fitMixture(points, start.clusters), points));
    const truth = points.map((_, i) => (i < 200 ? 'a' : 'b'));
    expect(adjustedRand(truth, mixture.map(String))).toBeGreaterThan(adjustedRand(truth, start.clusters.map(String)));
    expect(adjustedRand(truth, mixture.map(String))).toBeGreaterThan(0.7);
  });
  it('gives posteriors that sum to one and is deterministic', () => {
    const start = clusterLines(points, { k: 2, restarts: 2, maxIterations: 100, seed: 3 });
    const a = fitMixture(points, start.clusters);
    expect(fitMixture(points, start.clusters)).toEqual(a);
    for (const p of posteriors(a, points.slice(0, 20))) expect(p.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });
});

describe('silhouette', () => {
  it('is high for separated groups and near zero for one group split at random', () => {
    const rng = createRng(8);
    const apart = [...Array.from({ length: 50 }, () => [normal(rng, 0, 0.3)]), ...Array.from({ length: 50 }, () => [normal(rng, 10, 0.3)])];
    expect(silhouette(apart, apart.map((_, i) => (i < 50 ? 1 : 2)))).toBeGreaterThan(0.9);
    const blob = Array.from({ length: 100 }, () => [normal(rng, 0, 1)]);
    expect(Math.abs(silhouette(blob, blob.map(() => (rng() < 0.5 ? 1 : 2))))).toBeLessThan(0.1);
  });
});
