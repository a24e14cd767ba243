/**
 * The service channel of an account (smart segmentation of mid-size enterprises): digital self-service,
 * a partner or reseller, or a dedicated account team. Ordered rules over the account mart (config
 * accounts.channel_rules; size bands first, then needs and value), the first that matches wins, else
 * accounts.default_channel; the reason names the rule and the values it read.
 */
import { firstMatch, type Rule } from '../features/rules';
import { CHANNELS } from '../catalog';
import { accountFeature } from './mart';

export type Channel = (typeof CHANNELS)[number];

export interface ChannelRule extends Rule {
  channel: Channel;
}

const shown = (name: string, v: number) => {
  const unit = accountFeature(name)?.unit;
  if (unit === 'share' || unit === '0..1') return v.toFixed(2);
  return Math.round(v).toLocaleString('en');
};

export function chooseChannel(row: Record<string, unknown>, rules: Record<string, ChannelRule>, fallback: Channel): { channel: Channel; reason: string } {
  const hit = firstMatch(row, rules);
  const read = (when: Rule['when']) => Object.entries(when).map(([f, [op, v]]) => `${f.replace(/_/g, ' ')} ${shown(f, Number(row[f]))} (${op} ${v.toLocaleString('en')})`).join(', ');
  if (hit) return { channel: hit[1].channel, reason: `${hit[1].description}: ${read(hit[1].when)}` };
  return { channel: fallback, reason: `no rule for a digital or dedicated channel holds: ${fallback} (size ${shown('size', Number(row.size))}, spend ${shown('spend_per_month', Number(row.spend_per_month))}/month, persona entropy ${shown('persona_entropy', Number(row.persona_entropy))})` };
}
