/**
 * Seeded randomisation of a pilot into treatment and control: stratified by unit, or by whole
 * clusters (accounts, communities) when treating one line can reach its colleagues.
 *
 * Stratified randomisation (blocks, e.g. account × propensity band) balances the groups on the
 * stratifying features by construction (Kernan et al., "Stratified randomization for clinical
 * trials", J. Clin. Epidemiol. 52, 19-26, 1999). Within each stratum an exact number of units is
 * held out as control, so a stratum's control share never drifts by chance:
 *
 *   Rounding rule (largest remainder, Hamilton's method): with share s, stratum h of n_h units
 *   first gets floor(n_h·s) controls; the remaining round(N·s) - Σ floor(n_h·s) controls (N all
 *   units, round half up) go one each to the strata with the largest remainders n_h·s - floor(n_h·s),
 *   ties broken in a seeded random order. Every stratum then holds floor(n_h·s) or ceil(n_h·s)
 *   controls and the pilot as a whole exactly round(N·s): many small strata (say 2 units at s = 0.2)
 *   do not all round to no control at all, as rounding each stratum alone would.
 *
 * Which units are control: units of a stratum sorted by id, shuffled by Fisher-Yates with
 * createRng(deriveSeed(seed, 'stratum', key)), the first c_h taken. So the same seed and units give
 * the same groups whatever the input order, and adding a stratum leaves the others' draws alone.
 *
 * Cluster randomisation assigns whole clusters (Donner & Klar, Design and Analysis of Cluster
 * Randomization Trials in Health Research, 2000, ch. 1): the rule above applied to clusters, with
 * a cluster's stratum taken from its units (which must agree). The control share is then a share
 * of clusters, and the share of units varies with cluster sizes; analyse with the design effect
 * (./power) or a cluster-level variance (../measure/spillover).
 */
import { SoOError } from '../util/errors';
import { createRng, deriveSeed, shuffle } from '../util/rng';

export type Group = 'treatment' | 'control';

export interface RandomiseOptions {
  /** Share of units (clusters, for assignClusters) held out as control in every stratum. */
  controlShare: number;
  seed: number;
}

export const RANDOMISE_DEFAULTS: RandomiseOptions = { controlShare: 0.2, seed: 1 };

export interface UnitToAssign {
  id: string;
  /** Units with no stratum form one stratum, ''. */
  stratum?: string;
}

export interface Assignment {
  id: string;
  stratum: string;
  group: Group;
}

function resolve(options: Partial<RandomiseOptions>): RandomiseOptions {
  const o = { ...RANDOMISE_DEFAULTS, ...options };
  if (!(o.controlShare >= 0 && o.controlShare <= 1)) throw new SoOError('randomise', `controlShare must be in [0, 1], got ${o.controlShare}`);
  if (!Number.isInteger(o.seed)) throw new SoOError('randomise', `seed must be an integer, got ${o.seed}`);
  return o;
}

/** Treats n·s that floating point leaves a hair below a whole number as that number. */
const SLACK = 1e-9;

/** Controls per stratum by the largest-remainder rule (see the header). */
export function controlCounts(strataSizes: ReadonlyMap<string, number>, options: Partial<RandomiseOptions> = {}): Map<string, number> {
  const { controlShare: s, seed } = resolve(options);
  const keys = [...strataSizes.keys()].sort();
  const total = keys.reduce((sum, k) => sum + strataSizes.get(k)!, 0);
  const counts = new Map<string, number>();
  const remainders: { key: string; remainder: number; tieBreak: number }[] = [];
  const rng = createRng(deriveSeed(seed, 'remainders'));
  for (const key of keys) {
    const exact = strataSizes.get(key)! * s;
    const base = Math.floor(exact + SLACK);
    counts.set(key, base);
    remainders.push({ key, remainder: Math.round((exact - base) / SLACK) * SLACK, tieBreak: rng() });
  }
  let left = Math.floor(total * s + 0.5 + SLACK) - [...counts.values()].reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.remainder - a.remainder || a.tieBreak - b.tieBreak);
  for (const r of remainders) {
    if (left <= 0) break;
    if (r.remainder <= 0) break;
    counts.set(r.key, counts.get(r.key)! + 1);
    left--;
  }
  return counts;
}

/** Stratified randomisation of units; rows in input order. */
export function assignStratified(units: readonly UnitToAssign[], options: Partial<RandomiseOptions> = {}): Assignment[] {
  const o = resolve(options);
  const strata = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const u of units) {
    if (typeof u.id !== 'string' || u.id === '') throw new SoOError('randomise', `every unit needs a non-empty string id, got ${JSON.stringify(u.id)}`);
    if (seen.has(u.id)) throw new SoOError('randomise', `unit ${u.id} appears twice`);
    seen.add(u.id);
    const key = u.stratum ?? '';
    (strata.get(key) ?? strata.set(key, []).get(key)!).push(u.id);
  }
  const counts = controlCounts(new Map([...strata].map(([k, ids]) => [k, ids.length])), o);
  const group = new Map<string, Group>();
  for (const [key, ids] of strata) {
    const order = shuffle(createRng(deriveSeed(o.seed, 'stratum', key)), [...ids].sort());
    const controls = counts.get(key)!;
    order.forEach((id, i) => group.set(id, i < controls ? 'control' : 'treatment'));
  }
  return units.map((u) => ({ id: u.id, stratum: u.stratum ?? '', group: group.get(u.id)! }));
}

export interface UnitInCluster extends UnitToAssign {
  cluster: string;
}

export interface ClusterAssignment extends Assignment {
  cluster: string;
}

/** Cluster randomisation: every unit of a cluster gets the cluster's group; rows in input order. */
export function assignClusters(units: readonly UnitInCluster[], options: Partial<RandomiseOptions> = {}): ClusterAssignment[] {
  const o = resolve(options);
  const stratumOf = new Map<string, string>();
  const seen = new Set<string>();
  for (const u of units) {
    if (typeof u.cluster !== 'string' || u.cluster === '') throw new SoOError('randomise', `unit ${u.id} has no cluster`);
    if (seen.has(u.id)) throw new SoOError('randomise', `unit ${u.id} appears twice`);
    seen.add(u.id);
    const stratum = u.stratum ?? '';
    const known = stratumOf.get(u.cluster);
    if (known === undefined) stratumOf.set(u.cluster, stratum);
    else if (known !== stratum) {
      throw new SoOError('randomise', `cluster ${u.cluster} spans strata '${known}' and '${stratum}': stratify clusters by a cluster-level feature`);
    }
  }
  const clusters = assignStratified([...stratumOf].map(([id, stratum]) => ({ id, stratum })), o);
  const group = new Map(clusters.map((c) => [c.id, c.group]));
  return units.map((u) => ({ id: u.id, cluster: u.cluster, stratum: u.stratum ?? '', group: group.get(u.cluster)! }));
}

/** A pilot's assignments as rows of the contract's `assignments` file (v2). */
export function assignmentRows(
  assignments: readonly Assignment[],
  campaign: { campaign_id: string; target: 'line' | 'account' },
): { campaign_id: string; line_id: string; account_id: string; group: Group; stratum: string }[] {
  if (campaign.target !== 'line' && campaign.target !== 'account') throw new SoOError('randomise', `target must be line or account, got ${campaign.target}`);
  return assignments.map((a) => ({
    campaign_id: campaign.campaign_id,
    line_id: campaign.target === 'line' ? a.id : '',
    account_id: campaign.target === 'account' ? a.id : '',
    group: a.group,
    stratum: a.stratum,
  }));
}
