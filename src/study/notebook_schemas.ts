/**
 * Every notebook's parameter schema, by notebook name. A headless run's `STUDY_OVERRIDES` may name
 * keys of any of them (one overrides object serves the whole run). Add a line per notebook.
 */
import { SYNTHETIC_TASKS_PARAMS, type ParamSchema } from './params/presets';
import { TOY_MDL_PARAMS } from './extractability/toy/schema';
import { TOY_RL_PARAMS } from './rl/toy/schema';
import { TOY_HYPOTHESES_PARAMS } from './extension/schema';
import { LANGUAGE_PRETRAINING_PARAMS } from './pretraining/schema';
import { LANGUAGE_MDL_PARAMS } from './extractability/language/schema';
import { LANGUAGE_RL_PARAMS } from './rl/language/schema';
import { LANGUAGE_HYPOTHESES_PARAMS } from './language_hypotheses_schema';

export const NOTEBOOK_SCHEMAS: Readonly<Record<string, ParamSchema>> = {
  '01_synthetic_tasks': SYNTHETIC_TASKS_PARAMS,
  '02_synthetic_extractability': TOY_MDL_PARAMS,
  '03_synthetic_rl': TOY_RL_PARAMS,
  '04_synthetic_hypotheses': TOY_HYPOTHESES_PARAMS,
  '05_language_pretraining': LANGUAGE_PRETRAINING_PARAMS,
  '06_language_extractability': LANGUAGE_MDL_PARAMS,
  '07_language_rl': LANGUAGE_RL_PARAMS,
  '08_language_hypotheses': LANGUAGE_HYPOTHESES_PARAMS,
};
