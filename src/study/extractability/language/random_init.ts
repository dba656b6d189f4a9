/**
 * The untrained model of the random-initialisation control (random_control.ts): the pre-trained
 * model's shape with GPT-2's initialisation from a seed. Apart from the control's grid code so that
 * the one-run command (grid.ts) can probe it too.
 */
import { GPT } from '../../../models/gpt';
import { createRng } from '../../../util/rng';
import type { LanguageModelInputs } from '../../pretraining/model_inputs';

/** The two models probed: the pre-trained one (the study's) and the untrained control. */
export const PROBED_MODELS = ['pretrained', 'random'] as const;
export type ProbedModel = (typeof PROBED_MODELS)[number];

/** An untrained model of `lm`'s shape (same config, GPT-2 init from `seed`); the caller disposes it. */
export function randomInitModel(lm: GPT, seed: number): GPT {
  return GPT.init(lm.config, createRng(`random-init-control/${seed}`));
}

/** The inputs of the control: `lm`'s tokenizer and corpus with an untrained model (`model` is new; the caller disposes it). */
export function randomInitInputs(lm: LanguageModelInputs, seed: number): LanguageModelInputs {
  return { model: randomInitModel(lm.model, seed), tokenizer: lm.tokenizer, corpus: lm.corpus };
}
