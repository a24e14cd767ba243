/** Step 3, employee value, as a step (value.ts has the formulas). */
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { computeValue, type ValueParams } from './value';
import { plural } from '../util/text';

export type { ValueParams };

export const valueStep: StepDef<ValueParams> = {
  name: 'value',
  summary: 'current, potential and influence value per line; the lines that carry the spend',
  section: () => import('./section.js'),
  inputs: ['mart', 'personas', 'ties', 'holdings'],
  outputs: ['value'],
  defaults: {
    potential_quantile: 0.75,
    activity_bands: 3,
    min_peers: 20,
    potential_cap: 1,
    personal_line_value: 12,
    influence_rate: 0.1,
    potential_weight: 0.5,
    influence_weight: 0.5,
    tier_a_share: 0.5,
    tier_b_share: 0.8,
  },
  validate(p, check) {
    check(p.tier_a_share > 0 && p.tier_a_share < p.tier_b_share && p.tier_b_share <= 1, 'tier_a_share', 'must satisfy 0 < tier_a_share < tier_b_share <= 1');
    check(p.potential_quantile >= 0 && p.potential_quantile <= 1, 'potential_quantile', 'must be between 0 and 1');
    check(Number.isInteger(p.activity_bands) && p.activity_bands >= 1, 'activity_bands', 'must be an integer >= 1');
    check(p.potential_cap >= 0, 'potential_cap', 'must be >= 0');
    check(p.influence_rate >= 0 && p.influence_rate <= 1, 'influence_rate', 'must be between 0 and 1');
  },
  run: (inputs, p) => ({ value: computeValue({ mart: inputs.mart as ColumnTable, personas: inputs.personas as ColumnTable, ties: inputs.ties as ColumnTable, holdings: inputs.holdings as ColumnTable }, p) }),
  describe: (o) => `${(o.value as ColumnTable).numRows().toLocaleString('en')} ${plural((o.value as ColumnTable).numRows(), 'line')} valued`,
};
