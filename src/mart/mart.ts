/**
 * Step 1, the employee data mart: one row per line from its usage records, and
 * the internal call edge list that step 2 turns into graphs. Both are SQL over the
 * accepted tables in DuckDB; only line-level results come back to JS.
 */
import type { ColumnTable } from 'arquero';
import { lit, queryTable, run, type Db } from '../io/duckdb';
import type { Config } from '../config';
import { FEATURES } from './dictionary';

/** Lines in the pilot scope: every accepted line, or those of the configured accounts. */
export async function scopeLines(db: Db, accounts: string[]): Promise<void> {
  const where = accounts.length ? `WHERE account_id IN (${accounts.map(lit).join(', ')})` : '';
  await run(db, `CREATE OR REPLACE TEMP VIEW pilot_lines AS SELECT * FROM lines ${where}`);
}

/** Usage columns in dictionary order, from event_count to charges; lines without events get zeros. */
function usageColumns(): string {
  const names = FEATURES.map((f) => f.name);
  return names.slice(names.indexOf('event_count'), names.indexOf('charges') + 1)
    .map((name) => name === 'events_per_active_day'
      ? 'coalesce(CAST(u.event_count AS DOUBLE) / nullif(u.active_days, 0), 0) AS events_per_active_day'
      : `coalesce(u.${name}, 0) AS ${name}`)
    .join(',\n         ');
}

const share = (cond: string) => `coalesce(CAST(count(*) FILTER (comm AND ${cond}) AS DOUBLE) / nullif(count(*) FILTER (comm), 0), 0)`;

/**
 * SQL of the per-line usage aggregates (events of lines in scope only), with each line's first
 * and last active day, so the observed window needs no second pass over the events.
 */
export function usageSql(cfg: Config['mart']): string {
  const { business_hours_start: bhs, business_hours_end: bhe, evening_start: eve } = cfg;
  return `
  WITH ev AS (
    SELECT e.*, l.account_id,
           e.service IN ('voice', 'sms') AND e.counterpart IS NOT NULL AS comm,
           c.line_id IS NOT NULL AS internal,
           isodow(e.start_time_local_date) >= 6 AS weekend
    FROM events e
    JOIN pilot_lines l USING (line_id)
    LEFT JOIN pilot_lines c ON c.line_id = e.counterpart AND c.account_id = l.account_id
  )
  SELECT line_id,
      min(start_time_local_date) AS first_day,
      max(start_time_local_date) AS last_day,
      count(*) AS event_count,
      count(*) FILTER (service = 'voice') AS voice_count,
      count(*) FILTER (service = 'voice' AND direction = 'out') AS voice_out_count,
      count(*) FILTER (service = 'voice' AND direction = 'in') AS voice_in_count,
      count(*) FILTER (service = 'sms') AS sms_count,
      count(*) FILTER (service = 'data') AS data_sessions,
      coalesce(sum(duration_s) FILTER (service = 'voice'), 0) / 60.0 AS voice_minutes,
      coalesce(sum(duration_s) FILTER (service = 'voice' AND direction = 'out'), 0) / 60.0 AS voice_out_minutes,
      coalesce(sum(duration_s) FILTER (service = 'voice') / nullif(count(*) FILTER (service = 'voice'), 0), 0) AS avg_call_seconds,
      coalesce(sum(volume_kb) FILTER (service = 'data'), 0) / 1024.0 AS data_mb,
      ${share("counterpart_network = 'onnet'")} AS onnet_share,
      ${share("counterpart_network = 'offnet'")} AS offnet_share,
      ${share("counterpart_network = 'fixed'")} AS fixed_share,
      ${share("counterpart_network = 'international'")} AS international_share,
      ${share("counterpart_network = 'special'")} AS special_share,
      ${share('internal')} AS internal_share,
      ${share(`NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe}`)} AS business_hours_share,
      ${share(`(start_time_local_hour >= ${eve} OR start_time_local_hour < ${bhs})`)} AS evening_night_share,
      ${share('weekend')} AS weekend_share,
      count(DISTINCT start_time_local_date) AS active_days,
      count(DISTINCT counterpart) FILTER (comm) AS distinct_counterparts,
      count(DISTINCT counterpart) FILTER (comm AND internal) AS distinct_internal_counterparts,
      count(DISTINCT counterpart) FILTER (comm AND NOT internal) AS distinct_external_counterparts,
      count(DISTINCT counterpart_country) FILTER (comm AND counterpart_network = 'international') AS international_countries,
      count(DISTINCT cell_id) AS distinct_cells,
      count(DISTINCT start_time_local_date) FILTER (roaming_country IS NOT NULL) AS roaming_days,
      count(DISTINCT roaming_country) AS roaming_countries,
      count(*) FILTER (roaming_country IS NOT NULL) AS roaming_events,
      -- cents keep the sum exact, so parallel aggregation gives the same bytes every run
      coalesce(sum(CAST(round(charge * 100) AS BIGINT)), 0) / 100.0 AS charges
  FROM ev GROUP BY line_id`;
}

/** SQL of the mart: every line in scope with its usage (table `line_usage`), zeros where it has none. */
export const MART_SQL = `
  WITH top_ups AS (
    SELECT line_id, count(*) AS recharge_count, sum(CAST(round(amount * 100) AS BIGINT)) / 100.0 AS recharge_amount,
           arg_max(channel, n_channel || '|' || channel) AS recharge_channel
    FROM (SELECT line_id, amount, channel, count(*) OVER (PARTITION BY line_id, channel) AS n_channel FROM recharges)
    GROUP BY line_id
  ),
  window_days AS (
    SELECT coalesce(date_diff('day', min(first_day), max(last_day)) + 1, 0) AS observed_days FROM line_usage
  )
  SELECT l.line_id, l.account_id, l.plan_id, l.payment_type, l.monthly_fee,
         coalesce(l.handset_tier, 'unknown') AS handset_tier, coalesce(l.device_type, 'unknown') AS device_type,
         coalesce(l.status, 'active') AS status, w.observed_days,
         ${usageColumns()},
         coalesce(t.recharge_count, 0) AS recharge_count, coalesce(t.recharge_amount, 0) AS recharge_amount,
         coalesce(t.recharge_channel, '') AS recharge_channel
  FROM pilot_lines l CROSS JOIN window_days w
  LEFT JOIN line_usage u USING (line_id) LEFT JOIN top_ups t USING (line_id)
  ORDER BY l.account_id, l.line_id`;

/** Directed call edges between lines of one account, counted from the caller's 'out' record only. */
export const EDGES_SQL = `
  SELECT l.account_id, e.line_id, e.counterpart AS counterpart_line_id,
         count(*) FILTER (e.service = 'voice') AS calls,
         coalesce(sum(e.duration_s) FILTER (e.service = 'voice'), 0) / 60.0 AS minutes,
         count(*) FILTER (e.service = 'sms') AS sms
  FROM events e
  JOIN pilot_lines l USING (line_id)
  JOIN pilot_lines c ON c.line_id = e.counterpart AND c.account_id = l.account_id
  WHERE e.direction = 'out' AND e.service IN ('voice', 'sms') AND e.counterpart <> e.line_id
  GROUP BY ALL
  ORDER BY l.account_id, e.line_id, counterpart_line_id`;

/** Holdings of lines in scope still active at the end of the observed window; ended ones are history. */
export const ACTIVE_HOLDINGS_SQL = `
  SELECT h.line_id, h.product_id FROM holdings h JOIN pilot_lines USING (line_id)
  WHERE h.end_date IS NULL OR h.end_date > (SELECT max(last_day) FROM line_usage)
  GROUP BY ALL ORDER BY ALL`;

export interface MartResult {
  mart: ColumnTable;
  edges: ColumnTable;
  holdings: ColumnTable;
}

export async function buildMart(db: Db, config: Config, onProgress?: (percent: number) => void): Promise<MartResult> {
  await scopeLines(db, config.accounts);
  await run(db, `CREATE OR REPLACE TEMP TABLE line_usage AS ${usageSql(config.mart)}`, onProgress);
  const mart = await queryTable(db, MART_SQL);
  const edges = await queryTable(db, EDGES_SQL);
  const holdings = await queryTable(db, ACTIVE_HOLDINGS_SQL);
  return { mart, edges, holdings };
}
