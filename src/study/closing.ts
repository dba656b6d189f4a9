/**
 * The synthetic half's hypothesis tests for the closing table of notebook 08: loads the stored
 * MDL, RL and SFT runs of notebooks 02-04 and tests H1 and H2 on them.
 */
import { hypothesisTests, type HypothesisTests } from '../hypotheses/closing_table';
import { rlFeatureUse, sftFeatureUse } from '../hypotheses/feature_use';
import { h2Rows } from '../hypotheses/h2';
import { sftH2Rows } from '../hypotheses/sft_summary';
import { TOY_HYPOTHESES_PARAMS } from './extension/schema';
import { loadToyMdlResults, toyExtractabilityTable } from './extractability/toy/grid';
import { loadToyRlResults } from './rl/toy/grid';
import { loadToySftResults } from './sft/toy/grid';
import { resolveParams } from './params/resolve';
import type { PresetName } from './params/presets';
import { ConfigError } from '../util/assert';

/**
 * The synthetic half of the closing table for `preset`: reads the stored MDL, RL and SFT runs of
 * notebooks 02-04 (their preset parameters, without overrides); null where a store is incomplete,
 * with the reason.
 */
export function syntheticHypotheses(preset: PresetName): { rl: HypothesisTests | null; sft: HypothesisTests | null; missing: string[] } {
  const p = resolveParams(TOY_HYPOTHESES_PARAMS, { preset, env: {} });
  const missing: string[] = [];
  const attempt = <T>(what: string, f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ConfigError) && !(e instanceof Error)) throw e;
      missing.push(`${what}: ${(e as Error).message}`);
      return null;
    }
  };
  const mdl = attempt('synthetic MDL (notebook 02)', () => loadToyMdlResults(preset, p));
  const rl = attempt('synthetic RL (notebook 03)', () => loadToyRlResults(p));
  const sft = attempt('synthetic SFT (notebook 04)', () => loadToySftResults(p));
  const rate0 = Math.min(...p.toyRl.rates);
  const extractability = mdl ? toyExtractabilityTable(mdl) : null;
  return {
    rl: extractability && rl ? hypothesisTests(extractability, rlFeatureUse(rl, rate0), h2Rows(rl)) : null,
    sft: extractability && sft ? hypothesisTests(extractability, sftFeatureUse(sft, rate0), sftH2Rows(sft)) : null,
    missing,
  };
}
