/**
 * What a step is (Kedro's `node(func, inputs, outputs)`): a pure function over named data sets of the
 * catalog and its own config section. The runner (run.ts) does everything else: order, I/O, timing,
 * the manifest. Adding a step is one module with a StepDef and one entry in registry.ts.
 */
import type { ColumnTable } from 'arquero';
import type { DatasetName } from '../catalog';
import type { FileName } from '../io/contract';
import type { Db } from '../io/duckdb';
import type { Progress } from '../util/progress';
import type { ReportSection } from '../report/view';
import type { Cache } from './cache';

/** A data set's value in memory: a line-level table, a folder of Parquet files (its path), JSON or text. */
export type Data = ColumnTable | string | object;

export type Tables = Partial<Record<DatasetName, Data>>;

export interface StepContext {
  /** The run's seed: every random choice of a step derives from it. */
  seed: number;
  /** The pilot data folder (only the load step reads raw files). */
  data: string;
  /** The output folder, for steps that hand work to DuckDB (which reads and writes files itself). */
  out: string;
  /**
   * Worker threads for per-account work covering `lines` lines: engine.workers (0: one per core), or 1 (the main
   * thread) below engine.workers_min_lines.
   */
  workers(lines: number): number;
  /** The embedded DuckDB of the run, opened on first use and closed by the runner. */
  db(): Promise<Db>;
  /** A progress bar on stderr (a no-op when stderr is no terminal). */
  progress(label: string): Progress;
  log(line: string): void;
  /** Key of the keyed hash behind every pseudonym a step shows. */
  pseudonymKey: string;
  /** A warning for stderr and run.json (and the report, which shows run.json's warnings). */
  warn(message: string): void;
  /** What the step's preflight returned. */
  plan?: unknown;
  /** Results of costly pure computations kept across runs, by a hash of their inputs (cache.ts). */
  cache(namespace: string): Cache;
}

/** Validation of a config section: `check(condition, key, message)` throws naming `<section>.<key>`. */
export type Check = (ok: boolean, key: string, message: string) => void;

export interface StepDef<P = any> {
  name: string;
  /** One line for the log and --help. */
  summary: string;
  /** Catalog data sets the step reads; each comes from the step that writes it, in memory or from disk. */
  inputs: readonly DatasetName[];
  /**
   * Data sets the step reads when an earlier step of the run, or an earlier run, made them (breakdowns,
   * report sections); a run --from their writer runs the step again.
   */
  optionalInputs?: readonly DatasetName[];
  /** Input files of the pilot folder it cannot do without: a run that includes the step needs them. */
  requires?: readonly FileName[];
  /**
   * Whether the step has anything to do with this pilot (measure: only with campaigns). A step that does
   * not apply is left out of the run, and its outputs with it; it is run only when named in `steps`.
   */
  applies?(facts: { hasInput(file: FileName): Promise<boolean> }): Promise<boolean>;
  /** What the log says when `applies` is false: why there is nothing to do and what would change that. */
  idleBecause?: string;
  outputs: readonly DatasetName[];
  /** Data sets it writes only when its config asks (the pilot's pseudonym lookup); else any old copy is removed. */
  optionalOutputs?: readonly DatasetName[];
  /** The step's own config section, merged over these defaults; validated by `validate`. */
  defaults: P;
  /** Paths (below the section) of maps whose keys the user chooses, e.g. `rules` and `rules.*.when`. */
  maps?: readonly string[];
  validate?(params: P, check: Check): void;
  /**
   * Checks that need the data but no work (e.g. configured accounts exist); run before anything is written.
   * What it returns reaches `run` as `ctx.plan` (the load step's located input files).
   */
  preflight?(params: P, facts: PreflightFacts): Promise<unknown> | unknown;
  run(inputs: Tables, params: P, ctx: StepContext): Promise<Tables> | Tables;
  /** The log line after the step, from its outputs. */
  describe?(outputs: Tables): string;
  /** The step's part of the findings report, loaded only when the report is built (charts load jsdom). */
  section?: () => Promise<{ section: ReportSection }>;
}

export interface PreflightFacts {
  /** The pilot data folder. */
  data: string;
  /** Input files the steps of this run cannot do without. */
  required: readonly FileName[];
  /** The output folder (for temporary files; nothing is written before preflight ends). */
  out: string;
  /** Account ids the pilot holds (from the raw accounts file, or the accepted inputs of an earlier run). */
  accountIds(): Promise<Set<string>>;
}
