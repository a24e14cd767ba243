/**
 * The measure step: what each campaign of a pilot changed, treatment against control, from the response
 * memory (campaigns.ts), by propensity band where it offered a product (Qini, ../experiment/qini.ts), and
 * among the untreated colleagues where it was randomised by account or community (spillover.ts: the
 * influence value of step 3, measured instead of assumed). Runs in a full pipeline when the pilot folder
 * holds campaigns, and alone as `npm run measure` (campaigns, assignments and responses are enough).
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { queryRows } from '../io/duckdb';
import { acceptedSql } from '../io/step';
import { qiniCurve } from '../experiment/qini';
import { round } from '../util/stats';
import { CAMPAIGN_RESULT_COLUMNS, SAMPLE_RATIO_COLUMNS, measureCampaigns, type CampaignResult } from './campaigns';
import { indexResponses, outcomeInWindow, readCampaigns, text, type Row } from './input';
import { spillover, spilloverColleagues } from './spillover';
import type { ProportionInterval } from '../experiment/proportions';
import { plural } from '../util/text';

export interface MeasureParams {
  /** Attributes to break results down by: columns of lines (extra columns too) or accounts, persona, value_tier, segment, channel. */
  breakdowns: string[];
  confidence: number;
  interval: ProportionInterval;
  /** Sample-ratio p-value below which a campaign's groups are flagged as not as designed. */
  srm_threshold: number;
  /** A breakdown with more levels than this is skipped (bin it first). */
  max_levels: number;
  /** Propensity bands of the uplift (Qini) curve. */
  propensity_bands: number;
  /** The response that counts as adopting, for the uplift curve and the spill-over. */
  adoption: string;
  /** The design's control share per campaign id, where campaigns do not carry a control_share column. */
  control_shares: Record<string, number>;
}

const fileRows = async (db: Awaited<ReturnType<Parameters<StepDef['run']>[2]['db']>>, dir: string, file: 'campaigns' | 'assignments' | 'responses' | 'lines' | 'accounts') =>
  queryRows<Row>(db, await acceptedSql(db, dir, file));

/** Lines' attributes for breakdowns: their own columns, with persona and value tier where those ran. */
function enrich(rows: Row[], key: string, extra: (ColumnTable | undefined)[], columns: string[]): Row[] {
  const maps = extra.map((t) => (t ? new Map((t.objects() as Row[]).map((r) => [text(r[key]), r])) : undefined));
  return rows.map((r) => {
    const out: Row = { ...r };
    maps.forEach((m) => {
      const hit = m?.get(text(r[key]));
      if (hit) for (const c of columns) if (c in hit) out[c] = hit[c];
    });
    return out;
  });
}

export const measureStep: StepDef<MeasureParams> = {
  name: 'measure',
  summary: 'each campaign measured: uplift with intervals, return on investment, by band and breakdown, spill-over',
  section: () => import('./section.js'),
  inputs: ['inputs'],
  optionalInputs: ['personas', 'value', 'account_segments', 'propensities', 'network'],
  requires: ['campaigns', 'assignments', 'responses'],
  applies: async (facts) => (await facts.hasInput('campaigns')) && (await facts.hasInput('assignments')),
  idleBecause: 'no campaigns or assignments file, so no campaign has run yet; the pilot step designs the first ones, and npm run measure measures them once they have run',
  outputs: ['campaign_results', 'sample_ratio', 'uplift_by_band', 'spillover'],
  defaults: {
    breakdowns: ['persona', 'value_tier', 'account_id', 'segment', 'channel'],
    confidence: 0.95,
    interval: 'newcombe',
    srm_threshold: 0.001,
    max_levels: 50,
    propensity_bands: 10,
    adoption: 'adopted',
    control_shares: {},
  },
  maps: ['control_shares'],
  validate(p, check) {
    check(p.confidence > 0 && p.confidence < 1, 'confidence', 'must be between 0 and 1');
    check(p.interval === 'newcombe' || p.interval === 'wald', 'interval', 'must be newcombe or wald');
    check(Number.isInteger(p.propensity_bands) && p.propensity_bands >= 1, 'propensity_bands', 'must be a whole number >= 1');
  },
  async run(inputs, p, ctx) {
    const db = await ctx.db();
    const dir = inputs.inputs as string;
    const [campaigns, assignments, responses, rawLines, rawAccounts] = await Promise.all(
      (['campaigns', 'assignments', 'responses', 'lines', 'accounts'] as const).map((f) => fileRows(db, dir, f)),
    );
    const t = (name: 'personas' | 'value' | 'account_segments' | 'propensities' | 'network') => inputs[name] as ColumnTable | undefined;
    const lines = enrich(rawLines, 'line_id', [t('personas'), t('value'), t('network')], ['persona', 'value_tier', 'community']);
    const accounts = enrich(rawAccounts, 'account_id', [t('account_segments')], ['segment', 'channel']);
    const present = new Set([...Object.keys(lines[0] ?? {}), ...Object.keys(accounts[0] ?? {}), 'stratum']);
    const breakdowns = p.breakdowns.filter((b) => present.has(b));
    for (const b of p.breakdowns.filter((x) => !present.has(x))) ctx.log(`[measure] no ${b} to break results down by: skipped`);
    const measured = measureCampaigns({ campaigns, assignments, responses, lines, accounts }, {
      breakdowns, confidence: p.confidence, interval: p.interval, srmThreshold: p.srm_threshold, maxLevels: p.max_levels, controlShares: p.control_shares,
    });
    for (const note of measured.notes) ctx.log(`[measure] ${note}`);
    for (const s of measured.sampleRatio.filter((r) => r.mismatch)) ctx.warn(`campaign ${s.campaign_id}: group sizes differ from the design (sample-ratio p = ${s.p_value?.toExponential(2)}): read its results with care`);

    // Uplift by propensity band, where a line campaign offered a product the offers step scored.
    const index = indexResponses(responses);
    const specs = readCampaigns(campaigns, index.lastDate);
    const propensity = new Map(((t('propensities')?.objects() ?? []) as Row[]).map((r) => [`${text(r.line_id)}|${text(r.product_id)}`, Number(r.propensity)]));
    const bands: Row[] = [];
    const spill: Row[] = [];
    for (const c of specs) {
      const product = text(campaigns.find((r) => text(r.campaign_id) === c.campaign_id)?.product_id);
      const own = assignments.filter((a) => text(a.campaign_id) === c.campaign_id);
      if (c.target === 'line' && product && propensity.size) {
        const units = own.flatMap((a) => {
          const score = propensity.get(`${text(a.line_id)}|${product}`);
          if (score === undefined) return [];
          const outcome = outcomeInWindow(index.byLine.get(text(a.line_id)), c.start, c.end, c.product);
          return [{ score, group: text(a.group), outcome: outcome.kinds.has(p.adoption) ? 1 : 0 }];
        });
        if (units.some((u) => u.group === 'treatment') && units.some((u) => u.group === 'control')) {
          const q = qiniCurve(units, { bands: p.propensity_bands });
          for (const b of q.bands) bands.push({ campaign_id: c.campaign_id, outcome: p.adoption, ...b, qini_coefficient: round(q.coefficient, 6) });
        }
      }
      // Spill-over where whole accounts or communities were randomised (the pilot step says so in campaigns).
      const by = text(campaigns.find((r) => text(r.campaign_id) === c.campaign_id)?.randomised_by);
      if (c.target === 'line' && (by === 'account' || by === 'community')) {
        const cluster = by === 'account' ? 'account_id' : 'community';
        if (!lines.some((l) => l[cluster])) {
          ctx.log(`[measure] ${c.campaign_id}: no ${cluster} per line to measure the spill-over on`);
          continue;
        }
        const colleagues = spilloverColleagues({ campaign_id: c.campaign_id, campaigns, assignments, responses, lines }, { cluster, outcome: p.adoption });
        if (!colleagues.some((x) => x.arm === 'treatment') || !colleagues.some((x) => x.arm === 'control')) continue;
        const s = spillover(colleagues, { confidence: p.confidence });
        spill.push({
          campaign_id: c.campaign_id, randomised_by: by, outcome: p.adoption,
          treatment_colleagues: s.treatment.lines, control_colleagues: s.control.lines, treatment_clusters: s.treatment.clusters, control_clusters: s.control.clusters,
          treatment_rate: s.treatment.rate, control_rate: s.control.rate, difference: s.difference,
          difference_low: Number.isFinite(s.difference_low) ? s.difference_low : null, difference_high: Number.isFinite(s.difference_high) ? s.difference_high : null,
          p_value: Number.isFinite(s.p_value) ? s.p_value : null,
        });
      }
    }
    const select = <T extends object>(rows: readonly T[], columns: readonly (keyof T)[]) => aq.from(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
    return {
      campaign_results: select(measured.results, CAMPAIGN_RESULT_COLUMNS),
      sample_ratio: select(measured.sampleRatio, SAMPLE_RATIO_COLUMNS),
      uplift_by_band: aq.from(bands),
      spillover: aq.from(spill),
    };
  },
  describe: (o) => {
    const r = o.campaign_results as ColumnTable;
    const overall = (r.objects() as CampaignResult[]).filter((x) => x.breakdown === 'all');
    const campaigns = new Set(overall.map((x) => x.campaign_id)).size;
    const breakdowns = r.numRows() - overall.length;
    return `${campaigns} ${plural(campaigns, 'campaign')}, ${overall.length} ${plural(overall.length, 'outcome')} measured, ${breakdowns} breakdown ${plural(breakdowns, 'row')}`;
  },
};
