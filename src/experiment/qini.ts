/**
 * Uplift by propensity band and the Qini curve: does targeting the highest-scored units first
 * buy more incremental responders than targeting at random?
 *
 * N. J. Radcliffe, "Using control groups to target on predicted lift: building and assessing
 * uplift models", Direct Marketing Analytics Journal 1, 14-21 (2007); in the notation of
 * Diemert et al., "A large scale benchmark for uplift modeling" (AdKDD 2018): with units
 * ordered by score (highest first) and the top fraction φ targeted,
 *   Q(φ) = R_t(φ) - R_c(φ) · N_t(φ) / N_c(φ)
 * the incremental responders among the targeted treated units (R responders, N units, t/c the
 * groups). The random-targeting line runs from (0, 0) to (1, Q(1)); the Qini coefficient is the area
 * between the curve and that line, here with both axes as shares of the population (Q / N), so a
 * coefficient of 0.01 means "one point of the population more incremental responders, averaged over
 * all targeting depths". Larger is better; 0 is no better than random; negative is worse.
 *
 * Bands: units sorted by score, highest first; unit at rank r (from 0) falls in band
 * floor(r·bands/N) + 1, except that tied scores all take the band of the first of them, so the
 * bands and the curve do not depend on the input order. The curve has one point per band end, at the
 * share of units actually in bands 1..k (ties can make bands unequal), and the coefficient is the
 * trapezoid area over those points.
 */
import { SoOError } from '../util/errors';

export interface QiniOptions {
  /** Number of propensity bands (10 = deciles). */
  bands: number;
  treatment: string;
  control: string;
}

export const QINI_DEFAULTS: QiniOptions = { bands: 10, treatment: 'treatment', control: 'control' };

export interface ScoredUnit {
  /** Model score: higher = more likely to respond to the treatment (or to respond at all). */
  score: number;
  group: string;
  /** 1/true = responded. */
  outcome: number | boolean;
}

export interface QiniBand {
  band: number;
  units: number;
  treatment_units: number;
  control_units: number;
  treatment_rate: number;
  control_rate: number;
  uplift: number;
}

export interface QiniPoint {
  /** Share of units targeted (bands 1..band). */
  fraction: number;
  treatment_units: number;
  control_units: number;
  treatment_responders: number;
  control_responders: number;
  /** Q(φ), incremental responders among the targeted treated units. */
  incremental: number;
  /** Q(1)·φ: the same under random targeting. */
  random: number;
}

export interface QiniResult {
  bands: QiniBand[];
  /** From (0, 0) to the last band's end. */
  curve: QiniPoint[];
  /** Area between the curve and the random line, both axes as shares of the population. */
  coefficient: number;
}

export function qiniCurve(units: readonly ScoredUnit[], options: Partial<QiniOptions> = {}): QiniResult {
  const o = { ...QINI_DEFAULTS, ...options };
  if (!(Number.isInteger(o.bands) && o.bands >= 1)) throw new SoOError('qini', `bands must be a whole number >= 1, got ${o.bands}`);
  const rows = units.map((u, i) => {
    if (!Number.isFinite(u.score)) throw new SoOError('qini', `unit ${i} has no finite score (${u.score})`);
    if (u.group !== o.treatment && u.group !== o.control) throw new SoOError('qini', `unit ${i} is in group '${u.group}', neither ${o.treatment} nor ${o.control}`);
    return { score: u.score, treated: u.group === o.treatment, responded: Number(u.outcome) > 0 };
  });
  const n = rows.length;
  if (!n) throw new SoOError('qini', 'no units');
  rows.sort((a, b) => b.score - a.score);
  const acc = Array.from({ length: o.bands }, () => ({ units: 0, nt: 0, nc: 0, rt: 0, rc: 0 }));
  let bandOfTie = 0;
  for (let r = 0; r < n; r++) {
    if (r === 0 || rows[r].score !== rows[r - 1].score) bandOfTie = Math.floor((r * o.bands) / n);
    const a = acc[bandOfTie];
    a.units++;
    if (rows[r].treated) {
      a.nt++;
      if (rows[r].responded) a.rt++;
    } else {
      a.nc++;
      if (rows[r].responded) a.rc++;
    }
  }
  const bands: QiniBand[] = acc.map((a, i) => ({
    band: i + 1,
    units: a.units,
    treatment_units: a.nt,
    control_units: a.nc,
    treatment_rate: a.nt ? a.rt / a.nt : NaN,
    control_rate: a.nc ? a.rc / a.nc : NaN,
    uplift: a.nt && a.nc ? a.rt / a.nt - a.rc / a.nc : NaN,
  }));
  const curve: QiniPoint[] = [{ fraction: 0, treatment_units: 0, control_units: 0, treatment_responders: 0, control_responders: 0, incremental: 0, random: 0 }];
  const total = { units: 0, nt: 0, nc: 0, rt: 0, rc: 0 };
  for (const a of acc) {
    if (!a.units) continue; // a band emptied by ties adds no point
    total.units += a.units;
    total.nt += a.nt;
    total.nc += a.nc;
    total.rt += a.rt;
    total.rc += a.rc;
    curve.push({
      fraction: total.units / n,
      treatment_units: total.nt,
      control_units: total.nc,
      treatment_responders: total.rt,
      control_responders: total.rc,
      // With no control unit yet in the targeted share the counterfactual is unknown.
      incremental: total.nc ? total.rt - (total.rc * total.nt) / total.nc : NaN,
      random: 0,
    });
  }
  const q1 = curve[curve.length - 1].incremental;
  for (const p of curve) p.random = q1 * p.fraction;
  let coefficient = 0;
  for (let i = 1; i < curve.length; i++) {
    const gap = (p: QiniPoint) => (p.incremental - p.random) / n;
    coefficient += ((curve[i].fraction - curve[i - 1].fraction) * (gap(curve[i]) + gap(curve[i - 1]))) / 2;
  }
  return { bands, curve, coefficient };
}
