/**
 * The SQL to hand to a data team (docs/scaling.md): every statement the mart step sends to DuckDB, in order, as
 * the step runs it with the given mart config, recorded from a run on empty inputs. What it builds is the folder
 * `--mart` reads: employee_mart, call_edges, window.json and the reference tables.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { closeDb, lit, openDb, queryRows, run } from '../io/duckdb';
import { fileSpec, type FileName } from '../io/contract';
import { emptyTable, LOAD_ORDER } from '../io/load';
import { inputPath } from '../io/step';
import type { StepContext } from '../pipeline/step';
import { NO_CACHE } from '../pipeline/cache';
import { martStep, type MartParams } from './step';
import { ACTIVE_HOLDINGS_SQL, EDGE_PLACES_SQL, HOLDING_SPELLS_SQL, MART_SQL } from './mart';

/** The file of the mart folder a query's rows become, for the statements whose result leaves DuckDB. */
const RESULTS = new Map([
  // inWrittenJoinOrder (io/duckdb.ts): engine tuning around the edge list, not SQL another engine needs.
  [`SET disabled_optimizers = 'join_order'`, 'DuckDB only: the next statement joins in the order written (its optimiser would join the lines to one another first)'],
  ['RESET disabled_optimizers', 'DuckDB only: the join-order optimiser back on'],
  [MART_SQL, 'gives employee_mart'], [ACTIVE_HOLDINGS_SQL, 'gives active_holdings'], [HOLDING_SPELLS_SQL, 'gives holding_spells'],
  // The table call_edges (built as a table) is the file; this only carries it to JS in fewer strings.
  [EDGE_PLACES_SQL, 'reads call_edges into the workspace, each line as its row number in employee_mart'],
]);

const tidy = (sql: string) => sql.split('\n').map((l) => l.trimEnd()).filter((l, i, all) => l.trim() || (i > 0 && all[i - 1].trim())).join('\n').trim();

/** The mart step's SQL as a script: the inputs it reads, typed, then each statement with what it builds. */
export async function martSql(params: MartParams): Promise<string> {
  const dir = join(tmpdir(), `soo-sql-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const db = await openDb({ threads: 1 });
  const statements: string[] = [];
  try {
    const inputs: string[] = [];
    for (const name of LOAD_ORDER) {
      await emptyTable(db, fileSpec(name));
      const columns = await queryRows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${name}`);
      inputs.push(`--   ${name}(${columns.map((c) => `${c.column_name} ${c.column_type}`).join(', ')})`);
      await run(db, `COPY ${name} TO ${lit(inputPath(dir, name))} (FORMAT parquet)`);
      await run(db, `DROP TABLE ${name}`);
    }
    db.onStatement = (sql) => statements.push(sql);
    const ctx = {
      seed: 0, data: '', out: dir, db: async () => db, workers: () => 1, log: () => undefined, warn: () => undefined, pseudonymKey: '',
      progress: () => ({ percent: () => undefined, update: () => undefined, clear: () => undefined }), cache: () => NO_CACHE,
    } as unknown as StepContext;
    await martStep.run({ inputs: dir }, params, ctx);
    db.onStatement = undefined;
    const body = statements.map((sql) => {
      const view = /^CREATE OR REPLACE VIEW (\w+) AS SELECT \* FROM read_parquet/.exec(sql);
      if (view) return `-- ${view[1]}: the accepted ${view[1]} (inputs/${view[1]}.parquet of a run)\n${tidy(sql).replace(lit(inputPath(dir, view[1] as FileName)), `'inputs/${view[1]}.parquet'`)};`;
      const made = /^\s*CREATE OR REPLACE (?:TEMP )?(?:TABLE|VIEW) (\w+)/.exec(sql)?.[1];
      const result = /^SELECT first_day, last_day FROM observation_window/.test(sql) ? 'window.json' : /FROM (\w+) WHERE account_id IN|FROM (products) ORDER BY/.exec(sql)?.slice(1).find(Boolean);
      return `-- ${made ? `${made === 'call_edges' ? 'gives' : 'builds'} ${made}` : RESULTS.get(sql) ?? (result ? `gives ${result}` : 'query')}\n${tidy(sql)};`;
    });
    return [
      `-- The mart step's SQL (DuckDB dialect), in the order it runs, with mart config ${JSON.stringify(params)}.`,
      '-- Its inputs are the accepted rows of each input file, typed as the load step writes them:',
      ...inputs,
      '-- The results ("gives") are the files of a mart folder (--mart, docs/data-contract.md).',
      '',
      body.join('\n\n'),
      '',
    ].join('\n');
  } finally {
    closeDb(db);
    rmSync(dir, { recursive: true, force: true });
  }
}
