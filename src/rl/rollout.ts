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

/**
 * A value function over prompt + response: RL4LMs' separate `ValueNetwork`, or TRL's value head on
 * the policy's own trunk (`SharedTrunkCritic`).
 */
export interface Critic {
  /** [batch, resp] values of the states before each response token; caller disposes. */
  values(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, promptLen: number, training?: boolean, rng?: Rng): tf.Tensor2D;
  /**
   * Shared-trunk critics only: values from the policy's final hidden states [batch, resp, d_model]
   * at the positions before each response token. When present, the rollout and the trainer run one
   * policy forward for log-probs and values together (TRL's `AutoModelForCausalLMWithValueHead`).
   */
  valuesFromPolicyHidden?(hidden: tf.Tensor3D): tf.Tensor2D;
  /** The critic's own variables (a shared-trunk critic: the head only; the trunk is the policy's). */
  readonly trainableVariables: tf.Variable[];
  dispose(): void;
}

/** One batch of episodes; tensors are owned by the rollout (`disposeRollout`). */
export interface Rollout {
  /** [batch, prompt] int32 prompts, left-padded to one length (the toy prompts are never padded). */
  queryIds: tf.Tensor2D;
  /** [batch, prompt] float 0/1, 1 = real prompt token; null when no prompt is padded. */
  queryMask: tf.Tensor2D | null;
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
  /** A row stops after this token (mask 0 after it); undefined = every response has `maxNewTokens` tokens. */
  readonly eosTokenId?: number;
  /** Token written after a row's EOS (default `eosTokenId`). */
  readonly padTokenId?: number;
}

/** The attention mask over prompt + response: [batch, prompt] prompt mask then ones; undefined without padding. */
export function sequenceMask(queryMask: tf.Tensor2D | null | undefined, respLen: number): tf.Tensor2D | undefined {
  if (!queryMask) return undefined;
  return tf.tidy('rollout/sequenceMask', () => tf.concat([queryMask, tf.ones([queryMask.shape[0], respLen])], 1) as tf.Tensor2D);
}

/**
 * Policy log-probs and critic values of the response tokens of `ids` [batch, seq]: one policy
 * forward when the critic shares the trunk, else the policy and the critic each run their own.
 * Returns [batch, resp] tensors; no tidy (callers wrap it).
 */
export function policyLogprobsAndValues(
  policy: GPT,
  critic: Critic,
  ids: tf.Tensor2D,
  attentionMask: tf.Tensor2D | undefined,
  promptLen: number,
  temperature: number,
): { logprobs: tf.Tensor2D; values: tf.Tensor2D } {
  const shared = critic.valuesFromPolicyHidden !== undefined;
  const out = responseLogprobs(policy, ids, attentionMask, promptLen, { temperature, returnHidden: shared });
  const values = shared ? critic.valuesFromPolicyHidden!(out.hidden as tf.Tensor3D) : critic.values(ids, attentionMask, promptLen);
  return { logprobs: out.logprobs, values };
}

/**
 * Samples one batch of episodes and scores them with `score`, a host function of the response ids
 * and their lengths (tokens up to and including EOS). `ref` null skips the reference forward
 * (RL4LMs toy: KL coefficient 0). `queryMask` [batch, prompt] marks real tokens of left-padded prompts.
 */
export async function collectRollout(
  policy: GPT,
  critic: Critic,
  ref: GPT | null,
  queryIds: tf.Tensor2D,
  score: (responses: Int32Array[], lengths: number[]) => number[],
  opts: RolloutOptions,
  rng: Rng,
  queryMask?: tf.Tensor2D,
): Promise<Rollout> {
  const promptLen = queryIds.shape[1];
  const gen = await generate(
    policy,
    queryIds,
    queryMask,
    { maxNewTokens: opts.maxNewTokens, temperature: opts.temperature, eosTokenId: opts.eosTokenId, padTokenId: opts.padTokenId },
    rng,
  );
  gen.logprobs.dispose(); // recomputed below by a full forward, as TRL does
  const respLen = opts.maxNewTokens;
  const scored = tf.tidy('rollout/forward', () => {
    const ids = tf.concat([queryIds, gen.tokens], 1) as tf.Tensor2D; // [batch, seq] int32
    const mask = sequenceMask(queryMask, respLen); // [batch, seq] or undefined
    const { logprobs, values } = policyLogprobsAndValues(policy, critic, ids, mask, promptLen, opts.temperature); // [batch, resp] each
    const refLogprobs = ref ? responseLogprobs(ref, ids, mask, promptLen, { temperature: opts.temperature }).logprobs : undefined;
    return { logprobs, values, refLogprobs };
  });
  // sync: the response ids and lengths, once per rollout, for the host-side reward.
  const [flat, maskFlat] = await Promise.all([gen.tokens.data() as Promise<Int32Array>, gen.mask.data() as Promise<Float32Array>]);
  const batchSize = queryIds.shape[0];
  const responses = Array.from({ length: batchSize }, (_, i) => flat.subarray(i * respLen, (i + 1) * respLen));
  const lengths = Array.from({ length: batchSize }, (_, i) => maskFlat.subarray(i * respLen, (i + 1) * respLen).reduce((a, b) => a + b, 0));
  return {
    queryIds: queryIds.clone(), // the rollout owns its copy; the caller keeps its own
    queryMask: queryMask ? queryMask.clone() : null,
    responseIds: gen.tokens,
    mask: gen.mask,
    logprobs: scored.logprobs,
    refLogprobs: scored.refLogprobs ?? null,
    values: scored.values,
    scores: score(responses, lengths),
  };
}

/** Frees a rollout's tensors. */
export function disposeRollout(r: Rollout): void {
  for (const t of [r.queryIds, r.queryMask, r.responseIds, r.mask, r.logprobs, r.values, r.refLogprobs]) t?.dispose();
}
