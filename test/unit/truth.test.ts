/**
 * The planted truth agrees with the data on every scenario, read back as an analyst would:
 * holdings are the history of the adoption process, so the holdings started in the last 90 days
 * before the window estimate the 90-day adoption after it, and holders cluster in the call network.
 * Pilots of 15 accounts with a 7-day window (the history and the truth do not need a long one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { scenarioNames } from '../../src/generate/scenarios';
import { tempDir } from '../helpers';
import { heldOn, holdingsOf, internalTies, mean, neighbours, readCsv, truthOf, type Holding } from '../generated';

const START = '2026-03-02';
const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'generate.js');
const dirs: Record<string, string> = {};

function generateCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generate ${args.join(' ')}: ${stderr}`))));
  });
}

beforeAll(async () => {
  const root = tempDir('soo-truth-');
  const queue = [...scenarioNames()];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      dirs[name] = join(root, name);
      await generateCli(['--out', dirs[name], '--seed', '5', '--days', '7', '--broken-rate', '0', '--scenario', name]);
    }
  };
  await Promise.all([worker(), worker()]);
});

interface History {
  lines: Record<string, string>[];
  activation: Map<string, number>;
  products: string[];
  byPair: Map<string, Holding[]>;
}

function history(dir: string): History {
  const lines = truthOf(dir, 'lines_truth.csv');
  const activation = new Map(readCsv(join(dir, 'lines.csv')).map((l) => [l.line_id, Math.round((Date.parse(l.activation_date + 'T00:00:00Z') - Date.parse(START + 'T00:00:00Z')) / 86_400_000)]));
  const products = readCsv(join(dir, 'products.csv')).map((p) => p.product_id);
  const byPair = new Map<string, Holding[]>();
  for (const h of holdingsOf(dir, START)) {
    const key = `${h.line_id}|${h.product_id}`;
    (byPair.get(key) ?? byPair.set(key, []).get(key)!).push(h);
  }
  return { lines, activation, products, byPair };
}

/** Line-product pairs of lines at least 90 days old that did not hold the product 90 days before the window, and whether they started it since. */
function recentPairs(h: History): { line: string; product: string; adopted: boolean }[] {
  const out: { line: string; product: string; adopted: boolean }[] = [];
  for (const t of h.lines) {
    if (h.activation.get(t.line_id)! > -90) continue;
    for (const p of h.products) {
      const spells = h.byPair.get(`${t.line_id}|${p}`) ?? [];
      if (spells.some((s) => heldOn(s, -90))) continue;
      out.push({ line: t.line_id, product: p, adopted: spells.some((s) => s.start >= -90 && s.start < 0) });
    }
  }
  return out;
}

describe.each(scenarioNames())('scenario %s: holdings as history', (name) => {
  it('the holdings started in the last 90 days estimate the 90-day adoption after the window (within 20%)', () => {
    const pairs = recentPairs(history(dirs[name]));
    const recent = pairs.filter((p) => p.adopted).length / pairs.length;
    const truth = mean(truthOf(dirs[name], 'adoption_truth.csv').map((r) => Number(r.adopt_probability)));
    // Measured 0.97-1.12 (seed 5, 7-day windows; 0.94-1.00 with 28 days, docs/scenarios.md).
    expect(recent / truth).toBeGreaterThan(0.8);
    expect(recent / truth).toBeLessThan(1.2);
  });

  it('holders cluster: their call ties go to holders of the same product more often than at random', () => {
    const h = history(dirs[name]);
    const ties = neighbours(internalTies(dirs[name]));
    const account = new Map(h.lines.map((t) => [t.line_id, t.account_id]));
    const size = new Map<string, number>();
    for (const t of h.lines) size.set(t.account_id, (size.get(t.account_id) ?? 0) + 1);
    const holds = new Set([...h.byPair.values()].flat().filter((s) => s.end === undefined).map((s) => `${s.line_id}|${s.product_id}`));
    let toHolders = 0;
    let expected = 0;
    let n = 0;
    for (const p of h.products) {
      const holders = new Map<string, number>();
      for (const t of h.lines) if (holds.has(`${t.line_id}|${p}`)) holders.set(t.account_id, (holders.get(t.account_id) ?? 0) + 1);
      for (const t of h.lines) {
        if (!holds.has(`${t.line_id}|${p}`)) continue;
        // At random a tie would go to a holder with the share of holders among the account's other lines.
        const share = (holders.get(t.account_id)! - 1) / (size.get(t.account_id)! - 1);
        for (const other of ties.get(t.line_id) ?? []) {
          n++;
          expected += share;
          if (holds.has(`${other}|${p}`)) toHolders++;
          expect(account.get(other)).toBe(t.account_id);
        }
      }
    }
    // Measured 1.11-1.49 times random (seed 5, 7-day windows).
    expect(n).toBeGreaterThan(1000);
    expect(toHolders / expected).toBeGreaterThan(1.05);
  });

  it('network neighbours of holders adopted at more than twice the rate of others in the last 90 days (Hill et al.: 3-5x)', () => {
    const h = history(dirs[name]);
    const ties = neighbours(internalTies(dirs[name]));
    const heldThen = new Set([...h.byPair.values()].flat().filter((s) => heldOn(s, -90)).map((s) => `${s.line_id}|${s.product_id}`));
    const rate = { tied: [0, 0], not: [0, 0] };
    for (const p of recentPairs(h)) {
      const tied = (ties.get(p.line) ?? []).some((o) => heldThen.has(`${o}|${p.product}`));
      const r = tied ? rate.tied : rate.not;
      r[0]++;
      if (p.adopted) r[1]++;
    }
    // Measured 2.9-5.4 (seed 5, 7-day windows).
    expect(rate.tied[1] / rate.tied[0] / (rate.not[1] / rate.not[0])).toBeGreaterThan(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// Accounts: the planted stage follows from contacts and responses by the rules of the relationship
// step, implemented here once more from their statement (not imported from src/relationship).

const STAGE_ORDER = ['no_relationship', 'no_key_player', 'key_player', 'dialogue_early', 'dialogue_mid', 'dialogue_late', 'sales'];
const FROM_CONTACT: Record<string, string> = { none: 'key_player', early: 'dialogue_early', mid: 'dialogue_mid', late: 'dialogue_late', sales: 'sales' };
const RAISES_TO: Record<string, string> = {
  opted_in: 'dialogue_early', provided_info: 'dialogue_early', visited: 'dialogue_mid', downloaded: 'dialogue_mid',
  requested_info: 'dialogue_late', meeting: 'dialogue_late', transferred_to_sales: 'sales',
};
const isOutbound = (response: string) => response === 'contacted' || response === 'bounced';
const daysFrom = (a: string, b: string) => Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);

type Row = Record<string, string>;

function expectedStage(contacts: Row[], responses: Row[], asOf: string): string {
  let stage = 'no_relationship';
  if (contacts.length > 0) stage = 'no_key_player';
  if (contacts.some((c) => c.key_player === 'true')) {
    stage = 'key_player';
    for (const c of contacts) {
      const s = FROM_CONTACT[c.dialogue_stage || 'none'];
      if (STAGE_ORDER.indexOf(s) > STAGE_ORDER.indexOf(stage)) stage = s;
    }
  }
  // Date order; a stable sort keeps the file's order within a day.
  const ordered = responses.filter((r) => r.date <= asOf).map((r, i) => ({ r, i })).sort((a, b) => a.r.date.localeCompare(b.r.date) || a.i - b.i).map((x) => x.r);
  for (const r of ordered) {
    const to = RAISES_TO[r.response];
    if (to && STAGE_ORDER.indexOf(to) > STAGE_ORDER.indexOf(stage)) stage = to;
    else if (r.response === 'opted_out' && STAGE_ORDER.indexOf(stage) > STAGE_ORDER.indexOf('key_player')) stage = 'key_player';
  }
  const answers = [...ordered.filter((r) => !isOutbound(r.response)).map((r) => r.date), ...contacts.map((c) => c.last_response_date).filter(Boolean)].sort();
  const last = answers.at(-1);
  if (['dialogue_early', 'dialogue_mid', 'dialogue_late'].includes(stage) && last && daysFrom(last, asOf) > 180) stage = STAGE_ORDER[STAGE_ORDER.indexOf(stage) - 1];
  return stage;
}

function expectedPolicy(responses: Row[], asOf: string): string {
  const ago = (r: Row) => daysFrom(r.date, asOf);
  const answers = responses.filter((r) => !isOutbound(r.response) && ago(r) >= 0);
  const lastOptOut = answers.filter((r) => r.response === 'opted_out').map((r) => r.date).sort().at(-1);
  if (lastOptOut && !answers.some((r) => r.response === 'opted_in' && r.date > lastOptOut)) return 'opted out';
  if (answers.filter((r) => r.response === 'declined' && ago(r) < 60).length >= 2) return 'paused after declines';
  if (responses.filter((r) => r.response === 'contacted' && ago(r) >= 0 && ago(r) < 30).length >= 3) return 'touch limit';
  return 'ok';
}

interface Relationship {
  truth: Row[];
  contacts: Map<string, Row[]>;
  responses: Map<string, Row[]>;
  all: Row[];
  asOf: string;
}

function relationship(dir: string): Relationship {
  const accounts = new Set(readCsv(join(dir, 'accounts.csv')).map((a) => a.account_id));
  // Broken contact rows (an unknown stage or account) are quarantined by the loader: not part of the story.
  const contacts = readCsv(join(dir, 'contacts.csv')).filter((c) => accounts.has(c.account_id) && c.dialogue_stage in FROM_CONTACT);
  const all = readCsv(join(dir, 'responses.csv'));
  const byAccount = (rows: Row[]) => {
    const m = new Map<string, Row[]>();
    for (const r of rows) (m.get(r.account_id) ?? m.set(r.account_id, []).get(r.account_id)!).push(r);
    return m;
  };
  const asOf = [...all.map((r) => r.date), ...contacts.map((c) => c.last_response_date)].filter(Boolean).sort().at(-1)!;
  return { truth: truthOf(dir, 'accounts_truth.csv'), contacts: byAccount(contacts), responses: byAccount(all), all, asOf };
}

const SIGNATURE: Record<string, string[]> = {
  globally_connected: ['executive', 'international'], field_force: ['road_warrior'], office_centric: ['office', 'strict_business'],
  digital: ['data_user'], light_prepaid: ['light_user'],
};

describe.each(scenarioNames())('scenario %s: accounts', (name) => {
  it('plants each account\'s stage and contact-policy state as its contacts and responses give them, as of the window\'s last day', () => {
    const rel = relationship(dirs[name]);
    expect(rel.asOf).toBe('2026-03-08');
    expect(rel.truth.length).toBeGreaterThanOrEqual(15);
    const wrong: string[] = [];
    for (const t of rel.truth) {
      const contacts = rel.contacts.get(t.account_id) ?? [];
      const responses = rel.responses.get(t.account_id) ?? [];
      const stage = expectedStage(contacts, responses, rel.asOf);
      const policy = expectedPolicy(responses, rel.asOf);
      if (stage !== t.stage || policy !== t.policy) wrong.push(`${t.account_id}: planted ${t.stage} (${t.stage_mode}), ${t.policy}; rules give ${stage}, ${policy}`);
    }
    expect(wrong).toEqual([]);
    expect(rel.all.every((r) => r.date <= rel.asOf)).toBe(true);
  });

  it('keeps the contact policy throughout: at most 3 touches in any 30 days, none after an opt-out until an opt-in, none after 2 declines in 60 days', () => {
    const rel = relationship(dirs[name]);
    const broken: string[] = [];
    for (const [account, rows] of rel.responses) {
      const touches = rows.filter((r) => r.response === 'contacted');
      for (const t of touches) {
        if (touches.filter((u) => daysFrom(t.date, u.date) >= 0 && daysFrom(t.date, u.date) < 30).length > 3) broken.push(`${account} ${t.date}: more than 3 touches in 30 days`);
        const before = rows.slice(0, rows.indexOf(t));
        const optOut = before.filter((r) => r.response === 'opted_out').at(-1);
        if (optOut && !before.some((r) => r.response === 'opted_in' && r.date > optOut.date)) broken.push(`${account} ${t.date}: touched after opting out`);
        if (before.filter((r) => r.response === 'declined' && daysFrom(r.date, t.date) < 60).length >= 2) broken.push(`${account} ${t.date}: touched in a pause`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('writes the size class, value level and archetype the data show', () => {
    const dir = dirs[name];
    const employees = new Map(readCsv(join(dir, 'accounts.csv')).map((a) => [a.account_id, Number(a.employees)]));
    const price = new Map(readCsv(join(dir, 'products.csv')).map((p) => [p.product_id, Number(p.monthly_price)]));
    const lines = readCsv(join(dir, 'lines.csv'));
    const held = holdingsOf(dir, START).filter((h) => h.end === undefined);
    const spend = new Map<string, number>();
    const count = new Map<string, number>();
    const accountOf = new Map<string, string>();
    for (const l of lines) {
      if (accountOf.has(l.line_id) || !employees.has(l.account_id) || !(Number(l.monthly_fee) >= 0)) continue;
      accountOf.set(l.line_id, l.account_id);
      spend.set(l.account_id, (spend.get(l.account_id) ?? 0) + Number(l.monthly_fee));
      count.set(l.account_id, (count.get(l.account_id) ?? 0) + 1);
    }
    for (const h of held) spend.set(accountOf.get(h.line_id)!, spend.get(accountOf.get(h.line_id)!)! + price.get(h.product_id)!);
    for (const t of truthOf(dir, 'accounts_truth.csv')) {
      const n = employees.get(t.account_id)!;
      expect(t.size_class, t.account_id).toBe(n < 10 ? 'small' : n < 250 ? 'mid' : 'large');
      expect(Number(t.lines), t.account_id).toBe(count.get(t.account_id));
      const perLine = spend.get(t.account_id)! / count.get(t.account_id)!;
      expect(Number(t.spend_per_line), t.account_id).toBeCloseTo(perLine, 1);
      expect(t.value_level, t.account_id).toBe(perLine < 47 ? 'low' : perLine < 54 ? 'mid' : 'high');
      expect(Object.keys(SIGNATURE)).toContain(t.archetype);
    }
  });
});

describe('accounts across the scenarios', () => {
  it('every stage, every way of reaching it and every policy state appears, with touches, bounces, declines, opt-outs and adoptions', () => {
    const truth = scenarioNames().flatMap((n) => truthOf(dirs[n], 'accounts_truth.csv'));
    expect(new Set(truth.map((t) => t.stage))).toEqual(new Set(STAGE_ORDER));
    expect(new Set(truth.map((t) => t.stage_mode))).toEqual(new Set(['plain', 'silence', 'opt_out', 'opt_back_in']));
    expect(new Set(truth.map((t) => t.policy))).toEqual(new Set(['ok', 'touch limit', 'opted out', 'paused after declines']));
    const responses = new Set(scenarioNames().flatMap((n) => readCsv(join(dirs[n], 'responses.csv')).map((r) => r.response)));
    for (const r of ['contacted', 'bounced', 'opened', 'declined', 'opted_out', 'opted_in', 'adopted', ...Object.keys(RAISES_TO)]) expect(responses, r).toContain(r);
  });

  it('account_mix has accounts under 10 employees and one of 1200 lines, of light and mostly prepaid lines', () => {
    const truth = truthOf(dirs.account_mix, 'accounts_truth.csv');
    expect(truth.filter((t) => t.size_class === 'small').length).toBeGreaterThanOrEqual(4);
    const large = truth.find((t) => t.lines === '1200')!;
    expect(large.archetype).toBe('light_prepaid');
    const lines = truthOf(dirs.account_mix, 'lines_truth.csv').filter((l) => l.account_id === large.account_id);
    expect(lines.filter((l) => l.plan_persona === 'light_user').length / lines.length).toBeGreaterThan(0.5);
    const prepaid = readCsv(join(dirs.account_mix, 'lines.csv')).filter((l) => l.account_id === large.account_id && l.payment_type === 'prepaid');
    expect(prepaid.length / lines.length).toBeGreaterThan(0.5);
  });
});

describe.each(scenarioNames())('scenario %s: archetypes', (name) => {
  it('differ in persona mix: each archetype\'s accounts have more of its signature personas than the other accounts', () => {
    const truth = truthOf(dirs[name], 'accounts_truth.csv');
    const lines = truthOf(dirs[name], 'lines_truth.csv');
    const archetypeOf = new Map(truth.map((t) => [t.account_id, t.archetype]));
    // Per account, the share of its lines (as planned: plan_persona) with each archetype's signature personas.
    const shares = new Map<string, Record<string, number>>();
    for (const t of truth) {
      const own = lines.filter((l) => l.account_id === t.account_id);
      shares.set(t.account_id, Object.fromEntries(Object.entries(SIGNATURE).map(([a, personas]) => [a, own.filter((l) => personas.includes(l.plan_persona)).length / own.length])));
    }
    const present = new Set(truth.map((t) => t.archetype));
    expect(present.size, name).toBeGreaterThanOrEqual(3);
    const gaps: string[] = [];
    for (const a of present) {
      const inside = mean(truth.filter((t) => t.archetype === a).map((t) => shares.get(t.account_id)![a]));
      const outside = mean(truth.filter((t) => t.archetype !== a).map((t) => shares.get(t.account_id)![a]));
      gaps.push(`${a} ${inside.toFixed(2)} vs ${outside.toFixed(2)}`);
      expect(inside, `${name} ${a}`).toBeGreaterThan(outside + 0.05);
    }
    expect(archetypeOf.size).toBe(truth.length);
    console.log(`${name}: ${gaps.join(', ')}`);
  });
});
