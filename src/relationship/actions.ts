/**
 * The next marketing action of each account, from its relationship stage and never skipping one: acquire
 * or verify contacts, find the key player, open a dialogue, nurture, send product information, meet with
 * a proposal, hand to sales. Each stage's action has its medium and why (config relationship.actions): a
 * broad, low-stakes step by direct mail, a critical one by telephone, nurturing by e-mail and web, the late
 * stages by a sales representative. The line-level offers reach an account's plan only from the stage
 * where product talk fits (relationship.product_talk_from); before it the action advances the relationship.
 *
 * Contact policy, from the response memory: at most max_touches outbound touches per account in
 * touch_period_days, nothing after an opt-out (until the prospect opts in again), and a pause of
 * pause_days after pause_after_declines declines.
 */
import { STAGES, OUTBOUND, daysBetween, type Response, type Stage } from './stages';

import { MEDIA } from '../io/contract';
import { plural } from '../util/text';

export { MEDIA };
export type Medium = (typeof MEDIA)[number];

export interface StageAction {
  action: string;
  medium: Medium;
  why: string;
}

export interface PolicyOptions {
  product_talk_from: Stage;
  max_touches: number;
  touch_period_days: number;
  pause_after_declines: number;
  pause_days: number;
}

export interface NextAction {
  next_action: string;
  medium: Medium | '';
  reason: string;
  policy: 'ok' | 'touch limit' | 'opted out' | 'paused after declines';
  touches_in_period: number;
  offers_in_plan: number;
}

/** The contact policy's verdict on touching the account now. */
export function contactPolicy(responses: readonly Response[], asOf: string, o: PolicyOptions): { policy: NextAction['policy']; touches: number; detail: string } {
  const inPeriod = (r: Response) => daysBetween(r.date, asOf) >= 0 && daysBetween(r.date, asOf) < o.touch_period_days;
  const touches = responses.filter((r) => r.response === 'contacted' && inPeriod(r)).length;
  const prospect = responses.filter((r) => !OUTBOUND.has(r.response)).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const lastOptOut = prospect.filter((r) => r.response === 'opted_out').at(-1);
  const optedInAfter = lastOptOut && prospect.some((r) => r.response === 'opted_in' && r.date > lastOptOut.date);
  if (lastOptOut && !optedInAfter) return { policy: 'opted out', touches, detail: `opted out on ${lastOptOut.date.slice(0, 10)}: no marketing touch until the prospect opts in again` };
  const recentDeclines = prospect.filter((r) => r.response === 'declined' && daysBetween(r.date, asOf) < o.pause_days);
  if (recentDeclines.length >= o.pause_after_declines) {
    const until = new Date(Date.parse(recentDeclines.at(-1)!.date.slice(0, 10) + 'T00:00:00Z') + o.pause_days * 86_400_000).toISOString().slice(0, 10);
    return { policy: 'paused after declines', touches, detail: `${recentDeclines.length} ${plural(recentDeclines.length, 'decline')} in ${o.pause_days} ${plural(o.pause_days, 'day')}: paused until ${until}` };
  }
  if (touches >= o.max_touches) return { policy: 'touch limit', touches, detail: `${touches} touches in the last ${o.touch_period_days} days (at most ${o.max_touches})` };
  return { policy: 'ok', touches, detail: '' };
}

export function nextAction(stage: Stage, actions: Record<Stage, StageAction>, productsProposed: readonly string[], policy: ReturnType<typeof contactPolicy>, o: PolicyOptions): NextAction {
  const a = actions[stage];
  const talk = STAGES.indexOf(stage) >= STAGES.indexOf(o.product_talk_from);
  const plan = talk && productsProposed.length ? ` with ${productsProposed.length} ${plural(productsProposed.length, 'proposal')} from the line-level offers (${productsProposed.slice(0, 3).join(', ')}${productsProposed.length > 3 ? ', …' : ''})` : '';
  const base = `stage ${stage.replace(/_/g, ' ')}: ${a.why}`;
  const advance = talk ? '' : '; no product pitch before the dialogue is there';
  if (policy.policy !== 'ok') {
    return { next_action: 'wait', medium: '', reason: `${base}; but ${policy.detail}`, policy: policy.policy, touches_in_period: policy.touches, offers_in_plan: 0 };
  }
  return { next_action: a.action + plan, medium: a.medium, reason: base + advance, policy: 'ok', touches_in_period: policy.touches, offers_in_plan: talk ? productsProposed.length : 0 };
}
