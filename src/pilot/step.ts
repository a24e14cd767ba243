/**
 * The pilot step: designs the pilot on 10-20 accounts (design.ts) and writes it in the input contract
 * (campaigns, assignments: fed back with the responses, `npm run measure` reads them), the design figures
 * and balance, and the campaign lists the operator's campaign tool runs. Lists hold real line ids: they
 * are internal (pilot/internal/), and the report never shows them; the pseudonym-to-line lookup is
 * written only when the config asks for it.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { MEDIA } from '../io/contract';
import { pseudonym } from '../report/privacy';
import { groupBy, round } from '../util/stats';
import { SoOError } from '../util/errors';
import { balance, designFigures, pickAccounts, propensityBands, sizeBand, assignClusters, assignStratified, type CampaignDesign } from './design';
import { plural } from '../util/text';

type Medium = (typeof MEDIA)[number];
type Row = Record<string, unknown>;

export interface PilotParams {
  /** The pilot accounts; empty: a stratified pick of `pick` accounts across segment, channel and size. */
  accounts: string[];
  pick: number;
  /** Share of units held out as control in every stratum. */
  control_share: number;
  /** Products of step 5 that get a campaign: the top ones by expected margin in the pilot accounts. */
  product_campaigns: number;
  /** Propensity bands a product campaign is stratified on, within each account. */
  propensity_bands: number;
  /** A word-of-mouth campaign on the communities' seed lines, randomised by community. */
  word_of_mouth: boolean;
  /** A campaign of the accounts' next marketing action, randomised by account. */
  relationship_campaign: boolean;
  /** First day of the campaigns (YYYY-MM-DD); empty: the day after the observation window. */
  start_date: string;
  duration_days: number;
  /** How business offers reach the employer's contact, and personal offers the employee. */
  business_medium: Medium;
  personal_medium: Medium;
  /** Cost of one contact by medium (currency), and of setting up one campaign. */
  cost_per_contact: Record<Medium, number>;
  fixed_cost: number;
  /** Expected share of accounts that advance a stage in the campaign window without the action. */
  relationship_base_rate: number;
  /** Power and level the smallest detectable uplift is computed at; intra-cluster correlation assumed. */
  power: number;
  alpha: number;
  icc: number;
  /** Features whose balance between groups is shown. */
  balance_features: string[];
  /** Write pilot/internal/pseudonym_lookup.csv for authorised staff. */
  write_pseudonym_lookup: boolean;
}

const addDays = (day: string, n: number) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);

export const pilotStep: StepDef<PilotParams> = {
  name: 'pilot',
  summary: 'the pilot: accounts, one campaign per initiative with stratified or cluster control groups, power, balance, campaign lists',
  section: () => import('./section.js'),
  inputs: ['window', 'mart', 'network', 'personas', 'value', 'offers', 'products', 'account_mart', 'account_segments', 'account_actions'],
  outputs: ['pilot_campaigns', 'pilot_assignments', 'pilot_design', 'pilot_balance', 'campaign_lists'],
  optionalOutputs: ['pseudonym_lookup'],
  defaults: {
    accounts: [],
    pick: 15,
    control_share: 0.2,
    product_campaigns: 3,
    propensity_bands: 3,
    word_of_mouth: true,
    relationship_campaign: true,
    start_date: '',
    duration_days: 28,
    business_medium: 'email',
    personal_medium: 'sms',
    cost_per_contact: { email: 0.1, sms: 0.05, telemarketing: 4, direct_mail: 1.5, web: 0, sales_rep: 80, app: 0.02 },
    fixed_cost: 500,
    relationship_base_rate: 0.1,
    power: 0.8,
    alpha: 0.05,
    icc: 0.05,
    balance_features: ['voice_minutes', 'data_mb', 'roaming_days', 'international_share', 'internal_share', 'current_value', 'persona'],
    write_pseudonym_lookup: false,
  },
  validate(p, check) {
    check(Number.isInteger(p.pick) && p.pick >= 1, 'pick', 'must be a whole number >= 1');
    check(p.control_share > 0 && p.control_share < 1, 'control_share', 'must be between 0 and 1');
    check(Number.isInteger(p.propensity_bands) && p.propensity_bands >= 1, 'propensity_bands', 'must be a whole number >= 1');
    check(p.start_date === '' || /^\d{4}-\d{2}-\d{2}$/.test(p.start_date), 'start_date', 'must be a date YYYY-MM-DD or empty');
    check(Number.isInteger(p.duration_days) && p.duration_days >= 1, 'duration_days', 'must be a whole number >= 1');
    for (const key of ['business_medium', 'personal_medium'] as const) check(MEDIA.includes(p[key]), key, `must be one of ${MEDIA.join(', ')}`);
    check(p.power > 0 && p.power < 1 && p.alpha > 0 && p.alpha < 1, 'power', 'and pilot.alpha must be between 0 and 1');
  },
  preflight(p, facts) {
    return p.accounts.length ? facts.accountIds().then((known) => {
      const unknown = p.accounts.filter((a) => !known.has(a));
      if (unknown.length) throw new SoOError('config', `pilot.accounts names ${unknown.join(', ')}, not in the pilot's accounts`);
    }) : undefined;
  },
  run(inputs, p, ctx) {
    const rows = (name: keyof typeof inputs) => (inputs[name] as ColumnTable).objects() as Row[];
    const window = inputs.window as { last_day: string | null };
    const start = p.start_date || (window.last_day ? addDays(window.last_day, 1) : '1970-01-01');
    const end = addDays(start, p.duration_days - 1);
    const accountMart = new Map(rows('account_mart').map((a) => [String(a.account_id), a]));
    const served = rows('account_segments');
    const stratum = (a: Row) => `${a.segment}|${a.channel}|${sizeBand(Number(accountMart.get(String(a.account_id))?.size ?? 0))}`;
    const pilotAccounts = p.accounts.length ? [...p.accounts].sort() : pickAccounts(served.map((a) => ({ account_id: String(a.account_id), stratum: stratum(a) })), p.pick, ctx.seed);
    const inPilot = new Set(pilotAccounts);

    const lineFeatures = new Map<string, Row>();
    const value = new Map(rows('value').map((v) => [String(v.line_id), v]));
    const persona = new Map(rows('personas').map((v) => [String(v.line_id), v.persona]));
    // Only the columns the designs read: a mart row has some hundred features, and copying them all for every
    // line was a fifth of this step.
    const mart = inputs.mart as ColumnTable;
    const needed = ['line_id', 'account_id', ...p.balance_features.filter((f) => mart.columnNames().includes(f))];
    for (const m of mart.select([...new Set(needed)]).objects() as Row[]) {
      if (!inPilot.has(String(m.account_id))) continue;
      const id = String(m.line_id);
      lineFeatures.set(id, { ...m, current_value: value.get(id)?.current_value, persona: persona.get(id) });
    }
    const products = new Map(rows('products').map((r) => [String(r.product_id), r]));
    // Rank 0 rows say why a line has no offer: they are not offers to campaign on.
    const offers = rows('offers').filter((o) => inPilot.has(String(o.account_id)) && Number(o.rank) > 0);
    const campaigns: Row[] = [];
    const designs: Row[] = [];
    const assignments: Row[] = [];
    const balances: Row[] = [];
    const lists: Row[] = [];
    const lookup = new Map<string, string>();
    const add = (spec: { id: string; name: string; product: string; target: 'line' | 'account'; medium: Medium; d: CampaignDesign; approach: string; describe: (id: string) => Row }) => {
      if (!spec.d.assignments.length) return;
      const figures = designFigures(spec.d, p);
      campaigns.push({
        campaign_id: spec.id, name: spec.name, product_id: spec.product || null, target: spec.target, channel: spec.medium, start_date: start, end_date: end,
        cost_per_contact: p.cost_per_contact[spec.medium] ?? 0, fixed_cost: p.fixed_cost, control_share: p.control_share, randomised_by: spec.d.randomisedBy,
      });
      designs.push({ campaign_id: spec.id, name: spec.name, target: spec.target, randomised_by: spec.d.randomisedBy, ...figures, power: p.power, alpha: p.alpha });
      const key = spec.target === 'line' ? 'line_id' : 'account_id';
      for (const a of spec.d.assignments) {
        const accountId = spec.target === 'line' ? String(lineFeatures.get(a.id)?.account_id ?? '') : a.id;
        assignments.push({ campaign_id: spec.id, line_id: spec.target === 'line' ? a.id : null, account_id: accountId, group: a.group, stratum: a.stratum });
        if (a.group !== 'treatment') continue;
        const employee = spec.target === 'line' ? pseudonym(a.id, ctx.pseudonymKey) : null;
        if (employee) lookup.set(employee, a.id);
        lists.push({ campaign_id: spec.id, [key]: a.id, ...(spec.target === 'line' ? { account_id: accountId } : { line_id: null }), employee, approach: spec.approach, medium: spec.medium, ...spec.describe(a.id) });
      }
      if (spec.target === 'line') balances.push(...balance(spec.id, spec.d.assignments, lineFeatures, p.balance_features));
      else balances.push(...balance(spec.id, spec.d.assignments, accountMart, ['size', 'spend_per_month', 'persona_entropy']));
    };

    // Product campaigns: the top products by expected margin in the pilot accounts.
    const margin = [...groupBy(offers, (o) => String(o.product_id))].map(([id, os]) => [id, os.reduce((s, o) => s + Number(o.expected_value), 0)] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, p.product_campaigns);
    for (const [productId] of margin) {
      const units = offers.filter((o) => o.product_id === productId);
      const bands = propensityBands(units.map((o) => Number(o.propensity)), p.propensity_bands);
      const assigned = assignStratified(units.map((o, i) => ({ id: String(o.line_id), stratum: `${o.account_id}|band ${bands[i]}` })), { controlShare: p.control_share, seed: ctx.seed });
      const product = products.get(productId);
      const business = product?.audience === 'business';
      const offerOf = new Map(units.map((o) => [String(o.line_id), o]));
      add({
        id: `P-${productId}`, name: `Offer ${product?.name ?? productId}`, product: productId, target: 'line', medium: business ? p.business_medium : p.personal_medium,
        d: { campaign_id: `P-${productId}`, assignments: assigned, baseRate: units.reduce((s, o) => s + Number(o.propensity), 0) / units.length, randomisedBy: 'line', clusterSize: 1 },
        approach: business ? 'employer contact (business line)' : 'employee (personal line)',
        describe: (id) => ({ product_id: productId, offer: product?.name ?? productId, reason: String(offerOf.get(id)?.reason ?? '') }),
      });
    }

    // Word of mouth: the most central line of each community, randomised by community so colleagues show the spill-over.
    if (p.word_of_mouth) {
      const seeds = rows('network').filter((n) => n.wom_seed === true && inPilot.has(String(n.account_id)));
      // Not a product a direct campaign already offers: its control lines would sit in communities whose seed is
      // pitched the same product, and neither campaign would measure cleanly (Copenhagen: 85 of 110 control lines).
      const direct = new Set(margin.map(([id]) => id));
      const personal = [...groupBy(offers.filter((o) => products.get(String(o.product_id))?.audience === 'personal' && !direct.has(String(o.product_id))), (o) => String(o.product_id))]
        .map(([id, os]) => [id, os.reduce((s, o) => s + Number(o.propensity), 0)] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
      if (!personal && seeds.length >= 2) ctx.log('[pilot] no word-of-mouth campaign: every personal product offered here has a direct campaign, whose control lines it would reach through the seeds');
      if (seeds.length >= 2 && personal) {
        const assigned = assignClusters(seeds.map((n) => ({ id: String(n.line_id), cluster: String(n.community), stratum: String(n.account_id) })), { controlShare: p.control_share, seed: ctx.seed });
        const propensity = new Map(rows('offers').filter((o) => o.product_id === personal).map((o) => [String(o.line_id), Number(o.propensity)]));
        const base = seeds.reduce((s, n) => s + (propensity.get(String(n.line_id)) ?? 0.05), 0) / seeds.length;
        add({
          id: `W-${personal}`, name: `Word of mouth: ${products.get(personal)?.name ?? personal} through the communities' central lines`, product: personal, target: 'line', medium: p.personal_medium,
          d: { campaign_id: `W-${personal}`, assignments: assigned, baseRate: base, randomisedBy: 'community', clusterSize: 1 },
          approach: 'employee (personal line), as a word-of-mouth seed',
          describe: () => ({ product_id: personal, offer: products.get(personal)?.name ?? personal, reason: 'the most central line of its community: colleagues hear of the offer from them' }),
        });
      }
    }

    // The relationship: the accounts' next marketing action, randomised by account within service channel.
    if (p.relationship_campaign) {
      const actions = rows('account_actions').filter((a) => inPilot.has(String(a.account_id)) && a.next_action !== 'wait');
      if (actions.length >= 2) {
        const media = [...groupBy(actions, (a) => String(a.medium))].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
        const assigned = assignStratified(actions.map((a) => ({ id: String(a.account_id), stratum: String(a.channel) })), { controlShare: p.control_share, seed: ctx.seed });
        const byId = new Map(actions.map((a) => [String(a.account_id), a]));
        add({
          id: 'R-NEXT-ACTION', name: 'The next marketing action of each account', product: '', target: 'account', medium: media[0][0] as Medium,
          d: { campaign_id: 'R-NEXT-ACTION', assignments: assigned, baseRate: p.relationship_base_rate, randomisedBy: 'account', clusterSize: 1 },
          approach: 'the account\'s contacts',
          describe: (id) => ({ product_id: null, offer: String(byId.get(id)?.next_action ?? ''), reason: String(byId.get(id)?.reason ?? ''), medium: String(byId.get(id)?.medium ?? '') }),
        });
      }
    }

    const out: Record<string, ColumnTable> = {
      pilot_campaigns: aq.from(campaigns),
      pilot_assignments: aq.from(assignments),
      pilot_design: aq.from(designs),
      pilot_balance: aq.from(balances),
      campaign_lists: aq.from(lists),
    };
    if (p.write_pseudonym_lookup) out.pseudonym_lookup = aq.from([...lookup].sort().map(([employee, line_id]) => ({ employee, line_id })));
    ctx.log(pilotAccounts.length ? `[pilot] ${pilotAccounts.length} ${plural(pilotAccounts.length, 'account')}: ${pilotAccounts.join(', ')}; campaigns run ${start} to ${end}` : '[pilot] no account in scope: no pilot designed');
    return out;
  },
  describe: (o) => {
    const d = (o.pilot_design as ColumnTable).objects() as Row[];
    return d.map((r) => `${r.campaign_id} ${r.treatment_units}/${r.control_units} (MDE ${r.mde === null ? 'n/a' : `${round(Number(r.mde) * 100, 2)} pts`})`).join('; ') || 'no campaign';
  },
};
