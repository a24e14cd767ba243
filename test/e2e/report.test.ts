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
import { tempDir } from '../helpers';

const HOSTILE_NAME = '<script>alert(1)</script>';
const HOSTILE_INDUSTRY = '<img src=x onerror=alert(2)>';
const SCREENSHOT = join(__dirname, '..', '..', 'outputs', 'report-screenshot.png');

describe('findings report', () => {
  let data: string;
  let html: string;
  let reportPath: string;

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
    const out = join(dir, 'out');
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
});
