/**
 * Batched autoregressive sampling from a GPT (HF `generate` with `do_sample`): temperature, top-k,
 * top-p (nucleus), a minimum length that blocks EOS, and rows that stop at EOS and are padded after
 * it. Categorical draws use uniforms from the project's Rng (host side, one per row and step) and
 * an inverse-CDF search on the device, so the tokens are a deterministic function of the seed on a
 * given backend. Logprobs of the sampled tokens are taken from logits / temperature before top-k/p,
 * which is what TRL 0.7 recomputes in `batched_forward_pass`.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import { oneHotFloat } from './embedding';
import type { GPT } from './gpt';
import { disposeCache, type KVCache } from './kv_cache';

/** Options of `generate`. Defaults are TRL's/RL4LMs' sampling settings (temperature 1, no top-k/p). */
export interface GenerateOptions {
  /** Response tokens per row (the result always has this many columns); toy 5, language 48 (docs/study.md). */
  readonly maxNewTokens: number;
  /** Softmax temperature; 0 = greedy argmax. Default 1. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens; 0 = off (TRL top_k 0). Default 0. */
  readonly topK?: number;
  /** Sample only from the smallest set of top tokens whose probability reaches p; 1 = off. Default 1. */
  readonly topP?: number;
  /** EOS cannot be sampled before this many response tokens (HF `min_new_tokens`). Default 0. */
  readonly minNewTokens?: number;
  /** A row stops after emitting this token; undefined = rows never stop early. */
  readonly eosTokenId?: number;
  /** Token written after a row stopped (mask 0 there); default `eosTokenId`, else 0. */
  readonly padTokenId?: number;
  /** Decode with the KV cache (default true); false re-runs the whole sequence every step. */
  readonly useCache?: boolean;
}

/** Result of `generate`; new tensors owned by the caller. */
export interface GenerateResult {
  /** [batch, resp] int32 sampled tokens; `padTokenId` after a row's EOS. */
  tokens: tf.Tensor2D;
  /** [batch, resp] log p(token) in nats under logits / temperature (unfiltered); 0 where mask is 0. */
  logprobs: tf.Tensor2D;
  /** [batch, resp] float 0/1: 1 up to and including a row's EOS, 0 after it. */
  mask: tf.Tensor2D;
}

/** Per-step sampling settings (see `GenerateOptions`). */
export interface TokenSamplingOptions {
  /** 0 = greedy. */
  readonly temperature: number;
  /** 0 = off. */
  readonly topK: number;
  /** 1 = off. */
  readonly topP: number;
  /** Token given probability 0 this step (EOS before `minNewTokens`), or undefined. */
  readonly blockedTokenId?: number;
}

/**
 * One uniform in (0, 1) per row, exactly representable in float32 (k + 0.5) / 2^24, drawn from `rng`.
 * Staying inside (0, 1) guarantees the inverse-CDF search never lands on a zero-probability token.
 * @returns [batch] float32; caller disposes
 */
export function drawUniforms(batchSize: number, rng: Rng): tf.Tensor1D {
  const u = new Float32Array(batchSize);
  for (let i = 0; i < batchSize; i++) u[i] = (Math.floor(rng.uniform() * 16777216) + 0.5) / 16777216;
  return tf.tensor1d(u);
}

/**
 * Samples one token per row from `logits` with temperature, top-k and top-p (HF warper order), given
 * the row's uniform draw. Ties at a top-k/top-p threshold are all kept.
 * @param logits [batch, vocab]
 * @param uniforms [batch] in (0, 1), from `drawUniforms` (ignored when greedy)
 * @returns tokens [batch] int32; logprobs [batch] of those tokens under logits / temperature (temperature 1 when greedy)
 */
export function sampleTokens(
  logits: tf.Tensor2D,
  opts: TokenSamplingOptions,
  uniforms: tf.Tensor1D,
): { tokens: tf.Tensor1D; logprobs: tf.Tensor1D } {
  return tf.tidy('models/sampleTokens', () => {
    const [batchSize, vocabSize] = logits.shape;
    const scaled = opts.temperature > 0 && opts.temperature !== 1 ? tf.div(logits, opts.temperature) : logits; // [batch, vocab]
    let filtered = scaled;
    if (opts.blockedTokenId !== undefined) {
      const block = new Float32Array(vocabSize);
      block[opts.blockedTokenId] = -Infinity;
      filtered = tf.add(filtered, tf.tensor1d(block));
    }
    let tokens: tf.Tensor1D;
    let probs: tf.Tensor2D | undefined; // softmax(scaled) when nothing was filtered
    if (opts.temperature === 0) {
      tokens = tf.argMax(filtered, 1).cast('int32') as tf.Tensor1D; // [batch] int32
    } else {
      const negInf = tf.scalar(-Infinity);
      const unfiltered = filtered === scaled;
      if (opts.topK > 0 && opts.topK < vocabSize) {
        const kth = tf.slice(tf.topk(filtered, opts.topK).values, [0, opts.topK - 1], [batchSize, 1]); // [batch, 1]
        filtered = tf.where(tf.less(filtered, kth), negInf, filtered);
      }
      if (opts.topP < 1) {
        // Keep sorted tokens whose preceding mass is below p (HF keeps the token that crosses p).
        const sorted = tf.topk(filtered, vocabSize).values; // [batch, vocab] descending
        const before = tf.cumsum(tf.softmax(sorted), 1, true); // [batch, vocab] exclusive cumulative mass
        const threshold = tf.min(tf.where(tf.less(before, opts.topP), sorted, tf.scalar(Infinity)), 1, true); // [batch, 1]
        filtered = tf.where(tf.less(filtered, threshold), negInf, filtered);
      }
      const p = tf.softmax(filtered) as tf.Tensor2D; // [batch, vocab]
      if (unfiltered && filtered === scaled) probs = p;
      // Inverse CDF: the token is the number of cumulative masses below u * total.
      const cdf = tf.cumsum(p, 1); // [batch, vocab]
      const target = tf.mul(uniforms.reshape([batchSize, 1]), tf.slice(cdf, [0, vocabSize - 1], [batchSize, 1])); // [batch, 1]
      tokens = tf.sum(tf.cast(tf.less(cdf, target), 'int32'), 1) as tf.Tensor1D; // [batch] int32
    }
    // Not gather with batchDims: wasm (tfjs 4.22) returns wrong values for it.
    const pick = oneHotFloat(tokens, vocabSize); // [batch, vocab]
    const logprobs = (
      probs
        ? tf.log(tf.sum(tf.mul(probs, pick), 1)) // nothing filtered: log of the sampled probability (4 kernels instead of 9)
        : tf.sum(tf.mul(tf.logSoftmax(scaled), pick), 1)
    ) as tf.Tensor1D; // [batch]
    return { tokens, logprobs };
  });
}

function checkGenerateOptions(opts: GenerateOptions, vocabSize: number): Required<Omit<GenerateOptions, 'eosTokenId'>> & { eosTokenId?: number } {
  const maxNewTokens = checkInt('maxNewTokens', opts.maxNewTokens, 1);
  const temperature = checkRange('temperature', opts.temperature ?? 1, 0, Number.MAX_VALUE);
  const topK = checkInt('topK', opts.topK ?? 0, 0);
  const topP = checkRange('topP', opts.topP ?? 1, Number.MIN_VALUE, 1);
  const minNewTokens = checkInt('minNewTokens', opts.minNewTokens ?? 0, 0, maxNewTokens);
  const eosTokenId = opts.eosTokenId === undefined ? undefined : checkInt('eosTokenId', opts.eosTokenId, 0, vocabSize - 1);
  const padTokenId = checkInt('padTokenId', opts.padTokenId ?? eosTokenId ?? 0, 0, vocabSize - 1);
  if (minNewTokens > 0 && eosTokenId === undefined) throw new ConfigError(`minNewTokens: ${minNewTokens} needs an eosTokenId to block`);
  return { maxNewTokens, temperature, topK, topP, minNewTokens, eosTokenId, padTokenId, useCache: opts.useCache ?? true };
}

interface StepState {
  /** [batch, vocab] logits predicting the next token. */
  logits: tf.Tensor2D;
  /** KV cache after all fed tokens (cache mode). */
  cache?: KVCache;
  /** [batch] bool rows that emitted EOS (only with an eosTokenId). */
  done?: tf.Tensor1D;
}

/**
 * Samples `maxNewTokens` response tokens for each (left-padded) prompt.
 * Host syncs: none without `eosTokenId`; with it, one boolean per step (stop when every row is done).
 * @param promptIds [batch, prompt] int32, left-padded
 * @param promptMask [batch, prompt] float 0/1 (1 = real token), or undefined when nothing is padded
 * @param rng one uniform per row and step (drawn even for finished rows, so the stream is fixed)
 */
export async function generate(
  model: GPT,
  promptIds: tf.Tensor2D,
  promptMask: tf.Tensor2D | undefined,
  options: GenerateOptions,
  rng: Rng,
): Promise<GenerateResult> {
  const opts = checkGenerateOptions(options, model.config.vocabSize);
  const [batchSize, promptLen] = promptIds.shape;
  const respLen = opts.maxNewTokens;
  if (promptLen + respLen - 1 > model.config.nPositions) {
    throw new ConfigError(`maxNewTokens: ${respLen} after a prompt of ${promptLen} exceeds nPositions ${model.config.nPositions}`);
  }
  const vocabSize = model.config.vocabSize;
  const withEos = opts.eosTokenId !== undefined;
  // Masks over prompt + response (generated positions always count as real, as in HF generate).
  const fullMask = promptMask ? tf.tidy(() => tf.concat([promptMask, tf.ones([batchSize, respLen])], 1) as tf.Tensor2D) : undefined; // [batch, prompt + resp]
  // Position of the first response token per row (= its real prompt tokens); step t adds t.
  const firstPos = promptMask ? tf.tidy(() => tf.cast(tf.sum(promptMask, 1, true), 'int32') as tf.Tensor2D) : undefined; // [batch, 1] int32
  let state: StepState = tf.tidy('sample/prefill', () => {
    const out = model.forward(promptIds, { attentionMask: promptMask, outputStart: promptLen - 1, returnCache: opts.useCache });
    const first: Record<string, unknown> = { logits: (out.logits as tf.Tensor3D).reshape([batchSize, vocabSize]), cache: out.cache };
    if (withEos) first.done = tf.zeros([batchSize], 'bool');
    return first as tf.TensorContainer;
  }) as unknown as StepState;
  const tokenCols: tf.Tensor1D[] = [];
  const logprobCols: tf.Tensor1D[] = [];
  const maskCols: tf.Tensor1D[] = [];
  let seqIds: tf.Tensor2D | undefined = opts.useCache ? undefined : promptIds; // [batch, prompt + t] without cache
  for (let t = 0; t < respLen; t++) {
    const uniforms = drawUniforms(batchSize, rng);
    const prev = state;
    const prevSeq = seqIds;
    const step = tf.tidy('sample/step', () => {
      const sampled = sampleTokens(
        prev.logits,
        { temperature: opts.temperature, topK: opts.topK, topP: opts.topP, blockedTokenId: t < opts.minNewTokens ? opts.eosTokenId : undefined },
        uniforms,
      );
      const next: Record<string, unknown> = { tokens: sampled.tokens, logprobs: sampled.logprobs };
      if (withEos) {
        // Finished rows emit the pad token with logprob 0 and mask 0.
        const done = prev.done as tf.Tensor1D;
        const tokens = tf.where(done, tf.fill([batchSize], opts.padTokenId, 'int32'), sampled.tokens) as tf.Tensor1D; // [batch] int32
        const alive = tf.cast(tf.logicalNot(done), 'float32') as tf.Tensor1D; // [batch]
        const nowDone = tf.logicalOr(done, tf.equal(tokens, opts.eosTokenId as number));
        Object.assign(next, { tokens, logprobs: tf.mul(sampled.logprobs, alive), alive, done: nowDone, allDone: tf.all(nowDone) });
      }
      const tokens = next.tokens as tf.Tensor1D;
      if (t + 1 < respLen) {
        const keyLen = promptLen + t + 1;
        const attentionMask = fullMask ? (tf.slice(fullMask, [0, 0], [batchSize, keyLen]) as tf.Tensor2D) : undefined; // [batch, keyLen]
        if (opts.useCache) {
          const positionIds = firstPos ? (tf.add(firstPos, tf.scalar(t, 'int32')) as tf.Tensor2D) : undefined; // [batch, 1] int32
          const out = model.forward(tokens.reshape([batchSize, 1]), { attentionMask, positionIds, cache: prev.cache, returnCache: true });
          next.logits = (out.logits as tf.Tensor3D).reshape([batchSize, vocabSize]);
          next.cache = out.cache;
        } else {
          const ids = tf.concat([prevSeq as tf.Tensor2D, tokens.reshape([batchSize, 1])], 1) as tf.Tensor2D; // [batch, keyLen] int32
          const out = model.forward(ids, { attentionMask, outputStart: keyLen - 1 });
          next.logits = (out.logits as tf.Tensor3D).reshape([batchSize, vocabSize]);
          next.seqIds = ids;
        }
      }
      return next as tf.TensorContainer;
    }) as unknown as { tokens: tf.Tensor1D; logprobs: tf.Tensor1D; alive?: tf.Tensor1D; done?: tf.Tensor1D; allDone?: tf.Tensor; logits?: tf.Tensor2D; cache?: KVCache; seqIds?: tf.Tensor2D };
    // carry: the new logits/cache/done replace the previous step's.
    uniforms.dispose();
    prev.logits.dispose();
    prev.done?.dispose();
    disposeCache(prev.cache);
    if (prevSeq && prevSeq !== promptIds) prevSeq.dispose();
    tokenCols.push(step.tokens);
    logprobCols.push(step.logprobs);
    if (step.alive) maskCols.push(step.alive);
    seqIds = step.seqIds;
    state = { logits: step.logits as tf.Tensor2D, cache: step.cache, done: step.done };
    let stop = false;
    if (step.allDone) {
      stop = (await step.allDone.data())[0] === 1; // sync: one boolean per step
      step.allDone.dispose();
    }
    if (stop || !step.logits) break;
  }
  // Rows all finished early: the remaining columns are padding.
  const result = tf.tidy('sample/collect', () => {
    const missing = respLen - tokenCols.length;
    const pad = (cols: tf.Tensor1D[], value: number, dtype: 'int32' | 'float32') =>
      missing > 0 ? tf.concat([tf.stack(cols, 1), tf.fill([batchSize, missing], value, dtype)], 1) : tf.stack(cols, 1);
    return {
      tokens: pad(tokenCols, opts.padTokenId, 'int32'),
      logprobs: pad(logprobCols, 0, 'float32'),
      mask: withEos ? pad(maskCols, 0, 'float32') : tf.ones([batchSize, respLen]),
    };
  }) as unknown as GenerateResult;
  for (const c of [...tokenCols, ...logprobCols, ...maskCols]) c.dispose();
  state.logits?.dispose();
  state.done?.dispose();
  disposeCache(state.cache);
  if (seqIds && seqIds !== promptIds) seqIds.dispose();
  tf.dispose([fullMask, firstPos].filter((x): x is tf.Tensor2D => x !== undefined));
  return result;
}
