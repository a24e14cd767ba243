/**
 * Campaign measurement: for each campaign and each outcome, treatment against control, overall and
 * by breakdown, with intervals, multiplicity and a sample-ratio check. The rows of
 * `measure/campaign_results.csv` and `measure/sample_ratio.csv`.
 *
 * What is measured (DATA_CONTRACT v2):
 * - Units are lines (target = line; responses matched by line_id) or accounts (target = account;
 *   all responses of the account, matched by account_id). Groups are as assigned (intention to
 *   treat): a treated unit that bounced or never opened still counts as treated, so the comparison
 *   stays the randomised one (e.g. Gerber & Green, Field Experiments, 2012, §5.1).
 * - A unit's outcome is read from ALL its responses dated inside the campaign's window
 *   [start_date, end_date] (end empty = last response date in the data), whatever their
 *   campaign_id: control units get no touch yet still visit, adopt or buy. A product campaign counts
 *   only responses about its product or naming none (input.ts), so campaigns of different products
 *   on the same lines do not credit each other. One control group may
 *   serve several campaigns; it is simply listed under each of them in assignments.
 * - Outcomes: every response kind present in the data except the outbound `contacted` and
 *   `bounced`, as a rate (a unit with several responses of one kind counts once), and `value` (the
 *   sum of `value` over the unit's responses in the window, 0 when it has none) as a mean per unit.
 *
 * Statistics (../experiment): rates with the absolute uplift and its interval (Newcombe's hybrid
 * score by default, or Wald), relative lift, pooled z-test p-value; value as a difference of means
 * (Welch), incremental value = treated units × difference, cost = cost_per_contact × treated units
 * + fixed_cost, ROI = (incremental value - cost) / cost with Fieller's interval (exactly the Welch
 * interval mapped, the cost being known). In breakdown rows the cost is the per-contact cost of the
 * slice's treated units only: the fixed cost is caused by no slice, so slice ROIs are marginal ones.
 *
 * Multiplicity (Benjamini & Hochberg 1995): each row carries tests_count and q_value. The families
 * are, per campaign, its overall rows (one test per outcome) and, separately, all its breakdown rows
 * (every outcome × breakdown × level): the slices a reader scans for "where did it work".
 *
 * Sample ratio (Pearson chi-square, flag at p < 0.001): "the design" is the intended control share
 * of a campaign, given as options.controlShares[campaign_id] or as an optional `control_share` column
 * of campaigns (not in contract v2; proposed). Cells are group × stratum (assignments' `stratum`;
 * one cell pair when absent). With a design share each stratum's split is tested against it
 * (df = number of strata). Without one the expected share is the campaign's observed overall control
 * share and the test asks whether the split differs between strata (df = strata - 1); with no
 * strata either there is nothing to test and p_value is empty, which the row says.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { SoOError } from '../util/errors';
import { compareProportions, type ProportionInterval } from '../experiment/proportions';
import { compareMeans, summarise } from '../experiment/means';
import { returnOnInvestment } from '../experiment/roi';
import { benjaminiHochberg } from '../experiment/multiple';
import { sampleRatioMismatch } from '../experiment/srm';
import {
  OUTBOUND_KINDS, columnsOf, indexResponses, isEmpty, outcomeInWindow, readCampaigns, rowsOf, text,
  type CampaignSpec, type Row, type Rows, type UnitOutcome,
} from './input';

export interface CampaignData {
  campaigns: Rows;
  assignments: Rows;
  responses: Rows;
  /** Needed for breakdowns by a line attribute (and by an account attribute of line campaigns). */
  lines?: Rows;
  /** Needed for breakdowns by an account attribute. */
  accounts?: Rows;
}

export interface MeasureOptions {
  /** Attribute columns of lines or accounts to break results down by; `stratum` = the assignments' stratum. */
  breakdowns: string[];
  /** Two-sided confidence level of every interval. */
  confidence: number;
  /** Interval of the uplift of a rate. */
  interval: ProportionInterval;
  /** The design: intended control share per campaign_id (overrides a control_share column). */
  controlShares: Record<string, number>;
  /** Sample-ratio p-value below which a campaign is flagged. */
  srmThreshold: number;
  /** Outcomes to measure (response kinds and/or `value`); null = every outcome present. */
  outcomes: string[] | null;
  /** A breakdown with more levels than this is skipped (bin it first), with a note. */
  maxLevels: number;
}

export const MEASURE_DEFAULTS: MeasureOptions = {
  breakdowns: [],
  confidence: 0.95,
  interval: 'newcombe',
  controlShares: {},
  srmThreshold: 0.001,
  outcomes: null,
  maxLevels: 50,
};

/** The outcome name of value per unit. */
export const VALUE_OUTCOME = 'value';
/** The breakdown of the overall rows. */
export const ALL = 'all';
/** The level of units with no value for the breakdown attribute. */
export const MISSING_LEVEL = '(missing)';

/** One row of measure/campaign_results.csv; null = not applicable or not computable. */
export interface CampaignResult {
  campaign_id: string;
  outcome: string;
  breakdown: string;
  breakdown_value: string;
  treatment_units: number;
  control_units: number;
  /** Units with the outcome (for `value`: units with a value > 0). */
  treatment_responders: number;
  control_responders: number;
  treatment_rate: number | null;
  control_rate: number | null;
  uplift: number | null;
  uplift_low: number | null;
  uplift_high: number | null;
  relative_lift: number | null;
  relative_lift_low: number | null;
  relative_lift_high: number | null;
  p_value: number | null;
  tests_count: number;
  q_value: number | null;
  treatment_mean: number | null;
  control_mean: number | null;
  difference: number | null;
  difference_low: number | null;
  difference_high: number | null;
  incremental_value: number | null;
  incremental_value_low: number | null;
  incremental_value_high: number | null;
  cost: number | null;
  roi: number | null;
  roi_low: number | null;
  roi_high: number | null;
}

export const CAMPAIGN_RESULT_COLUMNS: readonly (keyof CampaignResult)[] = [
  'campaign_id', 'outcome', 'breakdown', 'breakdown_value', 'treatment_units', 'control_units', 'treatment_responders',
  'control_responders', 'treatment_rate', 'control_rate', 'uplift', 'uplift_low', 'uplift_high', 'relative_lift',
  'relative_lift_low', 'relative_lift_high', 'p_value', 'tests_count', 'q_value', 'treatment_mean', 'control_mean',
  'difference', 'difference_low', 'difference_high', 'incremental_value', 'incremental_value_low', 'incremental_value_high',
  'cost', 'roi', 'roi_low', 'roi_high',
];

/** One row of measure/sample_ratio.csv. */
export interface SampleRatioRow {
  campaign_id: string;
  treatment_units: number;
  control_units: number;
  /** Control share the test expects. */
  expected_control_share: number;
  /** `design` (given) or `observed` (the campaign's own overall share). */
  share_source: 'design' | 'observed';
  strata: number;
  chi_square: number | null;
  df: number;
  p_value: number | null;
  mismatch: boolean;
  note: string;
}

export const SAMPLE_RATIO_COLUMNS: readonly (keyof SampleRatioRow)[] = [
  'campaign_id', 'treatment_units', 'control_units', 'expected_control_share', 'share_source', 'strata', 'chi_square', 'df',
  'p_value', 'mismatch', 'note',
];

export interface CampaignMeasurement {
  results: CampaignResult[];
  sampleRatio: SampleRatioRow[];
  /** What was skipped and why. */
  notes: string[];
}

interface Unit {
  id: string;
  treated: boolean;
  stratum: string;
  outcome: UnitOutcome;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function resolve(options: Partial<MeasureOptions>): MeasureOptions {
  const o = { ...MEASURE_DEFAULTS, ...options };
  if (!(o.confidence > 0 && o.confidence < 1)) throw new SoOError('measure', `confidence must be in (0, 1), got ${o.confidence}`);
  if (!(Number.isInteger(o.maxLevels) && o.maxLevels >= 1)) throw new SoOError('measure', `maxLevels must be a whole number >= 1, got ${o.maxLevels}`);
  for (const [id, s] of Object.entries(o.controlShares)) {
    if (!(s > 0 && s < 1)) throw new SoOError('measure', `controlShares.${id} must be in (0, 1), got ${s}`);
  }
  return o;
}

/** Each campaign's units with their group, stratum and outcome in its window. */
function unitsByCampaign(assignments: Rows, campaigns: CampaignSpec[], index: ReturnType<typeof indexResponses>): Map<string, Unit[]> {
  const spec = new Map(campaigns.map((c) => [c.campaign_id, c]));
  const units = new Map<string, Unit[]>(campaigns.map((c) => [c.campaign_id, []]));
  const seen = new Set<string>();
  rowsOf(assignments).forEach((row, i) => {
    const where = `assignments row ${i + 1}`;
    const campaignId = text(row.campaign_id);
    const c = spec.get(campaignId);
    if (!c) throw new SoOError('measure', `${where}: campaign ${JSON.stringify(campaignId)} is not in campaigns`);
    const key = c.target === 'line' ? 'line_id' : 'account_id';
    const id = text(row[key]);
    if (!id) throw new SoOError('measure', `${where}: campaign ${campaignId} targets ${c.target}s but ${key} is empty`);
    const group = text(row.group);
    if (group !== 'treatment' && group !== 'control') throw new SoOError('measure', `${where}: group must be treatment or control, got ${JSON.stringify(row.group)}`);
    const seenKey = `${campaignId}\u0000${id}`;
    if (seen.has(seenKey)) throw new SoOError('measure', `${where}: ${c.target} ${id} is assigned to campaign ${campaignId} twice`);
    seen.add(seenKey);
    const records = (c.target === 'line' ? index.byLine : index.byAccount).get(id);
    units.get(campaignId)!.push({ id, treated: group === 'treatment', stratum: text(row.stratum), outcome: outcomeInWindow(records, c.start, c.end, c.product) });
  });
  return units;
}

/** Rows of one slice of a campaign's units, one per outcome. */
function sliceRows(c: CampaignSpec, units: readonly Unit[], outcomes: readonly string[], breakdown: string, level: string, withFixedCost: boolean, o: MeasureOptions): CampaignResult[] {
  const treated = units.filter((u) => u.treated);
  const controls = units.filter((u) => !u.treated);
  return outcomes.map((outcome) => {
    const base = {
      campaign_id: c.campaign_id,
      outcome,
      breakdown,
      breakdown_value: level,
      treatment_units: treated.length,
      control_units: controls.length,
      tests_count: 0,
      q_value: null,
    };
    const none = {
      treatment_rate: null, control_rate: null, uplift: null, uplift_low: null, uplift_high: null, relative_lift: null,
      relative_lift_low: null, relative_lift_high: null, p_value: null, treatment_mean: null, control_mean: null, difference: null,
      difference_low: null, difference_high: null, incremental_value: null, incremental_value_low: null, incremental_value_high: null,
      cost: null, roi: null, roi_low: null, roi_high: null,
    };
    if (outcome === VALUE_OUTCOME) {
      const m = compareMeans(
        { treatment: summarise(treated.map((u) => u.outcome.value)), control: summarise(controls.map((u) => u.outcome.value)) },
        { confidence: o.confidence },
      );
      const cost = c.costPerContact * treated.length + (withFixedCost ? c.fixedCost : 0);
      const r = returnOnInvestment(
        { treatmentUnits: treated.length, difference: m.difference, standardError: m.standardError, cost },
        { confidence: o.confidence, df: Number.isFinite(m.df) ? m.df : Infinity },
      );
      return {
        ...base,
        ...none,
        treatment_responders: treated.filter((u) => u.outcome.value > 0).length,
        control_responders: controls.filter((u) => u.outcome.value > 0).length,
        relative_lift: finite(m.difference / m.controlMean),
        p_value: finite(m.pValue),
        treatment_mean: finite(m.treatmentMean),
        control_mean: finite(m.controlMean),
        difference: finite(m.difference),
        difference_low: finite(m.differenceLow),
        difference_high: finite(m.differenceHigh),
        incremental_value: finite(r.incrementalValue),
        incremental_value_low: finite(r.incrementalValueLow),
        incremental_value_high: finite(r.incrementalValueHigh),
        cost,
        roi: finite(r.roi),
        roi_low: finite(r.roiLow),
        roi_high: finite(r.roiHigh),
      };
    }
    const t = { units: treated.length, successes: treated.filter((u) => u.outcome.kinds.has(outcome)).length };
    const k = { units: controls.length, successes: controls.filter((u) => u.outcome.kinds.has(outcome)).length };
    const p = compareProportions({ treatment: t, control: k }, { confidence: o.confidence, interval: o.interval });
    return {
      ...base,
      ...none,
      treatment_responders: t.successes,
      control_responders: k.successes,
      treatment_rate: finite(p.treatmentRate),
      control_rate: finite(p.controlRate),
      uplift: finite(p.uplift),
      uplift_low: finite(p.upliftLow),
      uplift_high: finite(p.upliftHigh),
      relative_lift: finite(p.relativeLift),
      relative_lift_low: finite(p.relativeLiftLow),
      relative_lift_high: finite(p.relativeLiftHigh),
      p_value: finite(p.pValue),
    };
  });
}

/** Sets tests_count and q_value over one family of rows. */
function adjust(rows: CampaignResult[]): void {
  const { tests, qValues } = benjaminiHochberg(rows.map((r) => r.p_value ?? NaN));
  rows.forEach((r, i) => {
    r.tests_count = tests;
    r.q_value = finite(qValues[i]);
  });
}

/** Levels sorted numerically when all are numbers, else as text; the missing level last. */
function sortLevels(levels: string[]): string[] {
  const present = levels.filter((l) => l !== MISSING_LEVEL);
  const numeric = present.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  present.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return levels.includes(MISSING_LEVEL) ? [...present, MISSING_LEVEL] : present;
}

function sampleRatioRow(c: CampaignSpec, units: readonly Unit[], o: MeasureOptions): SampleRatioRow {
  const design = o.controlShares[c.campaign_id] ?? c.controlShare;
  const strata = new Map<string, { t: number; c: number }>();
  for (const u of units) {
    const s = strata.get(u.stratum) ?? strata.set(u.stratum, { t: 0, c: 0 }).get(u.stratum)!;
    if (u.treated) s.t++;
    else s.c++;
  }
  const n = units.length;
  const controls = units.filter((u) => !u.treated).length;
  const share = design ?? controls / n;
  const observed: number[] = [];
  const expected: number[] = [];
  for (const key of [...strata.keys()].sort()) {
    const s = strata.get(key)!;
    observed.push(s.t, s.c);
    expected.push(((s.t + s.c) / n) * (1 - share), ((s.t + s.c) / n) * share);
  }
  // Stratum sizes come from the data (strata - 1 shares), and so does the control share without a design.
  const estimated = strata.size - 1 + (design === undefined ? 1 : 0);
  const srm = sampleRatioMismatch({ observed, expectedShares: expected }, { threshold: o.srmThreshold, estimatedParameters: estimated });
  const testable = Number.isFinite(srm.pValue);
  const note = testable
    ? design === undefined ? 'no design share given: tests that the control share is the same in every stratum' : ''
    : 'no design share given and no strata: the split cannot be tested (give controlShares or a control_share column)';
  return {
    campaign_id: c.campaign_id,
    treatment_units: n - controls,
    control_units: controls,
    expected_control_share: share,
    share_source: design === undefined ? 'observed' : 'design',
    strata: strata.size,
    chi_square: testable ? srm.chiSquare : null,
    df: srm.df,
    p_value: testable ? srm.pValue : null,
    mismatch: srm.mismatch,
    note,
  };
}

/** Measures every campaign: results rows, one sample-ratio row per campaign, and notes. */
export function measureCampaigns(data: CampaignData, options: Partial<MeasureOptions> = {}): CampaignMeasurement {
  const o = resolve(options);
  const index = indexResponses(data.responses);
  const campaigns = readCampaigns(data.campaigns, index.lastDate);
  const byCampaign = unitsByCampaign(data.assignments, campaigns, index);
  const outcomes = o.outcomes ?? [...index.kinds.filter((k) => !OUTBOUND_KINDS.has(k)), ...(index.hasValues ? [VALUE_OUTCOME] : [])];
  const notes: string[] = [];

  const lineCols = columnsOf(data.lines);
  const accountCols = columnsOf(data.accounts);
  const lineRows = new Map<string, Row>(rowsOf(data.lines).map((r) => [text(r.line_id), r]));
  const accountRows = new Map<string, Row>(rowsOf(data.accounts).map((r) => [text(r.account_id), r]));
  for (const b of o.breakdowns) {
    if (b === ALL) throw new SoOError('measure', `'${ALL}' names the overall rows and cannot be a breakdown`);
    if (!lineCols.has(b) && !accountCols.has(b) && b !== 'stratum') throw new SoOError('measure', `breakdown ${b} is a column of neither lines nor accounts`);
  }

  const results: CampaignResult[] = [];
  const sampleRatio: SampleRatioRow[] = [];
  for (const c of campaigns) {
    const units = byCampaign.get(c.campaign_id)!;
    if (!units.some((u) => u.treated) || !units.some((u) => !u.treated)) {
      notes.push(`campaign ${c.campaign_id}: needs units in both groups, has ${units.filter((u) => u.treated).length} treated and ${units.filter((u) => !u.treated).length} control: not measured`);
      continue;
    }
    if (c.openEnded) notes.push(`campaign ${c.campaign_id}: no end_date, window runs to the last response date ${c.end}`);
    const overall = sliceRows(c, units, outcomes, ALL, ALL, true, o);
    adjust(overall);
    const slices: CampaignResult[] = [];
    for (const b of o.breakdowns) {
      if (c.target === 'account' && !accountCols.has(b) && b !== 'stratum') {
        notes.push(`campaign ${c.campaign_id}: breakdown ${b} is a line attribute and the campaign's unit is the account: skipped`);
        continue;
      }
      // A line's own column first, then its account's; `stratum` not found in either is the assignment's.
      const attribute = (u: Unit): unknown => {
        if (c.target === 'line' && lineCols.has(b)) return lineRows.get(u.id)?.[b];
        if (accountCols.has(b)) return accountRows.get(c.target === 'line' ? text(lineRows.get(u.id)?.account_id) : u.id)?.[b];
        return u.stratum;
      };
      const groups = new Map<string, Unit[]>();
      for (const u of units) {
        const v = attribute(u);
        const level = isEmpty(v) ? MISSING_LEVEL : text(v);
        (groups.get(level) ?? groups.set(level, []).get(level)!).push(u);
      }
      if (groups.size > o.maxLevels) {
        notes.push(`campaign ${c.campaign_id}: breakdown ${b} has ${groups.size} levels, more than maxLevels ${o.maxLevels}: skipped (bin it first)`);
        continue;
      }
      for (const level of sortLevels([...groups.keys()])) slices.push(...sliceRows(c, groups.get(level)!, outcomes, b, level, false, o));
    }
    adjust(slices);
    results.push(...overall, ...slices);
    sampleRatio.push(sampleRatioRow(c, units, o));
  }
  return { results, sampleRatio, notes };
}

function tableOf<T extends object>(rows: readonly T[], columns: readonly (keyof T)[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((col) => [col, rows.map((r) => r[col])])));
}

/** measure/campaign_results.csv as an arquero table, columns in their documented order. */
export function campaignResultsTable(results: readonly CampaignResult[]): ColumnTable {
  return tableOf(results, CAMPAIGN_RESULT_COLUMNS);
}

/** measure/sample_ratio.csv as an arquero table. */
export function sampleRatioTable(rows: readonly SampleRatioRow[]): ColumnTable {
  return tableOf(rows, SAMPLE_RATIO_COLUMNS);
}
