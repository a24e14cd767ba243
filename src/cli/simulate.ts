#!/usr/bin/env node
/**
 * npm run simulate -- --data DIR --pilot OUT/pilot --out DIR2: a pilot data folder as it would come back
 * after the pilot ran, with a planted uplift and spill-over (src/generate/outcome.ts), so that
 * `npm run measure -- --data DIR2` can be checked against DIR2_truth/pilot_outcome_truth.csv.
 *
 * DIR2 is DIR's contract files, byte for byte, except:
 * - campaigns and assignments: the pilot's (after DIR's own, when it has some);
 * - responses: DIR's response memory with the simulated responses appended (it is append-only);
 * - lines and accounts (CSV): the attributes the simulation and the measurement slice by, taken from the
 *   pipeline run that designed the pilot (persona, value_tier and community of lines; segment and channel
 *   of accounts) as extra columns, which the contract keeps and `npm run measure` breaks down by: a
 *   measurement run starts from the raw files and has no persona or community of its own. Columns DIR
 *   already has are left alone, and every record keeps its bytes, broken ones too (they get empty fields).
 */
import { parseArgs } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SoOError } from '../util/errors';
import { CONTRACT, type FileName } from '../io/contract';
import { locate, splitCsvRecord } from '../io/files';
import { closeDb, lit, openDb, queryRows } from '../io/duckdb';
import { datasetPath } from '../catalog';
import { csvField } from '../generate/sink';
import { RESPONSE_COLUMNS, TRUTH_COLUMNS, simulateOutcome, type OutcomeOptions, type UpliftRule } from '../generate/outcome';
import { runMain, toInt, toNumber } from './main';
import { plural } from '../util/text';

const USAGE = `Usage: npm run simulate -- --data DIR --pilot OUT/pilot --out DIR2 [--uplift 0.03] [--uplift-by persona:executive=0.05,...] [--spillover 0.02] [--seed N]

Simulates how the pilot designed in OUT/pilot turns out: treated units are contacted and adopt at the base
rate plus a planted uplift, control units at the base rate, untreated colleagues of treated accounts or
communities at the base rate plus a planted spill-over. Writes DIR's files with the pilot's campaigns and
assignments and the responses appended to DIR2, and the planted truth to DIR2_truth/pilot_outcome_truth.csv;
then measure it into an output folder of its own: npm run measure -- --data DIR2 --out DIR3.
  --data DIR          the pilot data folder the pilot was designed on
  --pilot DIR         the pilot step's folder (campaigns.csv, assignments.csv, design.csv)
  --out DIR2          folder to write (new or empty)
  --truth DIR         where the truth goes (default DIR2_truth)
  --seed N            random seed (default 1); same seed and inputs, same bytes
  --uplift X          planted absolute uplift of every campaign (default 0.03); CAMPAIGN=X for one (repeatable)
  --uplift-by LIST    uplift by segment: [CAMPAIGN/]ATTRIBUTE:VALUE=X, comma-separated (repeatable);
                      ATTRIBUTE a column of lines or accounts, e.g. persona:executive=0.05
  --spillover X       planted spill-over on untreated colleagues, campaigns randomised by account or
                      community (default 0); CAMPAIGN=X for one (repeatable)
  --base-rate X       base rate (default: the design's base_rate, else 0.05); CAMPAIGN=X for one (repeatable)
  --icc X             intra-cluster correlation of adoption (default 0)
  --value-median X    median value of an adoption (default: the product's first-year margin)
  --value-sigma X     log-normal sigma of the value (default 0.5)
  --funnel            adopters also record a visit the same day
  --help              this text
`;

type Row = Record<string, string>;

/** A CSV text as records with their line ends, quotes respected (RFC 4180); the text is kept as written. */
function records(text: string): { record: string; end: string }[] {
  const out: { record: string; end: string }[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      const end = ch === '\r' && text[i + 1] === '\n' ? '\r\n' : ch;
      out.push({ record: text.slice(from, i), end });
      i += end.length - 1;
      from = i + 1;
    }
  }
  if (from < text.length) out.push({ record: text.slice(from), end: '' });
  return out;
}

const stripBom = (s: string) => s.replace(/^\ufeff/, '');

function readText(path: string, encoding: BufferEncoding): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString(encoding);
}

/** The rows of a CSV file as text; rows whose field count differs from the header's are left out (the loader quarantines them). */
function csvRows(path: string): { columns: string[]; rows: Row[] } {
  const [head, ...rest] = records(stripBom(readText(path, 'utf8')));
  const columns = splitCsvRecord(head?.record ?? '').map((c) => c.trim());
  const rows: Row[] = [];
  for (const { record } of rest) {
    if (!record.trim()) continue;
    const f = splitCsvRecord(record);
    if (f.length === columns.length) rows.push(Object.fromEntries(columns.map((c, i) => [c, f[i]])));
  }
  return { columns, rows };
}

/** A contract file of a data folder as rows (CSV, CSV.gz or Parquet); undefined when absent. */
async function contractRows(dir: string, name: FileName): Promise<{ columns: string[]; rows: Row[]; format: string; path: string } | undefined> {
  const found = locate(dir, name);
  if (!found) return undefined;
  if (found.format !== 'parquet') return { ...csvRows(found.path), ...found };
  const db = await openDb();
  try {
    const rows = await queryRows<Record<string, unknown>>(db, `SELECT * FROM read_parquet(${lit(found.path)})`);
    const text = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    return { columns: Object.keys(rows[0] ?? {}), rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, text(v)]))), ...found };
  } finally {
    closeDb(db);
  }
}

/** A number, or CAMPAIGN=number, per flag value. */
function perCampaign(values: string[] | undefined, name: string): { all?: number; by: Record<string, number> } {
  const out: { all?: number; by: Record<string, number> } = { by: {} };
  for (const v of values ?? []) {
    const eq = v.lastIndexOf('=');
    if (eq < 0) out.all = toNumber(v, name, NaN);
    else out.by[v.slice(0, eq)] = toNumber(v.slice(eq + 1), name, NaN);
  }
  return out;
}

/** [CAMPAIGN/]ATTRIBUTE:VALUE=X, comma-separated. */
function upliftRules(values: string[] | undefined): UpliftRule[] {
  return (values ?? []).flatMap((list) => list.split(',').filter((s) => s.trim()).map((spec) => {
    const m = /^(?:([^/]+)\/)?([^:=]+):(.*)=([^=]+)$/.exec(spec.trim());
    if (!m) throw new SoOError('simulate', `--uplift-by ${spec}: expected [CAMPAIGN/]ATTRIBUTE:VALUE=UPLIFT, e.g. persona:executive=0.05`);
    return { ...(m[1] ? { campaign_id: m[1] } : {}), attribute: m[2], value: m[3], uplift: toNumber(m[4], 'uplift-by', NaN) };
  }));
}

const toBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * A CSV file with columns appended to every record, its bytes otherwise kept (read as latin-1, which maps
 * bytes one to one); a record whose field count is not the header's gets empty fields and stays as broken.
 */
function appendColumns(path: string, columns: string[], valueOf: (row: Row) => (string | number | null)[]): Buffer {
  const [head, ...rest] = records(readText(path, 'latin1'));
  const names = splitCsvRecord(head.record.replace(/^\xef\xbb\xbf/, '')).map((c) => Buffer.from(c.trim(), 'latin1').toString('utf8'));
  const parts = [head.record, ...columns.map((c) => ',' + toBytes(csvField(c))), head.end || '\n'];
  for (const { record, end } of rest) {
    if (!record.trim()) {
      parts.push(record, end);
      continue;
    }
    const f = splitCsvRecord(record);
    const values = f.length === names.length ? valueOf(Object.fromEntries(names.map((n, i) => [n, Buffer.from(f[i], 'latin1').toString('utf8')]))) : columns.map(() => null);
    parts.push(record, ...values.map((v) => ',' + toBytes(csvField(v))), end || '\n');
  }
  const bytes = Buffer.from(parts.join(''), 'latin1');
  return path.endsWith('.gz') ? gzipSync(bytes) : bytes;
}

function csvText(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c] as string | number | null | undefined)).join(','))].join('\n') + '\n';
}

/** Attribute columns of a pipeline output table, by key; undefined when the step did not run. */
function attributes(path: string, key: string, columns: string[]): Map<string, Row> | undefined {
  if (!existsSync(path)) return undefined;
  const t = csvRows(path);
  if (!columns.every((c) => t.columns.includes(c))) return undefined;
  return new Map(t.rows.map((r) => [r[key], Object.fromEntries(columns.map((c) => [c, r[c]]))]));
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' }, pilot: { type: 'string' }, out: { type: 'string' }, truth: { type: 'string' }, seed: { type: 'string' },
      uplift: { type: 'string', multiple: true }, 'uplift-by': { type: 'string', multiple: true }, spillover: { type: 'string', multiple: true },
      'base-rate': { type: 'string', multiple: true }, icc: { type: 'string' }, 'value-median': { type: 'string' }, 'value-sigma': { type: 'string' },
      funnel: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.data || !values.pilot || !values.out) {
    process.stdout.write(USAGE);
    if (!values.help) process.exit(1);
    return;
  }
  const { data, pilot, out } = values as { data: string; pilot: string; out: string };
  const truthDir = values.truth ?? `${out.replace(/[/\\]+$/, '')}_truth`;
  if (!existsSync(data)) throw new SoOError('simulate', `pilot data folder ${data} does not exist`);
  for (const name of ['lines', 'accounts'] as const) if (!locate(data, name)) throw new SoOError('simulate', `${data} has no ${name} file (${name}.csv, .csv.gz or .parquet)`);
  for (const f of ['campaigns.csv', 'assignments.csv']) {
    if (!existsSync(join(pilot, f))) throw new SoOError('simulate', `${join(pilot, f)} is missing: design the pilot first (npm run pipeline -- --data ${data} --until pilot)`);
  }
  if ([resolve(data), resolve(pilot)].includes(resolve(out))) throw new SoOError('simulate', `--out ${out} must be a new folder, not --data or --pilot`);
  if (existsSync(out) && readdirSync(out).length) throw new SoOError('simulate', `--out ${out} exists and is not empty: give a new folder`);

  // The pilot, and what the run that designed it knows of lines and accounts.
  const campaigns = csvRows(join(pilot, 'campaigns.csv'));
  const assignments = csvRows(join(pilot, 'assignments.csv'));
  const design = existsSync(join(pilot, 'design.csv')) ? csvRows(join(pilot, 'design.csv')).rows : undefined;
  const run = dirname(resolve(pilot));
  const lines = (await contractRows(data, 'lines'))!;
  const accounts = (await contractRows(data, 'accounts'))!;
  const extra = {
    lines: [attributes(datasetPath(run, 'personas'), 'line_id', ['persona']), attributes(datasetPath(run, 'value'), 'line_id', ['value_tier']), attributes(datasetPath(run, 'network'), 'line_id', ['community'])],
    accounts: [attributes(datasetPath(run, 'account_segments'), 'account_id', ['segment', 'channel'])],
  };
  const added = { lines: [] as string[], accounts: [] as string[] };
  for (const file of ['lines', 'accounts'] as const) {
    const table = file === 'lines' ? lines : accounts;
    const key = file === 'lines' ? 'line_id' : 'account_id';
    for (const m of extra[file]) {
      if (!m) continue;
      const columns = Object.keys(m.values().next().value ?? {}).filter((c) => !table.columns.includes(c));
      if (!columns.length) continue;
      added[file].push(...columns);
      for (const r of table.rows) for (const c of columns) r[c] = m.get(r[key])?.[c] ?? '';
    }
  }
  const products = await contractRows(data, 'products');
  const contacts = await contractRows(data, 'contacts');
  const earlier = await contractRows(data, 'responses');
  // Rows the loader would quarantine (no date, no response kind) are not part of the memory measurement reads.
  const memory = earlier?.rows.filter((r) => /^\d{4}-\d{2}-\d{2}/.test(r.date ?? '') && r.response) ?? [];

  const uplift = perCampaign(values.uplift, 'uplift');
  const spill = perCampaign(values.spillover, 'spillover');
  const base = perCampaign(values['base-rate'], 'base-rate');
  const options: Partial<OutcomeOptions> = {
    seed: toInt(values.seed, 'seed', 1),
    uplift: uplift.all ?? 0.03, upliftByCampaign: uplift.by, upliftBy: upliftRules(values['uplift-by']),
    spillover: spill.all ?? 0, spilloverByCampaign: spill.by,
    baseRate: base.all ?? 0.05, baseRates: base.by,
    icc: toNumber(values.icc, 'icc', 0),
    valueMedian: values['value-median'] === undefined ? null : toNumber(values['value-median'], 'value-median', NaN),
    valueSigma: toNumber(values['value-sigma'], 'value-sigma', 0.5),
    funnel: Boolean(values.funnel),
  };
  // An earlier pilot's campaigns stay; the same campaign twice would mix two pilots' units.
  const before = { campaigns: await contractRows(data, 'campaigns'), assignments: await contractRows(data, 'assignments') };
  for (const [name, t] of Object.entries(before)) {
    if (t?.format === 'parquet') throw new SoOError('simulate', `${t.path}: adding the pilot's ${name} to a Parquet file is not supported: convert it to CSV`);
  }
  const known = new Set(before.campaigns?.rows.map((r) => r.campaign_id));
  const twice = campaigns.rows.map((r) => r.campaign_id).filter((id) => known.has(id));
  if (twice.length) throw new SoOError('simulate', `campaign ${twice.join(', ')} is already in ${before.campaigns!.path}: simulate a pilot on the data folder it was designed on`);

  const result = simulateOutcome({
    campaigns: campaigns.rows, assignments: assignments.rows, design, lines: lines.rows, accounts: accounts.rows,
    products: products?.rows, contacts: contacts?.rows, responses: memory,
  }, options);
  const taken = new Set(earlier?.rows.map((r) => r.response_id).filter(Boolean));
  const clash = result.responses.find((r) => taken.has(r.response_id));
  if (clash) throw new SoOError('simulate', `response_id ${clash.response_id} is already in ${earlier!.path}: give another --seed`);
  if (earlier?.format === 'parquet') throw new SoOError('simulate', `${earlier.path}: appending to a Parquet response memory is not supported: convert it to CSV`);

  // DIR2: DIR's files, the pilot, the memory with the new responses.
  mkdirSync(out, { recursive: true });
  const merged = new Set<FileName>(['campaigns', 'assignments', 'responses']);
  const notes = [...result.notes];
  for (const spec of CONTRACT) {
    const found = locate(data, spec.name);
    if (!found || merged.has(spec.name)) continue;
    const target = join(out, `${spec.name}.${found.format}`);
    const columns = spec.name === 'lines' ? added.lines : spec.name === 'accounts' ? added.accounts : [];
    if (!columns.length) copyFileSync(found.path, target);
    else if (found.format === 'parquet') {
      copyFileSync(found.path, target);
      notes.push(`${found.path} is Parquet: ${columns.join(', ')} not added, so measurement cannot slice by them`);
    } else {
      const key = spec.name === 'lines' ? 'line_id' : 'account_id';
      const table = spec.name === 'lines' ? lines : accounts;
      const byKey = new Map(table.rows.map((r) => [r[key], r]));
      writeFileSync(target, appendColumns(found.path, columns, (r) => columns.map((c) => byKey.get(r[key])?.[c] ?? null)));
    }
  }
  for (const name of ['campaigns', 'assignments'] as const) {
    const old = before[name];
    const mine = name === 'campaigns' ? campaigns : assignments;
    const columns = [...new Set([...(old?.columns ?? []), ...mine.columns])];
    writeFileSync(join(out, `${name}.csv`), csvText(columns, [...(old?.rows ?? []), ...mine.rows]));
  }
  const fresh = result.responses as unknown as Record<string, unknown>[];
  if (earlier) {
    const missing = RESPONSE_COLUMNS.filter((c) => !earlier.columns.includes(c));
    const columns = [...earlier.columns, ...missing];
    const kept = missing.length ? appendColumns(earlier.path, missing, () => missing.map(() => null)) : readFileSync(earlier.path);
    const text = (earlier.path.endsWith('.gz') ? gunzipSync(kept) : kept).toString('latin1');
    const appended = csvText(columns, fresh).split('\n').slice(1).join('\n');
    writeFileSync(join(out, 'responses.csv'), Buffer.from((text.endsWith('\n') || text.endsWith('\r') || !text ? text : text + '\n') + toBytes(appended), 'latin1'));
  } else writeFileSync(join(out, 'responses.csv'), csvText(RESPONSE_COLUMNS, fresh));

  mkdirSync(truthDir, { recursive: true });
  writeFileSync(join(truthDir, 'pilot_outcome_truth.csv'), csvText(TRUTH_COLUMNS, result.truth as unknown as Record<string, unknown>[]));
  writeFileSync(join(truthDir, 'pilot_outcome_options.json'), JSON.stringify({ data, pilot, options, added_columns: added, notes }, null, 2) + '\n');

  const count = (kind: string) => result.responses.filter((r) => r.response === kind).length;
  for (const note of notes) process.stderr.write(`[simulate] ${note}\n`);
  if (added.lines.length || added.accounts.length) process.stderr.write(`[simulate] added to lines: ${added.lines.join(', ') || 'none'}; to accounts: ${added.accounts.join(', ') || 'none'} (from ${run})\n`);
  process.stderr.write(
    `[done] ${campaigns.rows.length} ${plural(campaigns.rows.length, 'campaign')}: ${count('contacted')} contacted, ${count('adopted')} adopted, ${count('meeting')} meetings` +
      `${earlier ? `, appended to ${earlier.rows.length} earlier responses` : ''}; data in ${out}, truth in ${join(truthDir, 'pilot_outcome_truth.csv')}\n` +
      `       measure it: npm run measure -- --data ${out} --out OUT\n`,
  );
});
