/** Step 5, next best offer, as a step (offers.ts has the method). */
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { nextBestOffers, type OfferParams } from './offers';

export type { OfferParams };

export const offersStep: StepDef<OfferParams> = {
  name: 'offers',
  summary: 'ranked offers per line for the employer and the employee; per account, products and tariffs to propose',
  section: () => import('./section.js'),
  inputs: ['mart', 'personas', 'products', 'holdings'],
  outputs: ['offers', 'propensities', 'proposals'],
  maps: ['tariffs'],
  defaults: {
    per_line: 3,
    min_propensity: 0.05,
    features: [
      'voice_minutes', 'data_mb', 'international_share', 'internal_share', 'evening_night_share',
      'weekend_share', 'distinct_cells', 'roaming_days', 'distinct_external_counterparts', 'sms_count',
    ],
    l2: 1,
    iterations: 50,
    min_holders: 10,
    proposal_min_propensity: 0.3,
    tariffs: {
      BIZ_GLOBAL: { name: 'Business Global (roaming and international included)', monthly_fee: 79, personas: ['executive', 'international'] },
      BIZ_UNLIMITED: { name: 'Business Unlimited (voice and data, national)', monthly_fee: 49, personas: ['road_warrior'] },
      BIZ_DATA: { name: 'Business Data (large data, small voice)', monthly_fee: 35, personas: ['data_user'] },
      BIZ_TEAM: { name: 'Business Team (free calls inside the company)', monthly_fee: 25, personas: ['office', 'strict_business', 'mixed'] },
      BIZ_BASIC: { name: 'Business Basic (pay as you go)', monthly_fee: 9, personas: ['light_user'] },
    },
  },
  validate(p, check) {
    check(Number.isInteger(p.per_line) && p.per_line >= 1, 'per_line', 'must be an integer >= 1');
    check(p.min_propensity >= 0 && p.min_propensity <= 1, 'min_propensity', 'must be between 0 and 1');
    check(p.features.length > 0, 'features', 'must name at least one mart feature');
    check(p.l2 >= 0, 'l2', 'must be >= 0');
  },
  run(inputs, p) {
    const result = nextBestOffers({
      mart: inputs.mart as ColumnTable, personas: inputs.personas as ColumnTable,
      products: inputs.products as ColumnTable, holdings: inputs.holdings as ColumnTable,
    }, p);
    return { offers: result.offers, propensities: result.propensities, proposals: result.proposals };
  },
  describe: (o) => `${(o.offers as ColumnTable).numRows().toLocaleString('en')} offers, ${(o.proposals as ColumnTable).numRows()} account proposals`,
};
