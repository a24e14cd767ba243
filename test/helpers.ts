import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, openDb, type Db } from '../src/io/duckdb';
import { preflight } from '../src/io/files';
import { emptyTable, loadFile, LOAD_ORDER, type FileCounts } from '../src/io/load';
import { fileSpec } from '../src/io/contract';
import type { LoadOptions } from '../src/io/options';
import { TEST_TMP_ENV } from './global-setup';

/** A new folder under the test run's temporary root (removed when the run ends; see global-setup.ts). */
export function tempDir(prefix = 'soo-'): string {
  return mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), prefix));
}

/** A minimal valid pilot (2 accounts, 4 lines, a handful of events) to break one thing at a time. */
export function writeMiniPilot(dir: string, overrides: Partial<Record<'accounts' | 'lines' | 'events', string>> = {}): string {
  mkdirSync(dir, { recursive: true });
  const files = {
    accounts: 'account_id,account_name,industry,employees,region\nA1,"Acme, Inc.",logistics,10,Hamburg\nA2,Beta AG,law,5,Berlin\n',
    lines: 'line_id,account_id,plan_id,payment_type,monthly_fee\n+491511,A1,BIZ_M,postpaid,25\n+491512,A1,BIZ_M,postpaid,25\n+491513,A1,PRE,prepaid,0\n+491521,A2,BIZ_L,postpaid,39\n',
    events: [
      'line_id,start_time,service,direction,counterpart,counterpart_network,counterpart_country,duration_s,volume_kb,cell_id,roaming_country,charge',
      '+491511,2026-03-02T09:00:00+01:00,voice,out,+491512,onnet,,120,,C1,,0',
      '+491512,2026-03-02T09:00:00+01:00,voice,in,+491511,onnet,,120,,C2,,0',
      '+491511,2026-03-02T21:30:00+01:00,voice,out,+14155550100,international,US,300,,C1,,0.75',
      '+491512,2026-03-07T10:00:00+01:00,sms,out,+491513,onnet,,,,C2,,0',
      '+491513,2026-03-03T12:00:00+01:00,data,,,,,,2048,C3,,0',
      '+491521,2026-03-04T08:15:00-05:00,voice,out,+4930123,fixed,,60,,,US,1.2',
    ].join('\n') + '\n',
  };
  for (const [name, text] of Object.entries({ ...files, ...overrides })) writeFileSync(join(dir, `${name}.csv`), text);
  return dir;
}

/** Preflight and load of every file of a pilot folder, as the runner does; quarantine files go to `<dir>/q`. */
export async function loadAll(dir: string, options: LoadOptions = {}): Promise<{ db: Db; counts: Record<string, FileCounts>; qdir: string }> {
  const files = await preflight(dir, options);
  const db = await openDb();
  const qdir = join(dir, 'q');
  mkdirSync(qdir, { recursive: true });
  const counts: Record<string, FileCounts> = {};
  try {
    for (const name of LOAD_ORDER) {
      const input = files.find((f) => f.name === name);
      if (input) counts[name] = await loadFile(db, input, qdir, undefined, options);
      else await emptyTable(db, fileSpec(name));
    }
  } catch (e) {
    closeDb(db);
    throw e;
  }
  return { db, counts, qdir };
}

/** The data rows of a quarantine file, as text. */
export function quarantine(qdir: string, name: string): string[] {
  return readFileSync(join(qdir, `${name}.csv`), 'utf8').trim().split('\n').slice(1);
}
