/**
 * Step 4, personas: clusters of lines found in the pilot's own data and named from their profiles, so
 * that personas follow the pilot rather than thresholds fitted to another one (docs/methods.md §4).
 *
 * 1. Features (`personas.features`): rates per active day, shares of the line's own calls (when it calls,
 *    whom), mobility, days abroad with colleagues on the line, as the dictionary scales them, z-scored
 *    over the pilot (src/features/matrix.ts).
 * 2. Clusters: for each k in [k_min, k_max], k-means (restarts from the seed) starts a Gaussian mixture
 *    with diagonal covariances (src/features/mixture.ts); the k with the highest mean silhouette
 *    (Rousseeuw 1987) wins. k_min is above the number of named personas: a cluster holding two personas
 *    cannot be split by naming, while two clusters of one persona are merged by it. Above `fit_sample`
 *    lines the mixture is fitted on a seeded sample and every line is then assigned by its posterior.
 * 3. Names: each cluster takes the persona whose signature (traits: features and the direction in which
 *    they mark the persona, `personas.signatures`) scores highest on the cluster's mean, in standard
 *    deviations of the pilot; below `min_signature`, `default_persona`. Clusters of one name merge. Only the
 *    signatures the pilot can show take part (`observableSignatures`: most of their weight on features that vary).
 * 4. Pinned rules (`personas.rules`: absolute thresholds an analyst sets) come first: a line that matches
 *    one takes its persona whatever its cluster.
 *
 * Each line gets its confidence (the posterior probability of the clusters that carry its persona; 1 under
 * a pinned rule) and its reason in words: the persona's traits with the line's own values and how they
 * compare with the pilot's other lines.
 */
import { aq } from '../util/arquero';
import { NO_CACHE, type Cache } from '../pipeline/cache';
import type { ColumnTable } from 'arquero';
import { featureMatrix } from '../features/matrix';
import { hardLabels, posteriors } from '../features/mixture';
import { chooseClusters } from './clusters';
import { describe } from '../features/describe';
import { allEqual, round, shareAbove, shareBelow, sortedNumbers } from '../util/stats';
import { firstMatch, ruleFeatures } from '../features/rules';
import type { PersonaRule } from './rules';

export interface Signature {
  description: string;
  /** Feature: weight; positive when a high value marks the persona, negative when a low one does. */
  traits: Record<string, number>;
}

export interface PersonaParams {
  /** Mart features the clusters are built on. */
  features: string[];
  k_min: number;
  k_max: number;
  restarts: number;
  max_iterations: number;
  /** Above this many lines the mixture is fitted on a seeded sample of them. */
  fit_sample: number;
  /** What marks each persona, by persona name. */
  signatures: Record<string, Signature>;
  /** A cluster whose best signature scores below this (standard deviations) is named default_persona. */
  min_signature: number;
  /** Pinned rules by name, tried in order before the clusters: absolute thresholds an analyst sets. */
  rules: Record<string, PersonaRule>;
  default_persona: string;
}

export interface PersonaResult {
  personas: ColumnTable;
  profiles: ColumnTable;
  kCurve: ColumnTable;
  /** Signatures left out because the pilot does not vary on enough of their traits, with those features. */
  unused: { persona: string; constant: string[] }[];
}

/**
 * Where a line's value stands among the pilot's (`sorted`), in the words of a trait that marks the persona by a
 * high value (`high`) or a low one. Only lines strictly beyond the value count, so a value many lines share
 * (no data at all) is not "less than almost every line"; the tenths are rounded down, never up.
 */
export function compareWords(sorted: ArrayLike<number>, v: number, high: boolean): string {
  if (allEqual(sorted)) return 'like every line of the pilot';
  const below = shareBelow(sorted, v);
  const above = shareAbove(sorted, v);
  const words = (share: number, more: boolean) => {
    if (share < 0.6) return undefined;
    const than = share >= 0.95 ? 'almost every line' : `${Math.floor(share * 10)} in 10 lines`;
    return `${more ? 'more' : 'less'} than ${than} of the pilot`;
  };
  // The persona's own direction first; a line against its persona's trait is told so rather than "the middle".
  return (high ? words(below, true) ?? words(above, false) : words(above, false) ?? words(below, true)) ?? 'about the pilot\'s middle';
}

/**
 * The signatures the pilot can show. A trait on a feature that does not vary over the pilot's lines (no data
 * sessions anywhere, no roaming) tells no line from another, so a signature is used only while its traits
 * on features that vary carry more than half its weight: without data usage, "heavy data, little voice"
 * would otherwise name any low-voice cluster. The others are returned with the features that left them out.
 */
export function observableSignatures(signatures: Record<string, Signature>, varies: (feature: string) => boolean): { usable: Record<string, Signature>; unused: { persona: string; constant: string[] }[] } {
  const usable: Record<string, Signature> = {};
  const unused: { persona: string; constant: string[] }[] = [];
  for (const [persona, sig] of Object.entries(signatures)) {
    const traits = Object.entries(sig.traits);
    const weight = traits.reduce((s, [, w]) => s + Math.abs(w), 0);
    const shown = traits.filter(([f]) => varies(f)).reduce((s, [, w]) => s + Math.abs(w), 0);
    // A signature without traits scores -Infinity (signatureScores) and never names anything: nothing to leave out.
    if (!weight || shown > weight / 2) usable[persona] = sig;
    else unused.push({ persona, constant: traits.filter(([f]) => !varies(f)).map(([f]) => f) });
  }
  return { usable, unused };
}

/** Scores each signature on a point of the z-scored feature space. */
export function signatureScores(point: readonly number[], features: readonly string[], signatures: Record<string, Signature>): [string, number][] {
  return Object.entries(signatures).map(([persona, sig]) => {
    const traits = Object.entries(sig.traits).filter(([f]) => features.includes(f));
    const weight = traits.reduce((s, [, w]) => s + Math.abs(w), 0);
    return [persona, weight ? traits.reduce((s, [f, w]) => s + w * point[features.indexOf(f)], 0) / weight : -Infinity];
  });
}

/**
 * Names the lines' personas. The clustering (k-means starts, mixtures, the silhouette over k) depends only on
 * the feature matrix, the clustering settings and the seed: with a `cache` it is fitted once and reused while
 * those stay the same, so tuning signatures, rules or the default persona re-runs in milliseconds.
 */
export async function assignPersonas(mart: ColumnTable, cfg: PersonaParams, seed: number, cache: Cache = NO_CACHE, options: { workers?: number } = {}): Promise<PersonaResult> {
  const n = mart.numRows();
  const ids = mart.array('line_id') as string[];
  const accounts = mart.array('account_id') as string[];
  const empty = { personas: aq.table({ line_id: [], account_id: [], persona: [], segment: [], cluster: [], confidence: [], reason: [] }), profiles: aq.from([]), kCurve: aq.from([]), unused: [] };
  if (!n) return empty;
  const { matrix } = featureMatrix(mart, cfg.features);
  const settings = { k_min: cfg.k_min, k_max: cfg.k_max, restarts: cfg.restarts, max_iterations: cfg.max_iterations, fit_sample: cfg.fit_sample };
  const key = ['persona-mixture', 1, Float64Array.from(matrix.flat()), matrix.length, settings, seed];
  const { model, curve } = await cache.jsonAsync(key, () => chooseClusters(matrix, settings, seed, options.workers));
  const post = posteriors(model, matrix);
  const clusters = hardLabels(post);

  // Name each cluster from its mean (in the pilot's standard deviations), by the signatures this pilot can show.
  const sorted = new Map(cfg.features.map((f) => [f, sortedNumbers(mart.array(f) as ArrayLike<number>)]));
  const varies = (f: string) => {
    const values = sorted.get(f);
    return values !== undefined && !allEqual(values);
  };
  const { usable, unused } = observableSignatures(cfg.signatures, varies);
  const names = model.means.map((mu) => {
    const scores = signatureScores(mu, cfg.features, usable).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return scores[0] && scores[0][1] >= cfg.min_signature ? scores[0] : ([cfg.default_persona, scores[0]?.[1] ?? 0] as [string, number]);
  });

  // Only the columns the pinned rules and the reasons read (as objects, every feature of 181k lines cost 0.5-1 s).
  const read = new Set([...ruleFeatures(Object.values(cfg.rules)), ...cfg.features]);
  const rows = mart.select(mart.columnNames().filter((c) => read.has(c))).objects() as Record<string, unknown>[];
  const traitsOf = (persona: string) => Object.entries(cfg.signatures[persona]?.traits ?? {}).filter(([f]) => sorted.has(f)).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const personas: string[] = [];
  const confidence: number[] = [];
  const reasons: string[] = [];
  rows.forEach((row, i) => {
    const pinned = firstMatch(row, cfg.rules);
    if (pinned) {
      personas.push(pinned[1].persona);
      confidence.push(1);
      reasons.push(`pinned rule ${pinned[0]}: ${pinned[1].description}`);
      return;
    }
    const persona = names[clusters[i] - 1][0];
    personas.push(persona);
    confidence.push(round(names.reduce((s, [name], c) => s + (name === persona ? post[i][c] : 0), 0), 4));
    const traits = traitsOf(persona).slice(0, 2).map(([f, w]) => {
      const v = Number(row[f]);
      return `${describe(f, v)}, ${compareWords(sorted.get(f)!, v, w > 0)}`;
    });
    reasons.push(traits.length ? `${cfg.signatures[persona]?.description ?? persona}: ${traits.join('; ')}` : `no persona stands out in its cluster`);
  });

  const profiles = model.means.map((_, c) => {
    const members = clusters.map((x, i) => (x === c + 1 ? i : -1)).filter((i) => i >= 0);
    return {
      cluster: c + 1, lines: members.length, persona: names[c][0], signature_score: round(names[c][1], 4),
      ...Object.fromEntries(cfg.features.map((f) => {
        const values = mart.array(f) as ArrayLike<number>;
        return [f, round(members.length ? members.reduce((s, i) => s + Number(values[i]), 0) / members.length : 0, 4)];
      })),
    };
  }).filter((p) => p.lines > 0);
  return {
    personas: aq.table({ line_id: ids, account_id: accounts, persona: personas, segment: personas, cluster: clusters, confidence, reason: reasons }),
    profiles: aq.from(profiles),
    kCurve: aq.from(curve),
    unused,
  };
}
