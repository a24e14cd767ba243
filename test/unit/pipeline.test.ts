/** The step registry, the runner's plan and the catalog's schema tests. */
import { describe, expect, it } from 'vitest';
import { aq } from '../../src/util/arquero';
import { DATASETS, type TableDataset } from '../../src/catalog';
import { checkTable, normalizeTable, parseTable, readTable, tableCsv, writeTable } from '../../src/io/tables';
import { cacheKey, diskCache } from '../../src/pipeline/cache';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers';
import { planSteps, readOutput } from '../../src/pipeline/run';
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
    expect(() => checkTable('value', def, good.select(aq.not('spend_share', 'value_tier')))).toThrow(/lacks columns spend_share, value_tier/);
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

describe('what a run hands on in memory is what a later run reads from disk', () => {
  it('normalizes a table exactly as writing and parsing it back would', () => {
    const def = DATASETS.propensities as TableDataset;
    const names = def.columns.map((c) => c.name);
    const row = (i: number) => Object.fromEntries(def.columns.map((c) => {
      const tricky = [null, '', undefined];
      switch (c.type) {
        case 'number': return [c.name, [0.1 + 0.2, -0, 1e-12, 123456.123456789, 2 / 3, -1e-7, 5][i % 7]];
        case 'integer': return [c.name, [0, -0, 7, 123456789][i % 4]];
        case 'boolean': return [c.name, i % 2 === 0];
        case 'date': return [c.name, '2026-03-01'];
        case 'enum': return [c.name, c.values![i % c.values!.length]];
        default: return [c.name, c.nullable || !(def.key ?? []).includes(c.name) ? [`a,"b"\nc ${i}`, ' x ', ...tricky][i % 5] : `id-${i}`];
      }
    }));
    const t = aq.from(Array.from({ length: 20 }, (_, i) => row(i))).select(names.slice().reverse());
    const viaText = parseTable('propensities', def, tableCsv(def, t));
    const inMemory = normalizeTable('propensities', def, t);
    expect(inMemory.columnNames()).toEqual(viaText.columnNames());
    expect(inMemory.objects()).toEqual(viaText.objects());
    for (const c of inMemory.columnNames()) expect(Array.from(inMemory.array(c) as ArrayLike<unknown>).map((v) => Object.is(v, -0))).not.toContain(true);
  });

  it('reads a table again from its parsed copy, and parses again when the bytes change', () => {
    const dir = tempDir('soo-cache-');
    const def = DATASETS.value as TableDataset;
    const path = join(dir, 'value.csv');
    const t = aq.table({ line_id: ['+491', '+492'], account_id: ['A', 'A'], current_value: [10, 20.5], potential_value: [1, 2], influence_value: [0, 0], total_value: [11, 22.5], spend_share: [0.3, 0.7], activity_band: [1, 2], value_tier: ['A', 'B'] });
    writeTable(path, 'value', def, t);
    const cache = diskCache(dir, 'tables');
    const first = readTable(path, 'value', def, cache);
    expect(readdirSync(join(dir, '.cache', 'tables'))).toHaveLength(1);
    expect(readTable(path, 'value', def, cache).objects()).toEqual(first.objects());
    writeTable(path, 'value', def, t.derive({ current_value: () => 99 }));
    expect(readTable(path, 'value', def, cache).get('current_value', 0)).toBe(99);
  });
});

describe('the cache of costly computations', () => {
  it('keys on every part: typed arrays by their bytes, objects by their JSON', () => {
    expect(cacheKey([Float64Array.of(1, 2), { k: 8 }])).toBe(cacheKey([Float64Array.of(1, 2), { k: 8 }]));
    expect(cacheKey([Float64Array.of(1, 2), { k: 8 }])).not.toBe(cacheKey([Float64Array.of(1, 2.0000001), { k: 8 }]));
    expect(cacheKey(['a', 'b'])).not.toBe(cacheKey(['ab']));
  });

  it('computes once, survives a torn entry, and writes nothing when read-only', () => {
    const dir = tempDir('soo-cache-');
    let calls = 0;
    const compute = () => ({ n: ++calls, x: 0.1 + 0.2 });
    const cache = diskCache(dir, 'fits');
    expect(cache.json(['p'], compute)).toEqual({ n: 1, x: 0.1 + 0.2 });
    expect(cache.json(['p'], compute)).toEqual({ n: 1, x: 0.1 + 0.2 });
    writeFileSync(join(dir, '.cache', 'fits', cacheKey(['p'])), '{"n": 1, "x"');
    expect(cache.json(['p'], compute)).toEqual({ n: 2, x: 0.1 + 0.2 });
    const other = tempDir('soo-cache-');
    expect(diskCache(other, 'fits', { readOnly: true }).text(['q'], () => 'svg')).toBe('svg');
    expect(existsSync(join(other, '.cache'))).toBe(false);
  });

  it('keeps the most recently used entries of a namespace (trimmed every 50 writes)', () => {
    const dir = tempDir('soo-cache-');
    const cache = diskCache(dir, 'charts', { capacity: 3 });
    for (let i = 0; i < 60; i++) cache.text([i], () => `chart ${i}`);
    // Trimmed to 3 at the 51st write, then 9 more.
    const left = readdirSync(join(dir, '.cache', 'charts'));
    expect(left).toHaveLength(12);
    expect(left).toContain(cacheKey([59]));
  });
});

describe('outputs an earlier version wrote', () => {
  it('names the step to run again when a table lacks a column the catalog now declares', () => {
    const out = tempDir();
    mkdirSync(join(out, 'accounts'), { recursive: true });
    // account_segments as it was before the proposals' margin was split in two columns.
    writeFileSync(join(out, 'accounts', 'account_segments.csv'), 'account_id,segment_id,segment,channel,channel_reason,spend_per_month,margin_per_month,proposal_margin_per_month,cost_to_serve_per_month,net_margin_per_month\nA1,1,s,partner,r,100,35,10,150,-105\n');
    expect(() => readOutput(out, 'account_segments')).toThrow(/lacks columns product_margin_per_month, tariff_margin_change_per_month .*an earlier version of the project wrote it; run again --from accounts$/);
  });
});
