/**
 * The relationship step: each account's stage in the marketing database (contacts and the response
 * memory), the dated evidence behind it, and the next marketing action that advances it (stages.ts,
 * actions.ts), under the contact policy.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { groupBy } from '../util/stats';
import { STAGES, applyResponses, stageFromContacts, daysBetween, OUTBOUND, type Contact, type Response, type Stage } from './stages';
import { MEDIA, contactPolicy, nextAction, type StageAction } from './actions';

export interface RelationshipParams {
  /** Where an opt-out sets the stage back to. */
  back_on_opt_out: Stage;
  /** Days without an answer after which a dialogue goes back one stage. */
  silence_days: number;
  /** The date the stages are read at (YYYY-MM-DD); empty: the latest date in the response memory or contacts. */
  as_of: string;
  /** The action, medium and why for each stage. */
  actions: Record<Stage, StageAction>;
  /** From this stage on, line-level offers enter the account's plan. */
  product_talk_from: Stage;
  max_touches: number;
  touch_period_days: number;
  pause_after_declines: number;
  pause_days: number;
  /** "Responded recently" in the database quality figures: within this many days. */
  recent_days: number;
}

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export const relationshipStep: StepDef<RelationshipParams> = {
  name: 'relationship',
  summary: 'each account\'s relationship stage from contacts and the response memory, and the next marketing action',
  section: () => import('./section.js'),
  inputs: ['accounts', 'contacts', 'responses', 'account_segments', 'proposals'],
  outputs: ['account_actions', 'stage_evidence'],
  defaults: {
    back_on_opt_out: 'key_player',
    silence_days: 180,
    as_of: '',
    actions: {
      no_relationship: { action: 'acquire or verify contacts', medium: 'direct_mail', why: 'no contact is known: a broad, low-stakes step such as address verification by mail finds one' },
      no_key_player: { action: 'find the key player', medium: 'telemarketing', why: 'contacts are known but none decides: a call finds who does' },
      key_player: { action: 'open a dialogue: gain an opt-in', medium: 'telemarketing', why: 'the key player is known but not in dialogue: an opt-in is won in a conversation, a critical step' },
      dialogue_early: { action: 'nurture', medium: 'email', why: 'willing to talk: keep the dialogue going with e-mail and web content' },
      dialogue_mid: { action: 'send product information', medium: 'email', why: 'looking at solutions: send the products that fit their lines' },
      dialogue_late: { action: 'meet with a proposal', medium: 'sales_rep', why: 'asking for specifics: a sales representative brings the proposal' },
      sales: { action: 'hand to sales', medium: 'sales_rep', why: 'in the sales process: the account team closes' },
    },
    product_talk_from: 'dialogue_mid',
    max_touches: 3,
    touch_period_days: 30,
    pause_after_declines: 2,
    pause_days: 60,
    recent_days: 90,
  },
  validate(p, check) {
    for (const key of ['back_on_opt_out', 'product_talk_from'] as const) check(STAGES.includes(p[key]), key, `must be a stage: ${STAGES.join(', ')}`);
    check(p.as_of === '' || /^\d{4}-\d{2}-\d{2}$/.test(p.as_of), 'as_of', 'must be a date YYYY-MM-DD or empty');
    for (const s of STAGES) {
      check(Boolean(p.actions[s]?.action), `actions.${s}.action`, 'must say what to do at this stage');
      check(MEDIA.includes(p.actions[s]?.medium), `actions.${s}.medium`, `must be one of ${MEDIA.join(', ')}`);
    }
    for (const key of ['silence_days', 'max_touches', 'touch_period_days', 'pause_after_declines', 'pause_days', 'recent_days'] as const) check(Number.isInteger(p[key]) && p[key] >= 0, key, 'must be a whole number >= 0');
  },
  run(inputs, p) {
    const rows = (name: keyof typeof inputs) => (inputs[name] as ColumnTable).objects() as Row[];
    const contacts = groupBy(rows('contacts'), (c) => str(c.account_id));
    const responses = groupBy(rows('responses'), (r) => str(r.account_id));
    const served = new Map(rows('account_segments').map((s) => [str(s.account_id), s]));
    const proposed = groupBy(rows('proposals').filter((r) => r.kind === 'product'), (r) => str(r.account_id));
    const dates = [...rows('responses').map((r) => str(r.date).slice(0, 10)), ...rows('contacts').map((c) => str(c.last_response_date))].filter(Boolean).sort();
    const asOf = p.as_of || dates.at(-1) || '';
    const actions: Row[] = [];
    const evidence: Row[] = [];
    for (const account of rows('accounts').map((a) => str(a.account_id)).sort()) {
      const cs: Contact[] = (contacts.get(account) ?? []).map((c) => ({
        contact_id: str(c.contact_id), key_player: c.key_player === true, dialogue_stage: c.dialogue_stage ? str(c.dialogue_stage) : null,
        last_response_date: c.last_response_date ? str(c.last_response_date) : null,
      }));
      const rs: Response[] = (responses.get(account) ?? []).map((r) => ({ date: str(r.date).slice(0, 10), response: str(r.response), contact_id: str(r.contact_id) || null, line_id: str(r.line_id) || null }))
        .filter((r) => !asOf || r.date <= asOf);
      const heard = [...rs.filter((r) => !OUTBOUND.has(r.response)).map((r) => r.date), ...cs.map((c) => c.last_response_date ?? '')].filter(Boolean).sort();
      const lastHeard = heard.at(-1) ?? '';
      const result = applyResponses(stageFromContacts(cs), rs, asOf, lastHeard, p);
      const policy = contactPolicy(rs, asOf, p);
      const products = [...new Set((proposed.get(account) ?? []).map((r) => str(r.name)))];
      const next = nextAction(result.stage, p.actions, products, policy, p);
      const s = served.get(account);
      actions.push({
        account_id: account, segment: str(s?.segment), channel: str(s?.channel), stage: result.stage, stage_since: result.since || null,
        ...next, contacts: cs.length, key_players: cs.filter((c) => c.key_player).length, last_response: lastHeard || null,
        responded_recently: Boolean(lastHeard && asOf && daysBetween(lastHeard, asOf) <= p.recent_days),
      });
      for (const e of result.evidence) evidence.push({ account_id: account, ...e, date: e.date || null, stage_before: e.stage_before || null });
    }
    return { account_actions: aq.from(actions), stage_evidence: aq.from(evidence) };
  },
  describe: (o) => {
    const t = o.account_actions as ColumnTable;
    // An account the contact policy holds back has no medium: it waits.
    const by = (c: string) => (t.derive({ [c]: aq.escape((r: Row) => (r[c] === null || r[c] === undefined || r[c] === '' ? 'wait (contact policy)' : r[c])) }).groupby(c).count().orderby(aq.desc('count'), c).objects() as Row[]).map((r) => `${Number(r.count).toLocaleString('en')} ${r[c]}`).join(', ');
    return `stages: ${by('stage') || 'none'}; next: ${by('medium') || 'none'}`;
  },
};
