/**
 * Work on worker threads: a run with two workers gives the one-worker run's outputs byte for byte (the pilot is
 * below engine.workers_min_lines: the test lowers it, so the networks, the choice of k of the personas, the
 * products' propensity models and the layouts leave the main thread).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generatePilot } from '../../src/generate/pilot';
import { runPipeline } from '../../src/pipeline/run';
import { resolveConfig } from '../../src/config';
import { DATASETS, datasetPath, type DatasetName } from '../../src/catalog';
import { cacheDir } from '../../src/pipeline/cache';
import { tempDir } from '../helpers';

const silent = () => undefined;

describe('worker threads', () => {
  let dir: string;
  let single: string;

  beforeAll(async () => {
    dir = tempDir('soo-workers-');
    const data = join(dir, 'pilot');
    await generatePilot({ out: data, seed: 11 });
    single = join(dir, 'one');
    await runPipeline({ data, out: single, config: resolveConfig({ engine: { workers: 1, workers_min_lines: 0 } }), log: silent });
  });

  it('gives the one-worker run\'s outputs with two workers, byte for byte', async () => {
    const two = join(dir, 'two');
    cpSync(single, two, { recursive: true });
    // No chart from the cache: every layout is computed again, on the workers.
    rmSync(cacheDir(two), { recursive: true, force: true });
    const manifest = await runPipeline({ out: two, from: 'network', config: resolveConfig({ engine: { workers: 2, workers_min_lines: 0 } }), log: silent });
    expect(manifest.completed).toBe(true);
    const names = (Object.keys(DATASETS) as DatasetName[]).filter((n) => manifest.outputs[DATASETS[n].path] !== undefined && DATASETS[n].kind !== 'parquet');
    expect(names).toEqual(expect.arrayContaining(['network', 'ties', 'personas', 'persona_k_curve', 'cluster_profiles', 'propensities', 'product_models', 'report']));
    for (const n of names) expect(readFileSync(datasetPath(two, n)).equals(readFileSync(datasetPath(single, n))), n).toBe(true);
  });
});
