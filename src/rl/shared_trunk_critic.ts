/**
 * TRL's critic: a value head on the policy's own trunk (`AutoModelForCausalLMWithValueHead`), as
 * the study's sentiment experiments used it. Policy and value loss both reach the shared trunk;
 * only the head's weights belong to the critic, the trunk's to the policy (so the trainer's one
 * optimizer sees every variable once). The rollout and the trainer call
 * `valuesFromPolicyHidden` on the hidden states of the policy forward they already run.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { ValueHead } from '../models/heads';
import { ConfigError, checkInt } from '../util/assert';
import type { Rng } from '../util/rng';
import type { Critic } from './rollout';

/** A {@link Critic} that reads the policy's final hidden states through a {@link ValueHead}. */
export class SharedTrunkCritic implements Critic {
  /** Takes ownership of `head`; `policy` stays the caller's. */
  constructor(readonly policy: GPT, readonly head: ValueHead) {
    if (head.namedWeights().get('v_head.summary.weight')?.shape[1] !== policy.config.dModel) {
      throw new ConfigError(`head: width does not match the policy's dModel ${policy.config.dModel}`);
    }
  }

  /** A fresh head (TRL: dropout 0.1, torch Linear init) on `policy`. */
  static init(policy: GPT, rng: Rng, dropout = 0.1): SharedTrunkCritic {
    return new SharedTrunkCritic(policy, ValueHead.init(policy.config.dModel, rng, dropout));
  }

  /**
   * Values of the states before each response token (a separate policy forward; the trainer and
   * the rollout use `valuesFromPolicyHidden` instead).
   * @param inputIds [batch, seq] int32; @returns [batch, resp]
   */
  values(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, promptLen: number, training = false, rng?: Rng): tf.Tensor2D {
    const seqLen = inputIds.shape[1];
    checkInt('promptLen', promptLen, 1, seqLen - 1);
    return tf.tidy('rl/sharedTrunkCritic', () => {
      const out = this.policy.forward(
        inputIds,
        { attentionMask, training, outputStart: promptLen - 1, outputEnd: seqLen - 1, returnHidden: true, returnLogits: false },
        rng,
      );
      return this.head.forward(out.hidden as tf.Tensor3D, training, rng); // [batch, resp]
    });
  }

  /** @param hidden [batch, resp, d_model] policy hidden states; @returns [batch, resp] values (dropout off, as in PPO's eval-mode forward). */
  valuesFromPolicyHidden(hidden: tf.Tensor3D): tf.Tensor2D {
    return this.head.forward(hidden);
  }

  /** The head's variables only (the trunk is the policy's). */
  get trainableVariables(): tf.Variable[] {
    return this.head.trainableVariables;
  }

  /** Frees the head (not the policy). */
  dispose(): void {
    this.head.dispose();
  }
}
