/** Step 4, personas, as a step (personas.ts has the method, rules.ts the rules). */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { assignPersonas, type PersonaParams } from './personas';
import { checkRules } from '../features/rules';

export type { PersonaParams };

export const personasStep: StepDef<PersonaParams> = {
  name: 'personas',
  summary: 'a behavioural persona per line from rules analysts tune, and k-means clusters',
  section: () => import('./section.js'),
  inputs: ['mart'],
  outputs: ['personas', 'cluster_profiles'],
  maps: ['rules', 'rules.*.when'],
  defaults: {
    k: 7,
    restarts: 10,
    max_iterations: 100,
    features: [
      'voice_minutes', 'sms_count', 'data_mb', 'international_share', 'internal_share',
      'business_hours_share', 'evening_night_share', 'weekend_share', 'distinct_cells',
      'roaming_days', 'distinct_external_counterparts',
    ],
    rules: {
      international: { persona: 'international', description: 'a large share of calls and SMS with other countries', when: { international_share: ['>=', 0.3] } },
      executive_traveller: { persona: 'executive', description: 'travels: abroad on several days', when: { roaming_days: ['>=', 3] } },
      executive_always_on: { persona: 'executive', description: 'on the phone a lot, day and night', when: { evening_night_share: ['>=', 0.15], voice_out_count: ['>=', 80] } },
      road_warrior: { persona: 'road_warrior', description: 'on many cells, calling many outside parties', when: { distinct_cells: ['>=', 20], distinct_external_counterparts: ['>=', 40] } },
      data_user: { persona: 'data_user', description: 'heavy data, little voice', when: { data_mb: ['>=', 2000], voice_out_count: ['<', 60] } },
      light_user: { persona: 'light_user', description: 'barely calls: fewer than 20 calls made in the window', when: { voice_out_count: ['<', 20] } },
      strict_business: { persona: 'strict_business', description: 'almost only in business hours, silent at weekends', when: { business_hours_share: ['>=', 0.96], weekend_share: ['<=', 0.015] } },
      office: { persona: 'office', description: 'mostly calls colleagues', when: { internal_share: ['>=', 0.4] } },
    },
    default_persona: 'mixed',
  },
  validate(p, check) {
    check(Number.isInteger(p.k) && p.k >= 2, 'k', 'must be an integer >= 2');
    check(p.restarts >= 1, 'restarts', 'must be >= 1');
    check(p.features.length > 0, 'features', 'must name at least one mart feature');
    for (const [name, rule] of Object.entries(p.rules)) check(typeof rule.persona === 'string' && rule.persona.length > 0, `rules.${name}.persona`, 'must name a persona');
    checkRules(p.rules, 'rules', check);
  },
  run(inputs, p, ctx) {
    const { personas, profiles } = assignPersonas(inputs.mart as ColumnTable, p, ctx.seed);
    return { personas, cluster_profiles: profiles };
  },
  describe: (o) => {
    const mix = ((o.personas as ColumnTable).groupby('persona').count().orderby(aq.desc('count')).objects() as { persona: string; count: number }[]);
    return mix.map((r) => `${r.count} ${r.persona}`).join(', ') || 'no lines';
  },
};
