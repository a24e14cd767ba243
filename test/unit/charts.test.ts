/** Snapshot tests: charts render deterministically from seeded data to the same SVG text. */
import { describe, expect, it } from 'vitest';
import { aq } from '../../src/util/arquero';
import { callGraphChart, channelChart, featureHistogram, personaMixChart, proposalChart, roleMixChart, stageChart, valueConcentrationChart } from '../../src/charts/charts';
import { layoutAccount } from '../../src/network/layout';
import { createRng, pick } from '../../src/util/rng';
import { escapeHtml, pseudonym } from '../../src/report/privacy';

const rng = createRng(9);
const personas = ['executive', 'office', 'road_warrior', 'international'];
const lines = Array.from({ length: 40 }, (_, i) => ({
  line_id: `L${String(i).padStart(3, '0')}`,
  account_id: i < 25 ? 'A1' : 'A2',
  persona: pick(rng, personas),
  role: pick(rng, ['hub', 'member', 'member', 'connector', 'peripheral']),
  current_value: Math.round(10 + rng() * 90),
  voice_minutes: Math.round(rng() * 2000),
  pagerank: rng() / 20,
  community: `A1-C${1 + Math.floor(rng() * 3)}`,
}));
const table = aq.from(lines);
const names = new Map([['A1', 'Acme <AG>'], ['A2', 'Beta & Co']]);

describe('chart snapshots', () => {
  it('persona mix', async () => {
    await expect(personaMixChart(table, { accountNames: names, title: 'Persona mix' })).toMatchFileSnapshot('../__snapshots__/persona-mix.svg');
  });
  it('value concentration', async () => {
    await expect(valueConcentrationChart(table, { accountNames: names })).toMatchFileSnapshot('../__snapshots__/value-concentration.svg');
  });
  it('role mix', async () => {
    await expect(roleMixChart(table, { accountNames: names })).toMatchFileSnapshot('../__snapshots__/role-mix.svg');
  });
  it('feature histogram', async () => {
    await expect(featureHistogram(table, { feature: 'voice_minutes', by: 'persona' })).toMatchFileSnapshot('../__snapshots__/histogram.svg');
  });
  it('call graph with a seeded layout', async () => {
    const a1 = table.filter((d: { account_id: string }) => d.account_id === 'A1');
    const ids = a1.array('line_id') as string[];
    const ties = aq.from(ids.slice(1).map((id, i) => ({ account_id: 'A1', line_id: ids[i % 5], other_line_id: id, weight: 1 + (i % 4) })));
    const layout = layoutAccount(a1, ties, 'A1', 42);
    expect(layoutAccount(a1, ties, 'A1', 42)).toEqual(layout);
    await expect(callGraphChart(layout, { colorBy: 'community' })).toMatchFileSnapshot('../__snapshots__/call-graph.svg');
  });
  it('proposal bars', async () => {
    const proposals = aq.from([
      { kind: 'product', name: 'Roaming pack', channel: 'employer', lines: 12 },
      { kind: 'product', name: 'Personal line', channel: 'employee', lines: 7 },
      { kind: 'tariff', name: 'Business Team', channel: 'employer', lines: 20 },
    ]);
    await expect(proposalChart(proposals)).toMatchFileSnapshot('../__snapshots__/proposals.svg');
  });
  it('escapes account names inside the SVG', () => {
    const svg = personaMixChart(table, { accountNames: names });
    expect(svg).toContain('Acme &lt;AG&gt;');
    expect(svg).not.toContain('Acme <AG>');
  });
});

describe('privacy helpers', () => {
  it('pseudonymises with a key, not a plain hash', () => {
    expect(pseudonym('+4915112345678', 'k1')).toMatch(/^E-[0-9a-f]{10}$/);
    expect(pseudonym('+4915112345678', 'k1')).toBe(pseudonym('+4915112345678', 'k1'));
    expect(pseudonym('+4915112345678', 'k1')).not.toBe(pseudonym('+4915112345678', 'k2'));
  });
  it('escapes HTML', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });
});

describe('count axes', () => {
  // Three accounts: Plot ticks the axis at halves, and a label "2.5" would count half an account.
  const labels = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).filter((t) => /^[\d.,]+$/.test(t));
  it('label accounts in whole numbers only', () => {
    const segments = aq.table({ channel: ['digital', 'partner', 'partner'], segment: ['a', 'b', 'b'], stage: ['sales', 'sales', 'key_player'] });
    for (const svg of [channelChart(segments), stageChart(segments, ['key_player', 'sales'])]) {
      const shown = labels(svg);
      expect(shown.length).toBeGreaterThan(1);
      for (const l of shown) expect(Number.isInteger(Number(l)), l).toBe(true);
    }
  });
});
