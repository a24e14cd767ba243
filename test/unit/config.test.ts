import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaults, resolveConfig } from '../../src/config';

describe('config', () => {
  it('merges a partial user config over the defaults', () => {
    const c = resolveConfig({ personas: { k: 5 }, seed: 3 });
    expect(c.personas.k).toBe(5);
    expect(c.seed).toBe(3);
    expect(c.personas.restarts).toBe(defaults().personas.restarts);
  });
  it('names an unknown key', () => {
    expect(() => resolveConfig({ personas: { kk: 5 } })).toThrow(/unknown key personas\.kk/);
  });
  it('names a key of the wrong type', () => {
    expect(() => resolveConfig({ network: { sms_weight: 'high' } })).toThrow(/network\.sms_weight must be a number/);
  });
  it('checks persona rules', () => {
    expect(() => resolveConfig({ personas: { rules: { office: { when: { roaming_days: ['~', 1] } } } } })).toThrow(/personas\.rules\.office\.when\.roaming_days/);
  });
  it('refuses a k below 2', () => {
    expect(() => resolveConfig({ personas: { k: 1 } })).toThrow(/personas\.k/);
  });
});

describe('persona rules change one at a time', () => {
  const base = defaults().personas.rules;
  it('patches one rule by name and leaves the others as they are', () => {
    const c = resolveConfig({ personas: { rules: { office: { when: { internal_share: ['>=', 0.6] } } } } });
    expect(c.personas.rules.office.when).toEqual({ internal_share: ['>=', 0.6] });
    expect(c.personas.rules.office.persona).toBe('office');
    expect(Object.keys(c.personas.rules)).toEqual(Object.keys(base));
    for (const name of Object.keys(base).filter((n) => n !== 'office')) expect(c.personas.rules[name]).toEqual(base[name]);
  });
  it('changes one condition of a rule and keeps its others; null removes one', () => {
    const c = resolveConfig({ personas: { rules: { road_warrior: { when: { distinct_cells: ['>=', 30] } }, data_user: { when: { voice_out_count: null } } } } });
    expect(c.personas.rules.road_warrior.when).toEqual({ ...base.road_warrior.when, distinct_cells: ['>=', 30] });
    expect(c.personas.rules.data_user.when).toEqual({ data_mb: ['>=', 2000] });
  });
  it('adds a rule before or after another, or at the end', () => {
    const rule = { persona: 'night_owl', description: 'calls at night', when: { evening_night_share: ['>=', 0.5] } };
    const before = resolveConfig({ personas: { rules: { night_owl: { ...rule, before: 'office' } } } });
    expect(Object.keys(before.personas.rules).slice(-2)).toEqual(['night_owl', 'office']);
    expect(before.personas.rules.night_owl).toEqual(rule);
    const after = resolveConfig({ personas: { rules: { night_owl: { ...rule, after: 'international' } } } });
    expect(Object.keys(after.personas.rules)[1]).toBe('night_owl');
    const end = resolveConfig({ personas: { rules: { night_owl: rule } } });
    expect(Object.keys(end.personas.rules).at(-1)).toBe('night_owl');
  });
  it('removes a rule with null', () => {
    const c = resolveConfig({ personas: { rules: { light_user: null } } });
    expect(Object.keys(c.personas.rules)).not.toContain('light_user');
  });
  it('says what a new rule lacks and where an anchor is missing', () => {
    expect(() => resolveConfig({ personas: { rules: { night_owl: { persona: 'night_owl' } } } })).toThrow(/personas\.rules\.night_owl\.description is required/);
    expect(() => resolveConfig({ personas: { rules: { night_owl: { persona: 'n', description: '', when: {}, before: 'nobody' } } } })).toThrow(/before names nobody/);
  });
  it('runs the example of docs/config.md as written', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');
    const example = JSON.parse(doc.match(/```json\n([\s\S]*?)```/)![1]);
    const c = resolveConfig(example);
    expect(Object.keys(c.personas.rules)).toEqual(Object.keys(base));
    expect(c.personas.rules.office.when.internal_share).toEqual(['>=', 0.6]);
    expect(c.personas.rules.international).toEqual(base.international);
  });
});
