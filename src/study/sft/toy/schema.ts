/**
 * Parameters of the synthetic supervised (Lovering) baseline (`cli.ts toy-sft`, spread into notebook
 * 04's schema): the RL grid's data, axes and policy shape (notebook 03's), plus the training.
 */
import { int, num, type ParamSchema, type ParamsOf } from '../../params/presets';
import { TOY_RL_PARAMS } from '../../rl/toy/schema';

/**
 * The supervised baseline's own settings (group `toySft`): names are the fields of the run's
 * recorded `ToySftConfig` (run.ts): `data.trainSize` (its training set size, in place of
 * `toyData.trainSize`) and `finetune.*`. Its axes and classifier shape are the RL grid's
 * (`toyRl.tasks`, `toyRl.rates`, `toyRl.seeds`, `toyRl.model`).
 */
export const TOY_SFT_GROUP = {
  data: {
    trainSize: { doc: 'training examples of each supervised (Lovering) run, from the rate-p set (paper: 200,000; laptop: measured ~6 s per run on 2 cores at 4,000 x 3 epochs)', smoke: 200, laptop: 4000, paper: 200000, check: int(10) },
  },
  finetune: {
    epochs: { doc: 'epochs of the supervised baseline (ours: docs/study.md gives no schedule for a toy SFT run)', smoke: 1, laptop: 3, paper: 3, check: int(1, 1000) },
    batchSize: { doc: 'minibatch of the supervised baseline (the MDL probe\'s 64)', smoke: 64, laptop: 64, paper: 64, check: int(1, 65536) },
    learningRate: { doc: 'Adam learning rate of the supervised baseline (paper probe: 1e-4; laptop 1e-3 for the short run)', smoke: 1e-3, laptop: 1e-3, paper: 1e-4, check: num(1e-8, 1) },
  },
} satisfies ParamSchema;

/** The supervised baseline (`cli.ts toy-sft`): the RL grid's data, axes and policy shape, plus its training. */
export const TOY_SFT_PARAMS = {
  ...TOY_RL_PARAMS,
  toySft: TOY_SFT_GROUP,
} satisfies ParamSchema;

/** Resolved parameters of the supervised baseline (`toy-sft`). */
export type ToySftParamValues = ParamsOf<typeof TOY_SFT_PARAMS>;
