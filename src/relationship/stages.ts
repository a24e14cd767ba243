/**
 * The relationship stage of each company, as a marketing database keeps it (the one-to-one marketing
 * method): a company moves from no relationship, through finding its key player and a dialogue that
 * deepens, to sales, one stage at a time, and a database that knows the stage chooses the next action.
 *
 * From the contacts file: no contact → no_relationship; contacts but no key player → no_key_player;
 * else the most advanced dialogue_stage among all the account's contacts (none → key_player,
 * early/mid/late → dialogue_*, sales → sales). The response memory then moves it, in date order:
 * evidence of a deeper dialogue raises it (opted_in, provided_info → dialogue_early; visited,
 * downloaded → dialogue_mid; requested_info, meeting → dialogue_late; transferred_to_sales → sales);
 * an opt-out sets it back to `back_on_opt_out`; no response of the prospect for `silence_days` sets a
 * dialogue back one stage. Every move is kept as dated evidence.
 */
import { plural } from '../util/text';
export const STAGES = ['no_relationship', 'no_key_player', 'key_player', 'dialogue_early', 'dialogue_mid', 'dialogue_late', 'sales'] as const;
export type Stage = (typeof STAGES)[number];

const rank = (s: Stage) => STAGES.indexOf(s);
const DIALOGUE: Record<string, Stage> = { none: 'key_player', early: 'dialogue_early', mid: 'dialogue_mid', late: 'dialogue_late', sales: 'sales' };

/** The stage a response is evidence of. */
export const EVIDENCE: Record<string, Stage> = {
  opted_in: 'dialogue_early', provided_info: 'dialogue_early',
  visited: 'dialogue_mid', downloaded: 'dialogue_mid',
  requested_info: 'dialogue_late', meeting: 'dialogue_late',
  transferred_to_sales: 'sales',
};

/** Outbound touches: what the operator did, not what the prospect did. */
export const OUTBOUND = new Set(['contacted', 'bounced']);

export interface Contact {
  contact_id: string;
  key_player: boolean | null;
  dialogue_stage: string | null;
  last_response_date: string | null;
}

export interface Response {
  date: string;
  response: string;
  contact_id?: string | null;
  line_id?: string | null;
}

export interface Evidence {
  date: string;
  source: 'contacts' | 'responses' | 'silence';
  contact_id: string;
  response: string;
  stage_before: Stage | '';
  stage_after: Stage;
  note: string;
}

export interface StageOptions {
  /** Where an opt-out sets the stage back to (the key player is still known). */
  back_on_opt_out: Stage;
  /** Days without a response of the prospect after which a dialogue goes back one stage. */
  silence_days: number;
}

export interface StageResult {
  stage: Stage;
  /** Date of the evidence that set the stage ('' when only the contacts file speaks without a date). */
  since: string;
  evidence: Evidence[];
}

/** Whole days from a to b (ISO dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10) + 'T00:00:00Z') - Date.parse(a.slice(0, 10) + 'T00:00:00Z')) / 86_400_000);
}

/** The stage the contacts file gives on its own. */
export function stageFromContacts(contacts: readonly Contact[]): StageResult {
  if (!contacts.length) {
    return { stage: 'no_relationship', since: '', evidence: [{ date: '', source: 'contacts', contact_id: '', response: '', stage_before: '', stage_after: 'no_relationship', note: 'no contact known at the account' }] };
  }
  const keys = contacts.filter((c) => c.key_player === true);
  if (!keys.length) {
    return { stage: 'no_key_player', since: '', evidence: [{ date: '', source: 'contacts', contact_id: '', response: '', stage_before: '', stage_after: 'no_key_player', note: `${contacts.length} ${plural(contacts.length, 'contact')}, none of them a key player` }] };
  }
  let best: Contact = keys[0];
  let stage: Stage = 'key_player';
  for (const c of contacts) {
    const s = DIALOGUE[c.dialogue_stage ?? 'none'] ?? 'key_player';
    if (rank(s) > rank(stage)) {
      stage = s;
      best = c;
    }
  }
  const since = stage === 'key_player' ? '' : best.last_response_date ?? '';
  const note = stage === 'key_player' ? `key player ${keys[0].contact_id} known, no dialogue yet` : `contact ${best.contact_id} is in the ${best.dialogue_stage} dialogue stage`;
  return { stage, since, evidence: [{ date: since, source: 'contacts', contact_id: best.contact_id, response: '', stage_before: '', stage_after: stage, note }] };
}

/**
 * The stage after the response memory, as of `asOf`: responses in date order move it as the header says.
 * `lastHeard` is the latest date the prospect answered (responses or the contacts file), for the silence rule.
 */
export function applyResponses(start: StageResult, responses: readonly Response[], asOf: string, lastHeard: string, o: StageOptions): StageResult {
  let { stage, since } = start;
  const evidence = [...start.evidence];
  const move = (to: Stage, e: Omit<Evidence, 'stage_before' | 'stage_after'>) => {
    if (to === stage) return;
    evidence.push({ ...e, stage_before: stage, stage_after: to });
    stage = to;
    since = e.date;
  };
  const ordered = [...responses].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const r of ordered) {
    const target = EVIDENCE[r.response];
    const base = { date: r.date.slice(0, 10), source: 'responses' as const, contact_id: r.contact_id ?? '', response: r.response };
    if (target && rank(target) > rank(stage)) move(target, { ...base, note: `${r.response.replace(/_/g, ' ')}: evidence of the ${target.replace(/_/g, ' ')} stage` });
    else if (r.response === 'opted_out' && rank(stage) > rank(o.back_on_opt_out)) move(o.back_on_opt_out, { ...base, note: 'opted out: the dialogue ends' });
  }
  if (rank(stage) >= rank('dialogue_early') && rank(stage) < rank('sales') && lastHeard && daysBetween(lastHeard, asOf) > o.silence_days) {
    const back = STAGES[rank(stage) - 1];
    move(back, { date: asOf, source: 'silence', contact_id: '', response: '', note: `no answer since ${lastHeard.slice(0, 10)}, ${daysBetween(lastHeard, asOf)} days (more than ${o.silence_days}): one stage back` });
  }
  return { stage, since, evidence };
}
