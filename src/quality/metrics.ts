/**
 * How well a run recovers what a generated pilot planted: the persona of each line, and which lines adopt
 * each product in the 90 days after the window. Read from a run's output folder and the pilot's truth
 * folder (`<data>_truth`), which the pipeline itself never reads.
 *
 * - Persona agreement: the adjusted Rand index (Hubert & Arabie 1985) between the planted persona and the
 *   run's persona, and its k-means cluster.
 * - Offers: per product, the area under the ROC curve of the run's propensity over the lines that do not
 *   hold the product (they are the ones that can adopt), against adoption; the oracle ranks by the planted
 *   adoption probability. The mean is over products with at least MIN_ADOPTERS adopters (and as many
 *   non-adopters): with fewer, a product's AUC has a standard error above 0.06 (Hanley & McNeil 1982) and
 *   says more about the draw than the model. The mean over every product is reported beside it.
 * - Calibration: the Brier score of the propensities against adoption, the Brier score of the base rate
 *   (a model that knows only how many adopt), and the expected calibration error over ten equal-count bins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import { readOutput } from '../pipeline/run';
import { datasetPath } from '../catalog';
import { auc } from '../offers/logistic';

type Row = Record<string, string>;

/** Reads a CSV the generator wrote (no quoted commas in the columns read here). */
function readCsv(file: string): Row[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = header.split(',');
  return rows.map((r) => {
    const f = r.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, f[i] ?? '']));
  });
}

/** Adjusted Rand index of two labellings of the same items (Hubert & Arabie 1985). */
export function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const count = (keys: readonly string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + c2(v), 0);
  const joint = sum(count(a.map((x, i) => `${x}\u0000${b[i]}`)));
  const sa = sum(count(a));
  const sb = sum(count(b));
  const expected = (sa * sb) / c2(a.length);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (joint - expected) / (max - expected);
}

export interface ReliabilityBin {
  bin: number;
  lines: number;
  /** Mean predicted probability in the bin, and the share that did adopt. */
  predicted: number;
  observed: number;
}

/** Predictions sorted into equal-count bins: mean prediction against the observed rate (a reliability diagram). */
export function reliabilityBins(predicted: readonly number[], observed: readonly number[], bins = 10): ReliabilityBin[] {
  const order = predicted.map((p, i) => [p, observed[i]] as const).sort((x, y) => x[0] - y[0]);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (!part.length) continue;
    out.push({ bin: b + 1, lines: part.length, predicted: part.reduce((s, x) => s + x[0], 0) / part.length, observed: part.reduce((s, x) => s + x[1], 0) / part.length });
  }
  return out;
}

/** Expected calibration error: mean |mean prediction − observed rate| over equal-count bins, weighted by size. */
export function calibrationError(predicted: readonly number[], observed: readonly number[], bins = 10): number {
  const n = predicted.length || 1;
  return reliabilityBins(predicted, observed, bins).reduce((e, b) => e + (b.lines / n) * Math.abs(b.predicted - b.observed), 0);
}

export interface ProductQuality {
  product_id: string;
  non_holders: number;
  adopters: number;
  auc: number;
  oracle_auc: number;
  mean_propensity: number;
  adoption_rate: number;
}

/** Fewest adopters (and non-adopters) a product needs for its AUC to count in the mean. */
export const MIN_ADOPTERS = 20;

export interface RunQuality {
  lines: number;
  persona_ari: number;
  cluster_ari: number;
  /** Mean over products with at least MIN_ADOPTERS adopters and non-adopters. */
  mean_auc: number;
  oracle_auc: number;
  /** The same over every product with an adopter and a non-adopter. */
  mean_auc_all: number;
  oracle_auc_all: number;
  /** Products in mean_auc. */
  products_judged: number;
  /** The bar of issue 10: 0.5 + 0.75 (oracle − 0.5). */
  auc_bar: number;
  brier: number;
  /** Brier score of predicting every line at its product's adoption rate. */
  brier_base_rate: number;
  calibration_error: number;
  products: ProductQuality[];
}

export function runQuality(out: string, data: string): RunQuality {
  const truthDir = `${data.replace(/\/+$/, '')}_truth`;
  const planted = new Map(readCsv(join(truthDir, 'lines_truth.csv')).map((r) => [r.line_id, r.persona]));
  const personas = readOutput(out, 'personas') as ColumnTable;
  const ids = personas.array('line_id') as string[];
  const truth = ids.map((id) => planted.get(id) ?? '?');
  const personaAri = adjustedRand(truth, personas.array('persona') as string[]);
  const clusterAri = adjustedRand(truth, (personas.array('cluster') as number[]).map(String));

  // Offers are judged when the run got to them and the pilot planted adoption.
  const score = new Map<string, number>();
  const scored = existsSync(datasetPath(out, 'propensities'));
  if (scored) {
    const propensities = readOutput(out, 'propensities') as ColumnTable;
    const pl = propensities.array('line_id') as string[];
    const pp = propensities.array('product_id') as string[];
    const pv = propensities.array('propensity') as number[];
    pl.forEach((id, i) => score.set(`${id}|${pp[i]}`, pv[i]));
  }
  const adoptionFile = join(truthDir, 'adoption_truth.csv');
  const adoption = scored && existsSync(adoptionFile) ? readCsv(adoptionFile) : [];
  const byProduct = new Map<string, Row[]>();
  for (const r of adoption) (byProduct.get(r.product_id) ?? byProduct.set(r.product_id, []).get(r.product_id)!).push(r);
  const products: ProductQuality[] = [];
  const allPredicted: number[] = [];
  const allObserved: number[] = [];
  let brier = 0;
  let brierBase = 0;
  for (const [product, rows] of [...byProduct].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const predicted = rows.map((r) => score.get(`${r.line_id}|${product}`) ?? 0);
    const observed = rows.map((r) => Number(r.adopted));
    const rate = observed.reduce((a, b) => a + b, 0) / rows.length;
    predicted.forEach((p, i) => {
      brier += (p - observed[i]) ** 2;
      brierBase += (rate - observed[i]) ** 2;
      allPredicted.push(p);
      allObserved.push(observed[i]);
    });
    products.push({
      product_id: product, non_holders: rows.length, adopters: observed.filter(Boolean).length,
      auc: auc(predicted, observed), oracle_auc: auc(rows.map((r) => Number(r.adopt_probability)), observed),
      mean_propensity: predicted.reduce((a, b) => a + b, 0) / rows.length, adoption_rate: rate,
    });
  }
  const ranked = products.filter((p) => Number.isFinite(p.auc) && Number.isFinite(p.oracle_auc));
  const judged = ranked.filter((p) => p.adopters >= MIN_ADOPTERS && p.non_holders - p.adopters >= MIN_ADOPTERS);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
  const meanAuc = mean(judged.map((p) => p.auc));
  const oracle = mean(judged.map((p) => p.oracle_auc));
  return {
    lines: ids.length, persona_ari: personaAri, cluster_ari: clusterAri, mean_auc: meanAuc, oracle_auc: oracle,
    mean_auc_all: mean(ranked.map((p) => p.auc)), oracle_auc_all: mean(ranked.map((p) => p.oracle_auc)), products_judged: judged.length,
    auc_bar: 0.5 + 0.75 * (oracle - 0.5), brier: brier / Math.max(1, allPredicted.length), brier_base_rate: brierBase / Math.max(1, allPredicted.length),
    calibration_error: calibrationError(allPredicted, allObserved), products,
  };
}

export interface AccountQuality {
  accounts: number;
  /** Share of accounts whose relationship stage is the planted one (NaN when the run did not get to it). */
  stage_agreement: number;
  /** Accounts whose stage differs: account, planted, found. */
  stage_misses: [string, string, string][];
  /** Adjusted Rand index of the needs segments against the planted archetypes. */
  segment_ari: number;
  /** Accounts per service channel. */
  channels: Record<string, number>;
  /** Accounts per relationship stage. */
  stages: Record<string, number>;
}

/** The account level against the truth's accounts_truth.csv: relationship stages and needs segments. */
export function accountQuality(out: string, data: string): AccountQuality {
  const planted = new Map(readCsv(join(`${data.replace(/\/+$/, '')}_truth`, 'accounts_truth.csv')).map((r) => [r.account_id, r]));
  const count = (values: string[]) => Object.fromEntries([...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())].sort());
  const segments = existsSync(datasetPath(out, 'account_segments')) ? (readOutput(out, 'account_segments') as ColumnTable).objects() as Row[] : [];
  const known = segments.filter((r) => planted.has(r.account_id as string));
  const segmentAri = known.length ? adjustedRand(known.map((r) => planted.get(r.account_id as string)!.archetype), known.map((r) => String(r.segment))) : NaN;
  const actions = existsSync(datasetPath(out, 'account_actions')) ? (readOutput(out, 'account_actions') as ColumnTable).objects() as Row[] : [];
  const staged = actions.filter((r) => planted.has(r.account_id as string));
  const misses = staged.filter((r) => planted.get(r.account_id as string)!.stage !== r.stage).map((r) => [r.account_id as string, planted.get(r.account_id as string)!.stage, String(r.stage)] as [string, string, string]);
  return {
    accounts: segments.length || actions.length,
    stage_agreement: staged.length ? 1 - misses.length / staged.length : NaN,
    stage_misses: misses,
    segment_ari: segmentAri,
    channels: count(segments.map((r) => String(r.channel))),
    stages: count(actions.map((r) => String(r.stage))),
  };
}

export interface CalibrationCheck {
  /** What the propensities are checked against. */
  source: 'planted adoption after the window' | 'holdings started in the last period before the window\'s end' | 'none';
  bins: ReliabilityBin[];
  brier: number;
  brier_base_rate: number;
  pairs: number;
}

/**
 * The calibration of a run's propensities: against the planted adoption when the pilot is generated (its
 * truth folder exists), else against the lines that took a product up in the last `days` before the
 * window's end among those that did not hold it then (the evidence the offers step scaled on: in-sample).
 */
export function calibrationCheck(out: string, data: string, days = 90): CalibrationCheck {
  const truthFile = join(`${data.replace(/\/+$/, '')}_truth`, 'adoption_truth.csv');
  const propensities = readOutput(out, 'propensities') as ColumnTable;
  const key = (l: string, p: string) => `${l}|${p}`;
  const score = new Map<string, number>();
  const pl = propensities.array('line_id') as string[];
  const pp = propensities.array('product_id') as string[];
  const pv = propensities.array('propensity') as number[];
  const held = propensities.array('holds') as boolean[];
  pl.forEach((l, i) => score.set(key(l, pp[i]), pv[i]));
  let predicted: number[] = [];
  let observed: number[] = [];
  let source: CalibrationCheck['source'] = 'none';
  if (existsSync(truthFile)) {
    const rows = readCsv(truthFile);
    predicted = rows.map((r) => score.get(key(r.line_id, r.product_id)) ?? 0);
    observed = rows.map((r) => Number(r.adopted));
    source = 'planted adoption after the window';
  } else {
    const holdings = readOutput(out, 'holdings') as ColumnTable;
    const end = String((readOutput(out, 'window') as { last_day?: string }).last_day ?? '');
    if (end) {
      const cutoff = new Date(Date.parse(end + 'T00:00:00Z') - days * 86_400_000).toISOString().slice(0, 10);
      const recent = new Set<string>();
      const hl = holdings.array('line_id') as string[];
      const hp = holdings.array('product_id') as string[];
      const hs = holdings.array('start_date') as (string | null)[];
      hl.forEach((l, i) => hs[i] && hs[i]! > cutoff && recent.add(key(l, hp[i])));
      if (recent.size) {
        pl.forEach((l, i) => {
          const k = key(l, pp[i]);
          if (held[i] && !recent.has(k)) return;
          predicted.push(pv[i]);
          observed.push(recent.has(k) ? 1 : 0);
        });
        source = 'holdings started in the last period before the window\'s end';
      }
    }
  }
  const rate = observed.reduce((a, b) => a + b, 0) / Math.max(1, observed.length);
  return {
    source,
    bins: reliabilityBins(predicted, observed),
    brier: predicted.reduce((s, p, i) => s + (p - observed[i]) ** 2, 0) / Math.max(1, predicted.length),
    brier_base_rate: observed.reduce((s, o) => s + (rate - o) ** 2, 0) / Math.max(1, observed.length),
    pairs: predicted.length,
  };
}
