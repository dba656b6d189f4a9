/**
 * The JSON a single SFT run writes with `--out` (`toy-sft`, `language-sft`): its configuration
 * beside what the fine-tuning returned (errors per partition, accuracy, loss per epoch).
 */
import type { FinetuneResult } from '../../sft/classifier_finetune';

/** `{ config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch }`. */
export type SftRunJson<C> = { readonly config: C } & FinetuneResult;

/** The JSON of one SFT run. */
export function sftRunJson<C>(config: C, result: FinetuneResult): SftRunJson<C> {
  return { config, ...result };
}
