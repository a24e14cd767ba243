/**
 * Spill-over ("influence measured"): when a word-of-mouth campaign treats some lines of an account
 * or community, do their untreated colleagues adopt more than the colleagues of control lines?
 *
 * The estimand is the spill-over (indirect) effect on untreated units of M. G. Hudgens &
 * M. E. Halloran, "Toward causal inference with interference", JASA 103, 832-842 (2008): it is only
 * identified when whole clusters are randomised, so every seed line of a cluster (account or
 * community) must share one group; colleagues in treatment clusters are compared with colleagues in
 * control clusters.
 *
 * Colleagues of one cluster share their account's circumstances, so they are not independent: the
 * adoption rate of a group is the ratio estimator p = Σ y_k / Σ m_k over its K clusters (y adopters,
 * m colleagues) with the cluster-level (linearisation) variance
 *   var(p) = K/(K-1) · Σ (y_k - p·m_k)² / (Σ m_k)²
 * (W. G. Cochran, Sampling Techniques, 3rd ed. 1977, ch. 6, the ratio estimator; the cluster-robust variance of
 * A. Donner & N. Klar, Design and Analysis of Cluster Randomization Trials, 2000, ch. 6). The
 * difference p1 - p0 has variance var(p1) + var(p0), its interval and p-value use Student's t with
 * K1 + K0 - 2 degrees of freedom, as Donner & Klar advise for cluster-level inference with few
 * clusters. design_effect = that variance over the binomial variance that ignores clustering.
 */
import { SoOError } from '../util/errors';
import { studentTQuantile, studentTSf } from '../experiment/student-t';
import { indexResponses, outcomeInWindow, readCampaigns, rowsOf, text, type Row, type Rows } from './input';

export interface Colleague {
  line_id: string;
  /** Account or community. */
  cluster: string;
  /** The group of the cluster's seed lines. */
  arm: 'treatment' | 'control';
  /** 1/true = adopted in the campaign window. */
  adopted: number | boolean;
}

export interface SpilloverOptions {
  /** Two-sided confidence level. */
  confidence: number;
}

export const SPILLOVER_DEFAULTS: SpilloverOptions = { confidence: 0.95 };

export interface ArmSummary {
  lines: number;
  clusters: number;
  adopters: number;
  rate: number;
  /** Cluster-level variance of the rate. */
  variance: number;
}

export interface SpilloverResult {
  treatment: ArmSummary;
  control: ArmSummary;
  /** Colleagues' adoption rate, treatment clusters - control clusters. */
  difference: number;
  difference_low: number;
  difference_high: number;
  p_value: number;
  df: number;
  design_effect: number;
}

function arm(colleagues: readonly Colleague[]): ArmSummary {
  const clusters = new Map<string, { m: number; y: number }>();
  let adopters = 0;
  for (const c of colleagues) {
    const k = clusters.get(c.cluster) ?? clusters.set(c.cluster, { m: 0, y: 0 }).get(c.cluster)!;
    const y = Number(c.adopted) > 0 ? 1 : 0;
    k.m++;
    k.y += y;
    adopters += y;
  }
  const lines = colleagues.length;
  const K = clusters.size;
  const rate = lines ? adopters / lines : NaN;
  let ss = 0;
  for (const { m, y } of clusters.values()) ss += (y - rate * m) ** 2;
  const variance = K > 1 ? (K / (K - 1)) * ss / (lines * lines) : NaN;
  return { lines, clusters: K, adopters, rate, variance };
}

/** Colleagues' adoption in treatment vs control clusters, with a cluster-level interval. */
export function spillover(colleagues: readonly Colleague[], options: Partial<SpilloverOptions> = {}): SpilloverResult {
  const { confidence } = { ...SPILLOVER_DEFAULTS, ...options };
  if (!(confidence > 0 && confidence < 1)) throw new SoOError('spillover', `confidence must be in (0, 1), got ${confidence}`);
  const clusterArm = new Map<string, string>();
  for (const c of colleagues) {
    if (c.arm !== 'treatment' && c.arm !== 'control') throw new SoOError('spillover', `line ${c.line_id}: arm must be treatment or control, got ${JSON.stringify(c.arm)}`);
    const known = clusterArm.get(c.cluster);
    if (known !== undefined && known !== c.arm) throw new SoOError('spillover', `cluster ${c.cluster} has colleagues in both arms: spill-over needs whole clusters randomised`);
    clusterArm.set(c.cluster, c.arm);
  }
  const treatment = arm(colleagues.filter((c) => c.arm === 'treatment'));
  const control = arm(colleagues.filter((c) => c.arm === 'control'));
  const difference = treatment.rate - control.rate;
  const se = Math.sqrt(treatment.variance + control.variance);
  const df = treatment.clusters + control.clusters - 2;
  const binomial = (treatment.rate * (1 - treatment.rate)) / treatment.lines + (control.rate * (1 - control.rate)) / control.lines;
  if (!(se > 0) || !(df > 0)) {
    return { treatment, control, difference, difference_low: NaN, difference_high: NaN, p_value: NaN, df, design_effect: NaN };
  }
  const t = studentTQuantile(1 - (1 - confidence) / 2, { df });
  return {
    treatment,
    control,
    difference,
    difference_low: difference - t * se,
    difference_high: difference + t * se,
    p_value: Math.min(1, 2 * studentTSf(Math.abs(difference) / se, { df })),
    df,
    design_effect: binomial > 0 ? (se * se) / binomial : NaN,
  };
}

export interface ColleagueOptions {
  /** Column of lines that names the cluster: account_id or a community from the network step. */
  cluster: string;
  /** Response kind counted as adoption. */
  outcome: string;
}

export const COLLEAGUE_DEFAULTS: ColleagueOptions = { cluster: 'account_id', outcome: 'adopted' };

/**
 * The colleagues of a line campaign's seed lines: every line of a cluster holding seeds that is not
 * itself assigned in the campaign, with the seeds' group as arm and its outcome in the window.
 */
export function spilloverColleagues(
  data: { campaign_id: string; campaigns: Rows; assignments: Rows; responses: Rows; lines: Rows },
  options: Partial<ColleagueOptions> = {},
): Colleague[] {
  const o = { ...COLLEAGUE_DEFAULTS, ...options };
  const index = indexResponses(data.responses);
  const campaign = readCampaigns(data.campaigns, index.lastDate).find((c) => c.campaign_id === data.campaign_id);
  if (!campaign) throw new SoOError('spillover', `campaign ${data.campaign_id} is not in campaigns`);
  if (campaign.target !== 'line') throw new SoOError('spillover', `campaign ${data.campaign_id} targets accounts: spill-over to colleagues needs seed lines (target = line)`);
  const lines = rowsOf(data.lines);
  if (lines.length && !(o.cluster in lines[0])) throw new SoOError('spillover', `lines have no column ${o.cluster}`);
  const clusterOf = new Map<string, string>(lines.map((l: Row) => [text(l.line_id), text(l[o.cluster])]));
  const armOf = new Map<string, 'treatment' | 'control'>();
  const seeds = new Set<string>();
  for (const a of rowsOf(data.assignments)) {
    if (text(a.campaign_id) !== data.campaign_id) continue;
    const line = text(a.line_id);
    const group = text(a.group);
    if (group !== 'treatment' && group !== 'control') throw new SoOError('spillover', `line ${line}: group must be treatment or control, got ${JSON.stringify(a.group)}`);
    const cluster = clusterOf.get(line);
    if (!cluster) throw new SoOError('spillover', `seed line ${line} has no ${o.cluster} in lines`);
    const known = armOf.get(cluster);
    if (known && known !== group) throw new SoOError('spillover', `${o.cluster} ${cluster} holds seeds of both groups: campaign ${data.campaign_id} was not randomised by ${o.cluster}`);
    armOf.set(cluster, group);
    seeds.add(line);
  }
  const colleagues: Colleague[] = [];
  for (const [line, cluster] of clusterOf) {
    const a = armOf.get(cluster);
    if (!a || seeds.has(line)) continue;
    const outcome = outcomeInWindow(index.byLine.get(line), campaign.start, campaign.end, campaign.product);
    colleagues.push({ line_id: line, cluster, arm: a, adopted: outcome.kinds.has(o.outcome) ? 1 : 0 });
  }
  return colleagues;
}
