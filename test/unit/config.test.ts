import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, totalmem } from 'node:os';
import { defaults, resolveConfig } from '../../src/config';
import { resolveEngine } from '../../src/io/duckdb';

describe('config', () => {
  it('merges a partial user config over the defaults', () => {
    const c = resolveConfig({ personas: { k_max: 10 }, seed: 3 });
    expect(c.personas.k_max).toBe(10);
    expect(c.seed).toBe(3);
    expect(c.personas.restarts).toBe(defaults().personas.restarts);
  });
  it('names an unknown key', () => {
    expect(() => resolveConfig({ personas: { kk: 5 } })).toThrow(/unknown key personas\.kk/);
  });
  it('names a key of the wrong type', () => {
    expect(() => resolveConfig({ network: { sms_weight: 'high' } })).toThrow(/network\.sms_weight must be a number/);
  });
  it('checks pinned persona rules', () => {
    expect(() => resolveConfig({ personas: { rules: { office: { persona: 'office', description: '', when: { roaming_days: ['~', 1] } } } } })).toThrow(/personas\.rules\.office\.when\.roaming_days/);
  });
  it('refuses a k below 2', () => {
    expect(() => resolveConfig({ personas: { k_min: 1 } })).toThrow(/personas\.k_min/);
  });
});

describe('persona signatures and pinned rules change one at a time', () => {
  const base = defaults().personas;
  const pin = (persona: string, when: Record<string, [string, number]>, place: Record<string, string> = {}) => ({ persona, description: `${persona} pinned`, when, ...place });
  it('patches one signature by persona name and leaves the others as they are', () => {
    const c = resolveConfig({ personas: { signatures: { office: { traits: { own_internal_share: 2 } } } } });
    expect(c.personas.signatures.office.traits).toEqual({ ...base.signatures.office.traits, own_internal_share: 2 });
    for (const name of Object.keys(base.signatures).filter((n) => n !== 'office')) expect(c.personas.signatures[name]).toEqual(base.signatures[name]);
  });
  it('removes a trait, or a whole signature, with null', () => {
    const c = resolveConfig({ personas: { signatures: { office: { traits: { distinct_cells: null } }, light_user: null } } });
    expect(c.personas.signatures.office.traits).toEqual({ own_internal_share: 1 });
    expect(Object.keys(c.personas.signatures)).not.toContain('light_user');
  });
  it('adds pinned rules one at a time, before or after another, and patches one by name', () => {
    const one = resolveConfig({ personas: { rules: { barely: pin('light_user', { voice_out_count: ['<', 5] }) } } });
    expect(Object.keys(one.personas.rules)).toEqual(['barely']);
    const two = resolveConfig({ personas: { rules: { abroad: pin('executive', { roaming_days: ['>=', 10] }), first: pin('light_user', { event_count: ['<', 3] }, { before: 'abroad' }) } } });
    expect(Object.keys(two.personas.rules)).toEqual(['first', 'abroad']);
    const patched = resolveConfig({ personas: { rules: { abroad: { when: { roaming_days: ['>=', 12] } } } } }, two);
    expect(patched.personas.rules.abroad.when).toEqual({ roaming_days: ['>=', 12] });
    expect(patched.personas.rules.first).toEqual(two.personas.rules.first);
  });
  it('says where an anchor is missing', () => {
    expect(() => resolveConfig({ personas: { rules: { x: pin('office', { internal_share: ['>=', 0.5] }, { after: 'nobody' }) } } })).toThrow(/after names nobody/);
  });
  it('refuses a trait on a feature the clusters do not see', () => {
    expect(() => resolveConfig({ personas: { signatures: { office: { traits: { charges: 1 } } } } })).toThrow(/personas\.signatures\.office\.traits\.charges/);
  });
  it('runs every example of docs/config.md as written', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const e of examples) expect(() => resolveConfig(e)).not.toThrow();
    // Each example changes only what it names: the first adds one rule and keeps the seven signatures.
    const first = resolveConfig(examples[0]);
    expect(Object.keys(first.personas.signatures)).toEqual(Object.keys(base.signatures));
    expect(Object.keys(first.personas.rules)).toEqual(['business_traveller']);
    const second = resolveConfig(examples[1]);
    expect(Object.keys(second.personas.signatures)).toEqual([...Object.keys(base.signatures), 'night_owl']);
    expect(second.personas.signatures.office.description).toBe(base.signatures.office.description);
  });
});

describe('config: the engine section', () => {
  it('defaults to every core and an eighth of physical memory, resolved on this machine', () => {
    const engine = resolveEngine(defaults().engine);
    expect(defaults().engine).toEqual({ threads: 0, memory_limit: '12.5%', workers: 0, workers_min_lines: 5000 });
    expect(engine.threads).toBe(availableParallelism());
    expect(engine.memory_limit).toBe(`${Math.floor((totalmem() * 0.125) / 2 ** 20)}MiB`);
  });
  it('pins threads and a memory size as given', () => {
    const c = resolveConfig({ engine: { threads: 1, memory_limit: '4GB' } });
    expect(resolveEngine(c.engine)).toEqual({ threads: 1, memory_limit: '4GB' });
  });
  it('refuses a memory limit that is neither a share nor a size, and negative threads', () => {
    expect(() => resolveConfig({ engine: { memory_limit: 'lots' } })).toThrow(/engine\.memory_limit must be a share/);
    expect(() => resolveConfig({ engine: { threads: -1 } })).toThrow(/engine\.threads must be an integer >= 0/);
  });
});
