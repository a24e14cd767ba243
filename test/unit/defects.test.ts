/** Defects found while reading the code (issue 9), each pinned by a test that failed before its fix. */
import { describe, expect, it } from 'vitest';
import { aq } from '../../src/util/arquero';
import { closeDb, openDb, queryRows, run } from '../../src/io/duckdb';
import { buildMart } from '../../src/mart/mart';
import { computeValue } from '../../src/value/value';
import { analyseNetworks } from '../../src/network/network';
import { proposedTariffs } from '../../src/offers/offers';
import { eligible } from '../../src/offers/eligibility';
import { defaults } from '../../src/config';
import { chooseChannel, spendRules } from '../../src/accounts/channels';

const config = defaults();

/** A DuckDB with the accepted tables the mart reads, from plain rows. */
async function martDb(sql: string) {
  const db = await openDb();
  await run(db, `
    CREATE TABLE lines (line_id VARCHAR, account_id VARCHAR, plan_id VARCHAR, payment_type VARCHAR, monthly_fee DOUBLE, activation_date DATE, handset_tier VARCHAR, device_type VARCHAR, cost_center VARCHAR, status VARCHAR);
    INSERT INTO lines VALUES ('L1', 'A', 'P', 'postpaid', 10.0, NULL, NULL, NULL, NULL, NULL);
    CREATE TABLE events (line_id VARCHAR, start_time_local_date DATE, start_time_local_hour TINYINT, service VARCHAR, direction VARCHAR, counterpart VARCHAR, counterpart_network VARCHAR, counterpart_country VARCHAR, duration_s BIGINT, volume_kb BIGINT, cell_id VARCHAR, roaming_country VARCHAR, charge DOUBLE);
    CREATE TABLE recharges (line_id VARCHAR, time_local_date DATE, time_local_hour TINYINT, amount DOUBLE, channel VARCHAR);
    CREATE TABLE holdings (line_id VARCHAR, product_id VARCHAR, start_date DATE, end_date DATE);
    CREATE TABLE cells (cell_id VARCHAR, lat DOUBLE, lon DOUBLE);
    ${sql}`);
  return db;
}

describe('mart', () => {
  it('picks the most used top-up channel by count, not by its text (10 beats 9)', async () => {
    const rows = [...Array(10).fill("('L1', DATE '2026-03-02', 9, 10, 'app')"), ...Array(9).fill("('L1', DATE '2026-03-02', 9, 10, 'retail')")];
    const db = await martDb(`INSERT INTO events VALUES ('L1', DATE '2026-03-02', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0);
      INSERT INTO recharges VALUES ${rows.join(', ')};`);
    const { mart } = await buildMart(db, config.mart);
    closeDb(db);
    expect(mart.get('recharge_channel', 0)).toBe('app');
  });
  it('uses the cells file: the radius of gyration of located events at home', async () => {
    // Two cells 0.1 degrees of latitude apart (11.132 km), half the events at each: radius 5.566 km. Abroad does not count.
    const db = await martDb(`INSERT INTO cells VALUES ('N', 50.1, 8.0), ('S', 50.0, 8.0);
      INSERT INTO events VALUES ('L1', DATE '2026-03-02', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'N', NULL, 0),
        ('L1', DATE '2026-03-02', 10, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'S', NULL, 0),
        ('L1', DATE '2026-03-03', 10, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'N', 'FR', 0);`);
    const { mart } = await buildMart(db, config.mart);
    closeDb(db);
    expect(mart.get('mobility_radius_km', 0)).toBeCloseTo(5.566, 3);
  });
  it('keeps the observation window a parameter', async () => {
    const db = await martDb(`INSERT INTO events VALUES ('L1', DATE '2026-03-02', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0),
        ('L1', DATE '2026-03-09', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0);`);
    const week = await buildMart(db, { ...config.mart, window_start: '2026-03-02', window_end: '2026-03-08' });
    const all = await buildMart(db, config.mart);
    closeDb(db);
    expect([week.mart.get('observed_days', 0), week.mart.get('event_count', 0)]).toEqual([7, 1]);
    expect([all.mart.get('observed_days', 0), all.mart.get('event_count', 0)]).toEqual([8, 2]);
  });
  it('reads an unconfigured end of the window from the events, the other end configured', async () => {
    // Three days of events; the window starts on the second: it ends on the last event day, and holds two events.
    const db = await martDb(`INSERT INTO events VALUES ('L1', DATE '2026-03-02', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0),
        ('L1', DATE '2026-03-05', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0),
        ('L1', DATE '2026-03-09', 9, 'data', NULL, NULL, NULL, NULL, NULL, 10, 'C1', NULL, 0);`);
    const from = await buildMart(db, { ...config.mart, window_start: '2026-03-04' });
    const [fromWindow] = await queryRows<{ first_day: string; last_day: string }>(db, 'SELECT CAST(first_day AS VARCHAR) AS first_day, CAST(last_day AS VARCHAR) AS last_day FROM observation_window');
    const to = await buildMart(db, { ...config.mart, window_end: '2026-03-05' });
    const all = await buildMart(db, config.mart);
    const [allWindow] = await queryRows<{ first_day: string; last_day: string }>(db, 'SELECT CAST(first_day AS VARCHAR) AS first_day, CAST(last_day AS VARCHAR) AS last_day FROM observation_window');
    closeDb(db);
    expect(fromWindow).toEqual({ first_day: '2026-03-04', last_day: '2026-03-09' });
    expect([from.mart.get('observed_days', 0), from.mart.get('event_count', 0)]).toEqual([6, 2]);
    expect([to.mart.get('observed_days', 0), to.mart.get('event_count', 0)]).toEqual([4, 2]);
    expect(allWindow).toEqual({ first_day: '2026-03-02', last_day: '2026-03-09' });
    expect([all.mart.get('observed_days', 0), all.mart.get('event_count', 0)]).toEqual([8, 3]);
  });
});

describe('value', () => {
  it('gives a finite influence when two lines only exchange SMS and SMS weigh 0', () => {
    const mart = aq.table({
      line_id: ['L1', 'L2'], account_id: ['A', 'A'], payment_type: ['postpaid', 'postpaid'], monthly_fee: [10, 20], charges: [0, 0],
      recharge_amount: [0, 0], observed_days: [30, 30], voice_minutes: [0, 0], sms_count: [5, 5], data_mb: [0, 0],
    });
    const ties = aq.table({ account_id: ['A'], line_id: ['L1'], other_line_id: ['L2'], calls: [0], minutes: [0], sms: [5], weight: [0] });
    const personas = aq.table({ line_id: ['L1', 'L2'], persona: ['office', 'office'] });
    const value = computeValue({ mart, personas, ties, holdings: aq.table({ line_id: [], product_id: [] }) }, config.value);
    expect((value.array('influence_value') as number[]).every(Number.isFinite)).toBe(true);
    expect(value.array('influence_value')).toEqual([0, 0]);
  });
});

describe('network', () => {
  it('gives a line with no call or SMS an external share of 0, not 1', async () => {
    const mart = aq.table({ line_id: ['L1'], account_id: ['A'], internal_share: [0], distinct_external_counterparts: [0], voice_count: [0], sms_count: [0] });
    const { network } = await analyseNetworks(mart, aq.table({ account_id: [], line_id: [], counterpart_line_id: [], calls: [], minutes: [], sms: [] }), config.network, 1);
    expect(network.get('external_share', 0)).toBe(0);
  });
});

describe('offers', () => {
  it('keeps every business add-on for postpaid lines, as the methods say (not a list of six products)', () => {
    const line = { status: 'active', payment_type: 'prepaid', handset_tier: 'low', device_type: 'smartphone' };
    expect(eligible(line, 'MY_NEW_BUSINESS_ADDON', 'business', false)).toBe(false);
    expect(eligible({ ...line, payment_type: 'postpaid' }, 'MY_NEW_BUSINESS_ADDON', 'business', false)).toBe(true);
  });
  it('matches personas to lines by line id, not by row position', () => {
    const lines = [{ line_id: 'L1', plan_id: 'P', monthly_fee: 10, payment_type: 'postpaid' }, { line_id: 'L2', plan_id: 'P', monthly_fee: 10, payment_type: 'postpaid' }];
    // The persona table lists L2 first: a match by position would swap the two lines' tariffs.
    const personaOf = new Map([['L2', 'light_user'], ['L1', 'executive']]);
    const changes = proposedTariffs(lines, personaOf, new Map(), new Map(), config.offers);
    expect(changes.map((c) => c?.plan_id)).toEqual(['BIZ_GLOBAL', 'BIZ_BASIC']);
  });
});

describe('service channel', () => {
  const { channel_rules: rules, default_channel: fallback } = defaults().accounts;
  // The Copenhagen study as one account: 608 lines, alike needs, and spend 0 because it carries no prices.
  const account = { size: 608, persona_entropy: 0.44, spend_per_month: 0, spend_per_line: 0 };
  it('reads a spend of 0 as a small bill only when the pilot has prices', () => {
    expect(chooseChannel(account, rules, fallback).channel).toBe('digital');
    const unpriced = chooseChannel(account, rules, fallback, false);
    expect(unpriced).toEqual({ channel: 'partner', reason: 'no rule for a digital or dedicated channel holds: partner (size 608, spend unknown, persona entropy 0.44)' });
  });
  it('still applies the rules that read no money', () => {
    expect(chooseChannel({ ...account, size: 5 }, rules, fallback, false).channel).toBe('digital');
    expect(spendRules(rules)).toEqual(['varied_and_valuable', 'simple_and_small']);
  });
});

