/**
 * Parameters of the synthetic hypotheses notebook (04): the MDL grid of notebook 02 and the RL grid
 * of notebook 03, with the same values, so the notebook reads their cached results (and computes
 * whatever is missing with the same functions).
 */
import type { ParamSchema } from './presets';
import { TOY_MDL_PARAMS } from './toy_mdl_params';
import { TOY_RL_PARAMS } from './toy_rl_params';

export const TOY_HYPOTHESES_PARAMS = { ...TOY_MDL_PARAMS, ...TOY_RL_PARAMS } satisfies ParamSchema;
