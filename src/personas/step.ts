/** Step 4, personas, as a step (personas.ts has the method). */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { assignPersonas, type PersonaParams } from './personas';
import { checkRules } from '../features/rules';
import { plural } from '../util/text';

export type { PersonaParams };

export const personasStep: StepDef<PersonaParams> = {
  name: 'personas',
  summary: 'a behavioural persona per line: clusters of the pilot\'s own lines named from their profiles, with confidence and reason',
  section: () => import('./section.js'),
  inputs: ['mart'],
  outputs: ['personas', 'cluster_profiles', 'persona_k_curve'],
  maps: ['signatures', 'signatures.*.traits', 'rules', 'rules.*.when'],
  defaults: {
    features: [
      'voice_out_per_active_day', 'sms_per_active_day', 'data_mb_per_active_day', 'active_day_share',
      'international_business_share', 'international_private_share', 'own_internal_share', 'own_off_hours_share',
      'evening_night_share', 'weekend_share', 'fixed_share', 'distinct_cells', 'mobility_radius_km',
      'roaming_days_with_colleagues', 'roaming_day_share', 'distinct_external_counterparts',
    ],
    k_min: 8,
    k_max: 12,
    restarts: 5,
    max_iterations: 100,
    fit_sample: 20000,
    signatures: {
      executive: { description: 'travels on business', traits: { roaming_days_with_colleagues: 1, roaming_day_share: 1 } },
      international: { description: 'connected abroad in working hours', traits: { international_business_share: 1.5, international_private_share: 0.5 } },
      road_warrior: { description: 'on the road, calling many outside parties', traits: { distinct_cells: 1, distinct_external_counterparts: 1, mobility_radius_km: 0.5 } },
      office: { description: 'mostly calls colleagues from the office', traits: { own_internal_share: 1, distinct_cells: -0.3 } },
      strict_business: { description: 'calls only in business hours, silent in the evening and at weekends', traits: { own_off_hours_share: -1, weekend_share: -0.5, evening_night_share: -0.5 } },
      data_user: { description: 'heavy data, little voice', traits: { data_mb_per_active_day: 1, voice_out_per_active_day: -1 } },
      light_user: { description: 'barely uses the line', traits: { voice_out_per_active_day: -1, active_day_share: -1, data_mb_per_active_day: -0.5 } },
    },
    min_signature: 0,
    rules: {},
    default_persona: 'mixed',
  },
  validate(p, check) {
    check(Number.isInteger(p.k_min) && p.k_min >= 2 && p.k_max >= p.k_min, 'k_min', 'must be an integer >= 2 and <= k_max');
    check(p.restarts >= 1, 'restarts', 'must be >= 1');
    check(p.features.length > 0, 'features', 'must name at least one mart feature');
    check(Number.isInteger(p.fit_sample) && p.fit_sample >= 100, 'fit_sample', 'must be a whole number >= 100');
    for (const [name, sig] of Object.entries(p.signatures)) {
      for (const [f, w] of Object.entries(sig.traits)) check(typeof w === 'number' && p.features.includes(f), `signatures.${name}.traits.${f}`, 'must be a number (the trait\'s weight) on one of personas.features');
    }
    for (const [name, rule] of Object.entries(p.rules)) {
      check(typeof rule?.persona === 'string' && rule.persona.length > 0, `rules.${name}.persona`, 'must name a persona');
      check(typeof rule?.description === 'string', `rules.${name}.description`, 'must say what the rule means');
      check(Boolean(rule?.when) && typeof rule.when === 'object', `rules.${name}.when`, 'must be {feature: [op, value]}');
    }
    checkRules(p.rules, 'rules', check);
  },
  async run(inputs, p, ctx) {
    const mart = inputs.mart as ColumnTable;
    const { personas, profiles, kCurve, unused } = await assignPersonas(mart, p, ctx.seed, ctx.cache('personas'), { workers: ctx.workers(mart.numRows()) });
    if (unused.length) ctx.log(`[personas] not named on this pilot, as what marks them is the same on every line: ${unused.map((u) => `${u.persona} (${u.constant.join(', ')})`).join('; ')}`);
    return { personas, cluster_profiles: profiles, persona_k_curve: kCurve };
  },
  describe: (o) => {
    const t = o.personas as ColumnTable;
    const mix = (t.groupby('persona').count().orderby(aq.desc('count')).objects() as { persona: string; count: number }[]);
    const clusters = new Set(t.array('cluster') as number[]).size;
    const k = (o.persona_k_curve as ColumnTable).numRows() ? ` (${clusters} ${plural(clusters, 'cluster')})` : '';
    return (mix.map((r) => `${r.count.toLocaleString('en')} ${r.persona}`).join(', ') || 'no lines') + k;
  },
};
