/**
 * Parameters of notebook 08: the language MDL grid (notebook 06), the language RL grid (notebook
 * 07) and the language supervised baseline, so that one resolved object finds all their cached runs.
 * Its step groups are theirs (`corpus`, `lm`, `languageMdl`, `languageSft`, `languageRl`, plus
 * `jobs`); notebook 08 has no settings of its own.
 */
import { LANGUAGE_MDL_PARAMS } from './extractability/language/schema';
import { LANGUAGE_SFT_PARAMS } from './sft/language/schema';
import { LANGUAGE_RL_PARAMS } from './rl/language/schema';
import type { ParamSchema, ParamsOf } from './params/presets';

export const LANGUAGE_HYPOTHESES_PARAMS = {
  ...LANGUAGE_MDL_PARAMS,
  ...LANGUAGE_SFT_PARAMS,
  ...LANGUAGE_RL_PARAMS,
} satisfies ParamSchema;

/** Resolved parameters of notebook 08. */
export type LanguageHypothesesParamValues = ParamsOf<typeof LANGUAGE_HYPOTHESES_PARAMS>;
