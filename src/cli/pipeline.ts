#!/usr/bin/env node
/** npm run pipeline -- --data DIR --out DIR [--config FILE] [--from STEP] [--until STEP] [--format F] [--report-accounts IDS] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { runPipeline } from '../pipeline/run';
import { STEPS } from '../pipeline/registry';
import { BUILT_IN_PILOT_SEED, ensureBuiltInPilot } from '../generate/pilot';
import { runMain, toInt } from './main';
import { SoOError } from '../util/errors';
import { OUTPUT_FORMATS, type TableFormat } from '../io/tables';

const DEFAULT_DATA = 'data/pilot';
const width = Math.max(...STEPS.map((s) => s.name.length)) + 1;
const steps = STEPS.map((s) => `  ${s.name.padEnd(width)} ${s.summary}`).join('\n');
const USAGE = `Usage: npm run pipeline -- [--data DIR] [--out DIR] [--config FILE] [--from STEP] [--until STEP]
                            [--format csv|parquet|both] [--mart DIR] [--workers N]
                            [--report-accounts ID,ID]
       npm run pipeline -- --print-sql [--config FILE]

Runs the steps on a pilot data folder, in this order:
${steps}

  --data DIR      pilot data folder in the data contract (default ${DEFAULT_DATA};
                  generated once with seed ${BUILT_IN_PILOT_SEED} when it is the default and absent).
                  With --from, the data of the run continued (giving another folder is an error)
  --out DIR       output folder (default outputs)
  --config FILE   JSON config merged over the defaults (docs/config.md)
  --from STEP     run STEP and every step that reads what it writes, from the outputs
                  of the steps before it in --out
  --until STEP    run only what STEP needs, up to STEP; outputs of later steps made
                  stale by this run are removed
  --mart DIR      start from a mart computed elsewhere: DIR holds employee_mart,
                  call_edges, window.json and the reference tables in the documented
                  schema (docs/data-contract.md); runs --from network (or the --from
                  given, after mart) into --out, without --data
  --format F      write the tables as csv (default), parquet, or both side by side
                  (config output.format); later steps read either
  --report-accounts ID,ID
                  also write a report for each of these customers alone, in
                  report/customers/ID.html (config report.customers); with
                  --from report, from the models of the run in --out
  --workers N     worker threads for the per-account work (config engine.workers;
                  default 0: one per core); the outputs are the same for any N
  --print-sql     print the mart step's SQL (the mart, the call edge list, the window and
                  the reference tables a --mart folder holds), in the order it runs, and exit
  --help          this text
`;

runMain(async () => {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, from: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, mart: { type: 'string' }, 'print-sql': { type: 'boolean' }, workers: { type: 'string' }, 'report-accounts': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig(values.config);
  if (values['print-sql']) {
    const { martSql } = await import('../mart/sql.js');
    process.stdout.write(await martSql(config.mart));
    return;
  }
  if (values.format !== undefined) {
    if (!OUTPUT_FORMATS.includes(values.format as TableFormat)) throw new SoOError('cli', `--format must be ${OUTPUT_FORMATS.join(', ')}, got ${values.format}`);
    config.output = { format: values.format as TableFormat };
  }
  if (values.workers !== undefined) {
    const workers = toInt(values.workers, 'workers', 0);
    if (workers < 0) throw new SoOError('cli', `--workers must be 0 (one per core) or more, got ${values.workers}`);
    config.engine = { ...config.engine, workers };
  }
  const customers = values['report-accounts']?.split(',').map((id) => id.trim()).filter(Boolean);
  if (customers) {
    if (!customers.length) throw new SoOError('pipeline', '--report-accounts needs account ids, e.g. --report-accounts A0003,A0005');
    config.report = { ...config.report, customers };
  }
  const out = values.out ?? 'outputs';
  const continues = values.from !== undefined || values.mart !== undefined;
  const data = values.data ?? (continues ? undefined : DEFAULT_DATA);
  if (!values.data && !continues) await ensureBuiltInPilot(DEFAULT_DATA);
  const started = Date.now();
  await runPipeline({ data, out, config, from: values.from, until: values.until, mart: values.mart });
  process.stderr.write(`[done] ${((Date.now() - started) / 1000).toFixed(1)}s; outputs in ${out}\n`);
});
