/**
 * Step 4, personas: a named persona per line from the analyst's rules and a model cluster from k-means
 * on standardised behaviour, plus a profile per cluster so each cluster can be read and named.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { featureMatrix } from '../features/matrix';
import { clusterLines } from '../features/kmeans';
import { persona, type PersonaRule } from './rules';
import { round } from '../util/stats';

export interface PersonaParams {
  k: number;
  restarts: number;
  max_iterations: number;
  /** Mart features the clusters are built on. */
  features: string[];
  /** Ordered rules by name; the first that matches names the line. */
  rules: Record<string, PersonaRule>;
  default_persona: string;
}

export interface PersonaResult {
  personas: ColumnTable;
  profiles: ColumnTable;
}

export function assignPersonas(mart: ColumnTable, cfg: PersonaParams, seed: number): PersonaResult {
  const rows = mart.objects() as Record<string, unknown>[];
  const names = rows.map((r) => persona(r, cfg.rules, cfg.default_persona));
  const { matrix } = featureMatrix(mart, cfg.features);
  const { clusters } = clusterLines(matrix, { k: cfg.k, restarts: cfg.restarts, maxIterations: cfg.max_iterations, seed });
  const personas = aq.table({
    line_id: mart.array('line_id'),
    account_id: mart.array('account_id'),
    persona: names,
    // The contract's name for the persona column (it never renames); the same values.
    segment: names,
    cluster: clusters,
  });

  // Profiles in the features' own units: means per cluster and the persona most of its lines carry.
  const profiles: Record<string, unknown>[] = [];
  const ids = [...new Set(clusters)].sort((a, b) => a - b);
  for (const c of ids) {
    const idx = clusters.map((x, i) => (x === c ? i : -1)).filter((i) => i >= 0);
    const counts = new Map<string, number>();
    for (const i of idx) counts.set(names[i], (counts.get(names[i]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const profile: Record<string, unknown> = { cluster: c, lines: idx.length, main_persona: top[0], main_persona_share: round(top[1] / idx.length, 4) };
    for (const f of cfg.features) {
      const values = mart.array(f) as number[];
      profile[f] = round(idx.reduce((s, i) => s + values[i], 0) / idx.length, 4);
    }
    profiles.push(profile);
  }
  return { personas, profiles: aq.from(profiles) };
}
