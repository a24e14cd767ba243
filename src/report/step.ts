/** The findings report as a step: every step's report section over the run's tables, in one HTML file. */
import type { StepDef } from '../pipeline/step';
import type { ReportParams } from './view';
import { PSEUDONYM_KEY_ENV } from './privacy';

export type { ReportParams };

export const reportStep: StepDef<ReportParams> = {
  name: 'report',
  summary: 'the findings report: portfolio, each account as one customer and line by line',
  // Every section shows what the run has: a run that only measures campaigns reports just that.
  inputs: [],
  optionalInputs: [
    'load_summary', 'accounts', 'mart', 'network', 'ties', 'value', 'personas', 'proposals', 'account_segments', 'segment_profiles',
    'account_actions', 'stage_evidence', 'pilot_design', 'pilot_campaigns', 'pilot_balance', 'campaign_results', 'sample_ratio', 'uplift_by_band', 'spillover',
  ],
  outputs: ['report'],
  defaults: { max_links: 800, currency: 'EUR', locale: 'en' },
  validate(p, check) {
    check(Number.isInteger(p.max_links) && p.max_links >= 0, 'max_links', 'must be an integer >= 0');
    let ok = true;
    try {
      new Intl.NumberFormat(p.locale, { style: 'currency', currency: p.currency });
    } catch {
      ok = false;
    }
    check(ok, 'currency', `and report.locale must be an ISO 4217 currency code and a BCP 47 locale (got ${p.currency}, ${p.locale})`);
  },
  async run(inputs, p, ctx) {
    if (ctx.pseudonymKey === (await import('../config.js')).DEFAULT_PSEUDONYM_KEY) {
      ctx.warn(`the default pseudonym key is in use; set ${PSEUDONYM_KEY_ENV} or pseudonym_key per engagement`);
    }
    // Loaded here, not at start-up: the sections render charts, and charts load jsdom (0.7 s).
    const { STEPS } = await import('../pipeline/registry.js');
    const { buildView } = await import('./view.js');
    const { buildReport } = await import('./report.js');
    const sections = await Promise.all(STEPS.filter((s) => s.section).map(async (s) => (await s.section!()).section));
    return { report: buildReport(buildView(inputs, p, ctx.pseudonymKey, ctx.seed), sections) };
  },
  describe: (o) => `${Math.round(Buffer.byteLength(o.report as string) / 1024)} kB`,
};

