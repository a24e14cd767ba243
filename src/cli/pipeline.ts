#!/usr/bin/env node
/** npm run pipeline -- --data DIR --out DIR [--config FILE] [--from STEP] [--until STEP] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { runPipeline } from '../pipeline/run';
import { BUILT_IN_PILOT_SEED, ensureBuiltInPilot } from '../generate/pilot';
import { STEPS, type Step } from '../catalog';
import { runMain } from './main';

const DEFAULT_DATA = 'data/pilot';
const USAGE = `Usage: npm run pipeline -- [--data DIR] [--out DIR] [--config FILE] [--from STEP] [--until STEP]

Runs the five steps (mart, network, value, segments, offers) and the findings report on a pilot data folder.
  --data DIR      pilot data folder in the data contract (default ${DEFAULT_DATA};
                  generated once with seed ${BUILT_IN_PILOT_SEED} when it is the default and absent)
  --out DIR       output folder (default outputs)
  --config FILE   JSON config merged over the defaults (docs/config.md)
  --from STEP     re-run STEP and the steps after it from the persisted outputs
                  of the steps before (one of ${STEPS.join(', ')})
  --until STEP    stop after STEP (default report, the last)
  --help          this text
`;

runMain(async () => {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, from: { type: 'string' }, until: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig(values.config);
  const data = values.data ?? DEFAULT_DATA;
  if (!values.data && (values.from ?? 'mart') === 'mart') await ensureBuiltInPilot(data);
  const started = Date.now();
  await runPipeline({ data, out: values.out ?? 'outputs', config, from: values.from as Step | undefined, until: values.until as Step | undefined });
  process.stderr.write(`[done] ${((Date.now() - started) / 1000).toFixed(1)}s; outputs in ${values.out ?? 'outputs'}\n`);
});
