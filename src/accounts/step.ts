/**
 * The account level, step 6: the account mart, needs segments (clusters of accounts with similar needs)
 * and the service channel of each account with its reason and its monthly margin net of the cost to serve.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import type { StepDef } from '../pipeline/step';
import { checkRules } from '../features/rules';
import { round } from '../util/stats';
import { ACCOUNT_FEATURES, buildAccountMart, shareColumn } from './mart';
import { segmentAccounts } from './segments';
import { chooseChannel, spendRules, type Channel, type ChannelRule } from './channels';
import { CHANNELS } from '../catalog';
import { BEHAVIOURAL_PERSONAS } from '../personas/vocabulary';
import { plural } from '../util/text';

export interface AccountParams {
  /** Account mart columns the needs segments are built on. */
  segment_features: string[];
  k_min: number;
  k_max: number;
  restarts: number;
  /** A feature names a segment when the segment's mean is this many standard deviations above the portfolio's. */
  name_min_z: number;
  /** The operator's margin on an account's current spend. */
  margin_rate: number;
  /** What serving one account through each channel costs per month (currency). */
  cost_to_serve_per_month: Record<Channel, number>;
  /** Ordered rules by name over account mart columns; the first that matches sets the channel. */
  channel_rules: Record<string, ChannelRule>;
  default_channel: Channel;
}

export const accountsStep: StepDef<AccountParams> = {
  name: 'accounts',
  summary: 'account mart, needs segments and the service channel of each account (digital, partner, dedicated)',
  section: () => import('./section.js'),
  inputs: ['accounts', 'mart', 'network', 'ties', 'value', 'personas', 'holdings', 'products', 'proposals'],
  outputs: ['account_mart', 'account_dictionary', 'account_segments', 'segment_profiles', 'segment_k_curve'],
  maps: ['channel_rules', 'channel_rules.*.when'],
  defaults: {
    segment_features: [
      ...BEHAVIOURAL_PERSONAS.map(shareColumn), 'international_share', 'roaming_days_per_line', 'data_mb_per_line',
      'internal_call_share', 'product_penetration', 'prepaid_share', 'spend_per_line',
    ],
    k_min: 2,
    k_max: 6,
    restarts: 20,
    name_min_z: 0.5,
    margin_rate: 0.35,
    cost_to_serve_per_month: { digital: 10, partner: 150, dedicated: 1500 },
    channel_rules: {
      small: { channel: 'digital', description: 'a small company serves itself online', when: { size: ['<', 10] } },
      large: { channel: 'dedicated', description: 'a large company earns a dedicated account team', when: { size: ['>=', 1000] } },
      varied_and_valuable: { channel: 'dedicated', description: 'varied needs and high spend repay a dedicated team', when: { persona_entropy: ['>=', 0.7], spend_per_month: ['>=', 8000] } },
      simple_and_small: { channel: 'digital', description: 'alike needs and a small bill fit digital self-service', when: { persona_entropy: ['<', 0.45], spend_per_month: ['<', 2000] } },
    },
    default_channel: 'partner',
  },
  validate(p, check) {
    const known = new Set(ACCOUNT_FEATURES.map((f) => f.name));
    check(p.segment_features.length > 0 && p.segment_features.every((f) => known.has(f)), 'segment_features', `must name account mart columns (${[...known].join(', ')})`);
    check(Number.isInteger(p.k_min) && p.k_min >= 2 && p.k_max >= p.k_min, 'k_min', 'must be an integer >= 2 and <= k_max');
    check(p.margin_rate >= 0 && p.margin_rate <= 1, 'margin_rate', 'must be between 0 and 1');
    for (const c of CHANNELS) check(p.cost_to_serve_per_month[c] >= 0, `cost_to_serve_per_month.${c}`, 'must be >= 0');
    for (const [name, rule] of Object.entries(p.channel_rules)) {
      check(CHANNELS.includes(rule.channel), `channel_rules.${name}.channel`, `must be one of ${CHANNELS.join(', ')}`);
      for (const f of Object.keys(rule.when)) check(known.has(f), `channel_rules.${name}.when.${f}`, 'must name an account mart column');
    }
    checkRules(p.channel_rules, 'channel_rules', check);
    check(CHANNELS.includes(p.default_channel), 'default_channel', `must be one of ${CHANNELS.join(', ')}`);
  },
  run(inputs, p, ctx) {
    const t = (name: keyof typeof inputs) => inputs[name] as ColumnTable;
    const accountMart = buildAccountMart({
      accounts: t('accounts'), mart: t('mart'), network: t('network'), ties: t('ties'), value: t('value'), personas: t('personas'),
      holdings: t('holdings'), products: t('products'), proposals: t('proposals'),
    });
    const { segments, profiles, kCurve } = segmentAccounts(accountMart, {
      features: p.segment_features, k_min: p.k_min, k_max: p.k_max, restarts: p.restarts, name_min_z: p.name_min_z, seed: ctx.seed,
    }, ctx.cache('accounts'));
    const rows = accountMart.objects() as Record<string, number | string>[];
    const segmentOf = new Map((segments.objects() as { account_id: string; segment_id: number; segment: string }[]).map((s) => [s.account_id, s]));
    // A pilot without a fee, charge or top-up on any line (a communication graph, a usage extract) has no spend
    // to read: its 0 is unknown, so no rule on spend applies and no margin is given rather than one of 0.
    const spendKnown = rows.some((r) => Number(r.spend_per_month) > 0);
    const setAside = spendRules(p.channel_rules);
    if (!spendKnown && rows.length) ctx.log(`[accounts] no line carries a fee, charge or top-up: spend is unknown, so ${setAside.length ? `the channel ${plural(setAside.length, 'rule')} on spend (${setAside.join(', ')}) ${setAside.length === 1 ? 'is' : 'are'} set aside and ` : ''}no margin is given`);
    const served = rows.map((r) => {
      const { channel, reason } = chooseChannel(r, p.channel_rules, p.default_channel, spendKnown);
      const margin = Number(r.spend_per_month) * p.margin_rate;
      const cost = p.cost_to_serve_per_month[channel];
      const s = segmentOf.get(r.account_id as string)!;
      return {
        account_id: r.account_id, segment_id: s.segment_id, segment: s.segment, channel, channel_reason: reason,
        // What the account brings now, net of serving it: a proposal is a plan, not yet a margin.
        spend_per_month: spendKnown ? r.spend_per_month : null, margin_per_month: spendKnown ? round(margin, 2) : null,
        cost_to_serve_per_month: cost, net_margin_per_month: spendKnown ? round(margin - cost, 2) : null,
        product_margin_per_month: r.product_margin_per_month, tariff_margin_change_per_month: r.tariff_margin_change_per_month,
      };
    });
    return {
      account_mart: accountMart,
      account_dictionary: aq.from(ACCOUNT_FEATURES.map(({ name, unit, definition }) => ({ name, unit, definition }))),
      account_segments: aq.from(served),
      segment_profiles: profiles,
      segment_k_curve: kCurve,
    };
  },
  describe: (o) => {
    const s = o.account_segments as ColumnTable;
    // Segment names hold commas of their own ("calls among colleagues, office staff"): segments are set apart by '|'.
    const by = (c: string, sep: string) => (s.groupby(c).count().orderby(aq.desc('count')).objects() as Record<string, unknown>[]).map((r) => `${Number(r.count).toLocaleString('en')} ${r[c]}`).join(sep);
    return `${s.numRows()} ${plural(s.numRows(), 'account')}: ${by('channel', ', ') || 'none'}; segments ${by('segment', ' | ') || 'none'}`;
  },
};
