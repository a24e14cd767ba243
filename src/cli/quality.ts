#!/usr/bin/env node
/**
 * npm run quality [-- --scenarios a,b --seed N --accounts N --config FILE]: generates each scenario, runs the
 * pipeline on it and prints how well the run recovers the planted truth (src/quality/metrics.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePilot } from '../generate/pilot';
import { scenarioNames } from '../generate/scenarios';
import { loadConfig } from '../config';
import { runPipeline } from '../pipeline/run';
import { accountQuality, runQuality } from '../quality/metrics';
import { runMain, toInt } from './main';
import { SoOError } from '../util/errors';

const USAGE = `npm run quality [-- --scenarios a,b] [--seed N] [--accounts N] [--config FILE] [--root DIR] [--until STEP]

Generates each scenario's pilot (once; kept under --root), runs the pipeline on it and prints how well the
run recovers the planted truth: personas (ARI), propensities (AUC against the oracle's, Brier, calibration)
and, per account, the relationship stages and segments.

  --scenarios LIST  comma-separated (default every scenario: ${scenarioNames().join(', ')})
  --seed N          the generator's seed (default 11)
  --accounts N      accounts per pilot (default 15)
  --config FILE     the pipeline's config (default the built-in one)
  --root DIR        where pilots and runs are kept (default outputs/quality)
  --until STEP      the last step run (default relationship)
  --help            this text
`;

runMain(async () => {
  const { values } = parseArgs({ options: { scenarios: { type: 'string' }, seed: { type: 'string' }, accounts: { type: 'string' }, config: { type: 'string' }, root: { type: 'string' }, until: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const scenarios = values.scenarios ? values.scenarios.split(',').map((name) => name.trim()) : scenarioNames();
  // Every name checked before the first pilot is generated, not when the loop reaches it minutes later.
  const unknown = scenarios.filter((name) => !scenarioNames().includes(name));
  if (unknown.length) throw new SoOError('cli', `unknown scenario ${unknown.join(', ')}; scenarios: ${scenarioNames().join(', ')}`);
  const seed = toInt(values.seed, 'seed', 11);
  const accounts = toInt(values.accounts, 'accounts', 15);
  const root = values.root ?? join('outputs', 'quality');
  const config = loadConfig(values.config);
  const rows: string[] = [];
  const accountRows: string[] = [];
  for (const scenario of scenarios) {
    const data = join(root, `${scenario}-s${seed}-a${accounts}`);
    if (!existsSync(join(data, 'events.csv.gz'))) await generatePilot({ out: data, seed, accounts, scenario });
    const out = join(root, `out-${scenario}-s${seed}-a${accounts}`);
    await runPipeline({ data, out, config, until: values.until ?? 'relationship', log: () => undefined });
    const q = runQuality(out, data);
    const a = accountQuality(out, data);
    const f = (v: number) => v.toFixed(3);
    const mix = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${k} ${n}`).join(', ');
    accountRows.push(`| ${scenario} | ${a.accounts} | ${f(a.stage_agreement)} | ${f(a.segment_ari)} | ${mix(a.channels)} | ${mix(a.stages)} |`);
    rows.push(`| ${scenario} | ${q.lines} | ${f(q.persona_ari)} | ${f(q.cluster_ari)} | ${f(q.mean_auc)} (${q.products_judged}) | ${f(q.oracle_auc)} | ${f(q.auc_bar)} | ${f(q.mean_auc_all)} / ${f(q.oracle_auc_all)} | ${f(q.brier)} | ${f(q.brier_base_rate)} | ${f(q.calibration_error)} |`);
    process.stderr.write(`[quality] ${rows.at(-1)}\n`);
  }
  process.stdout.write(`| scenario | lines | persona ARI | cluster ARI | mean AUC (products judged) | oracle AUC | AUC bar | every product: AUC / oracle | Brier | Brier of the base rate | calibration error |\n|---|---|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  process.stdout.write(`\n| scenario | accounts | stage as planted | segment ARI vs archetypes | channels | stages |\n|---|---|---|---|---|---|\n${accountRows.join('\n')}\n`);
});
