/**
 * The one configuration of a run. Its sections are the steps' own (defaults and validation beside each
 * step, src/<step>/step.ts), plus a few keys of the run. A user's JSON is merged over the defaults:
 * objects merge key by key, lists are replaced, and maps whose keys the user chooses (persona rules,
 * tariffs) merge entry by entry, so one rule or one threshold changes alone; `null` removes an entry.
 * Unknown keys and wrong types are refused with a message naming the key (docs/config.md).
 */
import { readFileSync } from 'node:fs';
import { SoOError } from './util/errors';
import { STEPS } from './pipeline/registry';
import type { StepDef } from './pipeline/step';
import { ENGINE_DEFAULTS, MEMORY_LIMIT, type EngineParams } from './io/duckdb';
import { OUTPUT_DEFAULTS, OUTPUT_FORMATS, type OutputParams } from './io/tables';
import type { LoadParams } from './io/step';
import type { MartParams } from './mart/step';
import type { NetworkParams } from './network/step';
import type { ValueParams } from './value/step';
import type { PersonaParams } from './personas/step';
import type { OfferParams, PropensityParams } from './offers/step';
import type { AccountParams } from './accounts/step';
import type { RelationshipParams } from './relationship/step';
import type { PilotParams } from './pilot/step';
import type { MeasureParams } from './measure/step';
import type { ReportParams } from './report/step';

export interface Config {
  seed: number;
  /** Key of the keyed hash that turns line ids into pseudonyms in reports (SOO_PSEUDONYM_KEY wins). */
  pseudonym_key: string;
  /** DuckDB, shared by the steps that run SQL. */
  engine: EngineParams;
  /** How tables are written: CSV, Parquet or both. */
  output: OutputParams;
  load: LoadParams;
  mart: MartParams;
  network: NetworkParams;
  value: ValueParams;
  personas: PersonaParams;
  propensities: PropensityParams;
  offers: OfferParams;
  accounts: AccountParams;
  relationship: RelationshipParams;
  pilot: PilotParams;
  measure: MeasureParams;
  report: ReportParams;
}

export type SectionName = Exclude<keyof Config, 'seed' | 'pseudonym_key'>;

export { ENGINE_DEFAULTS };

export const DEFAULT_PSEUDONYM_KEY = 'change-me-per-engagement';

function stepDefaults(): Record<string, unknown> {
  return Object.fromEntries(STEPS.map((s) => [s.name, s.defaults]));
}

export function defaults(): Config {
  return structuredClone({ seed: 42, pseudonym_key: DEFAULT_PSEUDONYM_KEY, engine: ENGINE_DEFAULTS, output: OUTPUT_DEFAULTS, ...stepDefaults() }) as Config;
}

/** Paths (from the root, `*` for any key) of maps whose keys the user chooses. */
function mapPaths(): string[] {
  return STEPS.flatMap((s) => (s.maps ?? []).map((m) => `${s.name}.${m}`));
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function matches(pattern: string, path: string): boolean {
  const p = pattern.split('.');
  const q = path.split('.');
  return p.length === q.length && p.every((part, i) => part === '*' || part === q[i]);
}

/**
 * Merges user over defaults, refusing unknown keys and wrong types with the key's path.
 * In a map, a new entry takes the shape of the map's first default entry (its keys and types), and
 * entries that say `before`/`after` another keep that place (placeEntries).
 */
function merge(defaults: unknown, user: unknown, path: string, maps: string[]): unknown {
  if (user === undefined) return defaults;
  const isMap = maps.some((m) => matches(m, path));
  const want = typeName(defaults);
  const got = typeName(user);
  if (want !== got) throw new SoOError('config', `${path} must be ${want === 'object' ? 'an object' : `a ${want}`}, got ${got}`);
  if (want === 'object') {
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    const model = Object.values(out)[0];
    for (const [key, value] of Object.entries(user as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (isMap && value === null) {
        delete out[key];
        continue;
      }
      if (!(key in out)) {
        if (!isMap) throw new SoOError('config', `unknown key ${at} (known: ${Object.keys(out).join(', ')})`);
        out[key] = model === undefined || typeName(model) !== 'object' ? value : newEntry(model, value, at, maps);
        continue;
      }
      out[key] = merge(out[key], value, at, maps);
    }
    return isMap ? placeEntries(out, path) : out;
  }
  if (want === 'array') {
    const items = user as unknown[];
    const given = defaults as unknown[];
    // A list of like items is checked item by item; a tuple such as [op, value] by its validation.
    const model = given[0];
    if (model !== undefined && given.every((g) => typeName(g) === typeName(model))) items.forEach((item, i) => merge(model, item, `${path}[${i}]`, maps));
    return items;
  }
  return user;
}

/** A new map entry: every key of the model entry is required, with the model's types (placement keys aside). */
function newEntry(model: unknown, value: unknown, path: string, maps: string[]): unknown {
  if (typeName(value) !== 'object') throw new SoOError('config', `${path} must be an object, got ${typeName(value)}`);
  const given = value as Record<string, unknown>;
  const shape = model as Record<string, unknown>;
  for (const key of Object.keys(shape)) {
    if (!(key in given) && key !== 'before' && key !== 'after') throw new SoOError('config', `${path}.${key} is required for a new entry`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(given)) {
    if (key === 'before' || key === 'after') {
      if (typeof v !== 'string') throw new SoOError('config', `${path}.${key} must name another entry`);
      out[key] = v;
      continue;
    }
    if (!(key in shape)) throw new SoOError('config', `unknown key ${path}.${key} (known: ${Object.keys(shape).join(', ')})`);
    const isMap = maps.some((m) => matches(m, `${path}.${key}`));
    out[key] = isMap ? merge({}, v, `${path}.${key}`, maps) : merge(shape[key], v, `${path}.${key}`, maps);
  }
  return out;
}

/** Moves entries that say `before: X` or `after: X` next to X; the rest keep their order. */
function placeEntries(entries: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = Object.keys(entries);
  const placed = keys.filter((k) => {
    const e = entries[k] as Record<string, unknown> | null;
    return e && typeof e === 'object' && ('before' in e || 'after' in e);
  });
  if (!placed.length) return entries;
  const order = keys.filter((k) => !placed.includes(k));
  for (const k of placed) {
    const e = entries[k] as { before?: string; after?: string };
    const anchor = e.before ?? e.after!;
    const at = order.indexOf(anchor);
    if (at < 0) throw new SoOError('config', `${path}.${k}.${e.before ? 'before' : 'after'} names ${anchor}, which is not an entry of ${path} (entries: ${order.join(', ')})`);
    order.splice(e.before ? at : at + 1, 0, k);
  }
  return Object.fromEntries(order.map((k) => {
    const { before: _b, after: _a, ...rest } = entries[k] as Record<string, unknown>;
    return [k, placed.includes(k) ? rest : entries[k]];
  }));
}

export function validateConfig(config: Config): Config {
  const check = (section: string) => (ok: boolean, key: string, message: string) => {
    if (!ok) throw new SoOError('config', `${section}.${key} ${message}`);
  };
  if (!Number.isInteger(config.seed)) throw new SoOError('config', 'seed must be an integer');
  check('engine')(Number.isInteger(config.engine.threads) && config.engine.threads >= 0, 'threads', 'must be an integer >= 0 (0: every core)');
  check('engine')(MEMORY_LIMIT.test(config.engine.memory_limit), 'memory_limit', 'must be a share of physical memory such as "60%" or a size such as "4GB"');
  check('engine')(Number.isInteger(config.engine.workers) && config.engine.workers >= 0, 'workers', 'must be an integer >= 0 (0: one per core)');
  check('engine')(Number.isInteger(config.engine.workers_min_lines) && config.engine.workers_min_lines >= 0, 'workers_min_lines', 'must be an integer >= 0');
  check('output')(OUTPUT_FORMATS.includes(config.output.format), 'format', `must be ${OUTPUT_FORMATS.join(', ').replace(/, (\w+)$/, ' or $1')}, got ${config.output.format}`);
  for (const step of STEPS as StepDef[]) step.validate?.(config[step.name as SectionName], check(step.name));
  return config;
}

/** The config from a user's JSON over the defaults (or over another config, e.g. a notebook's what-if). */
export function resolveConfig(user: unknown = {}, base: Config = defaults()): Config {
  const merged = merge(structuredClone(base), user, '', mapPaths()) as Config;
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
