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
import { accountQuality, runQuality } from '../../src/quality/metrics';
import { tempDir } from '../helpers';

/** Calibration: the expected calibration error over ten equal-count bins stays below this (probabilities within the 90 days after the window). */
export const CALIBRATION_TOLERANCE = 0.03;

/**
 * Needs segments against the planted archetypes, where the generator plants them (account_mix: each archetype
 * shifts its accounts' persona mix). Measured 1.00, 0.75, 0.70 on seeds 11-13 (20 accounts); elsewhere the
 * archetype is only the best reading of an account's persona mix and the ARI is reported, not judged (README).
 */
export const SEGMENT_ARI_BAR: Record<string, number> = { account_mix: 0.6 };

describe.each(scenarioNames())('scenario %s, default config', (scenario) => {
  it('names personas, ranks adopters, scales propensities and stages accounts as the planted truth says', async () => {
    const dir = tempDir(`soo-quality-${scenario}-`);
    const data = join(dir, 'pilot');
    const out = join(dir, 'out');
    await generatePilot({ out: data, seed: 11, scenario });
    await runPipeline({ data, out, config: resolveConfig({}), until: 'relationship', log: () => undefined });
    const q = runQuality(out, data);
    const a = accountQuality(out, data);
    const figures = `${scenario}: persona ARI ${q.persona_ari.toFixed(3)}, mean AUC ${q.mean_auc.toFixed(3)} (bar ${q.auc_bar.toFixed(3)}, oracle ${q.oracle_auc.toFixed(3)}), calibration error ${q.calibration_error.toFixed(3)}, Brier ${q.brier.toFixed(4)} (base rate ${q.brier_base_rate.toFixed(4)})`;
    expect(q.persona_ari, figures).toBeGreaterThanOrEqual(0.7);
    expect(q.mean_auc, figures).toBeGreaterThanOrEqual(q.auc_bar);
    expect(q.calibration_error, figures).toBeLessThanOrEqual(CALIBRATION_TOLERANCE);
    expect(q.brier, figures).toBeLessThanOrEqual(q.brier_base_rate);
    // Every account's relationship stage is the one its contacts and responses plant, exactly.
    expect(a.stage_misses).toEqual([]);
    expect(a.accounts).toBeGreaterThanOrEqual(15);
    if (SEGMENT_ARI_BAR[scenario] !== undefined) expect(a.segment_ari, `${scenario}: segment ARI vs archetypes`).toBeGreaterThanOrEqual(SEGMENT_ARI_BAR[scenario]);
  }, 300_000);
});
