/**
 * Parameters of the synthetic hypotheses notebook (04): the MDL grid of notebook 02 and the RL grid
 * of notebook 03, with the same values, so the notebook reads their cached results (and computes
 * whatever is missing with the same functions).
 */
import { int, num, type ParamSchema } from './presets';
import { TOY_MDL_PARAMS } from './toy_mdl_params';
import { TOY_RL_PARAMS } from './toy_rl_params';

export const TOY_HYPOTHESES_PARAMS = {
  ...TOY_MDL_PARAMS,
  ...TOY_RL_PARAMS,
  sftTrainSize: { doc: 'training examples of each supervised (Lovering) baseline run, from the rate-p set (paper: 200,000)', smoke: 200, laptop: 4000, paper: 200000, check: int(10) },
  sftEpochs: { doc: 'epochs of the supervised baseline', smoke: 1, laptop: 3, paper: 3, check: int(1, 1000) },
  sftLearningRate: { doc: 'Adam learning rate of the supervised baseline', smoke: 1e-3, laptop: 1e-3, paper: 1e-4, check: num(1e-8, 1) },
} satisfies ParamSchema;
