/**
 * Causal multi-head self-attention of GPT-2 (Radford et al. 2019; HF `GPT2Attention`): one fused
 * QKV projection (`c_attn`, Conv1D layout [in, out]), scaled dot-product attention with an additive
 * causal + padding bias, and the output projection (`c_proj`). Works on the whole sequence or on
 * new positions appended to a KV cache.
 */
import * as tf from '@tensorflow/tfjs';
import { seededDropout } from '../tensor/dropout';
import { appendToCache } from './kv_cache';
import { linear, stackedLinear } from './linear';

/** Added to the scores of forbidden keys; exp underflows to exactly 0 in float32. */
const MASKED_SCORE = -1e9;

/** Weights of one attention layer, HF GPT-2 layout. */
export interface AttentionWeights {
  /** `attn.c_attn.weight` [d_model, 3 * d_model] (q | k | v columns). */
  readonly cAttnW: tf.Tensor2D;
  /** `attn.c_attn.bias` [3 * d_model]. */
  readonly cAttnB: tf.Tensor1D;
  /** `attn.c_proj.weight` [d_model, d_model]. */
  readonly cProjW: tf.Tensor2D;
  /** `attn.c_proj.bias` [d_model]. */
  readonly cProjB: tf.Tensor1D;
}

/** Shapes and options of one attention call. */
export interface AttentionShape {
  /** Rows of the batch. */
  readonly batchSize: number;
  /** New positions in this call. */
  readonly seqLen: number;
  /** Attention heads; d_model must be divisible by it. */
  readonly nHead: number;
}

/**
 * Additive attention bias combining causality and key padding: 0 where query i may attend to key j,
 * -1e9 elsewhere. The queries are the last `seqLen` of `keyLen` positions (the first `keyLen - seqLen`
 * come from a KV cache), so query i may see keys j <= keyLen - seqLen + i.
 * Rows of padded queries see only masked keys; their outputs are finite and never reach real tokens.
 * @param keyMask [batch, keyLen] float 0/1 (1 = real token), or undefined (no padding)
 * @returns [batch or 1, 1, seqLen, keyLen], or undefined when nothing is masked (one new position, no padding)
 */
export function attentionBias(keyMask: tf.Tensor2D | undefined, seqLen: number, keyLen: number): tf.Tensor4D | undefined {
  return tf.tidy('models/attentionBias', () => {
    const past = keyLen - seqLen;
    let bias: tf.Tensor4D | undefined;
    if (seqLen > 1) {
      // Built on the host: one upload instead of a range/compare chain.
      const causal = new Float32Array(seqLen * keyLen);
      for (let i = 0; i < seqLen; i++) for (let j = past + i + 1; j < keyLen; j++) causal[i * keyLen + j] = MASKED_SCORE;
      bias = tf.tensor4d(causal, [1, 1, seqLen, keyLen]);
    }
    if (keyMask) {
      const padBias = tf.mul(tf.sub(keyMask, 1), -MASKED_SCORE).reshape([keyMask.shape[0], 1, 1, keyLen]) as tf.Tensor4D; // [batch, 1, 1, keyLen]
      bias = bias ? (tf.add(bias, padBias) as tf.Tensor4D) : padBias; // [batch, 1, seqLen, keyLen]
    }
    return bias;
  }) as tf.Tensor4D | undefined;
}

/**
 * Multi-head causal self-attention over `seqLen` new positions, optionally after cached ones.
 * @param x [batch * seq, d_model] layer-normed input
 * @param bias from `attentionBias`: [batch or 1, 1, seq, keyLen], or undefined
 * @param pastKeys / pastValues [batch, heads, past, head_dim] cached, or undefined
 * @param dropout attention-probability dropout `{ rate, seed }`, or undefined (evaluation)
 * @returns out [batch * seq, d_model] (after c_proj), keys/values [batch, heads, past + seq, head_dim]; caller disposes
 */
export function causalSelfAttention(
  x: tf.Tensor2D,
  w: AttentionWeights,
  bias: tf.Tensor4D | undefined,
  shape: AttentionShape,
  pastKeys?: tf.Tensor4D,
  pastValues?: tf.Tensor4D,
  dropout?: { rate: number; seed: number },
): { out: tf.Tensor2D; keys: tf.Tensor4D; values: tf.Tensor4D } {
  return tf.tidy('models/causalSelfAttention', () => attend(x, w, bias, shape, pastKeys, pastValues, dropout));
}

/** Weights of S attention layers of one shape stacked on a leading axis (see `stackedLinear`). */
export interface StackedAttentionWeights {
  /** [S, d_model, 3 * d_model] */
  readonly cAttnW: tf.Tensor3D;
  /** [S, 1, 3 * d_model] */
  readonly cAttnB: tf.Tensor3D;
  /** [S, d_model, d_model] */
  readonly cProjW: tf.Tensor3D;
  /** [S, 1, d_model] */
  readonly cProjB: tf.Tensor3D;
}

/**
 * S attention layers of one shape in one call (no cache, no dropout: the PPO update of stacked
 * trunks). The S members' heads run as one batch of S * batch rows, so each slice is bit for bit
 * `causalSelfAttention(x[s], w[s], ...)` on the native backend where the shapes allow (rl/stacked_actor_critic.ts `stackingIsExact`).
 * @param x [S, batch * seq, d_model] layer-normed input
 * @param bias from `attentionBias`: [1, 1, seq, seq] (causal), or [S * batch, 1, seq, seq] (padding: one copy per member), or undefined
 * @param shape `batchSize` rows per member
 * @returns [S, batch * seq, d_model] (after c_proj); caller disposes
 */
export function stackedCausalSelfAttention(x: tf.Tensor3D, w: StackedAttentionWeights, bias: tf.Tensor4D | undefined, shape: AttentionShape): tf.Tensor3D {
  return tf.tidy('models/stackedCausalSelfAttention', () => {
    const nStack = x.shape[0];
    if (bias && bias.shape[0] !== 1 && bias.shape[0] !== nStack * shape.batchSize) throw new Error(`stackedCausalSelfAttention: bias has ${bias.shape[0]} rows; expected 1 or ${nStack * shape.batchSize}`);
    const qkv = stackedLinear(x, w.cAttnW, w.cAttnB); // [S, batch * seq, 3 * d_model]
    const { merged } = attendHeads(qkv, bias, { ...shape, batchSize: nStack * shape.batchSize }, x.shape);
    return stackedLinear(merged as tf.Tensor3D, w.cProjW, w.cProjB); // [S, batch * seq, d_model]
  });
}

function attend(
  x: tf.Tensor2D,
  w: AttentionWeights,
  bias: tf.Tensor4D | undefined,
  shape: AttentionShape,
  pastKeys?: tf.Tensor4D,
  pastValues?: tf.Tensor4D,
  dropout?: { rate: number; seed: number },
): { out: tf.Tensor2D; keys: tf.Tensor4D; values: tf.Tensor4D } {
  const qkv = linear(x, w.cAttnW, w.cAttnB); // [batch * seq, 3 * d_model]
  const { merged, keys, values } = attendHeads(qkv, bias, shape, x.shape, pastKeys, pastValues, dropout);
  const out = linear(merged as tf.Tensor2D, w.cProjW, w.cProjB); // [batch * seq, d_model]
  return { out, keys, values };
}

/**
 * Scaled dot-product attention of the heads in `qkv` (q | k | v columns, rows in batch-major order
 * whatever its leading axes); `merged` has `outShape`, the shape of the layer's input. No tidy.
 */
function attendHeads(
  qkv: tf.Tensor,
  bias: tf.Tensor4D | undefined,
  shape: AttentionShape,
  outShape: number[],
  pastKeys?: tf.Tensor4D,
  pastValues?: tf.Tensor4D,
  dropout?: { rate: number; seed: number },
): { merged: tf.Tensor; keys: tf.Tensor4D; values: tf.Tensor4D } {
  const { batchSize, seqLen, nHead } = shape;
  const dModel = qkv.shape[qkv.rank - 1] / 3;
  const headDim = dModel / nHead;
  let q: tf.Tensor4D;
  let k: tf.Tensor4D;
  let v: tf.Tensor4D;
  if (seqLen === 1) {
    // One position: [batch, 3 * d_model] already has the memory order of [batch, 3 * heads, 1, head_dim]
    // (q heads, then k heads, then v heads), so the head split is one reshape and no transpose.
    [q, k, v] = tf.split(qkv.reshape([batchSize, 3 * nHead, 1, headDim]), 3, 1) as tf.Tensor4D[]; // 3 x [batch, heads, 1, head_dim]
  } else {
    // A 4-D transpose, not [batch, seq, 3, heads, head_dim] -> [3, ...]: wasm transposes rank 5 ~80x slower.
    const heads = tf.transpose(qkv.reshape([batchSize, seqLen, 3 * nHead, headDim]), [0, 2, 1, 3]); // [batch, 3 * heads, seq, head_dim]
    [q, k, v] = tf.split(heads, 3, 1) as tf.Tensor4D[]; // 3 x [batch, heads, seq, head_dim]
  }
  const keys = appendToCache(pastKeys, k); // [batch, heads, keyLen, head_dim]
  const values = appendToCache(pastValues, v); // [batch, heads, keyLen, head_dim]
  let scores = tf.mul(tf.matMul(q, keys, false, true), 1 / Math.sqrt(headDim)); // [batch, heads, seq, keyLen]
  if (bias) scores = tf.add(scores, bias);
  let probs = tf.softmax(scores); // [batch, heads, seq, keyLen]
  if (dropout) probs = seededDropout(probs, dropout.rate, dropout.seed);
  const ctx = tf.matMul(probs, values); // [batch, heads, seq, head_dim]
  const merged =
    seqLen === 1
      ? ctx.reshape(outShape) // same memory order as [batch, 1, heads, head_dim]
      : tf.transpose(ctx, [0, 2, 1, 3]).reshape(outShape); // [batch * seq, d_model] (or [S, batch * seq, d_model])
  return { merged, keys, values };
}
