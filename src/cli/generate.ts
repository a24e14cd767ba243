#!/usr/bin/env node
/** npm run generate -- --out DIR [--scenario NAME] [--set KNOB=VALUE] [--seed N] [--accounts N] [--days N] [--scale N] [--broken-rate R] [--truth DIR] */
import { parseArgs } from 'node:util';
import { generatePilot } from '../generate/pilot';
import { parseKnob, SCENARIOS, type ScenarioKnobs } from '../generate/scenarios';
import { runMain, toInt, toNumber } from './main';
import { Progress } from '../util/progress';

const width = Math.max(...SCENARIOS.map((s) => s.name.length)) + 2;
const SCENARIO_LIST = SCENARIOS.map((s) => `  ${s.name.padEnd(width)}${s.summary}\n`).join('');

const USAGE = `Usage: npm run generate -- --out DIR [options]

Writes a synthetic pilot in the data contract to DIR and its planted truth to DIR_truth.
  --out DIR           pilot data folder to write (required)
  --truth DIR         planted truth folder (default: DIR_truth)
  --scenario NAME     which population to generate (default: default); --scenario list lists them
  --set KNOB=VALUE    override one scenario knob (repeatable), e.g. --set usage=0.7 --set tripDays=2:6
  --seed N            random seed (default 7); same seed and scenario, same bytes
  --accounts N        enterprise accounts (default 15)
  --days N            observation window in days (default 28)
  --scale N           multiply the accounts, and so lines and events (default 1)
  --broken-rate R     share of event rows followed by a broken one (default 0.0005)

Scenarios (knobs in src/generate/scenarios.ts, explained in docs/scenarios.md):
${SCENARIO_LIST}`;

runMain(async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, truth: { type: 'string' }, seed: { type: 'string' }, accounts: { type: 'string' },
      days: { type: 'string' }, scale: { type: 'string' }, 'broken-rate': { type: 'string' }, help: { type: 'boolean' },
      scenario: { type: 'string' }, set: { type: 'string', multiple: true },
    },
  });
  if (values.scenario === 'list') {
    process.stdout.write(SCENARIO_LIST);
    return;
  }
  if (values.help || !values.out) {
    process.stdout.write(USAGE);
    if (!values.help) process.exit(1);
    return;
  }
  const knobs: Partial<ScenarioKnobs> = Object.assign({}, ...(values.set ?? []).map(parseKnob));
  const started = Date.now();
  const progress = new Progress('generate');
  const summary = await generatePilot({
    out: values.out, truth: values.truth, seed: toInt(values.seed, 'seed', 7), accounts: toInt(values.accounts, 'accounts', 15),
    days: toInt(values.days, 'days', 28), scale: toInt(values.scale, 'scale', 1), brokenRate: toNumber(values['broken-rate'], 'broken-rate', 0.0005),
    scenario: values.scenario, knobs,
    onAccount: (done, total) => progress.update(done, total, 'accounts'),
  });
  const scenario = values.scenario && values.scenario !== 'default' ? `scenario ${values.scenario}: ` : '';
  progress.done(`${scenario}${summary.accounts} accounts, ${summary.lines} lines, ${summary.rows.events} event rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
});
