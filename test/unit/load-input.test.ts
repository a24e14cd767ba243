/**
 * What the loader must hold against inputs that are broken as a whole rather than row by row:
 * a quote not closed on its line, another separator, another encoding, a header without rows;
 * and what it reports about files that are absent or lost many rows to quarantine.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeDb, queryRows } from '../../src/io/duckdb';
import { absentFiles, preflight } from '../../src/io/files';
import { CONTRACT } from '../../src/io/contract';
import { MAX_BROKEN_QUOTES } from '../../src/io/quotes';
import { Surveyor } from '../../src/io/survey';
import { quarantineWarning } from '../../src/io/warnings';
import type { FileCounts } from '../../src/io/load';
import { loadAll, quarantine, tempDir, writeMiniPilot } from '../helpers';

const HEADER = 'line_id,start_time,service,direction,counterpart,counterpart_network,counterpart_country,duration_s,volume_kb,cell_id,roaming_country,charge';
/** Event row `i` of line +491511; rows differ in their cell, so none is a duplicate. */
const event = (i: number) => `+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,C${i},,0`;
const events = (n: number, change: (i: number, row: string) => string = (_, r) => r) =>
  `${HEADER}\n${Array.from({ length: n }, (_, k) => change(k + 1, event(k + 1))).join('\n')}\n`;

/** Source rows of a file's quarantine, with their reasons. */
function quarantined(qdir: string, name: string): [number, string][] {
  return quarantine(qdir, name).map((r) => {
    const [row, reason] = r.split(',');
    return [Number(row), reason];
  });
}

describe('loader: a quote not closed on its line costs only its own row', () => {
  it('row 30 of a 20,000-row events file: that row quarantined at its source row, every other row read and accepted', async () => {
    const text = events(20000, (i, r) => (i === 30 ? r.replace(',C30,', ',"C30,') : r));
    const dir = writeMiniPilot(tempDir(), { events: text });
    const copies = join(tempDir(), 'copies');
    const { db, counts, qdir } = await loadAll(dir, { tempDir: copies });
    const cells = await queryRows<{ n: number; lo: string; hi: string }>(db, "SELECT count(*) AS n, min(cell_id) AS lo, max(cell_id) AS hi FROM events WHERE cell_id <> 'C30'");
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 20000, accepted: 19999, quarantined: 1 });
    expect(counts.events.reasons).toEqual({ 'unparseable CSV row: unterminated quote in cell_id': 1 });
    const rows = quarantine(qdir, 'events');
    // raw_line holds the row as written (CSV-quoted in the quarantine file); its columns stay empty.
    expect(rows).toEqual(['30,unparseable CSV row: unterminated quote in cell_id,"+491511,2026-03-02T09:00:00+01:00,voice,out,+4930123,fixed,,60,,""C30,,0",,,,,,,,,,,,']);
    expect(cells[0].n).toBe(19999);
    // The repaired copy was made where the run said, and is gone (the staged scans stay until the load step has written its inputs).
    expect(readdirSync(copies).filter((f) => !/^raw_\w+\.parquet$/.test(f))).toEqual([]);
  });

  it('several broken quotes in a gzip file with CRLF line ends: each costs its row; a quote inside a value is a plain character', async () => {
    const text = events(5000, (i, r) => {
      if (i === 30 || i === 4000) return r.replace(`,C${i},`, `,"C${i},`);
      if (i === 2000) return r.replace(',C2000,', ',C2000",'); // would close row 30's quote in an RFC 4180 reader
      if (i === 2500) return r.replace('voice', 'fax');
      return r;
    }).replace(/\n/g, '\r\n');
    const dir = writeMiniPilot(tempDir());
    rmSync(join(dir, 'events.csv'));
    writeFileSync(join(dir, 'events.csv.gz'), gzipSync(text));
    const { db, counts, qdir } = await loadAll(dir);
    const odd = await queryRows<{ cell_id: string }>(db, "SELECT cell_id FROM events WHERE cell_id LIKE '%\"%'");
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 5000, accepted: 4997, quarantined: 3 });
    expect(quarantined(qdir, 'events')).toEqual([
      [30, 'unparseable CSV row: unterminated quote in cell_id'],
      [2500, 'unknown value in service'],
      [4000, 'unparseable CSV row: unterminated quote in cell_id'],
    ]);
    expect(odd).toEqual([{ cell_id: 'C2000"' }]);
  });

  it('a free-text column may hold line breaks within maxQuotedLines; later rows keep their source rows', async () => {
    const accounts = [
      'account_id,account_name,industry,employees,region',
      'A1,"Acme\nLogistics, Inc.",logistics,10,Hamburg',
      'A2,Beta AG,law,5,Berlin',
      'A3,"Gamma\nover\nfour\nlines",law,7,Bremen',
      'A4,Delta,law,many,Kiel',
    ].join('\n') + '\n';
    const dir = writeMiniPilot(tempDir(), { accounts });
    const loose = await loadAll(dir);
    const names = await queryRows<{ account_name: string }>(loose.db, 'SELECT account_name FROM accounts ORDER BY account_id');
    closeDb(loose.db);
    expect(loose.counts.accounts).toMatchObject({ read: 4, accepted: 3, quarantined: 1 });
    expect(names.map((n) => n.account_name)).toEqual(['Acme\nLogistics, Inc.', 'Beta AG', 'Gamma\nover\nfour\nlines']);
    expect(quarantined(loose.qdir, 'accounts')).toEqual([[4, 'invalid integer in employees']]);

    // With at most 3 lines per value, A3's quote breaks the rule: its own row is quarantined and
    // the lines it would have swallowed are read as rows of their own (and fail as such).
    const strict = await loadAll(dir, { maxQuotedLines: 3 });
    closeDb(strict.db);
    expect(strict.counts.accounts).toMatchObject({ read: 7, accepted: 2 });
    expect(quarantined(strict.qdir, 'accounts').slice(0, 2)).toEqual([
      [3, 'unparseable CSV row: unterminated quote in account_name'],
      [4, 'unparseable CSV row: missing columns'],
    ]);
  });

  it('a quote that never closes in a free-text column is cut at maxQuotedLines, not at the end of the file', async () => {
    const accounts = ['account_id,account_name,industry,employees,region', 'A1,"Acme,logistics,10,Hamburg', ...Array.from({ length: 50 }, (_, i) => `B${i},Beta ${i},law,5,Berlin`)].join('\n') + '\n';
    const dir = writeMiniPilot(tempDir(), { accounts });
    const { db, counts, qdir } = await loadAll(dir);
    closeDb(db);
    expect(counts.accounts).toMatchObject({ read: 51, accepted: 50, quarantined: 1 });
    expect(quarantined(qdir, 'accounts')).toEqual([[1, 'unparseable CSV row: unterminated quote in account_name']]);
  });

  it('blank lines hold no row, and rows after them keep their source rows', async () => {
    const text = events(40, (i, r) => (i === 10 || i === 11 ? '' : i === 25 ? r.replace('voice', 'fax') : i === 30 ? r + ',surplus' : r));
    const dir = writeMiniPilot(tempDir(), { events: text });
    const { db, counts, qdir } = await loadAll(dir);
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 38, quarantined: 2 });
    expect(quarantined(qdir, 'events')).toEqual([
      [25, 'unknown value in service'],
      [30, 'unparseable CSV row: too many columns'],
    ]);
  });

  it(`stops with one line naming the file and the first row when more than ${MAX_BROKEN_QUOTES.toLocaleString('en')} rows break it`, async () => {
    const text = events(MAX_BROKEN_QUOTES + 20, (i, r) => (i > 10 ? r.replace(`,C${i},`, `,"C${i},`) : r));
    const dir = writeMiniPilot(tempDir(), { events: text });
    await expect(loadAll(dir)).rejects.toThrow(/^segment-of-one\/load: \S+events\.csv has more than 10,000 rows with a quote not closed on its line \(the first at row 11\)[^\n]*$/);
  });
});

describe('loader: what stops a run before any work (input as a whole)', () => {
  const ACCOUNTS = ['account_id', 'account_name', 'industry', 'employees', 'region'];
  const rows = [['A1', 'Acme Inc.', 'logistics', '10', 'Hamburg'], ['A2', 'Beta AG', 'law', '5', 'Berlin']];

  it('a semicolon-separated accounts.csv names the separator', async () => {
    const d = writeMiniPilot(tempDir(), { accounts: [ACCOUNTS, ...rows].map((r) => r.join(';')).join('\n') + '\n' });
    await expect(preflight(d)).rejects.toThrow(/^segment-of-one\/load: \S+accounts\.csv separates its header by semicolons \(';'\), not commas: the contract needs comma-separated CSV$/);
  });

  it('a tab-separated accounts.csv names the separator', async () => {
    const d = writeMiniPilot(tempDir(), { accounts: [ACCOUNTS, ...rows].map((r) => r.join('\t')).join('\n') + '\n' });
    await expect(preflight(d)).rejects.toThrow(/accounts\.csv separates its header by tabs \(tab\), not commas/);
  });

  it('a header-only accounts.csv or lines.csv: nothing to analyse', async () => {
    for (const name of ['accounts', 'lines'] as const) {
      const header = name === 'accounts' ? ACCOUNTS.join(',') : 'line_id,account_id,plan_id,payment_type,monthly_fee';
      const d = writeMiniPilot(tempDir(), { [name]: `${header}\n\n` });
      await expect(preflight(d)).rejects.toThrow(new RegExp(`^segment-of-one/load: \\S+${name}\\.csv has a header but no rows: nothing to analyse$`));
    }
  });

  it('a header-only optional file is no stop: it is loaded as empty', async () => {
    const d = writeMiniPilot(tempDir());
    writeFileSync(join(d, 'cells.csv'), 'cell_id,lat,lon\n');
    const { db, counts } = await loadAll(d);
    closeDb(db);
    expect(counts.cells).toMatchObject({ read: 0, quarantined: 0 });
  });

  it('a header-only accounts Parquet file stops the load', async () => {
    const d = writeMiniPilot(tempDir());
    const { db } = await loadAll(d);
    await queryRows(db, `COPY (SELECT * FROM accounts WHERE false) TO '${join(d, 'accounts.parquet')}' (FORMAT parquet)`);
    closeDb(db);
    rmSync(join(d, 'accounts.csv'));
    await expect(loadAll(d)).rejects.toThrow(/accounts\.parquet has no rows: nothing to analyse$/);
  });
});

/** lines.csv with cost centres in German, as an export tool would write it in Latin-1. */
const LINES_DE = [
  'line_id,account_id,plan_id,payment_type,monthly_fee,cost_center',
  '+491511,A1,BIZ_M,postpaid,25,Geschäftsführung',
  '+491512,A1,BIZ_M,postpaid,25,Vertrieb Süd',
  '+491513,A1,PRE,prepaid,0,Lager',
  '+491521,A2,BIZ_L,postpaid,39,Büro Köln',
].join('\n') + '\n';

describe('loader: encodings', () => {
  it('a Latin-1 lines.csv stops the run, naming the file, the first row and the encoding', async () => {
    const d = writeMiniPilot(tempDir());
    writeFileSync(join(d, 'lines.csv'), Buffer.from(LINES_DE, 'latin1'));
    await expect(preflight(d)).rejects.toThrow(
      /^segment-of-one\/load: \S+lines\.csv is not UTF-8 but likely Latin-1 \/ Windows-1252 \(3 rows hold such bytes, the first is row 1: byte 0xE4 in "Geschäftsführung"\): save it as UTF-8, or read it with encoding latin-1 for lines$/,
    );
  });

  it('a big Latin-1 file is checked while it loads, and stops there', async () => {
    const d = writeMiniPilot(tempDir());
    rmSync(join(d, 'lines.csv'));
    writeFileSync(join(d, 'lines.csv.gz'), gzipSync(Buffer.from(LINES_DE, 'latin1')));
    await expect(loadAll(d, { checkAheadBytes: 0 })).rejects.toThrow(/lines\.csv\.gz is not UTF-8 but likely Latin-1 .* the first is row 1: byte 0xE4/);
  });

  it('the same file read with encoding latin-1 loads with its umlauts', async () => {
    for (const gz of [false, true]) {
      const d = writeMiniPilot(tempDir());
      const bytes = Buffer.from(LINES_DE, 'latin1');
      if (gz) {
        rmSync(join(d, 'lines.csv'));
        writeFileSync(join(d, 'lines.csv.gz'), gzipSync(bytes));
      } else writeFileSync(join(d, 'lines.csv'), bytes);
      const { db, counts } = await loadAll(d, { encoding: { lines: 'latin-1' } });
      const centres = await queryRows<{ cost_center: string }>(db, 'SELECT cost_center FROM lines ORDER BY line_id');
      closeDb(db);
      expect(counts.lines).toMatchObject({ read: 4, accepted: 4, quarantined: 0 });
      expect(centres.map((c) => c.cost_center)).toEqual(['Geschäftsführung', 'Vertrieb Süd', 'Lager', 'Büro Köln']);
    }
  });

  it('a UTF-8 file read as latin-1 stops the run (every accent would be garbled)', async () => {
    const d = writeMiniPilot(tempDir(), { lines: LINES_DE });
    await expect(preflight(d, { encoding: { lines: 'latin-1' } })).rejects.toThrow(/lines\.csv is UTF-8, yet it is to be read as latin-1/);
  });

  it('an encoding DuckDB cannot read is refused up front', async () => {
    const d = writeMiniPilot(tempDir());
    await expect(preflight(d, { encoding: { lines: 'cp1252' as never } })).rejects.toThrow(/unknown encoding cp1252 for lines \(the CSV reader knows utf-8, latin-1\)/);
  });

  it('a UTF-16 file is named as such', async () => {
    const d = writeMiniPilot(tempDir());
    writeFileSync(join(d, 'accounts.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('account_id,account_name\nA1,Acme\n', 'utf16le')]));
    await expect(preflight(d)).rejects.toThrow(/accounts\.csv is UTF-16/);
  });

  it('a few garbage bytes in a UTF-8 file are quarantined row by row, as the generator plants them', async () => {
    const d = writeMiniPilot(tempDir());
    const garbage = (i: number) => Buffer.concat([Buffer.from(event(i).slice(0, 48)), Buffer.from([0xff, 0xfe]), Buffer.from(event(i).slice(48) + '\n')]);
    const parts = [Buffer.from(HEADER + '\n')];
    for (let i = 1; i <= 200; i++) parts.push(i === 7 || i === 150 ? garbage(i) : Buffer.from(event(i) + '\n'));
    writeFileSync(join(d, 'events.csv'), Buffer.concat(parts));
    const { db, counts, qdir } = await loadAll(d);
    closeDb(db);
    expect(counts.events).toMatchObject({ read: 200, accepted: 198, quarantined: 2 });
    expect(quarantined(qdir, 'events')).toEqual([
      [7, 'unparseable CSV row: invalid encoding'],
      [150, 'unparseable CSV row: invalid encoding'],
    ]);
  });

  it('a Latin-1 row in a file whose other accents are UTF-8 is quarantined, not a stop', async () => {
    const d = writeMiniPilot(tempDir());
    const bad = Buffer.from('+491521,A2,BIZ_L,postpaid,39,Büro Köln\n', 'latin1');
    writeFileSync(join(d, 'lines.csv'), Buffer.concat([Buffer.from(LINES_DE.split('\n').slice(0, 4).join('\n') + '\n'), bad]));
    const { db, counts, qdir } = await loadAll(d);
    closeDb(db);
    expect(counts.lines).toMatchObject({ read: 4, accepted: 3, quarantined: 1 });
    expect(quarantined(qdir, 'lines')).toEqual([[4, 'unparseable CSV row: invalid encoding']]);
  });

  it('a character split between two chunks is no invalid byte; an invalid one is found at its row', () => {
    const text = Buffer.from('cost_center\n' + 'Büro Süd\n'.repeat(1000));
    for (let cut = 1; cut < 40; cut++) {
      const s = new Surveyor(10);
      s.add(text.subarray(0, cut));
      s.add(text.subarray(cut));
      expect(s.finish()).toMatchObject({ lines: 1001, blankRows: [], quotes: false, utf8: { invalidRows: 0, multibyte: true } });
    }
    const latin = Buffer.concat([text, Buffer.from('Büro Süd\n', 'latin1')]);
    const s = new Surveyor(10);
    s.add(latin.subarray(0, latin.length - 5));
    s.add(latin.subarray(latin.length - 5));
    expect(s.finish().utf8).toMatchObject({ invalidRows: 1, latin1Rows: 1, first: { row: 1001, byte: 0xfc, asLatin1: 'Büro' } });
  });
});

describe('loader: absent optional files', () => {
  it('every optional file of the contract says what the steps do without it', () => {
    for (const spec of CONTRACT.filter((f) => !f.required)) expect(spec.whenAbsent, spec.name).toMatch(/\w/);
  });

  it('lists the absent ones with their notes, in contract order', async () => {
    const d = writeMiniPilot(tempDir());
    writeFileSync(join(d, 'cells.csv'), 'cell_id,lat,lon\nC1,53.5,10.0\n');
    const absent = absentFiles(await preflight(d));
    expect(absent.map((a) => a.file)).toEqual(['recharges', 'products', 'holdings', 'contacts', 'campaigns', 'assignments', 'responses']);
    expect(absent.find((a) => a.file === 'contacts')?.note).toMatch(/no decision maker is known.*no_relationship/);
  });
});

describe('loader: a file that lost a large share of its rows', () => {
  const counts = (read: number, quarantined: number, reasons: Record<string, number>): FileCounts => ({
    file: 'lines', path: '/pilot/lines.csv', format: 'csv', read, accepted: read - quarantined, quarantined, reasons,
  });

  it('is flagged with its share and its top reasons, most frequent first', () => {
    const w = quarantineWarning(counts(1820, 260, { 'unparseable CSV row: invalid encoding': 250, 'account_id not in accounts': 12, 'duplicate line_id': 3, 'missing plan_id': 1 }));
    expect(w).toMatchObject({
      file: 'lines', read: 1820, quarantined: 260,
      reasons: [
        { reason: 'unparseable CSV row: invalid encoding', count: 250 },
        { reason: 'account_id not in accounts', count: 12 },
        { reason: 'duplicate line_id', count: 3 },
      ],
    });
    expect(w!.share).toBeCloseTo(260 / 1820, 12);
    expect(w!.message).toBe('segment-of-one/load: 14% of /pilot/lines.csv\'s rows are quarantined (260 of 1,820), mostly unparseable CSV row: invalid encoding (250), account_id not in accounts (12), duplicate line_id (3)');
  });

  it('is not flagged below the threshold, which is a parameter', () => {
    expect(quarantineWarning(counts(1000, 49, { x: 49 }))).toBeUndefined();
    expect(quarantineWarning(counts(1000, 50, { x: 50 }))?.share).toBe(0.05);
    expect(quarantineWarning(counts(1000, 20, { x: 20 }), 0.01)?.reasons).toEqual([{ reason: 'x', count: 20 }]);
    expect(quarantineWarning(counts(0, 0, {}))).toBeUndefined();
  });
});
