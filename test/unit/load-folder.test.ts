/**
 * Events as many files (issue 13, point 6): a folder `events/` of exports, or files `events-*` beside the
 * other inputs, read in one scan; each quarantined row named by its file and its row in that file, and
 * the counts per file in the summary.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeDb, queryRows } from '../../src/io/duckdb';
import { preflight } from '../../src/io/files';
import { loadAll, quarantine, tempDir, writeMiniPilot } from '../helpers';

const HEADER = 'line_id,start_time,service,direction,counterpart,counterpart_network,counterpart_country,duration_s,volume_kb,cell_id,roaming_country,charge';
const event = (day: number, cell: string) => `+491511,2026-03-0${day}T09:00:00+01:00,voice,out,+4930123,fixed,,60,,${cell},,0`;

/** A mini pilot whose events are a folder of three daily files; day 2 holds a bad row, day 3 a blank line, an unparseable row and a copy of a day 1 row. */
function folderPilot(gzip: boolean): string {
  const dir = writeMiniPilot(tempDir());
  rmSync(join(dir, 'events.csv'));
  mkdirSync(join(dir, 'events'));
  const days = [
    [event(2, 'C1'), event(2, 'C2')],
    [event(3, 'C1'), event(3, 'C2').replace(',voice,', ',fax,'), event(3, 'C3')],
    ['', event(4, 'C1'), event(4, 'C2') + ',surplus', event(2, 'C1')],
  ];
  days.forEach((rows, i) => {
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'events', `day-0${i + 1}.csv${gzip ? '.gz' : ''}`), gzip ? gzipSync(text) : text);
  });
  // Not a data file: not read.
  writeFileSync(join(dir, 'events', 'README.txt'), 'daily exports\n');
  return dir;
}

describe('loader: an input as a folder of files', () => {
  for (const gzip of [false, true]) {
    it(`reads every ${gzip ? '.csv.gz' : '.csv'} file of events/ in one scan; quarantined rows name their file and row; counts per file`, async () => {
      const dir = folderPilot(gzip);
      const { db, counts, qdir } = await loadAll(dir);
      const accepted = await queryRows<{ n: number }>(db, 'SELECT count(*) AS n FROM events');
      closeDb(db);
      const ext = gzip ? '.csv.gz' : '.csv';
      const file = (i: number) => join(dir, 'events', `day-0${i}${ext}`);
      expect(counts.events).toMatchObject({ path: join(dir, 'events'), read: 8, quarantined: 3, accepted: 5 });
      expect(accepted[0].n).toBe(5);
      expect(counts.events.parts).toEqual([
        { path: file(1), read: 2, quarantined: 0 },
        { path: file(2), read: 3, quarantined: 1 },
        { path: file(3), read: 3, quarantined: 2 },
      ]);
      const rows = quarantine(qdir, 'events').map((r) => r.split(',').slice(0, 3).join(','));
      // Rows count within each file, blank lines included (day 3's row 1 is blank).
      expect(rows).toEqual([
        `${file(2)},2,unknown value in service`,
        `${file(3)},3,unparseable CSV row: too many columns`,
        `${file(3)},4,exact duplicate of an earlier row`,
      ]);
    });
  }

  it('reads files named events-* in the data folder itself the same way', async () => {
    const dir = folderPilot(false);
    for (let i = 1; i <= 3; i++) renameSync(join(dir, 'events', `day-0${i}.csv`), join(dir, `events-day-0${i}.csv`));
    rmSync(join(dir, 'events'), { recursive: true });
    const { db, counts } = await loadAll(dir);
    closeDb(db);
    expect(counts.events).toMatchObject({ path: join(dir, 'events[-_]*'), read: 8, quarantined: 3 });
    expect(counts.events.parts!.map((p) => [p.path, p.quarantined])).toEqual([1, 2, 3].map((i) => [join(dir, `events-day-0${i}.csv`), i - 1]));
  });

  it('refuses a folder that mixes formats, and files whose headers differ', async () => {
    const dir = folderPilot(false);
    writeFileSync(join(dir, 'events', 'day-04.csv.gz'), gzipSync(`${HEADER}\n${event(5, 'C1')}\n`));
    await expect(preflight(dir)).rejects.toThrow(/mixes csv and csv.gz files/);
    rmSync(join(dir, 'events', 'day-04.csv.gz'));
    writeFileSync(join(dir, 'events', 'day-04.csv'), `${HEADER.replace('charge', 'cost')},charge\n`);
    await expect(preflight(dir)).rejects.toThrow(/day-04.csv has other columns than .*day-01.csv/);
  });
});
