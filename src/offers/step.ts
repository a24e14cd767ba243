/** Step 5, next best offer, as two steps: propensities (the models) and offers (ranking, tariffs, proposals). */
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { computePropensities, nextBestOffers, type OfferParams, type PropensityParams } from './offers';
import { unpriced } from './tariffs';
import { plural } from '../util/text';

export type { OfferParams, PropensityParams };

const windowEnd = (w: unknown) => String((w as { last_day?: string | null }).last_day ?? '');

export const propensitiesStep: StepDef<PropensityParams> = {
  name: 'propensities',
  summary: 'the probability of each line adopting each product in the 90 days after the window, with its reason',
  inputs: ['window', 'mart', 'products', 'holdings', 'holding_spells', 'ties'],
  outputs: ['propensities', 'product_models'],
  defaults: {
    features: [
      'voice_out_per_active_day', 'sms_per_active_day', 'data_mb_per_active_day', 'active_day_share',
      'international_business_share', 'international_private_share', 'own_internal_share', 'own_off_hours_share',
      'evening_night_share', 'weekend_share', 'business_hours_share', 'distinct_cells', 'mobility_radius_km', 'roaming_days_with_colleagues',
      'roaming_days_without_colleagues', 'distinct_external_counterparts', 'international_business_per_active_day', 'international_private_per_active_day',
      'new_line', 'line_age_years',
    ],
    min_holders: 10,
    l2_candidates: [0.3, 3, 30, 300],
    iterations: 30,
    fit_sample: 20000,
    adoption_days: 90,
    history_periods: 3,
    min_adopters: 20,
    prior_adoption_rate: 0.05,
  },
  validate(p, check) {
    check(p.features.length > 0, 'features', 'must name at least one mart feature');
    check(p.l2_candidates.length > 0 && p.l2_candidates.every((c) => c >= 0), 'l2_candidates', 'must list penalties >= 0');
    check(p.prior_adoption_rate > 0 && p.prior_adoption_rate < 1, 'prior_adoption_rate', 'must be between 0 and 1');
    check(Number.isInteger(p.adoption_days) && p.adoption_days >= 1, 'adoption_days', 'must be a whole number >= 1');
    check(Number.isInteger(p.history_periods) && p.history_periods >= 1, 'history_periods', 'must be a whole number >= 1');
  },
  async run(inputs, p, ctx) {
    const t = (name: 'mart' | 'products' | 'holdings' | 'holding_spells' | 'ties') => inputs[name] as ColumnTable;
    const result = await computePropensities({ mart: t('mart'), products: t('products'), holdings: t('holdings'), spells: t('holding_spells'), ties: t('ties'), windowEnd: windowEnd(inputs.window) }, p, ctx.seed, { workers: ctx.workers((inputs.mart as ColumnTable).numRows()) });
    const models = result.models.objects() as { product_id: string; model: string; scale: string; note: string }[];
    const rules = models.filter((m) => m.model !== 'logistic');
    // One line per product: each note has clauses of its own, joined they made one line of 1,500 characters.
    for (const m of rules) ctx.log(`[propensities] ${m.product_id}: ${m.note}`);
    // Said only where there were lines whose holdings could have carried dates.
    if (models.length && t('mart').numRows() > 0 && models.every((m) => m.scale === 'prior')) ctx.warn(`no holding carries a start date: propensities are scaled to the prior adoption rate ${p.prior_adoption_rate}, not measured`);
    return { propensities: result.propensities, product_models: result.models };
  },
  describe: (o) => {
    const models = (o.product_models as ColumnTable).objects() as { model: string }[];
    return `${models.length} ${plural(models.length, 'product')}: ${models.filter((m) => m.model === 'logistic').length} by a model, ${models.filter((m) => m.model === 'affinity').length} by a behaviour rule, ${models.filter((m) => m.model === 'none').length} not scored`;
  },
};

export const offersStep: StepDef<OfferParams> = {
  name: 'offers',
  summary: 'ranked offers per line for the employer and the employee with reasons; per account, products and tariffs to propose',
  section: () => import('./section.js'),
  inputs: ['window', 'mart', 'personas', 'products', 'holdings', 'propensities'],
  optionalInputs: ['responses'],
  outputs: ['offers', 'proposals'],
  maps: ['tariffs'],
  defaults: {
    per_line: 3,
    min_propensity: 0.01,
    proposal_min_propensity: 0.05,
    decline_memory_days: 180,
    plan_margin_rate: 0.5,
    charge_margin_rate: 0.8,
    tariffs: {
      BIZ_GLOBAL: { name: 'Business Global (roaming and international included)', monthly_fee: 79, margin_rate: 0.55, personas: ['executive', 'international'], absorbs: ['roaming', 'international'], includes: ['ROAM_PACK', 'INTL_PACK'] },
      BIZ_UNLIMITED: { name: 'Business Unlimited (voice and data, national)', monthly_fee: 49, margin_rate: 0.5, personas: ['road_warrior'], absorbs: ['national'], includes: [] },
      BIZ_DATA: { name: 'Business Data (large data, small voice)', monthly_fee: 35, margin_rate: 0.55, personas: ['data_user'], absorbs: ['national'], includes: ['DATA_XL'] },
      BIZ_TEAM: { name: 'Business Team (free calls inside the company)', monthly_fee: 25, margin_rate: 0.6, personas: ['office', 'strict_business'], absorbs: [], includes: ['FLEET_VPN'] },
      BIZ_BASIC: { name: 'Business Basic (pay as you go)', monthly_fee: 9, margin_rate: 0.6, personas: ['light_user'], absorbs: [], includes: [] },
    },
  },
  validate(p, check) {
    check(Number.isInteger(p.per_line) && p.per_line >= 1, 'per_line', 'must be an integer >= 1');
    check(p.min_propensity >= 0 && p.min_propensity <= 1, 'min_propensity', 'must be between 0 and 1');
    for (const key of ['plan_margin_rate', 'charge_margin_rate'] as const) check(p[key] >= 0 && p[key] <= 1, key, 'must be between 0 and 1');
    for (const [id, t] of Object.entries(p.tariffs)) {
      check(t.margin_rate >= 0 && t.margin_rate <= 1, `tariffs.${id}.margin_rate`, 'must be between 0 and 1');
      check(t.absorbs.every((k) => ['roaming', 'international', 'national'].includes(k)), `tariffs.${id}.absorbs`, 'must list roaming, international or national');
    }
  },
  run(inputs, p, ctx) {
    const t = (name: 'mart' | 'personas' | 'products' | 'holdings' | 'propensities') => inputs[name] as ColumnTable;
    const fees = t('mart').array('monthly_fee') as number[];
    const payment = t('mart').array('payment_type') as string[];
    const withoutFee = payment.filter((pay, i) => unpriced({ payment_type: pay, monthly_fee: fees[i] })).length;
    if (withoutFee) ctx.log(`[offers] ${withoutFee.toLocaleString('en')} postpaid lines have no plan fee (monthly_fee 0): no tariff change is valued or proposed for them`);
    return nextBestOffers({
      mart: t('mart'), personas: t('personas'), products: t('products'), holdings: t('holdings'), propensities: t('propensities'),
      responses: inputs.responses as ColumnTable | undefined, windowEnd: windowEnd(inputs.window),
    }, p);
  },
  describe: (o) => {
    const offers = o.offers as ColumnTable;
    const none = (offers.array('rank') as number[]).filter((r) => r === 0).length;
    const offered = offers.numRows() - none;
    const proposals = (o.proposals as ColumnTable).numRows();
    return `${offered.toLocaleString('en')} ${plural(offered, 'offer')}, ${none} ${plural(none, 'line')} with none, ${proposals} account ${plural(proposals, 'proposal')}`;
  },
};
