/**
 * Pilot design: which accounts, which campaigns, who is treated and who is held out, and what the pilot
 * can detect before it starts.
 *
 * - Accounts: the configured list, or a stratified pick across needs segment × service channel × size
 *   band (round-robin over the strata in a seeded order, so every kind of account is in the pilot).
 * - One campaign per initiative: each of the top products of step 5 (by expected margin in the pilot
 *   accounts), randomised by line within strata of account × propensity band; a word-of-mouth campaign
 *   on the communities' seed lines, randomised by community (cluster randomisation, so untreated
 *   colleagues can show the spill-over); a relationship campaign on the accounts' next marketing action,
 *   randomised by account within service channel. Control share in the config (default 20%).
 * - Before launch, per campaign: units per group, the base rate the propensities expect, the smallest
 *   uplift detectable at the configured power and level with these group sizes (Fleiss, Levin & Paik
 *   2003; for cluster randomisation with the design effect 1 + (m − 1)·ICC), and the balance of the key
 *   features between groups (standardised mean differences, Austin 2009).
 */
import { createRng, deriveSeed, shuffle } from '../util/rng';
import { groupBy, quantile, round } from '../util/stats';
import { assignClusters, assignStratified, type Assignment } from '../experiment/randomise';
import { designEffect, minimumDetectableEffect } from '../experiment/power';
import { standardisedMeanDifferences } from '../experiment/balance';

type Row = Record<string, unknown>;

/** Size bands of the pick: under 50, 50-249, 250 and more lines (or employees). */
export function sizeBand(size: number): string {
  return size < 50 ? 'small' : size < 250 ? 'mid' : 'large';
}

/** A stratified pick of `n` accounts: strata of segment × channel × size band, taken round-robin in seeded order. */
export function pickAccounts(accounts: readonly { account_id: string; stratum: string }[], n: number, seed: number): string[] {
  const strata = [...groupBy(accounts, (a) => a.stratum)].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const rng = createRng(deriveSeed(seed, 'pilot-accounts'));
  const queues = strata.map(([, members]) => shuffle(rng, members.map((m) => m.account_id).sort()));
  const picked: string[] = [];
  while (picked.length < Math.min(n, accounts.length)) {
    for (const q of queues) if (q.length && picked.length < n) picked.push(q.shift()!);
  }
  return picked.sort();
}

/** Propensity bands within a set of units (terciles by default): the strata a product campaign is balanced on. */
export function propensityBands(scores: readonly number[], bands: number): number[] {
  const cuts = Array.from({ length: bands - 1 }, (_, k) => quantile(scores, (k + 1) / bands));
  return scores.map((s) => 1 + cuts.filter((c) => s > c).length);
}

export interface CampaignDesign {
  campaign_id: string;
  assignments: Assignment[];
  /** Expected outcome rate without treatment. */
  baseRate: number;
  randomisedBy: 'line' | 'community' | 'account';
  /** Mean units per cluster, for the design effect (1 for line randomisation). */
  clusterSize: number;
}

export interface DesignFigures {
  units: number;
  treatment_units: number;
  control_units: number;
  strata: number;
  clusters: number;
  base_rate: number;
  design_effect: number;
  /** Smallest absolute uplift detectable; null when even the largest change is not. */
  mde: number | null;
  mde_relative: number | null;
}

export interface PowerSettings {
  power: number;
  alpha: number;
  icc: number;
}

export function designFigures(d: CampaignDesign, o: PowerSettings): DesignFigures {
  const t = d.assignments.filter((a) => a.group === 'treatment').length;
  const c = d.assignments.length - t;
  const base = Math.min(0.99, Math.max(0.001, d.baseRate));
  const deff = d.randomisedBy === 'line' ? 1 : designEffect({ clusterSize: d.clusterSize, icc: o.icc });
  const mde = t > 0 && c > 0 ? minimumDetectableEffect({ treatmentUnits: t, controlUnits: c, baseRate: base }, { power: o.power, alpha: o.alpha, clusterSize: d.randomisedBy === 'line' ? 1 : d.clusterSize, icc: d.randomisedBy === 'line' ? 0 : o.icc }) : NaN;
  return {
    units: d.assignments.length, treatment_units: t, control_units: c,
    strata: new Set(d.assignments.map((a) => a.stratum)).size,
    clusters: d.randomisedBy === 'line' ? d.assignments.length : Math.round(d.assignments.length / Math.max(1, d.clusterSize)),
    base_rate: round(base, 6), design_effect: round(deff, 4),
    mde: Number.isFinite(mde) ? round(mde, 6) : null,
    mde_relative: Number.isFinite(mde) ? round(mde / base, 4) : null,
  };
}

/** Balance of the key features between the groups of one campaign. */
export function balance(campaignId: string, assignments: readonly Assignment[], features: ReadonlyMap<string, Row>, names: readonly string[]): Row[] {
  const units = assignments.map((a) => ({ group: a.group, ...(features.get(a.id) ?? {}) }));
  if (!units.some((u) => u.group === 'treatment') || !units.some((u) => u.group === 'control')) return [];
  return standardisedMeanDifferences(units, { features: [...names] }).map((b) => ({
    campaign_id: campaignId, feature: b.level ? `${b.feature}=${b.level}` : b.feature, treatment_mean: round(b.treatment_mean, 6),
    control_mean: round(b.control_mean, 6), smd: Number.isFinite(b.smd) ? round(b.smd, 4) : 0, imbalanced: b.imbalanced,
  }));
}

export { assignClusters, assignStratified };
