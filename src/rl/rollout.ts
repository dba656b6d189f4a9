/**
 * Batched rollouts for PPO on a language-model policy: sample responses with the KV-cache sampler,
 * then, in one forward pass each, the behaviour log-probs of the sampled tokens (logits divided by
 * the sampling temperature, recomputed by a full forward as TRL 0.7 `batched_forward_pass` does),
 * the critic's values, and the frozen reference model's log-probs (skipped when no KL is used).
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { responseLogprobs } from '../models/response_logprobs';
import { generate } from '../models/sampling';
import type { Rng } from '../util/rng';

/** A value function over prompt + response: RL4LMs' separate `ValueNetwork` satisfies it. */
export interface Critic {
  /** [batch, resp] values of the states before each response token; caller disposes. */
  values(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, promptLen: number, training?: boolean, rng?: Rng): tf.Tensor2D;
  readonly trainableVariables: tf.Variable[];
  dispose(): void;
}

/** One batch of episodes; tensors are owned by the rollout (`disposeRollout`). */
export interface Rollout {
  /** [batch, prompt] int32 prompts (same length; the toy prompts are never padded). */
  queryIds: tf.Tensor2D;
  /** [batch, resp] int32 sampled response tokens. */
  responseIds: tf.Tensor2D;
  /** [batch, resp] float 0/1, 1 = response token. */
  mask: tf.Tensor2D;
  /** [batch, resp] behaviour-policy log p(token) in nats, under logits / temperature. */
  logprobs: tf.Tensor2D;
  /** [batch, resp] reference-model log-probs, or null when no KL penalty is computed. */
  refLogprobs: tf.Tensor2D | null;
  /** [batch, resp] critic values at sampling time. */
  values: tf.Tensor2D;
  /** [batch] task scores, one per episode (host numbers). */
  scores: number[];
}

/** Sampling settings of a rollout. */
export interface RolloutOptions {
  /** Response tokens per episode (toy: 5). */
  readonly maxNewTokens: number;
  /** Sampling temperature (study: 1, no top-k/top-p). */
  readonly temperature: number;
}

/**
 * Samples one batch of episodes and scores them with `score` (host function of the response ids).
 * `ref` null skips the reference forward (RL4LMs toy: KL coefficient 0).
 */
export async function collectRollout(
  policy: GPT,
  critic: Critic,
  ref: GPT | null,
  queryIds: tf.Tensor2D,
  score: (responses: Int32Array[]) => number[],
  opts: RolloutOptions,
  rng: Rng,
): Promise<Rollout> {
  const promptLen = queryIds.shape[1];
  const gen = await generate(policy, queryIds, undefined, { maxNewTokens: opts.maxNewTokens, temperature: opts.temperature }, rng);
  gen.logprobs.dispose(); // recomputed below by a full forward, as TRL does
  const scored = tf.tidy('rollout/forward', () => {
    const ids = tf.concat([queryIds, gen.tokens], 1) as tf.Tensor2D; // [batch, seq] int32
    const logprobs = responseLogprobs(policy, ids, undefined, promptLen, { temperature: opts.temperature }).logprobs; // [batch, resp]
    const values = critic.values(ids, undefined, promptLen); // [batch, resp]
    const refLogprobs = ref ? responseLogprobs(ref, ids, undefined, promptLen, { temperature: opts.temperature }).logprobs : undefined;
    return { logprobs, values, refLogprobs };
  });
  // sync: the response ids, once per rollout, for the host-side reward.
  const flat = (await gen.tokens.data()) as Int32Array;
  const respLen = opts.maxNewTokens;
  const responses = Array.from({ length: queryIds.shape[0] }, (_, i) => flat.subarray(i * respLen, (i + 1) * respLen));
  return {
    queryIds: queryIds.clone(), // the rollout owns its copy; the caller keeps its own
    responseIds: gen.tokens,
    mask: gen.mask,
    logprobs: scored.logprobs,
    refLogprobs: scored.refLogprobs ?? null,
    values: scored.values,
    scores: score(responses),
  };
}

/** Frees a rollout's tensors. */
export function disposeRollout(r: Rollout): void {
  for (const t of [r.queryIds, r.responseIds, r.mask, r.logprobs, r.values, r.refLogprobs]) t?.dispose();
}
