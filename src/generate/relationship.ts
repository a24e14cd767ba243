/**
 * The relationship planted at each account: its decision makers (contacts, some of them key players,
 * each with a dialogue stage) and a response memory (every outbound touch and every response, dated)
 * whose story ends at the account's planted stage under the rules of the one-to-one marketing
 * database (docs/scenarios.md, "Accounts"):
 *
 * no contact → no_relationship; no key player → no_key_player; else the most advanced dialogue stage
 * among the contacts (none → key_player, early/mid/late → dialogue_*, sales → sales); then the
 * responses in date order: opted_in/provided_info → at least dialogue_early, visited/downloaded → at
 * least dialogue_mid, requested_info/meeting → at least dialogue_late, transferred_to_sales → sales;
 * opted_out → back to key_player; and a dialogue stage goes back one stage when the prospect's latest
 * answer (a response that is not an outbound touch, or a contact's last_response_date) is more than
 * 180 days before the as-of date (the latest date in responses and contacts).
 *
 * The history respects the contact policy as an operator applies it: at most three touches in any 30
 * days, none after an opt-out until the prospect opts in again, a pause of 60 days after two declines
 * within 60 days. Some accounts end in a policy state: opted out, paused, or at the touch limit.
 *
 * `stageOf` and `policyOf` implement the rules once more, for the generator's own check that each
 * planted story ends where it was meant to (the analytics' implementation lives in src/relationship
 * and is never imported here).
 */
import { int, pick, weighted, type Rng } from '../util/rng';
import { SoOError } from '../util/errors';
import type { Medium, SizeClass, ValueLevel } from './accounts';

export const STAGES = ['no_relationship', 'no_key_player', 'key_player', 'dialogue_early', 'dialogue_mid', 'dialogue_late', 'sales'] as const;
export type Stage = (typeof STAGES)[number];
/** How a stage came about: as it stands, after a long silence, after an opt-out, or after an opt-out and an opt-in again. */
export type Mode = 'plain' | 'silence' | 'opt_out' | 'opt_back_in';
export type Policy = 'ok' | 'touch limit' | 'opted out' | 'paused after declines';

const LEVELS = ['none', 'early', 'mid', 'late', 'sales'] as const;
/** Responses that are evidence of each dialogue level (1: early ... 4: sales). */
const EVIDENCE: string[][] = [[], ['opted_in', 'provided_info'], ['visited', 'downloaded'], ['requested_info', 'meeting'], ['transferred_to_sales']];
const EVIDENCE_RANK: Record<string, number> = Object.fromEntries(EVIDENCE.flatMap((rs, level) => rs.map((r) => [r, level + 2])));
/** The medium each response comes back by. */
const RESPONSE_MEDIA: Record<string, Medium[]> = {
  opted_in: ['email', 'web'], provided_info: ['web', 'telemarketing'], visited: ['web'], downloaded: ['web', 'app'],
  requested_info: ['email', 'web', 'telemarketing'], meeting: ['sales_rep'], transferred_to_sales: ['sales_rep'],
  opted_out: ['email', 'sms', 'web'], adopted: ['app', 'web', 'sales_rep', 'telemarketing'],
};
const ROLES = ['CEO', 'CFO', 'IT manager', 'Procurement', 'Fleet manager', 'Office manager', 'Managing director', 'Head of sales', 'Travel manager', 'Telecom manager'];

/** Days back the response memory reaches. */
const HORIZON = 540;
/** A silent account's latest answer is at least this many days before the as-of date (the rule wants more than 180). */
const SILENT = 200;
/** A dialogue's latest answer is at most this many days before the as-of date. */
const RECENT = 150;
/** Routine touches at least this many days apart: at most two in any 30 days. */
const TOUCH_GAP = 16;
/** Declines at least this many days apart, but for an account paused after two. */
const DECLINE_GAP = 60;
/** Chances that an account ends at the touch limit, or paused after two declines. */
export const TOUCH_LIMIT_SHARE = 0.12;
export const PAUSE_SHARE = 0.12;
/** Share of a line's adoptions in the response memory's horizon recorded as `adopted` responses. */
export const ADOPTIONS_RECORDED = 0.1;

export interface ContactRow {
  contact_id: string;
  role: string;
  key_player: boolean;
  dialogue_stage: string;
  last_response_date: string;
}

export interface ResponseRow {
  response_id: string;
  date: string;
  contact_id: string;
  line_id: string;
  channel: Medium;
  response: string;
  product_id: string;
  value: string;
}

/** A line's adoption before the window, as the response memory may record it. */
export interface Adoption {
  line: string;
  product: string;
  /** Days relative to the as-of date (negative: before). */
  day: number;
  /** First-year margin. */
  value: number;
}

export interface RelationshipPlan {
  accountId: string;
  stage: Stage;
  mode: Mode;
  /** The contact-policy state the story ends in, besides an opt-out. */
  ending: 'ok' | 'touch limit' | 'paused after declines';
  sizeClass: SizeClass;
  /** The account's preferred outbound media (its archetype's). */
  media: Partial<Record<Medium, number>>;
  /** The as-of date: the window's last day. */
  asOf: string;
  /** Touch the account on the as-of date itself, so the memory's latest date is the as-of date. */
  pinAsOf: boolean;
  adoptions: Adoption[];
}

export interface PlantedRelationship {
  contacts: ContactRow[];
  responses: ResponseRow[];
  policy: Policy;
}

const rankOf = (s: Stage) => STAGES.indexOf(s);

/**
 * An account's quantile of the stories, tilted by its value and size: u^γ with γ below 1 for high-value and
 * large accounts (further along: more dialogue and sales), above 1 for low-value and small ones (more often
 * no relationship). A monotone tilt keeps the accounts' quantiles spread, so small pilots still meet every story.
 */
export function tiltedQuantile(u: number, value: ValueLevel, size: SizeClass): number {
  const gamma = { low: 1.35, mid: 1, high: 0.75 }[value] * { small: 1.3, mid: 1, large: 0.9 }[size];
  return u ** gamma;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The a-th point of a golden-ratio sequence from `offset`: consecutive accounts spread evenly over [0, 1),
 * so even a pilot of a dozen accounts meets every stage, mode and policy state in about their shares
 * (independent draws leave a small pilot without a stage one time in several).
 */
export function stratified(a: number, offset: number): number {
  return (offset + a * GOLDEN) % 1;
}

/**
 * The story at quantile `u`: stage and mode together, weighted by the stage's weight times the mode's share
 * within it (silence and opt-outs where the stage allows them), so small pilots meet the rarer stories too.
 */
export function storyAt(u: number, stageMix: readonly number[], silence: number, optOut: number): { stage: Stage; mode: Mode } {
  const modes: Partial<Record<Stage, [Mode, number][]>> = {
    key_player: [['plain', 1 - optOut - silence], ['silence', silence], ['opt_out', optOut]],
    dialogue_early: [['plain', 1 - optOut / 2 - silence], ['silence', silence], ['opt_back_in', optOut / 2]],
    dialogue_mid: [['plain', 1 - silence], ['silence', silence]],
  };
  const stories = STAGES.flatMap((stage, i) => (modes[stage] ?? [['plain', 1] as [Mode, number]]).map(([mode, share]) => ({ stage, mode, weight: stageMix[i] * share })));
  const total = stories.reduce((t, x) => t + x.weight, 0);
  let acc = 0;
  for (const x of stories) {
    acc += x.weight / total;
    if (u < acc) return { stage: x.stage, mode: x.mode };
  }
  const last = stories[stories.length - 1];
  return { stage: last.stage, mode: last.mode };
}

/** The policy state a story ends in (at quantile `u`): a touch limit anywhere but after an opt-out, a pause where the prospect still answers. */
export function chooseEnding(u: number, stage: Stage, mode: Mode): RelationshipPlan['ending'] {
  if (mode === 'opt_out') return 'ok';
  if (u < TOUCH_LIMIT_SHARE) return 'touch limit';
  const paused = mode === 'plain' && stage !== 'no_relationship' && stage !== 'sales';
  return paused && u < TOUCH_LIMIT_SHARE + PAUSE_SHARE ? 'paused after declines' : 'ok';
}

interface Event {
  day: number;
  contact: string;
  channel: Medium;
  response: string;
  line?: string;
  product?: string;
  value?: string;
}

/** `count` sorted days in [lo, hi], at least `gap` apart (less if they do not fit). */
function spread(r: Rng, count: number, lo: number, hi: number, gap: number): number[] {
  if (count <= 0) return [];
  const g = count > 1 ? Math.max(1, Math.min(gap, Math.floor((hi - lo) / (count - 1)))) : 0;
  const room = Math.max(0, hi - lo - (count - 1) * g);
  return Array.from({ length: count }, () => int(r, 0, room)).sort((a, b) => a - b).map((u, i) => lo + u + i * g);
}

function addDays(date: string, days: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The contacts and response memory of one account, ending at its planted stage and policy state. */
export function plantRelationship(r: Rng, plan: RelationshipPlan): PlantedRelationship {
  const { stage, mode, ending } = plan;
  const rank = rankOf(stage);
  const ending_ = plan.pinAsOf ? 'ok' : ending;

  // Decision makers: the first is the key player the dialogue runs with.
  const nContacts = stage === 'no_relationship' ? 0 : plan.sizeClass === 'small' ? int(r, 1, 2) : plan.sizeClass === 'mid' ? int(r, 1, 4) : int(r, 2, 6);
  const roles = [...ROLES];
  const people = Array.from({ length: nContacts }, (_, c) => ({
    contact_id: `${plan.accountId}-C${c + 1}`,
    role: roles.splice(int(r, 0, roles.length - 1), 1)[0],
    key_player: stage !== 'no_key_player' && (c === 0 || r() < 0.3),
    level: 0,
    last: undefined as number | undefined,
  }));
  // A contact who is no key player may still be in an early dialogue: without a key player it does not count.
  if (stage === 'no_key_player') for (const p of people) if (r() < 0.2) p.level = 1;
  const lead = people[0];

  // The peak of the dialogue, and how much of it the contacts file already says.
  const peak = mode === 'plain' ? Math.max(0, rank - 2) : mode === 'silence' ? rank - 1 : mode === 'opt_out' ? int(r, 1, 4) : int(r, 1, 3);
  const known = int(r, 0, peak);

  const events: Event[] = [];
  const touches: number[] = [];
  const declines: number[] = [];
  const touch = (day: number, channel: Medium, contact = '') => {
    events.push({ day, contact, channel, response: 'contacted' });
    touches.push(day);
  };
  const answer = (day: number, response: string, contact: string, channel: Medium) => {
    events.push({ day, contact, channel, response });
    if (response === 'declined') declines.push(day);
    const who = people.find((p) => p.contact_id === contact);
    if (who) who.last = Math.max(who.last ?? -Infinity, day);
  };
  const medium = (): Medium => {
    if (stage === 'no_relationship') return weighted(r, ['direct_mail', 'telemarketing'] as const, [2, 1]);
    const media = Object.keys(plan.media) as Medium[];
    return weighted(r, media, media.map((m) => plan.media[m]!));
  };
  const someone = () => (people.length ? pick(r, people).contact_id : '');

  // Anchors of the story, in days before the as-of date (0).
  const pause = ending_ === 'paused after declines' ? (() => {
    const d1 = int(r, -58, -40);
    return [d1, int(r, d1 + 10, -5)];
  })() : undefined;
  const burst = ending_ === 'touch limit' ? (() => {
    const j = int(r, 0, 2);
    return [-25 - j, -14 - j, -3 - j];
  })() : undefined;
  let lo = -HORIZON + 30;
  let hi = mode === 'silence' ? -SILENT - 10 : mode === 'opt_out' ? -130 : mode === 'opt_back_in' ? -260 : -10;
  if (pause) hi = Math.min(hi, pause[0] - 5);
  if (burst) hi = Math.min(hi, -45);
  if (plan.pinAsOf) hi = Math.min(hi, -TOUCH_GAP - 4);
  // A dialogue that is not silent has an answer within RECENT days, unless the declines of a pause give it.
  const mustBeRecent = mode === 'plain' && rank >= rankOf('dialogue_early') && rank < rankOf('sales') && !pause;

  // The ladder: the contacts file's stage (its date), then one evidence response per level above it.
  const steps = (known > 0 ? 1 : 0) + (peak - known);
  const days = mustBeRecent && steps > 0
    ? (() => {
      const last = int(r, Math.max(lo, -RECENT), hi);
      return [...spread(r, steps - 1, lo, last - 20, 20), last];
    })()
    : spread(r, steps, lo, hi, 20);
  let next = 0;
  if (known > 0) {
    lead.level = known;
    lead.last = days[next++];
  }
  for (let level = known + 1; level <= peak; level++) {
    const day = days[next++];
    const response = pick(r, EVIDENCE[level]);
    if (r() < 0.7) touch(day - int(r, 1, 3), level >= 3 ? 'sales_rep' : medium(), lead.contact_id);
    answer(day, response, lead.contact_id, pick(r, RESPONSE_MEDIA[response]));
  }
  const lastStep = days.length ? days[days.length - 1] : lo;

  // Opt-outs (and an opt-in again).
  let optOut: number | undefined;
  let optIn: number | undefined;
  if (mode === 'opt_out' || mode === 'opt_back_in') {
    optOut = int(r, lastStep + 7, mode === 'opt_out' ? -20 : -170);
    const channel = pick(r, RESPONSE_MEDIA.opted_out);
    touch(optOut, channel === 'web' ? 'email' : channel, lead.contact_id);
    answer(optOut, 'opted_out', lead.contact_id, channel);
    if (mode === 'opt_back_in') {
      // Touches resume after the opt-in only: a touch-limit burst comes after it.
      optIn = int(r, -120, burst ? burst[0] - 5 : -10);
      answer(optIn, 'opted_in', lead.contact_id, 'web');
    }
  }

  // Routine touches around the ladder, each perhaps answered; nothing after an opt-out (until an opt-in).
  const end = optOut !== undefined && optIn === undefined ? optOut - TOUCH_GAP
    : pause ? pause[0] - TOUCH_GAP : burst ? burst[0] - TOUCH_GAP : plan.pinAsOf ? -TOUCH_GAP : 0;
  const mayDecline = (d: number) => declines.every((x) => Math.abs(x - d) >= DECLINE_GAP) && (!pause || d < pause[0] - DECLINE_GAP);
  const heardAllowed = (d: number) => d <= 0 && (mode !== 'silence' || d <= -SILENT);
  for (let t = -HORIZON + int(r, 0, 30); t <= end; t += int(r, TOUCH_GAP, 45)) {
    if (optOut !== undefined && t >= optOut - TOUCH_GAP && (optIn === undefined || t < optIn + 5)) continue;
    if (touches.some((x) => Math.abs(x - t) < TOUCH_GAP)) continue;
    const channel = medium();
    const contact = channel === 'direct_mail' || channel === 'web' || channel === 'app' ? '' : someone();
    touch(t, channel, contact);
    const u = r();
    if (channel === 'email' && u < 0.08) events.push({ day: t, contact, channel, response: 'bounced' });
    else if ((channel === 'email' || channel === 'app') && u < 0.45 && heardAllowed(t + 1)) answer(t + 1, 'opened', contact, channel);
    else if (u > 0.95 && stage !== 'no_relationship' && heardAllowed(t + 1) && mayDecline(t + 1)) answer(t + 1, 'declined', contact || someone(), channel);
  }
  if (pause) {
    for (const d of pause) {
      const contact = someone();
      touch(d, 'telemarketing', contact);
      answer(d, 'declined', contact, 'telemarketing');
    }
  }
  if (burst) {
    for (const d of burst) {
      const channel = medium();
      const contact = channel === 'direct_mail' ? '' : someone();
      touch(d, channel, contact);
      if (channel === 'email' && heardAllowed(d) && r() < 0.3) answer(d, 'opened', contact, channel);
    }
  }
  if (plan.pinAsOf) touch(0, medium(), someone());

  // Lines' adoptions the memory recorded (answers too: a silent account's only from before its silence).
  for (const a of plan.adoptions) {
    if (a.day < -HORIZON || !heardAllowed(a.day) || r() >= ADOPTIONS_RECORDED) continue;
    events.push({ day: a.day, contact: '', channel: pick(r, RESPONSE_MEDIA.adopted), response: 'adopted', line: a.line, product: a.product, value: a.value.toFixed(2) });
  }

  // A stable order: by day, an outbound touch before the answers of its day.
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.day - b.e.day || Number(b.e.response === 'contacted') - Number(a.e.response === 'contacted') || a.i - b.i);
  const date = (day: number) => addDays(plan.asOf, day);
  const responses: ResponseRow[] = order.map(({ e }, i) => ({
    response_id: `${plan.accountId}-R${String(i + 1).padStart(4, '0')}`, date: date(e.day), contact_id: e.contact, line_id: e.line ?? '',
    channel: e.channel, response: e.response, product_id: e.product ?? '', value: e.value ?? '',
  }));
  const contacts: ContactRow[] = people.map((p) => ({
    contact_id: p.contact_id, role: p.role, key_player: p.key_player, dialogue_stage: LEVELS[p.level],
    last_response_date: p.last === undefined ? '' : date(p.last),
  }));

  const policy: Policy = mode === 'opt_out' ? 'opted out' : ending_;
  const got = stageOf(contacts, responses, plan.asOf);
  const gotPolicy = policyOf(responses, plan.asOf);
  if (got !== stage || gotPolicy !== policy) {
    throw new SoOError('generate', `internal: account ${plan.accountId} was planted at ${stage} (${mode}, ${policy}) but its history gives ${got} (${gotPolicy})`);
  }
  return { contacts, responses, policy };
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
const OUTBOUND = new Set(['contacted', 'bounced']);

/** The stage the rules give (module header), as of `asOf`. */
export function stageOf(contacts: readonly ContactRow[], responses: readonly ResponseRow[], asOf: string): Stage {
  let rank = 0;
  if (contacts.length) {
    rank = 1;
    if (contacts.some((c) => c.key_player)) rank = Math.max(2, ...contacts.map((c) => 2 + LEVELS.indexOf(c.dialogue_stage as (typeof LEVELS)[number])));
  }
  const heard: string[] = contacts.map((c) => c.last_response_date).filter(Boolean);
  for (const x of [...responses].filter((x) => x.date <= asOf).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    if (!OUTBOUND.has(x.response)) heard.push(x.date);
    const target = EVIDENCE_RANK[x.response];
    if (target !== undefined && target > rank) rank = target;
    else if (x.response === 'opted_out' && rank > 2) rank = 2;
  }
  const last = heard.sort().at(-1);
  if (rank >= 3 && rank <= 5 && last && daysBetween(last, asOf) > 180) rank--;
  return STAGES[rank];
}

/** The contact policy's verdict as of `asOf`: opted out, paused after two declines in 60 days, three touches in 30 days, or ok. */
export function policyOf(responses: readonly ResponseRow[], asOf: string): Policy {
  const ago = (x: ResponseRow) => daysBetween(x.date, asOf);
  const prospect = responses.filter((x) => !OUTBOUND.has(x.response) && ago(x) >= 0);
  const optOut = prospect.filter((x) => x.response === 'opted_out').map((x) => x.date).sort().at(-1);
  if (optOut && !prospect.some((x) => x.response === 'opted_in' && x.date > optOut)) return 'opted out';
  if (prospect.filter((x) => x.response === 'declined' && ago(x) < 60).length >= 2) return 'paused after declines';
  if (responses.filter((x) => x.response === 'contacted' && ago(x) >= 0 && ago(x) < 30).length >= 3) return 'touch limit';
  return 'ok';
}
