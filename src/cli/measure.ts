#!/usr/bin/env node
/** npm run measure -- --data DIR --out DIR [--config FILE]: measures the campaigns of a pilot folder. */
import { parseArgs } from 'node:util';
import { loadConfig, resolveConfig } from '../config';
import { runPipeline } from '../pipeline/run';
import { runMain } from './main';

const USAGE = `Usage: npm run measure -- --data DIR --out DIR [--config FILE] [--breakdown NAME ...]

Measures each campaign of a pilot folder: treatment against control for every response kind present and
for value, with 95% intervals, p values, incremental value, cost and return on investment, overall and by
breakdown; a sample-ratio check; uplift by propensity band and spill-over where the pilot step designed
them. The folder needs campaigns, assignments and responses (lines and accounts for breakdowns; no usage
records). Writes measure/*.csv and report/index.html (the measurement section) under --out.
  --data DIR         the folder with campaigns, assignments, responses
  --out DIR          output folder (default outputs/measure)
  --config FILE      JSON config (section measure: breakdowns, confidence, interval, ...)
  --breakdown NAME   break results down by this column of lines or accounts (repeatable);
                     replaces measure.breakdowns
  --help             this text
`;

runMain(async () => {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, breakdown: { type: 'string', multiple: true }, help: { type: 'boolean' } },
  });
  if (values.help || !values.data) {
    process.stdout.write(USAGE);
    if (!values.help) process.exit(1);
    return;
  }
  let config = loadConfig(values.config);
  if (values.breakdown) config = resolveConfig({ measure: { breakdowns: values.breakdown } }, config);
  const out = values.out ?? 'outputs/measure';
  const started = Date.now();
  await runPipeline({ data: values.data, out, config, steps: ['load', 'measure', 'report'] });
  process.stderr.write(`[done] ${((Date.now() - started) / 1000).toFixed(1)}s; results in ${out}/measure/campaign_results.csv\n`);
});
