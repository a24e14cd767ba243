import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeDb, openDb, queryRows, run } from '../../src/io/duckdb';
import { preflight } from '../../src/io/files';
import { loadFile, LOAD_ORDER, emptyTable } from '../../src/io/load';
import { fileSpec } from '../../src/io/contract';
import { loadAll, quarantine, tempDir, writeMiniPilot } from '../helpers';

const HEADER = 'line_id,start_time,service,direction,counterpart,counterpart_network,counterpart_country,duration_s,volume_kb,cell_id,roaming_country,charge';
const GOOD = '+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,C1,,0';

/** One bad events row per contract violation, each with the reason it must give. */
const VIOLATIONS: [string, string, string][] = [
  ['missing required value', ',2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,C1,,0', 'missing line_id'],
  ['wrong type', '+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,sixty,,C1,,0', 'invalid integer in duration_s'],
  ['negative number', '+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,-5,,C1,,0', 'negative duration_s'],
  ['unknown enum value', '+491511,2026-03-02T09:00:00+01:00,fax,out,+4930123,fixed,,60,,C1,,0', 'unknown value in service'],
  ['unparseable timestamp', '+491511,2026-03-02T25:99:00+01:00,voice,out,+4930123,fixed,,60,,C1,,0', 'invalid start_time'],
  ['timestamp without offset', '+491511,2026-03-02T09:00:00,voice,out,+4930123,fixed,,60,,C1,,0', 'invalid start_time'],
  ['foreign key to nothing', '+499999,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,C1,,0', 'line_id not in lines'],
  ['conditional requirement', '+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,international,,60,,C1,,0', 'missing counterpart_country'],
  ['bad country code', '+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,C1,Germany,0', 'invalid country code in roaming_country'],
  ['exact duplicate', GOOD, 'exact duplicate of an earlier row'],
  ['too many fields', GOOD + ',surplus', 'unparseable CSV row: too many columns'],
  ['too few fields', '+491511,2026-03-02T09:00:00+01:00,voice', 'unparseable CSV row: missing columns'],
];

describe('loader: each contract violation is quarantined with its row and reason', () => {
  for (const [label, row, reason] of VIOLATIONS) {
    it(label, async () => {
      const dir = writeMiniPilot(tempDir(), { events: `${HEADER}\n${GOOD}\n${row}\n${GOOD.replace('09:00', '10:00')}\n` });
      const { db, counts, qdir } = await loadAll(dir);
      closeDb(db);
      const ev = counts.events;
      expect(ev.read).toBe(3);
      expect(ev.quarantined).toBe(1);
      expect(ev.accepted + ev.quarantined).toBe(ev.read);
      const rows = quarantine(qdir, 'events');
      expect(rows).toHaveLength(1);
      expect(rows[0].startsWith('2,')).toBe(true);
      expect(rows[0]).toContain(reason);
    });
  }

  it('quarantines bytes that are not UTF-8 and keeps counting rows after them', async () => {
    const dir = writeMiniPilot(tempDir());
    const bad = Buffer.concat([Buffer.from(`${HEADER}\n${GOOD}\n+491511,2026-03-02T09:00:00+01:00,voice,out,+49`), Buffer.from([0xff]), Buffer.from(`30,fixed,,60,,C1,,0\n${GOOD.replace('09:00', '11:00')}\n${GOOD}\n`)]);
    writeFileSync(join(dir, 'events.csv'), bad);
    const { db, counts, qdir } = await loadAll(dir);
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 4, accepted: 2, quarantined: 2 });
    const rows = quarantine(qdir, 'events');
    expect(rows[0]).toMatch(/^2,unparseable CSV row: invalid encoding/);
    expect(rows[1]).toMatch(/^4,exact duplicate/);
  });
});

describe('loader: exact duplicates', () => {
  it('finds every later copy of a row, three copies included, and not rows that share only the line and start time', async () => {
    const other = GOOD.replace(',C1,', ',C2,');
    // Rows 1-6: GOOD, a row like it in another cell, GOOD again, the other again, GOOD a third time, a new time.
    const rows = [GOOD, other, GOOD, other, GOOD, GOOD.replace('09:00', '12:00')];
    const dir = writeMiniPilot(tempDir(), { events: `${HEADER}\n${rows.join('\n')}\n` });
    const { db, counts, qdir } = await loadAll(dir);
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 6, accepted: 3, quarantined: 3 });
    expect(quarantine(qdir, 'events').map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['3,exact duplicate of an earlier row', '4,exact duplicate of an earlier row', '5,exact duplicate of an earlier row']);
  });
  it('finds the copy of a row whose line is missing (the pair filter hashes the empty value too)', async () => {
    const noLine = GOOD.replace('+491511', '');
    const dir = writeMiniPilot(tempDir(), { events: `${HEADER}\n${[GOOD, noLine, noLine].join('\n')}\n` });
    const { db, qdir } = await loadAll(dir);
    closeDb(db);
    expect(quarantine(qdir, 'events').map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['2,missing line_id,', '3,exact duplicate of an earlier row,']);
  });
});

describe('loader: formats and dialects', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('accepts a BOM, CRLF, quoted commas, extra columns and any column order, gzip or not', async () => {
    const d = writeMiniPilot(join(dir, 'dialect'));
    writeFileSync(join(d, 'accounts.csv'), '\uFEFFregion,account_name,account_id,erp_code\r\nHamburg,"Acme, ""the"" Inc.",A1,77\r\nBerlin,Beta AG,A2,78\r\n');
    const lines = readFileSync(join(d, 'lines.csv'));
    writeFileSync(join(d, 'lines.csv.gz'), gzipSync(lines));
    // The gzip file is found only when the plain one is absent.
    rmSync(join(d, 'lines.csv'));
    const { db, counts } = await loadAll(d);
    const names = await queryRows<{ account_name: string }>(db, 'SELECT account_name FROM accounts ORDER BY account_id');
    closeDb(db);
    expect(counts.accounts).toMatchObject({ read: 2, accepted: 2, quarantined: 0 });
    expect(counts.lines).toMatchObject({ read: 4, accepted: 4, format: 'csv.gz' });
    expect(names[0].account_name).toBe('Acme, "the" Inc.');
    expect(counts.events.accepted).toBe(6);
  });

  it('reads Parquet with the same columns', async () => {
    const d = writeMiniPilot(join(dir, 'parquet'));
    const db = await openDb();
    await run(db, `COPY (SELECT * FROM read_csv('${join(d, 'events.csv')}', all_varchar = true)) TO '${join(d, 'events.parquet')}' (FORMAT parquet)`);
    closeDb(db);
    rmSync(join(d, 'events.csv'));
    const loaded = await loadAll(d);
    closeDb(loaded.db);
    expect(loaded.counts.events).toMatchObject({ format: 'parquet', read: 6, accepted: 6, quarantined: 0 });
  });
});

describe('loader: what stops a run before any work', () => {
  it('a data folder that does not exist', async () => {
    await expect(preflight('/nonexistent/pilot')).rejects.toThrow(/pilot data folder \/nonexistent\/pilot does not exist/);
  });
  it('a missing required file', async () => {
    const d = writeMiniPilot(tempDir());
    rmSync(join(d, 'lines.csv'));
    await expect(preflight(d)).rejects.toThrow(/missing required file lines/);
  });
  it('a missing required column, named', async () => {
    const d = writeMiniPilot(tempDir(), { lines: 'line_id,account_id,payment_type,monthly_fee\n+491511,A1,postpaid,25\n' });
    await expect(preflight(d)).rejects.toThrow(/lines\.csv lacks required column plan_id/);
  });
  it('a gzip file that is not gzip', async () => {
    const d = writeMiniPilot(tempDir());
    renameSync(join(d, 'events.csv'), join(d, 'events.csv.gz'));
    await expect(preflight(d)).rejects.toThrow(/events\.csv\.gz cannot be read as gzip/);
  });
  it('a truncated gzip file', async () => {
    const d = writeMiniPilot(tempDir());
    const big = readFileSync(join(d, 'events.csv'), 'utf8') + Array.from({ length: 20000 }, (_, i) => GOOD.replace('C1', `C${i}`)).join('\n');
    const gz = gzipSync(big);
    rmSync(join(d, 'events.csv'));
    writeFileSync(join(d, 'events.csv.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const files = await preflight(d);
    const db = await openDb();
    const order = LOAD_ORDER.slice(0, LOAD_ORDER.indexOf('events'));
    for (const name of order) {
      const f = files.find((x) => x.name === name);
      if (f) await loadFile(db, f, tempDir());
      else await emptyTable(db, fileSpec(name));
    }
    await expect(loadFile(db, files.find((f) => f.name === 'events')!, tempDir())).rejects.toThrow(/events\.csv\.gz cannot be read/);
    closeDb(db);
  });
  it('a .parquet that is not Parquet', async () => {
    const d = writeMiniPilot(tempDir());
    writeFileSync(join(d, 'cells.parquet'), 'cell_id,lat,lon\n');
    await expect(preflight(d)).rejects.toThrow(/cells\.parquet is not a readable Parquet file/);
  });
});
