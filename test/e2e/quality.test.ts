/**
 * The analytics on data they were not tuned on: the default config on every generated scenario (usage
 * levels, travel, evening and international use, other staffing, product prevalence, the confounders of
 * real records, all at once in real_mix), judged against the planted truth. Bars are set from what was
 * measured across scenarios and seeds (README, "Quality on planted truth"), never lowered to pass.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generatePilot } from '../../src/generate/pilot';
import { scenarioNames } from '../../src/generate/scenarios';
import { resolveConfig } from '../../src/config';
import { runPipeline } from '../../src/pipeline/run';
import { runQuality } from '../../src/quality/metrics';
import { tempDir } from '../helpers';

/** Calibration: the expected calibration error over ten equal-count bins stays below this (probabilities within the 90 days after the window). */
export const CALIBRATION_TOLERANCE = 0.03;

describe.each(scenarioNames())('scenario %s, default config', (scenario) => {
  it('names personas, ranks adopters and scales propensities as the planted truth says', async () => {
    const dir = tempDir(`soo-quality-${scenario}-`);
    const data = join(dir, 'pilot');
    const out = join(dir, 'out');
    await generatePilot({ out: data, seed: 11, scenario });
    await runPipeline({ data, out, config: resolveConfig({}), until: 'offers', log: () => undefined });
    const q = runQuality(out, data);
    const figures = `${scenario}: persona ARI ${q.persona_ari.toFixed(3)}, mean AUC ${q.mean_auc.toFixed(3)} (bar ${q.auc_bar.toFixed(3)}, oracle ${q.oracle_auc.toFixed(3)}), calibration error ${q.calibration_error.toFixed(3)}, Brier ${q.brier.toFixed(4)} (base rate ${q.brier_base_rate.toFixed(4)})`;
    expect(q.persona_ari, figures).toBeGreaterThanOrEqual(0.7);
    expect(q.mean_auc, figures).toBeGreaterThanOrEqual(q.auc_bar);
    expect(q.calibration_error, figures).toBeLessThanOrEqual(CALIBRATION_TOLERANCE);
    expect(q.brier, figures).toBeLessThanOrEqual(q.brier_base_rate);
  }, 300_000);
});
