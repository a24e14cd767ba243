#!/usr/bin/env node
/** npm run generate -- --out DIR [--seed N] [--accounts N] [--days N] [--scale N] [--broken-rate R] [--truth DIR] */
import { parseArgs } from 'node:util';
import { generatePilot } from '../generate/pilot';
import { runMain, toInt } from './main';
import { Progress } from '../util/progress';

const USAGE = `Usage: npm run generate -- --out DIR [options]

Writes a synthetic pilot in the data contract to DIR and its planted truth to DIR_truth.
  --out DIR           pilot data folder to write (required)
  --truth DIR         planted truth folder (default: DIR_truth)
  --seed N            random seed (default 7); same seed, same bytes
  --accounts N        enterprise accounts (default 15)
  --days N            observation window in days (default 28)
  --scale N           multiply the accounts, and so lines and events (default 1)
  --broken-rate R     share of event rows followed by a broken one (default 0.0005)
`;

runMain(async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, truth: { type: 'string' }, seed: { type: 'string' }, accounts: { type: 'string' },
      days: { type: 'string' }, scale: { type: 'string' }, 'broken-rate': { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out) {
    process.stdout.write(USAGE);
    if (!values.help) process.exit(1);
    return;
  }
  const started = Date.now();
  const progress = new Progress('generate');
  const summary = await generatePilot({
    out: values.out, truth: values.truth, seed: toInt(values.seed, 'seed', 7), accounts: toInt(values.accounts, 'accounts', 15),
    days: toInt(values.days, 'days', 28), scale: toInt(values.scale, 'scale', 1), brokenRate: toInt(values['broken-rate'], 'broken-rate', 0.0005),
    onAccount: (done, total) => progress.update(done, total, 'accounts'),
  });
  progress.done(`${summary.accounts} accounts, ${summary.lines} lines, ${summary.rows.events} event rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
});
