/**
 * What every notebook shares: its parameters, the config, the run's tables by catalog name, the pseudonym
 * key, display helpers, and the step calls of the CLI. A notebook's parameters cell calls `openSession`;
 * the cells after it need no setup and no cast.
 *
 * Notebooks write to their own output folder (default `outputs/notebooks`), never to the CLI's, and a
 * what-if (`preview`) writes nothing at all.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import * as tslab from 'tslab';
import { resolveConfig, type Config } from '../config';
import type { DatasetName } from '../catalog';
import { DATASETS } from '../catalog';
import { previewSteps, readOutput, runPipeline, type Manifest } from '../pipeline/run';
import { pseudonymKey, withPseudonyms } from '../report/privacy';
import { notebookParams } from './params';
import { calibrationCheck, type CalibrationCheck } from '../quality/metrics';

export interface NotebookParams {
  /** Pilot data folder (the data contract). */
  data: string;
  /** The notebooks' own output folder. */
  out: string;
  /** Config overrides, as in a --config file (docs/config.md). */
  config: Record<string, unknown>;
  /** The account to look at closely; empty = the largest. */
  account: string;
}

/** Catalog data sets that are tables. */
export type TableName = { [K in DatasetName]: (typeof DATASETS)[K]['kind'] extends 'table' ? K : never }[DatasetName];

/** Tables a what-if computed, by catalog name. */
export interface Preview {
  table(name: TableName): ColumnTable;
}

export class Session<P extends NotebookParams = NotebookParams> {
  readonly config: Config;
  readonly key: string;

  constructor(readonly params: P) {
    this.config = resolveConfig(params.config);
    this.key = pseudonymKey(this.config.pseudonym_key);
  }

  /** A table of the run, read and checked as the catalog declares it. */
  table(name: TableName): ColumnTable {
    return this.tableIn(this.params.out, name);
  }

  /** A table of another output folder (e.g. a measurement run beside the notebooks' own). */
  tableIn(folder: string, name: TableName): ColumnTable {
    return readOutput(folder, name) as ColumnTable;
  }

  /** Runs steps as `npm run pipeline -- --from FROM --until UNTIL` does, into the notebooks' folder. */
  run(options: { from?: string; until?: string; config?: Config } = {}): Promise<Manifest> {
    return runPipeline({ data: options.from ? undefined : this.params.data, out: this.params.out, config: options.config ?? this.config, ...options, log: (l) => console.log(l) });
  }

  /** What steps would give with another config, in memory: nothing is written. */
  async preview(from: string, until: string, overrides: Record<string, unknown>): Promise<Preview> {
    const tables = await previewSteps({ out: this.params.out, config: resolveConfig(overrides, this.config), from, until });
    return {
      table(name) {
        const t = tables[name];
        if (!t) throw new Error(`segment-of-one/notebook: the preview from ${from} to ${until} gives no ${name}`);
        return t as ColumnTable;
      },
    };
  }

  /** The account the notebook looks at: the parameter, or the one with most lines. */
  get account(): string {
    if (this.params.account) return this.params.account;
    const counts = this.table('mart').groupby('account_id').count().orderby(aq.desc('count'), 'account_id');
    return counts.numRows() ? String(counts.get('account_id', 0)) : '';
  }

  get accountNames(): Map<string, string> {
    const accounts = this.table('accounts');
    const ids = accounts.array('account_id') as string[];
    const names = accounts.array('account_name') as string[];
    return new Map(ids.map((id, i) => [id, names[i]]));
  }

  /** The rows of one account (default: the notebook's account). */
  ofAccount(table: ColumnTable, account = this.account): ColumnTable {
    return table.params({ account }).filter((d: { account_id: string }, $: { account: string }) => d.account_id === $.account);
  }

  /** Line ids replaced by keyed pseudonyms (an `employee` column), for anything shown. */
  pseudonymous(table: ColumnTable): ColumnTable {
    return withPseudonyms(table, this.key);
  }

  /** How well the propensities are calibrated: against planted adoption on a generated pilot, else in-sample. */
  calibration(): CalibrationCheck {
    return calibrationCheck(this.params.out, this.params.data, this.config.propensities.adoption_days);
  }

  show(table: ColumnTable, limit = 10): void {
    tslab.display.html(table.toHTML({ limit }));
  }

  chart(svg: string): void {
    tslab.display.html(svg);
  }
}

/** The parameters cell: defaults written in the cell, overridden by `npm run notebooks`. */
export function openSession<P extends NotebookParams>(defaults: P): Session<P> {
  return new Session(notebookParams(defaults));
}
