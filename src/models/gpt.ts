/**
 * GPT-2 (Radford et al. 2019) as the study's policy, value network and probed model: learned
 * positions, pre-LayerNorm blocks, GELU (tanh form), causal self-attention, tied or untied output
 * embedding. Weights are named after the Hugging Face `GPT2LMHeadModel` keys (transformers 4.x/5.x,
 * without the `transformer.` prefix) and kept in HF layout, so importing a checkpoint is a lookup.
 * Initialisation follows HF `GPT2PreTrainedModel._init_weights`.
 */
import * as tf from '@tensorflow/tfjs';
import { seededDropout } from '../tensor/dropout';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import { attentionBias, causalSelfAttention } from './attention';
import { embedTokens } from './embedding';
import { geluTanh } from './gelu';
import { layerNorm } from './layer_norm';
import { linear, projectOntoTable } from './linear';
import { cacheLength, type KVCache } from './kv_cache';

/** Architecture of a GPT-2 model. */
export interface GPTConfig {
  /** Rows of the token embedding; toy 12 (digits + pad/unk, docs/study.md), GPT-2 50,257. */
  readonly vocabSize: number;
  /** Longest sequence (rows of `wpe`); toy 19 (docs/study.md), GPT-2 1,024. */
  readonly nPositions: number;
  /** Width d_model; toy 256, GPT-2 small 768. */
  readonly dModel: number;
  /** Transformer blocks; toy 4, GPT-2 small 12. */
  readonly nLayer: number;
  /** Attention heads (d_model divisible by it); toy 4, GPT-2 small 12. */
  readonly nHead: number;
  /** Dropout rate for embeddings, attention probabilities and residual branches; HF GPT2Config default 0.1. Only active with `training: true`. */
  readonly dropout: number;
  /** Output projection shares `wte` (true: HF default `tie_word_embeddings`) or has its own `lm_head`. */
  readonly tiedEmbeddings: boolean;
  /** LayerNorm epsilon; HF `layer_norm_epsilon` default 1e-5. */
  readonly layerNormEps: number;
}

/** Named architectures used by the study. */
export const GPT_CONFIGS = {
  /** Toy policy and value network of the synthetic tasks (docs/study.md: 4 layers, 4 heads, width 256, vocab 12, context 19). */
  toyPolicy: { vocabSize: 12, nPositions: 19, dModel: 256, nLayer: 4, nHead: 4, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 },
  /** GPT-2 small (HF `gpt2`, `lvwerra/gpt2-imdb`). */
  gpt2Small: { vocabSize: 50257, nPositions: 1024, dModel: 768, nLayer: 12, nHead: 12, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 },
} as const satisfies Record<string, GPTConfig>;

/** Checks every field of `cfg` and returns it; throws `ConfigError` naming the first bad field. */
export function checkGPTConfig(cfg: GPTConfig): GPTConfig {
  checkInt('vocabSize', cfg.vocabSize, 1);
  checkInt('nPositions', cfg.nPositions, 1);
  checkInt('dModel', cfg.dModel, 1);
  checkInt('nLayer', cfg.nLayer, 1);
  checkInt('nHead', cfg.nHead, 1);
  if (cfg.dModel % cfg.nHead !== 0) throw new ConfigError(`nHead: ${cfg.nHead} does not divide dModel ${cfg.dModel}`);
  checkRange('dropout', cfg.dropout, 0, 0.99);
  if (typeof cfg.tiedEmbeddings !== 'boolean') throw new ConfigError(`tiedEmbeddings: ${JSON.stringify(cfg.tiedEmbeddings)} is not a boolean`);
  checkRange('layerNormEps', cfg.layerNormEps, 0, 1);
  return cfg;
}

/** HF key suffixes of one block, in checkpoint order. */
const BLOCK_KEYS = [
  'ln_1.weight', 'ln_1.bias', 'attn.c_attn.weight', 'attn.c_attn.bias', 'attn.c_proj.weight', 'attn.c_proj.bias',
  'ln_2.weight', 'ln_2.bias', 'mlp.c_fc.weight', 'mlp.c_fc.bias', 'mlp.c_proj.weight', 'mlp.c_proj.bias',
] as const;

/** Every weight name of a model with `cfg` and its shape (HF layout: Conv1D [in, out], `lm_head` [vocab, d_model]). */
export function gptWeightShapes(cfg: GPTConfig): Map<string, number[]> {
  const d = cfg.dModel;
  const shapes = new Map<string, number[]>([['wte.weight', [cfg.vocabSize, d]], ['wpe.weight', [cfg.nPositions, d]]]);
  const block: Record<(typeof BLOCK_KEYS)[number], number[]> = {
    'ln_1.weight': [d], 'ln_1.bias': [d], 'attn.c_attn.weight': [d, 3 * d], 'attn.c_attn.bias': [3 * d],
    'attn.c_proj.weight': [d, d], 'attn.c_proj.bias': [d], 'ln_2.weight': [d], 'ln_2.bias': [d],
    'mlp.c_fc.weight': [d, 4 * d], 'mlp.c_fc.bias': [4 * d], 'mlp.c_proj.weight': [4 * d, d], 'mlp.c_proj.bias': [d],
  };
  for (let i = 0; i < cfg.nLayer; i++) for (const k of BLOCK_KEYS) shapes.set(`h.${i}.${k}`, block[k]);
  shapes.set('ln_f.weight', [d]);
  shapes.set('ln_f.bias', [d]);
  if (!cfg.tiedEmbeddings) shapes.set('lm_head.weight', [cfg.vocabSize, d]);
  return shapes;
}

/** Options of `GPT.forward`. */
export interface ForwardOptions {
  /** [batch, past + seq] float 0/1, 1 = real token (covers cached positions too); default: all real. */
  readonly attentionMask?: tf.Tensor2D;
  /** [batch, seq] int32 positions; default: cumsum(mask) - 1 clipped at 0 (HF generation), else past..past+seq-1. */
  readonly positionIds?: tf.Tensor2D;
  /** Dropout on (needs `rng`); false in evaluation and PPO. Default false. */
  readonly training?: boolean;
  /** Past keys/values; `inputIds` are then the positions after them. */
  readonly cache?: KVCache;
  /** Also return the cache extended by this call's positions. Default false. */
  readonly returnCache?: boolean;
  /** First position (of this call's `seq`) whose outputs are returned; default 0. */
  readonly outputStart?: number;
  /** One past the last returned position; default seq. Outputs cover [outputStart, outputEnd). */
  readonly outputEnd?: number;
  /** Return the final hidden states (after `ln_f`) at the output positions. Default false. */
  readonly returnHidden?: boolean;
  /** Compute logits (skip the vocabulary projection when only hidden states are needed). Default true. */
  readonly returnLogits?: boolean;
}

/** Result of `GPT.forward`; new tensors owned by the caller. */
export interface ForwardOutput {
  /** [batch, out, vocab] logits at the output positions (absent with `returnLogits: false`). */
  logits?: tf.Tensor3D;
  /** [batch, out, d_model] final hidden states after `ln_f` (with `returnHidden`). */
  hidden?: tf.Tensor3D;
  /** Cache covering past + seq positions (with `returnCache`). */
  cache?: KVCache;
}

interface BlockWeights {
  ln1G: tf.Variable; ln1B: tf.Variable;
  cAttnW: tf.Variable; cAttnB: tf.Variable; cProjW: tf.Variable; cProjB: tf.Variable;
  ln2G: tf.Variable; ln2B: tf.Variable;
  fcW: tf.Variable; fcB: tf.Variable; mlpProjW: tf.Variable; mlpProjB: tf.Variable;
}

/** A GPT-2 model owning its tf.Variables; `dispose()` frees them. */
export class GPT {
  readonly config: GPTConfig;
  private readonly named: Map<string, tf.Variable>;
  private readonly blocks: BlockWeights[];

  private constructor(config: GPTConfig, named: Map<string, tf.Variable>) {
    this.config = config;
    this.named = named;
    const g = (k: string) => named.get(k) as tf.Variable;
    this.blocks = [];
    for (let i = 0; i < config.nLayer; i++) {
      const p = `h.${i}.`;
      this.blocks.push({
        ln1G: g(p + 'ln_1.weight'), ln1B: g(p + 'ln_1.bias'),
        cAttnW: g(p + 'attn.c_attn.weight'), cAttnB: g(p + 'attn.c_attn.bias'),
        cProjW: g(p + 'attn.c_proj.weight'), cProjB: g(p + 'attn.c_proj.bias'),
        ln2G: g(p + 'ln_2.weight'), ln2B: g(p + 'ln_2.bias'),
        fcW: g(p + 'mlp.c_fc.weight'), fcB: g(p + 'mlp.c_fc.bias'),
        mlpProjW: g(p + 'mlp.c_proj.weight'), mlpProjB: g(p + 'mlp.c_proj.bias'),
      });
    }
  }

  /**
   * A freshly initialised model (HF GPT-2 init): weights and embeddings normal(0, 0.02), residual
   * projections (`attn.c_proj`, `mlp.c_proj`) normal(0, 0.02 / sqrt(2 nLayer)), biases 0, LayerNorm 1/0.
   * Draws one tf seed per tensor from `rng`, in the order of `gptWeightShapes`.
   */
  static init(config: GPTConfig, rng: Rng): GPT {
    checkGPTConfig(config);
    const named = new Map<string, tf.Variable>();
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayer);
    for (const [name, shape] of gptWeightShapes(config)) {
      const value = tf.tidy(() => {
        if (/ln_(1|2|f)\.weight$/.test(name)) return tf.ones(shape);
        if (name.endsWith('.bias')) return tf.zeros(shape);
        const std = /c_proj\.weight$/.test(name) ? residualStd : 0.02;
        return tf.randomNormal(shape, 0, std, 'float32', rng.tfSeed());
      });
      named.set(name, tf.variable(value, true));
      value.dispose();
    }
    return new GPT(config, named);
  }

  /**
   * A model holding copies of `tensors` (HF names without prefix, see `gptWeightShapes`); every
   * expected name must be present with its shape, and no other name. `trainable: false` for a
   * frozen reference model.
   */
  static fromTensors(config: GPTConfig, tensors: ReadonlyMap<string, tf.Tensor>, trainable = true): GPT {
    checkGPTConfig(config);
    const shapes = gptWeightShapes(config);
    for (const name of tensors.keys()) {
      if (!shapes.has(name)) throw new ConfigError(`weights: unexpected tensor '${name}' for this config; expected one of ${shapes.size} GPT-2 names such as 'h.0.attn.c_attn.weight'`);
    }
    const named = new Map<string, tf.Variable>();
    for (const [name, shape] of shapes) {
      const t = tensors.get(name);
      if (!t) throw new ConfigError(`weights: '${name}' is missing`);
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
        throw new ConfigError(`weights: '${name}' has shape [${t.shape.join(', ')}]; expected [${shape.join(', ')}]`);
      }
      const value = tf.cast(t, 'float32');
      named.set(name, tf.variable(value, trainable)); // shares value's data (ref-counted)
      value.dispose();
    }
    return new GPT(config, named);
  }

  /** A copy with its own variables (e.g. the frozen reference model: `trainable` false). */
  copy(trainable = true): GPT {
    return GPT.fromTensors(this.config, this.named, trainable);
  }

  /** Weights by HF name (no `transformer.` prefix), in checkpoint order; the variables themselves. */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return this.named;
  }

  /** The trainable variables (all weights unless built with `trainable: false`). */
  get trainableVariables(): tf.Variable[] {
    return [...this.named.values()].filter((v) => v.trainable);
  }

  /** The trainable variables used without the output projection: all but an untied `lm_head` (for value/classifier trunks). */
  get trunkVariables(): tf.Variable[] {
    return [...this.named.entries()].filter(([name, v]) => v.trainable && name !== 'lm_head.weight').map(([, v]) => v);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.named.values()) v.dispose();
    this.named.clear();
  }

  /**
   * Runs the model on `inputIds` (after the cached positions, if any).
   * @param inputIds [batch, seq] int32 token ids
   * @param rng dropout seeds; required when `training` and `config.dropout > 0`
   * @returns logits [batch, out, vocab], hidden [batch, out, d_model], cache (see `ForwardOptions`); caller disposes
   */
  forward(inputIds: tf.Tensor2D, opts: ForwardOptions = {}, rng?: Rng): ForwardOutput {
    return tf.tidy('models/gptForward', () => gptForward(this.config, this.named, this.blocks, inputIds, opts, rng) as unknown as tf.TensorContainer) as unknown as ForwardOutput;
  }
}

function gptForward(
  cfg: GPTConfig,
  named: Map<string, tf.Variable>,
  blocks: BlockWeights[],
  inputIds: tf.Tensor2D,
  opts: ForwardOptions,
  rng: Rng | undefined,
): ForwardOutput {
  const [batchSize, seqLen] = inputIds.shape;
  const dModel = cfg.dModel;
  const past = cacheLength(opts.cache);
  const keyLen = past + seqLen;
  if (keyLen > cfg.nPositions) throw new ConfigError(`inputIds: ${keyLen} positions (past ${past} + seq ${seqLen}) exceed nPositions ${cfg.nPositions}`);
  const outStart = opts.outputStart ?? 0;
  const outEnd = opts.outputEnd ?? seqLen;
  checkInt('outputStart', outStart, 0, seqLen - 1);
  checkInt('outputEnd', outEnd, outStart + 1, seqLen);
  const mask = opts.attentionMask;
  if (mask && (mask.shape[0] !== batchSize || mask.shape[1] !== keyLen)) {
    throw new ConfigError(`attentionMask: shape [${mask.shape.join(', ')}]; expected [${batchSize}, ${keyLen}] (batch, past + seq)`);
  }
  const dropRate = opts.training ? cfg.dropout : 0;
  if (dropRate > 0 && !rng) throw new ConfigError('rng: required when training with dropout > 0');
  const drop = <T extends tf.Tensor>(x: T): T => (dropRate > 0 ? seededDropout(x, dropRate, (rng as Rng).tfSeed()) : x);
  const wte = named.get('wte.weight') as tf.Variable as tf.Tensor2D;
  const wpe = named.get('wpe.weight') as tf.Variable as tf.Tensor2D;

  // Embeddings: x [batch * seq, d_model] for the whole trunk (2-D keeps the matmuls plain).
  const tokEmb = embedTokens(inputIds.reshape([batchSize * seqLen]) as tf.Tensor1D, wte); // [batch * seq, d_model]
  let x: tf.Tensor2D;
  const positionIds = opts.positionIds ?? (mask ? positionIdsFromMask(mask, seqLen) : undefined);
  if (positionIds) {
    x = tf.add(tokEmb, embedTokens(positionIds.reshape([batchSize * seqLen]) as tf.Tensor1D, wpe)); // [batch * seq, d_model]
  } else {
    const posEmb = tf.slice(wpe, [past, 0], [seqLen, dModel]); // [seq, d_model]
    x = tf.add(tokEmb.reshape([batchSize, seqLen, dModel]), posEmb).reshape([batchSize * seqLen, dModel]);
  }
  x = drop(x);

  const bias = attentionBias(mask, seqLen, keyLen); // [batch or 1, 1, seq, keyLen]
  const keys: tf.Tensor4D[] = [];
  const values: tf.Tensor4D[] = [];
  const shape = { batchSize, seqLen, nHead: cfg.nHead };
  blocks.forEach((b, i) => {
    const h1 = layerNorm(x, b.ln1G as tf.Tensor1D, b.ln1B as tf.Tensor1D, cfg.layerNormEps); // [batch * seq, d_model]
    const attnDropout = dropRate > 0 ? { rate: dropRate, seed: (rng as Rng).tfSeed() } : undefined;
    const attn = causalSelfAttention(
      h1,
      { cAttnW: b.cAttnW as tf.Tensor2D, cAttnB: b.cAttnB as tf.Tensor1D, cProjW: b.cProjW as tf.Tensor2D, cProjB: b.cProjB as tf.Tensor1D },
      bias, shape, opts.cache?.keys[i], opts.cache?.values[i], attnDropout,
    );
    keys.push(attn.keys);
    values.push(attn.values);
    x = tf.add(x, drop(attn.out)); // [batch * seq, d_model]
    const h2 = layerNorm(x, b.ln2G as tf.Tensor1D, b.ln2B as tf.Tensor1D, cfg.layerNormEps);
    const fc = geluTanh(linear(h2, b.fcW as tf.Tensor2D, b.fcB as tf.Tensor1D)); // [batch * seq, 4 * d_model]
    const mlp = linear(fc, b.mlpProjW as tf.Tensor2D, b.mlpProjB as tf.Tensor1D); // [batch * seq, d_model]
    x = tf.add(x, drop(mlp));
  });

  // Only the requested positions go through ln_f and the vocabulary projection.
  const nOut = outEnd - outStart;
  if (nOut !== seqLen) {
    x = tf.slice(x.reshape([batchSize, seqLen, dModel]), [0, outStart, 0], [batchSize, nOut, dModel]).reshape([batchSize * nOut, dModel]);
  }
  const hidden = layerNorm(x, named.get('ln_f.weight') as tf.Tensor1D, named.get('ln_f.bias') as tf.Tensor1D, cfg.layerNormEps); // [batch * out, d_model]
  const out: ForwardOutput = {};
  if (opts.returnLogits ?? true) {
    const head = (cfg.tiedEmbeddings ? wte : named.get('lm_head.weight')) as tf.Tensor2D; // [vocab, d_model]
    out.logits = projectOntoTable(hidden, head).reshape([batchSize, nOut, cfg.vocabSize]) as tf.Tensor3D;
  }
  if (opts.returnHidden) out.hidden = hidden.reshape([batchSize, nOut, dModel]) as tf.Tensor3D;
  if (opts.returnCache) out.cache = { keys, values };
  return out;
}

/**
 * Position ids of the last `seqLen` columns of `mask` as HF generation computes them for left-padded
 * prompts: cumsum(mask) - 1, with pads clipped to 0 (HF fills 1; pad positions never reach real tokens).
 * @param mask [batch, keyLen] float 0/1
 * @returns [batch, seqLen] int32; new tensor, caller disposes
 */
export function positionIdsFromMask(mask: tf.Tensor2D, seqLen: number): tf.Tensor2D {
  return tf.tidy('models/positionIdsFromMask', () => {
    const keyLen = mask.shape[1];
    const pos = tf.relu(tf.sub(tf.cumsum(mask, 1), 1)); // [batch, keyLen]
    const last = keyLen === seqLen ? pos : tf.slice(pos, [0, keyLen - seqLen], [mask.shape[0], seqLen]);
    return tf.cast(last, 'int32') as tf.Tensor2D; // [batch, seq] int32
  });
}
