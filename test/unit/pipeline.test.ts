/** The step registry, the runner's plan and the catalog's schema tests. */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { DATASETS, type TableDataset } from '../../src/catalog';
import { checkTable, parseTable, tableCsv } from '../../src/io/tables';
import { planSteps } from '../../src/pipeline/run';
import { STEPS } from '../../src/pipeline/registry';
import { defaults } from '../../src/config';

const names = (from?: string, until?: string) => planSteps(from, until).map((s) => s.name);

describe('the registry', () => {
  it('declares each data set written by exactly one step, and every input by some step', () => {
    const writers = new Map<string, string[]>();
    for (const s of STEPS) for (const o of s.outputs) writers.set(o, [...(writers.get(o) ?? []), s.name]);
    for (const [name, by] of writers) expect(by, name).toHaveLength(1);
    for (const s of STEPS) for (const i of s.inputs) expect(writers.has(i), `${s.name} reads ${i}`).toBe(true);
    for (const s of STEPS) for (const o of s.outputs) expect(DATASETS[o], o).toBeDefined();
  });
  it('lists the steps so that every step comes after the steps it reads from', () => {
    STEPS.forEach((s, i) => {
      for (const input of s.inputs) {
        const writer = STEPS.findIndex((w) => w.outputs.includes(input));
        expect(writer, `${s.name} reads ${input}`).toBeLessThan(i);
      }
    });
  });
  it('gives each step its own config section, with its defaults', () => {
    const config = defaults();
    for (const s of STEPS) expect(config[s.name as keyof typeof config]).toEqual(s.defaults);
  });
});

describe('the plan of a run', () => {
  it('runs everything by default', () => {
    expect(names()).toEqual(STEPS.map((s) => s.name));
  });
  it('--from follows what reads what: value feeds the account level, the pilot, measurement and the report, not offers', () => {
    expect(names('value')).toEqual(['value', 'accounts', 'relationship', 'pilot', 'measure', 'report']);
    expect(names('personas')).toEqual(['personas', 'value', 'offers', 'accounts', 'relationship', 'pilot', 'measure', 'report']);
    expect(names('relationship')).toEqual(['relationship', 'pilot', 'report']);
  });
  it('--until runs only what the step needs', () => {
    expect(names(undefined, 'personas')).toEqual(['load', 'mart', 'personas']);
    expect(names('personas', 'personas')).toEqual(['personas']);
    expect(names(undefined, 'value')).toEqual(['load', 'mart', 'network', 'personas', 'value']);
  });
  it('takes the old name of the personas step', () => {
    expect(names('segments')).toEqual(['personas', 'value', 'offers', 'accounts', 'relationship', 'pilot', 'measure', 'report']);
  });
  it('names the steps when given an unknown one, and refuses an empty plan', () => {
    expect(() => planSteps('nope')).toThrow(/--from must be one of load, mart/);
    expect(() => planSteps('offers', 'network')).toThrow(/nothing to run/);
  });
});

describe('the catalog checks every table it writes and reads', () => {
  const def = DATASETS.value as TableDataset;
  const good = aq.table({
    line_id: ['+491', '+492'], account_id: ['A', 'A'], current_value: [10, 20.5], potential_value: [1, 2], influence_value: [0, 0],
    total_value: [11, 22.5], spend_share: [0.3, 0.7], activity_band: [1, 2], value_tier: ['A', 'B'],
  });
  it('accepts a valid table and gives it back as written, ids as text', () => {
    const back = parseTable('value', def, tableCsv(def, good));
    expect(back.objects()).toEqual(good.objects());
    expect(typeof back.get('line_id', 0)).toBe('string');
  });
  it('refuses a duplicate or empty key, an unknown enum value, a wrong type, a missing or undeclared column', () => {
    expect(() => checkTable('value', def, good.derive({ line_id: () => '+491' }))).toThrow(/key line_id = \+491 is not unique/);
    expect(() => checkTable('value', def, good.derive({ line_id: () => '' }))).toThrow(/key line_id is empty/);
    expect(() => checkTable('value', def, good.derive({ value_tier: () => 'Z' }))).toThrow(/value_tier is not one of A, B, C/);
    expect(() => checkTable('value', def, good.derive({ activity_band: () => 1.5 }))).toThrow(/activity_band is not an integer/);
    expect(() => checkTable('value', def, good.derive({ current_value: () => NaN }))).toThrow(/current_value is not a finite number/);
    expect(() => checkTable('value', def, good.select(aq.not('spend_share')))).toThrow(/lacks column spend_share/);
    expect(() => checkTable('value', def, good.derive({ extra: () => 1 }))).toThrow(/undeclared column extra/);
  });
  it('keeps ISO dates as text', () => {
    const contacts = DATASETS.contacts as TableDataset;
    const t = aq.table({ account_id: ['A'], contact_id: ['C1'], role: ['CEO'], key_player: [true], dialogue_stage: ['early'], last_response_date: ['2026-03-01'] });
    const back = parseTable('contacts', contacts, tableCsv(contacts, t));
    expect(back.get('last_response_date', 0)).toBe('2026-03-01');
    expect(() => checkTable('contacts', contacts, t.derive({ last_response_date: () => '01/03/2026' }))).toThrow(/not an ISO date/);
  });
  it('writes an empty table with its declared header', () => {
    expect(tableCsv(def, aq.from([]))).toBe(`${def.columns.map((c) => c.name).join(',')}\n`);
  });
});
