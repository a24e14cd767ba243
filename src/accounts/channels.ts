/**
 * The service channel of an account (smart segmentation of mid-size enterprises): digital self-service,
 * a partner or reseller, or a dedicated account team. Ordered rules over the account mart (config
 * accounts.channel_rules; size bands first, then needs and value), the first that matches wins, else
 * accounts.default_channel; the reason names the rule and the values it read.
 */
import { firstMatch, type Rule } from '../features/rules';
import { CHANNELS } from '../catalog';
import { ACCOUNT_FEATURES, accountFeature } from './mart';

export type Channel = (typeof CHANNELS)[number];

export interface ChannelRule extends Rule {
  channel: Channel;
}

const shown = (name: string, v: number) => {
  const unit = accountFeature(name)?.unit;
  if (unit === 'share' || unit === '0..1') return v.toFixed(2);
  return Math.round(v).toLocaleString('en');
};

/** Account features in money: unknown, not 0, on a pilot whose lines carry no fee, charge or top-up at all. */
const MONEY = new Set(ACCOUNT_FEATURES.filter((f) => f.unit === 'currency/month').map((f) => f.name));

/** The rules that read money, which a pilot without prices cannot apply. */
export function spendRules(rules: Record<string, ChannelRule>): string[] {
  return Object.entries(rules).filter(([, r]) => Object.keys(r.when).some((f) => MONEY.has(f))).map(([name]) => name);
}

/**
 * The first rule that holds for the account, else the fallback, with the values it read. With `spendKnown`
 * false (no prices in the pilot) the rules on spend are left out: a spend of 0 there means no price was given,
 * not a small bill, and would send a 600-line company to digital self-service.
 */
export function chooseChannel(row: Record<string, unknown>, rules: Record<string, ChannelRule>, fallback: Channel, spendKnown = true): { channel: Channel; reason: string } {
  const unpriced = new Set(spendKnown ? [] : spendRules(rules));
  const hit = firstMatch(row, Object.fromEntries(Object.entries(rules).filter(([name]) => !unpriced.has(name))));
  const read = (when: Rule['when']) => Object.entries(when).map(([f, [op, v]]) => `${f.replace(/_/g, ' ')} ${shown(f, Number(row[f]))} (${op} ${v.toLocaleString('en')})`).join(', ');
  if (hit) return { channel: hit[1].channel, reason: `${hit[1].description}: ${read(hit[1].when)}` };
  const spend = spendKnown ? `spend ${shown('spend_per_month', Number(row.spend_per_month))}/month` : 'spend unknown';
  return { channel: fallback, reason: `no rule for a digital or dedicated channel holds: ${fallback} (size ${shown('size', Number(row.size))}, ${spend}, persona entropy ${shown('persona_entropy', Number(row.persona_entropy))})` };
}
