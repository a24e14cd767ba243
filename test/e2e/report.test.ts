/**
 * The findings report as a consultant's audience meets it: opened in a real
 * browser (Debian's Chromium, installed by this test's setup when missing), with
 * hostile input strings and with every phone number kept out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { generatePilot } from '../../src/generate/pilot';
import { runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';
import { datasetPath } from '../../src/catalog';
import { CHROMIUM, chromiumNeed, ensureSystem } from '../../src/util/system';
import { escapeHtml } from '../../src/report/privacy';
import { tempDir } from '../helpers';
import { readPlainCsv } from '../../src/io/tables';

const HOSTILE_NAME = '<script>alert(1)</script>';
const HOSTILE_INDUSTRY = '<img src=x onerror=alert(2)>';
const SCREENSHOT = join(__dirname, '..', '..', 'outputs', 'report-screenshot.png');

describe('findings report', () => {
  let data: string;
  let html: string;
  let reportPath: string;
  let out: string;

  beforeAll(async () => {
    ensureSystem(chromiumNeed);
    const dir = tempDir('soo-report-');
    data = join(dir, 'pilot');
    await generatePilot({ out: data, seed: 5, accounts: 6, brokenRate: 0 });
    // A company whose billing name and industry are markup: they must be shown, never run.
    const accounts = readFileSync(join(data, 'accounts.csv'), 'utf8').split('\n');
    const first = accounts[1].split(',');
    first[1] = HOSTILE_NAME;
    first[2] = HOSTILE_INDUSTRY;
    accounts[1] = first.join(',');
    writeFileSync(join(data, 'accounts.csv'), accounts.join('\n'));
    out = join(dir, 'out');
    await runPipeline({ data, out, config: resolveConfig({ pseudonym_key: 'test-key' }), log: () => undefined });
    reportPath = datasetPath(out, 'report');
    html = readFileSync(reportPath, 'utf8');
  });

  it('is one self-contained file: nothing fetched, no script', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+href|src=["']?https?:|@import|url\(/i);
    expect(html).toContain('<svg');
  });

  it('says which share of the spend tier A carries, as value.tier_a_share sets it, not always half', () => {
    expect(html).not.toMatch(/carry half of the account's spend/);
    const shares = [...html.matchAll(/carry (\d+)% of the account's spend \(tier A\)/g)].map((m) => Number(m[1]));
    expect(shares.length).toBeGreaterThan(0);
    for (const s of shares) expect(s).toBeGreaterThanOrEqual(50);
  });

  it('warns of each campaign too small to see an uplift below half its base rate, and of no other', () => {
    const design = readPlainCsv(datasetPath(out, 'pilot_design')).objects() as { name: string; mde_relative: number | null }[];
    const weak = design.filter((d) => d.mde_relative === null || d.mde_relative >= 0.5);
    expect(weak.length).toBeGreaterThan(0);
    const warning = /<p class="warning">(\d+) campaigns? can only detect an uplift of at least half (?:its|their) base rate: ([^<]*)<\/p>/.exec(html);
    expect(warning).not.toBeNull();
    expect(Number(warning![1])).toBe(weak.length);
    for (const d of design) expect(warning![2].includes(`${escapeHtml(d.name)} (`), d.name).toBe(weak.includes(d));
  });

  it('does not warn of the default pseudonym key under an engagement\'s own', () => {
    expect(html).not.toContain('keyed with the project\'s default key');
  });

  it('escapes input strings', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain(HOSTILE_INDUSTRY);
  });

  it('shows no line id and no phone number of the input', () => {
    const tokens = new Set(html.match(/[+A-Za-z0-9_-]+/g));
    const lineIds = readFileSync(join(data, 'lines.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(lineIds.length).toBeGreaterThan(100);
    expect(lineIds.filter((id) => tokens.has(id) || html.includes(id))).toEqual([]);
    // Counterparts are E.164 numbers too: no run of seven or more digits after a plus anywhere.
    expect(html.match(/\+\d{7,}/g)).toBeNull();
    expect(html).toMatch(/E-[0-9a-f]{10}/);
  });

  it('renders in Chromium without console errors, every chart with a size, and runs no input', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.goto(`file://${reportPath}`);
      await page.waitForLoadState('load');
      const boxes = await page.$$eval('div.chart svg', (svgs) => svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return [r.width, r.height];
      }));
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: false });
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      // Overview (3) plus a call graph and a proposal chart per account.
      expect(boxes.length).toBeGreaterThanOrEqual(3 + 6);
      expect(boxes.filter(([w, h]) => !(w > 0 && h > 0))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  describe('for one customer (report.customers, --report-accounts)', () => {
    const section = (page: string, id: string) => page.match(new RegExp(`<section class="account" id="${id}">[\\s\\S]*?</section>`))?.[0].replace(/<h2>[\s\S]*?<\/h2>/, '');
    let accounts: { id: string; name: string }[];
    let customer: string;
    let timings: Record<string, number>;

    beforeAll(async () => {
      accounts = readFileSync(join(data, 'accounts.csv'), 'utf8').trim().split('\n').slice(1).map((l) => ({ id: l.split(',')[0], name: l.split(',')[1] }));
      const m = await runPipeline({ out, config: resolveConfig({ pseudonym_key: 'test-key', report: { customers: [accounts[2].id] } }), from: 'report', log: () => undefined });
      timings = m.timings_s;
      customer = readFileSync(join(datasetPath(out, 'customer_reports'), `${accounts[2].id}.html`), 'utf8');
    });

    it('runs the report alone, no model refitted', () => {
      expect(Object.keys(timings).filter((k) => k !== 'total')).toEqual(['report']);
    });

    it('holds that customer alone: no other account id or name', () => {
      expect(customer).toContain(`id="${accounts[2].id}"`);
      const others = accounts.filter((a, i) => i !== 2 && a.name.length > 3 && !a.name.includes('<'));
      expect(others.filter((a) => customer.includes(`id="${a.id}"`) || customer.includes(`>${a.id}<`) || customer.includes(escapeHtml(a.name)))).toEqual([]);
      expect(customer).not.toContain('Portfolio overview');
    });

    it('shows the same account block, figure for figure, as the portfolio report', () => {
      const portfolio = readFileSync(reportPath, 'utf8');
      expect(section(customer, accounts[2].id)).toBeDefined();
      expect(section(customer, accounts[2].id)).toBe(section(portfolio, accounts[2].id));
    });

    it('stops before any work on an account the pilot does not have', async () => {
      await expect(runPipeline({ out, config: resolveConfig({ report: { customers: ['A9999'] } }), from: 'report', log: () => undefined })).rejects.toThrow(/report.accounts or report.customers names account A9999/);
    });

    it('shows the largest accounts in full and every account in the portfolio table (report.largest_accounts)', async () => {
      await runPipeline({ out, config: resolveConfig({ pseudonym_key: 'test-key', report: { largest_accounts: 2 } }), from: 'report', log: () => undefined });
      const page = readFileSync(reportPath, 'utf8');
      const full = [...page.matchAll(/<section class="account" id="([^"]+)">/g)].map((m) => m[1]);
      expect(full).toHaveLength(2);
      const lines = readFileSync(join(data, 'lines.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      const header = readFileSync(join(data, 'lines.csv'), 'utf8').split('\n')[0].split(',');
      const count = (id: string) => lines.filter((l) => l[header.indexOf('account_id')] === id).length;
      const smallest = Math.min(...full.map(count));
      expect(accounts.filter((a) => !full.includes(a.id) && count(a.id) > smallest)).toEqual([]);
      expect(page).toContain('The 2 largest accounts are shown in full');
      for (const a of accounts) expect(page).toContain(escapeHtml(a.name));
    });
  });
});
