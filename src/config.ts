/**
 * The one configuration of a run: every threshold, weight, k and seed.
 * A user's JSON file is merged over DEFAULTS; unknown keys and wrong types are
 * refused with a message that names the key (docs/config.md documents each).
 */
import { readFileSync } from 'node:fs';
import { SoOError } from './util/errors';

export type Op = '>=' | '<=' | '>' | '<' | '==';
/** A persona rule matches when every condition holds; rules are tried in order. */
export interface PersonaRule {
  persona: string;
  description: string;
  when: Record<string, [Op, number]>;
}

export interface Tariff {
  plan_id: string;
  name: string;
  monthly_fee: number;
  personas: string[];
}

export interface Config {
  seed: number;
  /** Account ids to analyse; empty means every account in the pilot. */
  accounts: string[];
  /** Key of the keyed hash that turns line ids into pseudonyms in reports. */
  pseudonym_key: string;
  load: {
    /** DuckDB memory ceiling; above it DuckDB spills to the output folder's tmp. */
    memory_limit: string;
    threads: number;
  };
  mart: {
    business_hours_start: number;
    business_hours_end: number;
    /** Evening/night runs from this hour to business_hours_start (local time). */
    evening_start: number;
  };
  network: {
    /** Edge weight = voice calls + sms_weight x SMS between two lines. */
    sms_weight: number;
    louvain_resolution: number;
    pagerank_alpha: number;
    hub_pagerank_quantile: number;
    hub_min_degree: number;
    bridge_betweenness_quantile: number;
    /** Guimerà-Amaral participation coefficient a bridge needs: 0 = all ties in its own community. */
    bridge_min_participation: number;
    connector_external_share: number;
    connector_min_external_counterparts: number;
    peripheral_max_degree: number;
    /** Advocates: lines in this top quantile of outside reach within their account. */
    advocate_external_quantile: number;
  };
  value: {
    /** Quantile of current value among lines of similar activity that sets their potential. */
    potential_quantile: number;
    activity_bands: number;
    /** Monthly value of a personal line the employee does not yet have with us. */
    personal_line_value: number;
    influence_damping: number;
    potential_weight: number;
    influence_weight: number;
    /** Tier A holds the lines that carry the first tier_a_share of an account's value. */
    tier_a_share: number;
    tier_b_share: number;
  };
  segments: {
    k: number;
    restarts: number;
    max_iterations: number;
    features: string[];
    /** Features that are counts or volumes with long tails, log1p before scaling. */
    log_features: string[];
    personas: PersonaRule[];
    default_persona: string;
  };
  offers: {
    per_line: number;
    min_propensity: number;
    features: string[];
    l2: number;
    iterations: number;
    /** Below this many holders a product is scored by its affinity rule, not a model. */
    min_holders: number;
    proposal_min_propensity: number;
    tariffs: Tariff[];
  };
}

export const DEFAULTS: Config = {
  seed: 42,
  accounts: [],
  pseudonym_key: 'change-me-per-engagement',
  load: { memory_limit: '1.5GB', threads: 2 },
  mart: { business_hours_start: 8, business_hours_end: 18, evening_start: 20 },
  network: {
    sms_weight: 0.5,
    louvain_resolution: 1,
    pagerank_alpha: 0.85,
    hub_pagerank_quantile: 0.9,
    hub_min_degree: 4,
    bridge_betweenness_quantile: 0.75,
    bridge_min_participation: 0.45,
    connector_external_share: 0.75,
    connector_min_external_counterparts: 60,
    peripheral_max_degree: 1,
    advocate_external_quantile: 0.9,
  },
  value: {
    potential_quantile: 0.75,
    activity_bands: 10,
    personal_line_value: 12,
    influence_damping: 0.5,
    potential_weight: 0.5,
    influence_weight: 0.5,
    tier_a_share: 0.5,
    tier_b_share: 0.8,
  },
  segments: {
    k: 7,
    restarts: 10,
    max_iterations: 100,
    features: [
      'voice_minutes', 'sms_count', 'data_mb', 'international_share', 'internal_share',
      'business_hours_share', 'evening_night_share', 'weekend_share', 'distinct_cells',
      'roaming_days', 'distinct_external_counterparts',
    ],
    log_features: ['voice_minutes', 'sms_count', 'data_mb', 'distinct_cells', 'roaming_days', 'distinct_external_counterparts'],
    personas: [
      { persona: 'international', description: 'a large share of calls and SMS with other countries', when: { international_share: ['>=', 0.3] } },
      { persona: 'executive', description: 'travels: abroad on several days', when: { roaming_days: ['>=', 3] } },
      { persona: 'executive', description: 'on the phone a lot, day and night', when: { evening_night_share: ['>=', 0.15], voice_out_count: ['>=', 80] } },
      { persona: 'road_warrior', description: 'on many cells, calling many outside parties', when: { distinct_cells: ['>=', 20], distinct_external_counterparts: ['>=', 40] } },
      { persona: 'data_user', description: 'heavy data, little voice', when: { data_mb: ['>=', 2000], voice_out_count: ['<', 60] } },
      { persona: 'light_user', description: 'barely calls: fewer than 20 calls made in the window', when: { voice_out_count: ['<', 20] } },
      { persona: 'strict_business', description: 'almost only in business hours, silent at weekends', when: { business_hours_share: ['>=', 0.96], weekend_share: ['<=', 0.015] } },
      { persona: 'office', description: 'mostly calls colleagues', when: { internal_share: ['>=', 0.4] } },
    ],
    default_persona: 'mixed',
  },
  offers: {
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
    tariffs: [
      { plan_id: 'BIZ_GLOBAL', name: 'Business Global (roaming and international included)', monthly_fee: 79, personas: ['executive', 'international'] },
      { plan_id: 'BIZ_UNLIMITED', name: 'Business Unlimited (voice and data, national)', monthly_fee: 49, personas: ['road_warrior'] },
      { plan_id: 'BIZ_DATA', name: 'Business Data (large data, small voice)', monthly_fee: 35, personas: ['data_user'] },
      { plan_id: 'BIZ_TEAM', name: 'Business Team (free calls inside the company)', monthly_fee: 25, personas: ['office', 'strict_business', 'mixed'] },
      { plan_id: 'BIZ_BASIC', name: 'Business Basic (pay as you go)', monthly_fee: 9, personas: ['light_user'] },
    ],
  },
};

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Merges user over defaults, refusing unknown keys and wrong types with the key's path. */
function merge(defaults: unknown, user: unknown, path: string): unknown {
  if (user === undefined) return defaults;
  const want = typeName(defaults);
  const got = typeName(user);
  if (want !== got) throw new SoOError('config', `${path} must be ${want === 'object' ? 'an object' : `a ${want}`}, got ${got}`);
  // A rule's conditions name any mart feature: checked against the feature dictionary instead.
  if (want === 'object' && path.endsWith('.when')) return user;
  if (want === 'object') {
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(user as Record<string, unknown>)) {
      if (!(key in out)) {
        throw new SoOError('config', `unknown key ${path ? path + '.' : ''}${key} (known: ${Object.keys(out).join(', ')})`);
      }
      out[key] = merge(out[key], value, path ? `${path}.${key}` : key);
    }
    return out;
  }
  if (want === 'array') {
    const items = user as unknown[];
    const model = (defaults as unknown[])[0];
    if (model !== undefined) items.forEach((item, i) => merge(model, item, `${path}[${i}]`));
    return items;
  }
  return user;
}

const OPS: Op[] = ['>=', '<=', '>', '<', '=='];

function check(ok: boolean, key: string, message: string): void {
  if (!ok) throw new SoOError('config', `${key} ${message}`);
}

export function validateConfig(config: Config): Config {
  check(Number.isInteger(config.seed), 'seed', 'must be an integer');
  check(config.segments.k >= 2 && Number.isInteger(config.segments.k), 'segments.k', 'must be an integer >= 2');
  check(config.segments.restarts >= 1, 'segments.restarts', 'must be >= 1');
  check(config.segments.features.length > 0, 'segments.features', 'must name at least one mart feature');
  config.segments.personas.forEach((rule, i) => {
    for (const [feature, cond] of Object.entries(rule.when)) {
      const key = `segments.personas[${i}].when.${feature}`;
      check(Array.isArray(cond) && cond.length === 2 && OPS.includes(cond[0]) && typeof cond[1] === 'number', key, `must be [op, number] with op one of ${OPS.join(' ')}`);
    }
  });
  for (const key of ['hub_pagerank_quantile', 'bridge_betweenness_quantile', 'bridge_min_participation', 'connector_external_share'] as const) {
    check(config.network[key] >= 0 && config.network[key] <= 1, `network.${key}`, 'must be between 0 and 1');
  }
  check(config.value.tier_a_share > 0 && config.value.tier_a_share < config.value.tier_b_share && config.value.tier_b_share <= 1,
    'value.tier_a_share', 'must satisfy 0 < tier_a_share < tier_b_share <= 1');
  check(config.value.potential_quantile >= 0 && config.value.potential_quantile <= 1, 'value.potential_quantile', 'must be between 0 and 1');
  check(config.offers.per_line >= 1, 'offers.per_line', 'must be >= 1');
  check(config.mart.business_hours_start < config.mart.business_hours_end, 'mart.business_hours_start', 'must be before business_hours_end');
  return config;
}

export function resolveConfig(user: unknown = {}): Config {
  const merged = merge(structuredClone(DEFAULTS), user, '') as Config;
  return validateConfig(merged);
}

export function loadConfig(file?: string): Config {
  if (!file) return resolveConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SoOError('config', `cannot read config file ${file}`);
  }
  let user: unknown;
  try {
    user = JSON.parse(text);
  } catch (e) {
    throw new SoOError('config', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  return resolveConfig(user);
}
