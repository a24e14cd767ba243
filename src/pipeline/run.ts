/**
 * The runner (Kedro's runner with `from_nodes`/`to_nodes`): one loop for every step of the registry.
 *
 * - `from`: the step and every step that reads, directly or not, what it writes; `until`: only steps that
 *   `until` needs. A step that does not run gives its outputs from disk.
 * - Every output is checked against the catalog and written atomically; an output a later step reads is
 *   handed on as written (parsed back from its text), so a full run and a run `--from` any step compute
 *   from the same bytes by construction.
 * - Before any work: the plan, the inputs it needs from earlier runs, each step's preflight (files,
 *   headers, configured accounts), a writable output folder. Then the outputs about to be rewritten and
 *   those made stale by them are removed, so a run that is stopped or killed leaves no table that looks
 *   current, and run.json says how far it got.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ColumnTable } from 'arquero';
import { diskCache } from './cache';
import { DATASETS, datasetFiles, datasetPath, runFiles, tableFiles, type DatasetName, type TableDataset } from '../catalog';
import type { Config, SectionName } from '../config';
import { FEATURES } from '../mart/dictionary';
import { ruleFeatures } from '../features/rules';
import { closeDb, lit, openDb, queryRows, resolveEngine, type Db, type EngineParams } from '../io/duckdb';
import { locate } from '../io/files';
import { CONTRACT, type FileName } from '../io/contract';
import { checkMartFolder, readMartFolder } from '../mart/folder';
import type { FileCounts } from '../io/load';
import { acceptedSql, hasAccepted } from '../io/step';
import { emptyOf, MissingColumns, normalizeTable, readParquetTable, readTable, writeParquetTable, writeTable, writeText, type TableFormat } from '../io/tables';
import { SoOError } from '../util/errors';
import { Progress } from '../util/progress';
import { workersFor } from '../util/workers';
import { pseudonymKey } from '../report/privacy';
import { STEPS, stepByName } from './registry';
import { debugTime } from '../util/debug';
import type { Data, StepContext, StepDef, Tables } from './step';
import { plural } from '../util/text';

export interface PipelineOptions {
  /** Pilot data folder; needed when the load step runs. With `from`, it must be the folder of the run continued. */
  data?: string;
  out: string;
  config: Config;
  /** Run this step and every step that depends on it. */
  from?: string;
  /** Run only what this step needs, up to it. */
  until?: string;
  /**
   * A folder holding a mart computed elsewhere (src/mart/folder.ts, docs/data-contract.md): the run starts after
   * the mart step, from `from` (default network), with the folder's tables as the mart step's outputs.
   */
  mart?: string;
  /** Run exactly these steps, in registry order (e.g. npm run measure: load and measure). */
  steps?: readonly string[];
  /** Progress lines; default stderr. Pass () => {} for silence. */
  log?: (line: string) => void;
}

export interface StepRecord {
  status: 'pending' | 'ran' | 'kept' | 'removed' | 'left out' | 'imported';
  seconds?: number;
  /** The step's config section as it ran. */
  config?: unknown;
}

export interface Manifest {
  completed: boolean;
  error?: string;
  data: string;
  /** The folder a mart computed elsewhere came from (--mart), when the run started from one. */
  mart?: string;
  from: string;
  until: string;
  seed: number;
  config: Config;
  inputs: FileCounts[];
  observed_days?: number;
  /** Each step: ran in this run, kept from an earlier one, or pending (the run stopped before it). */
  steps: Record<string, StepRecord>;
  /** Outputs that are current: rows of each table, bytes of each document. */
  outputs: Record<string, number>;
  /** Outputs of earlier runs removed because a step they depend on ran again without them. */
  removed_stale: string[];
  warnings: string[];
  timings_s: Record<string, number>;
  /** Peak resident memory of the process (JS and DuckDB), MB. */
  peak_rss_mb?: number;
  /** DuckDB's threads and memory limit on this machine: config.engine with its shares resolved. */
  engine?: Pick<EngineParams, 'threads' | 'memory_limit'>;
  versions: Record<string, string>;
}

/** Old step names that still work on the command line. */
const ALIASES: Record<string, string> = { segments: 'personas' };

function versions(): Record<string, string> {
  // Looked up in the folders Node would search, not through require.resolve('<name>/package.json'): a package
  // whose `exports` leaves its package.json out (graphology, ml-kmeans) refuses that path.
  const pkg = (name: string) => {
    for (const dir of require.resolve.paths(name) ?? []) {
      const file = join(dir, name, 'package.json');
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version as string;
    }
    return 'unknown';
  };
  const own = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
  return {
    'segment-of-one': own, node: process.version, '@duckdb/node-api': pkg('@duckdb/node-api'), arquero: pkg('arquero'),
    graphology: pkg('graphology'), 'ml-kmeans': pkg('ml-kmeans'),
  };
}

/** Config keys that name mart features must name real ones: checked before any work. */
function checkFeatures(config: Config): void {
  const known = new Set(FEATURES.map((f) => f.name));
  const named: [string, readonly string[]][] = [
    ['personas.features', config.personas.features],
    ['personas.rules.*.when', ruleFeatures(Object.values(config.personas.rules))],
    ['propensities.features', config.propensities.features],
  ];
  for (const [key, list] of named) {
    const bad = list.filter((f) => !known.has(f));
    if (bad.length) throw new SoOError('config', `${key} names unknown mart ${plural(bad.length, 'feature')} ${bad.join(', ')}`);
  }
}

function stepNamed(name: string, flag: string): StepDef {
  const step = stepByName(ALIASES[name] ?? name);
  if (!step) throw new SoOError('pipeline', `${flag} must be one of ${STEPS.map((s) => s.name).join(', ')}, got ${name}`);
  return step;
}

/** The steps that write what `step` needs. */
function upstream(step: StepDef): StepDef[] {
  return STEPS.filter((s) => s !== step && s.outputs.some((o) => step.inputs.includes(o)));
}

/** Everything a step reads, needed or optional. */
const reads = (step: StepDef): readonly DatasetName[] => [...step.inputs, ...(step.optionalInputs ?? [])];

function closure(start: StepDef, next: (s: StepDef) => StepDef[]): Set<StepDef> {
  const seen = new Set<StepDef>([start]);
  const queue = [start];
  while (queue.length) for (const s of next(queue.pop()!)) if (!seen.has(s)) (seen.add(s), queue.push(s));
  return seen;
}

/** The steps that read, needed or optional, what `step` writes. */
const downstream = (step: StepDef) => STEPS.filter((s) => s !== step && reads(s).some((i) => step.outputs.includes(i)));

/** The steps a run takes, in registry order: from `from` down its dependants, up to what `until` reads. */
export function planSteps(from?: string, until?: string, steps?: readonly string[]): StepDef[] {
  if (steps) {
    const named = new Set(steps.map((s) => stepNamed(s, '--steps')));
    return STEPS.filter((s) => named.has(s));
  }
  let chosen = new Set(from ? closure(stepNamed(from, '--from'), downstream) : STEPS);
  if (until) {
    const needed = closure(stepNamed(until, '--until'), (s) => STEPS.filter((w) => w !== s && w.outputs.some((o) => reads(s).includes(o))));
    chosen = new Set([...chosen].filter((s) => needed.has(s)));
    if (!chosen.size) throw new SoOError('pipeline', `--until ${until} is not after --from ${from}: nothing to run`);
  }
  return STEPS.filter((s) => chosen.has(s));
}

/** Steps whose outputs a run makes stale: they depend on a step that runs, and do not run themselves. */
function staleSteps(plan: StepDef[]): StepDef[] {
  const affected = new Set(plan.flatMap((s) => [...closure(s, downstream)]));
  return STEPS.filter((s) => affected.has(s) && !plan.includes(s));
}

function outputKey(name: DatasetName): string {
  return DATASETS[name].path;
}

/**
 * Writes a data set as the catalog says (a table as CSV, Parquet or both, per output.format); returns its value
 * as a later step must see it (parsed back).
 */
async function persist(out: string, name: DatasetName, value: Data, reread: boolean, format: TableFormat, engine: Engine): Promise<{ value: Data; size: number }> {
  const def = DATASETS[name];
  const path = datasetPath(out, name);
  switch (def.kind) {
    case 'table': {
      // A step's empty output may have no columns at all (built from no rows): it goes on with the declared ones.
      const given = (value as ColumnTable).numCols() ? (value as ColumnTable) : emptyOf(def);
      const files = tableFiles(out, name);
      writeTable(files.csv, name, def, given);
      if (format !== 'csv') {
        await writeParquetTable(await engine.get(), files.parquet, def, files.csv);
        if (format === 'parquet') rmSync(files.csv, { force: true });
      }
      return { value: reread ? normalizeTable(name, def, given, true) : given, size: given.numRows() };
    }
    case 'json': {
      const text = JSON.stringify(value, null, 2) + '\n';
      writeText(path, text);
      return { value: JSON.parse(text), size: Array.isArray(value) ? value.length : 1 };
    }
    case 'text':
      writeText(path, value as string);
      return { value, size: Buffer.byteLength(value as string) };
    case 'parquet':
      if (!existsSync(path)) throw new SoOError('pipeline', `${name}: the step did not write ${path}`);
      return { value: path, size: 1 };
    case 'pages': {
      const pages = value as Record<string, string>;
      for (const [file, text] of Object.entries(pages)) writeText(join(path, file), text);
      return { value, size: Object.keys(pages).length };
    }
  }
}

/** Whether an output folder holds a data set (a table in either format). */
export function hasOutput(out: string, name: DatasetName): boolean {
  return datasetFiles(out, name).some((f) => existsSync(f));
}

/**
 * A data set of an output folder, read and checked as the catalog declares it, for notebooks and tools. A table
 * is read from its CSV; one written as Parquet only needs DuckDB, so loadOutput reads it (the runner does).
 */
export function readOutput(out: string, name: DatasetName): Data {
  const def = DATASETS[name];
  const path = datasetPath(out, name);
  if (def.kind === 'table' && !existsSync(path) && existsSync(tableFiles(out, name).parquet)) {
    throw new SoOError('pipeline', `${name} is in ${out} as Parquet only (output.format parquet): read it with loadOutput, or run with output.format csv or both`);
  }
  if (!existsSync(path)) throw new SoOError('pipeline', `${name} (${path}) is missing: run the step that writes it first`);
  switch (def.kind) {
    case 'table':
      try {
        return readTable(path, name, def as TableDataset, diskCache(out, 'tables', { capacity: 200 }));
      } catch (e) {
        // A table an earlier version wrote, before a column was added or split: say which step writes it anew.
        if (!(e instanceof MissingColumns)) throw e;
        const maker = STEPS.find((s) => s.outputs.includes(name));
        throw new SoOError('pipeline', `${e.table}: lacks ${plural(e.missing.length, 'column')} ${e.missing.join(', ')} (${path}): an earlier version of the project wrote it; run again --from ${maker?.name ?? 'load'}`);
      }
    case 'json': return JSON.parse(readFileSync(path, 'utf8'));
    case 'text': return readFileSync(path, 'utf8');
    case 'parquet': return path;
    case 'pages': return Object.fromEntries(readdirSync(path).sort().map((f) => [f, readFileSync(join(path, f), 'utf8')]));
  }
}

/** A data set of an output folder, as readOutput, and a table written as Parquet only through the run's DuckDB. */
export async function loadOutput(out: string, name: DatasetName, db: () => Promise<Db>): Promise<Data> {
  const def = DATASETS[name];
  const { csv, parquet } = def.kind === 'table' ? tableFiles(out, name) : { csv: '', parquet: '' };
  // Both formats hold the same values; the CSV, where there is one, is read through the parsed-table cache.
  if (def.kind === 'table' && !existsSync(csv) && existsSync(parquet)) return readParquetTable(await db(), parquet, name, def);
  return readOutput(out, name);
}

function removeOutputs(out: string, step: StepDef): void {
  for (const name of [...step.outputs, ...(step.optionalOutputs ?? [])]) for (const f of datasetFiles(out, name)) rmSync(f, { recursive: true, force: true });
  if (step.name === 'load') rmSync(runFiles(out).quarantineDir, { recursive: true, force: true });
}

/** An output folder the run can write: created when absent; a file or a read-only place stops the run here. */
function checkOutputFolder(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new SoOError('pipeline', `--out ${out} is a file, not a folder`);
  try {
    mkdirSync(out, { recursive: true });
    const probe = join(out, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    unlinkSync(probe);
  } catch (e) {
    throw new SoOError('pipeline', `cannot write to the output folder ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Account ids of the pilot, for preflight checks: from the raw accounts file, or the accepted inputs of an earlier
 * run, or the accounts table of a run that started from a mart computed elsewhere (it has no inputs).
 */
async function accountIds(db: Db, data: string, out: string, loads: boolean): Promise<Set<string>> {
  if (!loads && !hasAccepted(datasetPath(out, 'inputs'), 'accounts') && hasOutput(out, 'accounts')) {
    return new Set((await loadOutput(out, 'accounts', async () => db) as ColumnTable).array('account_id') as string[]);
  }
  const source = loads
    ? (() => {
        const hit = locate(data, 'accounts');
        if (!hit) return undefined;
        const files = `[${(hit.files ?? [hit.path]).map(lit).join(', ')}]`;
        return hit.format === 'parquet' ? `read_parquet(${files})` : `read_csv(${files}, header = true, all_varchar = true, ignore_errors = true)`;
      })()
    : `(${await acceptedSql(db, datasetPath(out, 'inputs'), 'accounts')})`;
  if (!source) return new Set();
  const rows = await queryRows<{ account_id: string }>(db, `SELECT DISTINCT account_id FROM ${source}`);
  return new Set(rows.map((r) => String(r.account_id)));
}

/** Rows of an accepted input of an earlier run. */
async function inputRows(db: () => Promise<Db>, out: string, file: FileName): Promise<number> {
  // The load's summary counts the accepted rows: reading it spares a run --from a later step the 0.4 s of
  // loading DuckDB to count them in the Parquet file.
  if (hasOutput(out, 'load_summary')) {
    const entry = (readOutput(out, 'load_summary') as FileCounts[]).find((f) => f.file === file);
    if (entry) return entry.accepted;
  }
  const engine = await db();
  const rows = await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM (${await acceptedSql(engine, datasetPath(out, 'inputs'), file)})`);
  return Number(rows[0]?.n ?? 0);
}

/** The run's DuckDB, opened on first use. */
function lazyEngine(config: Config, out: string) {
  let db: Db | undefined;
  return {
    get: async () => (db ??= await openDb({ threads: config.engine.threads, memoryLimit: config.engine.memory_limit, tempDirectory: runFiles(out).tmpDir })),
    close: () => {
      if (db) closeDb(db);
      db = undefined;
    },
  };
}
type Engine = ReturnType<typeof lazyEngine>;

/** A step's inputs: from memory where this run made them, else from disk; optional ones only where they exist. */
async function gatherInputs(step: StepDef, memory: Map<DatasetName, Data>, out: string, engine: Engine): Promise<Tables> {
  // A data set read from the folder stays in memory, as one this run wrote does, while a later step reads it:
  // on `--from personas` six steps read the mart, and each read cost 10-15 ms at the built-in pilot.
  const load = async (name: DatasetName) => {
    const value = await loadOutput(out, name, engine.get);
    memory.set(name, value);
    return value;
  };
  const inputs: Tables = {};
  for (const name of step.inputs) inputs[name] = memory.get(name) ?? (await load(name));
  for (const name of step.optionalInputs ?? []) {
    const value = memory.get(name) ?? (hasOutput(out, name) ? await load(name) : undefined);
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

/** What a run decided before writing anything. */
interface Prepared {
  plan: StepDef[];
  /** Steps with nothing to do on this pilot. */
  leftOut: StepDef[];
  data: string;
  loads: boolean;
  before?: Manifest;
  /** What each step's preflight returned. */
  plans: Map<StepDef, unknown>;
  /** The tables of a mart computed elsewhere (--mart), read and checked, by data set. */
  imported?: Tables;
}

/** Everything that can stop a run, checked before the output folder is touched. */
async function prepare(options: PipelineOptions, engine: Engine, log: (line: string) => void): Promise<Prepared> {
  const { config, out } = options;
  const files = runFiles(out);
  // From a mart computed elsewhere, every step after the mart runs: what the mart step feeds, less the mart itself.
  const from = options.mart !== undefined ? 'mart' : options.from;
  const planned = planSteps(from, options.until, options.steps).filter((s) => options.mart === undefined || s.name !== 'mart');
  checkFeatures(config);
  const loads = planned.some((s) => s.name === 'load');
  let imported: Tables | undefined;
  if (options.mart !== undefined) {
    if (options.from !== undefined && options.from !== 'network') throw new SoOError('pipeline', `--mart starts the run at the first step after the mart: --from network (or no --from), not --from ${options.from}`);
    if (!planned.length) throw new SoOError('pipeline', 'nothing to run after the mart');
    if (options.data !== undefined) throw new SoOError('pipeline', '--mart replaces --data: the run reads the mart folder, not a pilot folder');
    await checkMartFolder(await engine.get(), options.mart);
    imported = (await readMartFolder(await engine.get(), options.mart)) as Tables;
  }

  // The run continued, when it does not start from the raw files.
  let before: Manifest | undefined;
  // A run from a mart computed elsewhere continues no earlier run: what the folder held before is replaced.
  if (existsSync(files.manifest) && !imported) {
    try {
      before = JSON.parse(readFileSync(files.manifest, 'utf8')) as Manifest;
    } catch {
      before = undefined;
    }
  }
  if (!loads && !before && !imported) throw new SoOError('pipeline', `no earlier run in ${out}: run without --from first`);
  if (!loads && options.data !== undefined && before && resolve(before.data) !== resolve(options.data)) {
    throw new SoOError('pipeline', `--data ${options.data} differs from ${before.data}, the data of the run in ${out} that --from continues: run without --from to analyse ${options.data}`);
  }
  const data = loads ? options.data ?? '' : before?.data ?? '';
  if (loads && !data) throw new SoOError('pipeline', 'the load step needs --data');
  if (loads && !existsSync(data)) throw new SoOError('load', `pilot data folder ${data} does not exist`);

  // Steps with nothing to do on this pilot (measure without campaigns) are left out, unless named.
  const hasInput = async (file: FileName) => (loads ? Boolean(locate(data, file)) : hasAccepted(datasetPath(out, 'inputs'), file) && (await inputRows(engine.get, out, file)) > 0);
  const plan: StepDef[] = [];
  const leftOut: StepDef[] = [];
  for (const step of planned) (!options.steps && step.applies && !(await step.applies({ hasInput })) ? leftOut : plan).push(step);
  if (!plan.length) throw new SoOError('pipeline', 'nothing to run');

  // Inputs that no step of this run writes must exist from an earlier run.
  const written = new Set([...plan.flatMap((s) => s.outputs), ...Object.keys(imported ?? {})]);
  for (const step of plan) {
    for (const name of step.inputs) {
      if (!written.has(name) && !hasOutput(out, name)) {
        const maker = STEPS.find((s) => s.outputs.includes(name));
        throw new SoOError('pipeline', `${step.name} needs ${DATASETS[name].path} in ${out}, which is missing: run --from ${maker?.name ?? 'load'} first`);
      }
    }
  }

  // The raw files this run cannot do without: those its steps require, else the contract's required ones.
  const asked = [...new Set(plan.flatMap((s) => s.requires ?? []))];
  const required = asked.length ? asked : CONTRACT.filter((f) => f.required).map((f) => f.name);
  const plans = new Map<StepDef, unknown>();
  for (const step of plan) {
    if (!step.preflight) continue;
    const ids = imported ? async () => new Set((imported!.accounts as ColumnTable).array('account_id') as string[]) : async () => accountIds(await engine.get(), data, out, loads);
    plans.set(step, await step.preflight(config[step.name as SectionName], { data, required, out, accountIds: ids }));
  }
  checkOutputFolder(out);
  return { plan, leftOut, data, loads, before, plans, imported };
}

export async function runPipeline(options: PipelineOptions): Promise<Manifest> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const engine = lazyEngine(options.config, options.out);
  try {
    return await execute(await prepare(options, engine, log), options, engine, log);
  } finally {
    engine.close();
    // The output folder itself may be what failed (a file, read-only): that error is the one to report.
    if (existsSync(options.out) && statSync(options.out).isDirectory()) rmSync(runFiles(options.out).tmpDir, { recursive: true, force: true });
  }
}

/** Runs the prepared plan: removes what it makes stale, runs each step, keeps run.json current. */
async function execute({ plan, leftOut, data, loads, before, plans, imported }: Prepared, options: PipelineOptions, engine: Engine, log: (line: string) => void): Promise<Manifest> {
  const { config, out } = options;
  const files = runFiles(out);
  const manifest: Manifest = {
    completed: false, data, ...((options.mart ?? before?.mart) !== undefined ? { mart: options.mart ?? before?.mart } : {}),
    from: plan[0].name, until: plan[plan.length - 1].name, seed: config.seed, config,
    inputs: loads ? [] : (imported ? (imported.load_summary as FileCounts[] | undefined) : before?.inputs) ?? [], observed_days: before?.observed_days, steps: {}, outputs: {},
    removed_stale: [], warnings: [], timings_s: {}, engine: resolveEngine(config.engine), versions: versions(),
  };
  const stale = staleSteps(plan);
  // From a mart computed elsewhere, the load and mart outputs of whatever the folder held are replaced too.
  const replaced = imported ? STEPS.filter((s) => s.name === 'load' || s.name === 'mart') : [];
  for (const step of STEPS) {
    const previous = before?.steps?.[step.name];
    if (plan.includes(step) || replaced.includes(step)) manifest.steps[step.name] = { status: 'pending' };
    else if (!stale.includes(step) && !leftOut.includes(step) && previous && ['ran', 'kept', 'imported'].includes(previous.status)) {
      manifest.steps[step.name] = { ...previous, status: 'kept' };
      for (const name of step.outputs) if (before?.outputs[outputKey(name)] !== undefined) manifest.outputs[outputKey(name)] = before.outputs[outputKey(name)];
      if (previous.config !== undefined && JSON.stringify(previous.config) !== JSON.stringify(config[step.name as SectionName])) {
        manifest.warnings.push(`${step.name}: its outputs were made with another ${step.name} config than this run's; run --from ${step.name} to apply it`);
      }
    }
  }
  for (const step of [...plan, ...stale, ...replaced]) removeOutputs(out, step);
  for (const step of stale) {
    manifest.steps[step.name] = { status: leftOut.includes(step) ? 'left out' : 'removed' };
    for (const name of step.outputs) if (before?.outputs[outputKey(name)] !== undefined) manifest.removed_stale.push(outputKey(name));
  }
  for (const step of leftOut) manifest.steps[step.name] ??= { status: 'left out' };
  for (const w of manifest.warnings) log(`[pipeline] warning: ${w}`);
  if (manifest.removed_stale.length) log(`[pipeline] removed outputs made stale by this run: ${manifest.removed_stale.join(', ')}`);
  const save = () => {
    manifest.timings_s.total = Object.entries(manifest.timings_s).filter(([k]) => k !== 'total').reduce((a, [, b]) => a + b, 0);
    manifest.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
    writeText(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
  };
  save();
  // Said once run.json is written: a run the output folder stops says only that.
  for (const step of leftOut) log(`[${step.name}] left out: ${step.idleBecause ?? `nothing to do on this pilot (${step.summary})`}`);

  const memory = new Map<DatasetName, Data>();
  const key = pseudonymKey(config.pseudonym_key);
  try {
    if (imported) {
      // The folder's tables are written where the mart step writes its own, so a later run --from reads them alike.
      for (const step of replaced) {
        const names = step.outputs.filter((n) => imported[n] !== undefined);
        for (const name of names) {
          const { value, size } = await persist(out, name, imported[name]!, true, config.output.format, engine);
          memory.set(name, value);
          manifest.outputs[outputKey(name)] = size;
        }
        manifest.steps[step.name] = names.length ? { status: 'imported' } : { status: 'left out' };
      }
      const mart = memory.get('mart') as ColumnTable;
      manifest.observed_days = mart.numRows() ? Number(mart.get('observed_days', 0)) : 0;
      save();
      const edges = (memory.get('edges') as ColumnTable).numRows();
      log(`[mart] imported from ${options.mart}: ${mart.numRows().toLocaleString('en')} ${plural(mart.numRows(), 'line')}, ${edges.toLocaleString('en')} call ${plural(edges, 'edge')}`);
    }
    for (const [i, step] of plan.entries()) {
      const later = plan.slice(i + 1);
      const gathering = Date.now();
      const inputs = await gatherInputs(step, memory, out, engine);
      debugTime('inputs', gathering, () => step.name);
      const ctx: StepContext = {
        seed: config.seed, data, out, log, pseudonymKey: key, plan: plans.get(step), workers: (lines) => workersFor(config.engine, lines),
        db: engine.get, cache: (namespace) => diskCache(out, namespace),
        progress: (label) => new Progress(label),
        warn: (message) => {
          manifest.warnings.push(`${step.name}: ${message}`);
          log(`[${step.name}] warning: ${message}`);
        },
      };
      const started = Date.now();
      const params = config[step.name as SectionName];
      const result = await step.run(inputs, params, ctx);
      debugTime('run', started, () => step.name);
      for (const name of [...step.outputs, ...(step.optionalOutputs ?? [])]) {
        if (result[name] === undefined) {
          if (step.optionalOutputs?.includes(name)) continue;
          throw new Error(`segment-of-one/${step.name}: step gave no ${name}`);
        }
        const writing = Date.now();
        const { value, size } = await persist(out, name, result[name]!, later.some((s) => reads(s).includes(name)), config.output.format, engine);
        debugTime('write', writing, () => name);
        memory.set(name, value);
        manifest.outputs[outputKey(name)] = size;
      }
      const seconds = (Date.now() - started) / 1000;
      manifest.timings_s[step.name] = seconds;
      manifest.steps[step.name] = { status: 'ran', seconds, config: params };
      if (step.name === 'load') manifest.inputs = memory.get('load_summary') as FileCounts[];
      if (step.name === 'mart') {
        const mart = memory.get('mart') as ColumnTable;
        manifest.observed_days = mart.numRows() ? Number(mart.get('observed_days', 0)) : 0;
      }
      save();
      log(`[${step.name}] ${step.describe?.(Object.fromEntries([...step.outputs, ...(step.optionalOutputs ?? [])].map((n) => [n, memory.get(n)]))) ?? 'done'} (${seconds.toFixed(1)}s)`);
      // A table no later step reads is let go: at x100 the edge list and the propensities (1.8 M pairs) held
      // until the report made it the run's peak.
      for (const name of [...memory.keys()]) if (!later.some((s) => reads(s).includes(name))) memory.delete(name);
      // DuckDB is closed between steps (each step sets up what it queries; the next use opens it again): after
      // the mart it held its buffers, some 4 GB at x100, through every later step.
      engine.close();
    }
    manifest.completed = true;
  } catch (e) {
    manifest.error = (e as Error).message;
    throw e;
  } finally {
    save();
  }
  return manifest;
}

/**
 * Runs steps in memory on the outputs of an earlier run and returns what they would write, writing
 * nothing: for an analyst's what-if (a threshold, k) that must not leave the output folder half tuned.
 * Outputs pass through their CSV text as in a run, so a preview gives a run's values.
 */
export async function previewSteps(options: { out: string; config: Config; from: string; until?: string }): Promise<Tables> {
  const plan = planSteps(options.from, options.until);
  if (plan.some((s) => s.name === 'load')) throw new SoOError('pipeline', 'a preview starts after the load step (from mart or later)');
  checkFeatures(options.config);
  const memory = new Map<DatasetName, Data>();
  const engine = lazyEngine(options.config, options.out);
  try {
    for (const step of plan) {
      const ctx: StepContext = {
        seed: options.config.seed, data: '', out: options.out, log: () => undefined, pseudonymKey: pseudonymKey(options.config.pseudonym_key),
        workers: (lines) => workersFor(options.config.engine, lines),
        db: engine.get, progress: (label) => new Progress(label), warn: () => undefined,
        cache: (namespace) => diskCache(options.out, namespace, { readOnly: true }),
      };
      const result = await step.run(await gatherInputs(step, memory, options.out, engine), options.config[step.name as SectionName], ctx);
      for (const name of step.outputs) {
        const def = DATASETS[name];
        memory.set(name, def.kind === 'table' ? normalizeTable(name, def, result[name] as ColumnTable) : result[name]!);
      }
    }
  } finally {
    engine.close();
  }
  return Object.fromEntries(memory);
}
