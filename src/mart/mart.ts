/**
 * Step 1, the employee data mart: one row per line from its usage records, and
 * the internal call edge list that step 2 turns into graphs. Both are SQL over the
 * accepted tables in DuckDB; only line-level results come back to JS.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { inWrittenJoinOrder, lit, queryTable, run, type Db } from '../io/duckdb';
import { FEATURES } from './dictionary';

export interface MartParams {
  /** Account ids to analyse; empty means every account in the pilot. */
  accounts: string[];
  business_hours_start: number;
  business_hours_end: number;
  /** Evening/night runs from this hour to business_hours_start (local time). */
  evening_start: number;
  /** First and last day (YYYY-MM-DD, local date) of the observation window; empty: the first and last event. */
  window_start: string;
  window_end: string;
}

/** Lines in the pilot scope: every accepted line, or those of the configured accounts. */
export async function scopeLines(db: Db, accounts: string[]): Promise<void> {
  const where = accounts.length ? `WHERE account_id IN (${accounts.map(lit).join(', ')})` : '';
  await run(db, `CREATE OR REPLACE TEMP VIEW pilot_lines AS SELECT * FROM lines ${where}`);
}

/** Usage columns in dictionary order, from event_count to charges; lines without events get zeros. */
function usageColumns(): string {
  const names = FEATURES.map((f) => f.name);
  return names.slice(names.indexOf('event_count'), names.indexOf('international_charges') + 1)
    .map((name) => name === 'events_per_active_day'
      ? 'coalesce(CAST(u.event_count AS DOUBLE) / nullif(u.active_days, 0), 0) AS events_per_active_day'
      : name === 'mobility_radius_km' ? `coalesce(${RADIUS_SQL}, 0) AS mobility_radius_km`
      : `coalesce(u.${name}, 0) AS ${name}`)
    .join(',\n         ');
}

/**
 * Conditional aggregates as sums of CASE, not FILTER clauses: the same numbers, but DuckDB runs each FILTER as a
 * filtered copy of the input, and the 40 of them were two thirds of the per-line aggregation (x10: 2.9 s -> 1.9
 * s). Also the portable form (Spark, Trino and BigQuery read it alike).
 */
const countWhere = (cond: string) => `CAST(sum(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS BIGINT)`;
const sumWhere = (expr: string, cond: string) => `sum(CASE WHEN ${cond} THEN ${expr} END)`;
const share = (cond: string) => `coalesce(CAST(${countWhere(`comm AND ${cond}`)} AS DOUBLE) / nullif(${countWhere('comm')}, 0), 0)`;
/** Share among the calls and SMS the line made: its own habits, not its callers'. */
const ownShare = (cond: string) => `coalesce(CAST(${countWhere(`comm AND direction = 'out' AND ${cond}`)} AS DOUBLE) / nullif(${countWhere("comm AND direction = 'out'")}, 0), 0)`;

/**
 * The distinct counts per line, each counted over the groups of one grouping set of per_value: [column, the
 * set's GROUPING bits (day 15, counterpart 23, country 27, cell 29, roaming country 30), its value, the flag
 * that must hold].
 */
const DISTINCT_COUNTS: [string, number, string, string][] = [
  ['active_days', 15, 'day', ''],
  ['distinct_counterparts', 23, 'counterpart', 'comm'],
  ['distinct_internal_counterparts', 23, 'counterpart', 'comm_internal'],
  ['distinct_external_counterparts', 23, 'counterpart', 'comm_external'],
  ['international_countries', 27, 'counterpart_country', 'comm_international'],
  ['distinct_cells', 29, 'cell_id', ''],
  ['roaming_days', 15, 'day', 'roaming'],
  ['roaming_days_with_colleagues', 15, 'day', 'roaming_with_colleagues'],
  ['roaming_countries', 30, 'roaming_country', ''],
];

/**
 * SQL of the per-line usage aggregates (events of lines in scope only), with each line's first
 * and last active day, so the observed window needs no second pass over the events.
 */
export function usageSql(cfg: MartParams): string {
  const { business_hours_start: bhs, business_hours_end: bhe, evening_start: eve } = cfg;
  return `
  WITH ev AS NOT MATERIALIZED (
    SELECT e.*, l.account_id,
           e.service IN ('voice', 'sms') AND e.counterpart IS NOT NULL AS comm,
           c.line_id IS NOT NULL AS internal,
           isodow(e.start_time_local_date) >= 6 AS weekend
    FROM window_events e
    JOIN pilot_lines l USING (line_id)
    LEFT JOIN pilot_lines c ON c.line_id = e.counterpart AND c.account_id = l.account_id
  ),
  -- The cells join apart: only the totals read the position, and the distinct counts below spared it (a tenth
  -- of this statement at x10).
  located AS NOT MATERIALIZED (
    SELECT ev.*,
           -- located at home: micro-degrees as integers, so the sums below are exact in any order
           CAST(round(g.lat * 1e6) AS HUGEINT) AS y, CAST(round(g.lon * 1e6) AS HUGEINT) AS x
    FROM ev
    -- an equality join (a condition beside it would make DuckDB compare every pair): abroad joins nothing
    LEFT JOIN cells g ON g.cell_id = CASE WHEN ev.roaming_country IS NULL THEN ev.cell_id END
  ),
  totals AS (
  SELECT line_id,
      min(start_time_local_date) AS first_day,
      max(start_time_local_date) AS last_day,
      count(*) AS event_count,
      ${countWhere(`service = 'voice'`)} AS voice_count,
      ${countWhere(`service = 'voice' AND direction = 'out'`)} AS voice_out_count,
      ${countWhere(`service = 'voice' AND direction = 'in'`)} AS voice_in_count,
      ${countWhere(`service = 'sms'`)} AS sms_count,
      ${countWhere(`service = 'data'`)} AS data_sessions,
      coalesce(${sumWhere(`duration_s`, `service = 'voice'`)}, 0) / 60.0 AS voice_minutes,
      coalesce(${sumWhere(`duration_s`, `service = 'voice' AND direction = 'out'`)}, 0) / 60.0 AS voice_out_minutes,
      coalesce(${sumWhere(`duration_s`, `service = 'voice'`)} / nullif(${countWhere(`service = 'voice'`)}, 0), 0) AS avg_call_seconds,
      coalesce(${sumWhere(`volume_kb`, `service = 'data'`)}, 0) / 1024.0 AS data_mb,
      ${share("counterpart_network = 'onnet'")} AS onnet_share,
      ${share("counterpart_network = 'offnet'")} AS offnet_share,
      ${share("counterpart_network = 'fixed'")} AS fixed_share,
      ${share("counterpart_network = 'international'")} AS international_share,
      ${share("counterpart_network = 'special'")} AS special_share,
      ${share('internal')} AS internal_share,
      ${share(`NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe}`)} AS business_hours_share,
      ${share(`(start_time_local_hour >= ${eve} OR start_time_local_hour < ${bhs})`)} AS evening_night_share,
      ${share('weekend')} AS weekend_share,
      ${ownShare(`(weekend OR start_time_local_hour < ${bhs} OR start_time_local_hour >= ${bhe})`)} AS own_off_hours_share,
      ${ownShare('internal')} AS own_internal_share,
      ${share(`counterpart_network = 'international' AND NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe}`)} AS international_business_share,
      ${share(`counterpart_network = 'international' AND NOT (NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe})`)} AS international_private_share,
      ${countWhere(`comm AND counterpart_network = 'international' AND NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe}`)} AS international_business_comms,
      ${countWhere(`comm AND counterpart_network = 'international' AND NOT (NOT weekend AND start_time_local_hour >= ${bhs} AND start_time_local_hour < ${bhe})`)} AS international_private_comms,
      ${countWhere('roaming_country IS NOT NULL')} AS roaming_events,
      -- cents keep the sum exact, so parallel aggregation gives the same bytes every run
      coalesce(sum(CAST(round(charge * 100) AS BIGINT)), 0) / 100.0 AS charges,
      coalesce(${sumWhere(`CAST(round(charge * 100) AS BIGINT)`, `roaming_country IS NOT NULL`)}, 0) / 100.0 AS roaming_charges,
      coalesce(${sumWhere(`CAST(round(charge * 100) AS BIGINT)`, `roaming_country IS NULL AND counterpart_network = 'international'`)}, 0) / 100.0 AS international_charges,
      count(y) AS located, sum(y) AS sy, sum(y * y) AS syy, sum(x) AS sx, sum(x * x) AS sxx
  FROM located GROUP BY line_id),
  -- Distinct counts from one grouping-sets pass: each set holds a line's distinct values of one column with
  -- flags for the filters, so counting them is counting groups (count(DISTINCT) FILTER kept one hash
  -- table per aggregate and was half the mart's time at x10). GROUPING bits: day, counterpart, country, cell, roaming.
  per_value AS (
    SELECT line_id, start_time_local_date AS day, counterpart, counterpart_country, cell_id, roaming_country,
           GROUPING(start_time_local_date, counterpart, counterpart_country, cell_id, roaming_country) AS g,
           bool_or(comm) AS comm, bool_or(comm AND internal) AS comm_internal, bool_or(comm AND NOT internal) AS comm_external,
           bool_or(comm AND counterpart_network = 'international') AS comm_international,
           bool_or(roaming_country IS NOT NULL) AS roaming, bool_or(roaming_country IS NOT NULL AND comm AND internal) AS roaming_with_colleagues
    FROM ev
    GROUP BY GROUPING SETS ((line_id, start_time_local_date), (line_id, counterpart), (line_id, counterpart_country), (line_id, cell_id), (line_id, roaming_country))
  ),
  distinct_values AS (
    SELECT line_id,
      ${DISTINCT_COUNTS.map(([name, g, value, cond]) => `${countWhere(`g = ${g} AND ${value} IS NOT NULL${cond ? ` AND ${cond}` : ''}`)} AS ${name}`).join(',\n      ')}
    FROM per_value GROUP BY line_id
  )
  SELECT * FROM totals JOIN distinct_values USING (line_id)`;
}

/**
 * Radius of gyration (Gonzalez, Hidalgo & Barabási 2008) of the line's located events at home, km: the root
 * mean square distance from their centre, on an equirectangular approximation (fine within a country).
 * The variances come exactly from integer sums (n·Σy² − (Σy)²), so the result does not depend on the order
 * DuckDB adds in.
 */
const RADIUS_SQL = `CASE WHEN u.located > 1 THEN round(111.32e-6 * sqrt(
    CAST(u.located * u.syy - u.sy * u.sy AS DOUBLE) / (CAST(u.located AS DOUBLE) * u.located)
    + (cos(radians(CAST(u.sy AS DOUBLE) / u.located / 1e6)) ^ 2) * CAST(u.located * u.sxx - u.sx * u.sx AS DOUBLE) / (CAST(u.located AS DOUBLE) * u.located)), 3)
  ELSE 0 END`;

/** SQL of the mart: every line in scope with its usage (table `line_usage`), zeros where it has none. */
export const MART_SQL = `
  WITH top_ups AS (
    SELECT line_id, count(*) AS recharge_count, sum(CAST(round(amount * 100) AS BIGINT)) / 100.0 AS recharge_amount,
           -- most used channel; ties to the alphabetically first (counts compared as numbers, not text)
           arg_min(channel, (-n_channel, channel)) AS recharge_channel
    FROM (SELECT line_id, amount, channel, count(*) OVER (PARTITION BY line_id, channel) AS n_channel FROM window_recharges)
    GROUP BY line_id
  ),
  window_days AS (
    SELECT coalesce(date_diff('day', w.first_day, w.last_day) + 1, 0) AS observed_days, w.first_day, w.last_day FROM observation_window w
  ),
  presence AS (
    -- a line activated inside the window was there for part of it only
    SELECT l.line_id, CASE WHEN l.activation_date > w.first_day AND l.activation_date <= w.last_day
                           THEN date_diff('day', l.activation_date, w.last_day) + 1 ELSE w.observed_days END AS presence_days,
           coalesce(l.activation_date > w.first_day AND l.activation_date <= w.last_day, false) AS new_line,
           coalesce(greatest(date_diff('day', l.activation_date, w.last_day), 0) / 365.25, 0) AS line_age_years
    FROM pilot_lines l CROSS JOIN window_days w
  )
  SELECT l.line_id, l.account_id, l.plan_id, l.payment_type, l.monthly_fee,
         coalesce(l.handset_tier, 'unknown') AS handset_tier, coalesce(l.device_type, 'unknown') AS device_type,
         coalesce(l.status, 'active') AS status, w.observed_days, p.presence_days,
         CAST(p.new_line AS INTEGER) AS new_line, round(p.line_age_years, 4) AS line_age_years, l.activation_date,
         ${usageColumns()},
         coalesce(CAST(u.active_days AS DOUBLE) / nullif(p.presence_days, 0), 0) AS active_day_share,
         coalesce(u.voice_out_count / nullif(u.active_days, 0), 0) AS voice_out_per_active_day,
         coalesce(u.voice_minutes / nullif(u.active_days, 0), 0) AS voice_minutes_per_active_day,
         coalesce(u.sms_count / nullif(u.active_days, 0), 0) AS sms_per_active_day,
         coalesce(u.data_mb / nullif(u.active_days, 0), 0) AS data_mb_per_active_day,
         coalesce(CAST(u.roaming_days AS DOUBLE) / nullif(u.active_days, 0), 0) AS roaming_day_share,
         coalesce(u.roaming_days - u.roaming_days_with_colleagues, 0) AS roaming_days_without_colleagues,
         coalesce(u.international_business_comms / nullif(u.active_days, 0), 0) AS international_business_per_active_day,
         coalesce(u.international_private_comms / nullif(u.active_days, 0), 0) AS international_private_per_active_day,
         coalesce(t.recharge_count, 0) AS recharge_count, coalesce(t.recharge_amount, 0) AS recharge_amount,
         coalesce(t.recharge_channel, '') AS recharge_channel
  FROM pilot_lines l CROSS JOIN window_days w
  JOIN presence p USING (line_id)
  LEFT JOIN line_usage u USING (line_id) LEFT JOIN top_ups t USING (line_id)
  ORDER BY l.account_id, l.line_id`;

/** Directed call edges between lines of one account, counted from the caller's 'out' record only. */
export const EDGES_SQL = `
  SELECT l.account_id, e.line_id, e.counterpart AS counterpart_line_id,
         ${countWhere("e.service = 'voice'")} AS calls,
         coalesce(${sumWhere('e.duration_s', "e.service = 'voice'")}, 0) / 60.0 AS minutes,
         ${countWhere("e.service = 'sms'")} AS sms
  FROM window_events e
  JOIN pilot_lines l USING (line_id)
  JOIN pilot_lines c ON c.line_id = e.counterpart AND c.account_id = l.account_id
  WHERE e.direction = 'out' AND e.service IN ('voice', 'sms') AND e.counterpart <> e.line_id
  GROUP BY l.account_id, e.line_id, e.counterpart
  ORDER BY l.account_id, e.line_id, counterpart_line_id`;

/** Holdings of lines in scope active at the end of the observed window; ended ones are history, later ones are not known yet. */
export const ACTIVE_HOLDINGS_SQL = `
  SELECT h.line_id, h.product_id, min(h.start_date) AS start_date FROM holdings h JOIN pilot_lines USING (line_id)
  WHERE (h.end_date IS NULL OR h.end_date > (SELECT last_day FROM observation_window))
    AND (h.start_date IS NULL OR h.start_date <= (SELECT last_day FROM observation_window))
  GROUP BY h.line_id, h.product_id ORDER BY ALL`;

/** Every holding spell of the lines in scope, ended ones too: the adoption history propensities are scaled on. */
export const HOLDING_SPELLS_SQL = `
  SELECT h.line_id, h.product_id, h.start_date, h.end_date FROM holdings h JOIN pilot_lines USING (line_id)
  WHERE h.start_date IS NOT NULL
  GROUP BY ALL ORDER BY ALL`;

export interface MartResult {
  mart: ColumnTable;
  edges: ColumnTable;
  holdings: ColumnTable;
  spells: ColumnTable;
}

/** Whether the config sets either end of the observation window. */
const windowConfigured = (p: MartParams) => Boolean(p.window_start || p.window_end);

/**
 * The observation window: the configured days, or else the first and last event day of the lines in scope;
 * and the events and top-ups inside it. Without configured days the window is the span of line_usage's first
 * and last days (windowFromUsage): a pass over the events of its own cost 4.7 s at x100. With one configured
 * day, the other is read from the events here, before they are filtered.
 */
async function observationWindow(db: Db, p: MartParams): Promise<void> {
  if (windowConfigured(p)) {
    const eventDay = (fn: 'min' | 'max') => `(SELECT ${fn}(start_time_local_date) FROM events JOIN pilot_lines USING (line_id))`;
    const end = (day: string, fn: 'min' | 'max') => (day ? `DATE ${lit(day)}` : eventDay(fn));
    await run(db, `CREATE OR REPLACE TEMP TABLE observation_window AS SELECT ${end(p.window_start, 'min')} AS first_day, ${end(p.window_end, 'max')} AS last_day`);
  }
  const inside = (table: string, day: string) => `CREATE OR REPLACE TEMP VIEW window_${table} AS SELECT * FROM ${table}
    ${windowConfigured(p) ? `WHERE ${day} BETWEEN (SELECT first_day FROM observation_window) AND (SELECT last_day FROM observation_window)` : ''}`;
  await run(db, inside('events', 'start_time_local_date'));
  await run(db, inside('recharges', 'time_local_date'));
}

/** The observation window of a run without configured days: the first and last event day of the lines in scope. */
async function windowFromUsage(db: Db, p: MartParams): Promise<void> {
  if (windowConfigured(p)) return;
  await run(db, `CREATE OR REPLACE TEMP TABLE observation_window AS SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM line_usage`);
}

/**
 * The call edge list (EDGES_SQL, built as a table) as it comes to JS: each line as its place in the mart, whose rows
 * are the lines in scope in (account, line) order, so ordering the places orders the edges as EDGES_SQL does (both
 * ends are in one account). Its text is then the mart's own strings: fetching 2.7 M edges as text took 8.6 s at
 * x100 (a JS string made for each of 8 M values), and held them apart from the mart's.
 */
export const EDGE_PLACES_SQL = `
  WITH place AS (SELECT line_id, CAST(row_number() OVER (ORDER BY account_id, line_id) - 1 AS INTEGER) AS i FROM pilot_lines)
  SELECT l.i AS line, c.i AS counterpart, e.calls, e.minutes, e.sms
  FROM call_edges e JOIN place l ON l.line_id = e.line_id JOIN place c ON c.line_id = e.counterpart_line_id
  ORDER BY line, counterpart`;

async function fetchEdges(db: Db, mart: ColumnTable): Promise<ColumnTable> {
  // Joined as written: each event to its line, then to its counterpart's line. DuckDB's optimiser joins the lines
  // to one another by account first (41.6 M pairs at x100, growing with the square of an account's size) and
  // probes the events against that: the statement took 19-21 s at x100 (0.88 s at x10), against 4.7-4.8 s (0.42-0.46 s) as written.
  await inWrittenJoinOrder(db, () => run(db, `CREATE OR REPLACE TEMP TABLE call_edges AS ${EDGES_SQL}`));
  const places = await queryTable(db, EDGE_PLACES_SQL);
  const lineIds = mart.array('line_id') as string[];
  const accountIds = mart.array('account_id') as string[];
  const line = places.array('line') as number[];
  const counterpart = places.array('counterpart') as number[];
  return aq.table({
    account_id: Array.from(line, (i) => accountIds[i]),
    line_id: Array.from(line, (i) => lineIds[i]),
    counterpart_line_id: Array.from(counterpart, (i) => lineIds[i]),
    calls: places.array('calls'),
    minutes: places.array('minutes'),
    sms: places.array('sms'),
  });
}

export async function buildMart(db: Db, params: MartParams, onProgress?: (percent: number) => void): Promise<MartResult> {
  await scopeLines(db, params.accounts);
  await observationWindow(db, params);
  await run(db, `CREATE OR REPLACE TEMP TABLE line_usage AS ${usageSql(params)}`, onProgress);
  await windowFromUsage(db, params);
  const mart = await queryTable(db, MART_SQL);
  const edges = await fetchEdges(db, mart);
  const holdings = await queryTable(db, ACTIVE_HOLDINGS_SQL);
  const spells = await queryTable(db, HOLDING_SPELLS_SQL);
  return { mart, edges, holdings, spells };
}
