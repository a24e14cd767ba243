import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveConfig } from '../../src/config';

describe('config', () => {
  it('merges a partial user config over the defaults', () => {
    const c = resolveConfig({ segments: { k: 5 }, seed: 3 });
    expect(c.segments.k).toBe(5);
    expect(c.seed).toBe(3);
    expect(c.segments.restarts).toBe(DEFAULTS.segments.restarts);
  });
  it('names an unknown key', () => {
    expect(() => resolveConfig({ segments: { kk: 5 } })).toThrow(/unknown key segments\.kk/);
  });
  it('names a key of the wrong type', () => {
    expect(() => resolveConfig({ network: { sms_weight: 'high' } })).toThrow(/network\.sms_weight must be a number/);
  });
  it('checks persona rules', () => {
    expect(() => resolveConfig({ segments: { personas: [{ persona: 'x', description: '', when: { roaming_days: ['~', 1] } }] } })).toThrow(/personas\[0\]\.when\.roaming_days/);
  });
  it('refuses a k below 2', () => {
    expect(() => resolveConfig({ segments: { k: 1 } })).toThrow(/segments\.k/);
  });
});
