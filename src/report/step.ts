/** The findings report as a step: every step's report section over the run's tables, in one HTML file. */
import type { StepDef } from '../pipeline/step';
import type { ReportParams } from './view';
import { PSEUDONYM_KEY_ENV } from './privacy';
import { SoOError } from '../util/errors';
import { plural } from '../util/text';

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
  optionalOutputs: ['customer_reports'],
  defaults: { max_links: 800, currency: 'EUR', locale: 'en', accounts: [], largest_accounts: 20, customers: [] },
  validate(p, check) {
    check(Number.isInteger(p.max_links) && p.max_links >= 0, 'max_links', 'must be an integer >= 0');
    check(Number.isInteger(p.largest_accounts) && p.largest_accounts >= 0, 'largest_accounts', 'must be an integer >= 0');
    for (const key of ['accounts', 'customers'] as const) {
      check(p[key].every((id) => typeof id === 'string' && /^[\w.-]+$/.test(id)), key, 'must list account ids (letters, digits, . _ -)');
    }
    let ok = true;
    try {
      new Intl.NumberFormat(p.locale, { style: 'currency', currency: p.currency });
    } catch {
      ok = false;
    }
    check(ok, 'currency', `and report.locale must be an ISO 4217 currency code and a BCP 47 locale (got ${p.currency}, ${p.locale})`);
  },
  async preflight(p, facts) {
    const named = [...new Set([...p.accounts, ...p.customers])];
    if (!named.length) return;
    const known = await facts.accountIds();
    const unknown = named.filter((a) => !known.has(a));
    if (unknown.length) throw new SoOError('config', `report.accounts or report.customers names ${plural(unknown.length, 'account')} ${unknown.join(', ')}, not in the pilot's accounts (${known.size} ${plural(known.size, 'account')})`);
  },
  async run(inputs, p, ctx) {
    if (ctx.pseudonymKey === (await import('../config.js')).DEFAULT_PSEUDONYM_KEY) {
      ctx.warn(`the default pseudonym key is in use; set ${PSEUDONYM_KEY_ENV} or pseudonym_key per engagement`);
    }
    // Loaded here, not at start-up: the sections render charts, and charts load jsdom (0.7 s).
    const { STEPS } = await import('../pipeline/registry.js');
    const { buildView } = await import('./view.js');
    const { buildReport, buildCustomerReport } = await import('./report.js');
    const sections = await Promise.all(STEPS.filter((s) => s.section).map(async (s) => (await s.section!()).section));
    const cache = ctx.cache('report');
    const view = buildView(inputs, p, ctx.pseudonymKey, ctx.seed, [], cache);
    for (const s of sections) if (s.needs.every((t) => view.tables[t] !== undefined)) await s.prefetch?.(view, ctx.workers);
    // A customer's report reads the portfolio run's tables scoped to it: the same models, the same numbers.
    const customers: Record<string, string> = {};
    for (const id of p.customers) {
      const own = buildView(inputs, p, ctx.pseudonymKey, ctx.seed, [id], cache);
      if (!own.byAccount.has(id)) ctx.warn(`report.customers: ${id} has no lines in this run (mart.accounts, or all quarantined): no report for it`);
      else customers[`${id}.html`] = buildCustomerReport(own, sections, id);
    }
    return { report: buildReport(view, sections), ...(p.customers.length ? { customer_reports: customers } : {}) };
  },
  describe: (o) => `${Math.round(Buffer.byteLength(o.report as string) / 1024)} kB${o.customer_reports ? `; ${Object.keys(o.customer_reports).length} customer report(s) in report/customers` : ''}`,
};

