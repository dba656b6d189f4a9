/**
 * DistilBERT sequence classifier (Sanh et al. 2019), the architecture of the study's reward model
 * lvwerra/distilbert-imdb: learned token + position embeddings and LayerNorm, N post-LN transformer
 * blocks (bidirectional attention with a key padding mask, exact-erf GELU FFN), then
 * pre_classifier -> ReLU -> classifier on the [CLS] position. Matches transformers 5.18
 * `DistilBertForSequenceClassification` in evaluation mode (dropout off).
 * Weights keep Hugging Face's names and layouts (nn.Linear weight [out, in]), so the importer is a
 * lookup table (`hf_distilbert_import.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { embedTokens } from './embedding';
import { layerNorm } from './layer_norm';
import { matMulT } from './linear';

/** Architecture of a DistilBERT classifier (HF `DistilBertConfig` names in the doc lines). */
export interface DistilBertConfig {
  /** Token rows of the embedding (`vocab_size`; 30,522 for distilbert-base-uncased). */
  readonly vocabSize: number;
  /** Learned positions (`max_position_embeddings`; 512). */
  readonly maxPositions: number;
  /** Width (`dim`; 768). */
  readonly dModel: number;
  /** Transformer blocks (`n_layers`; 6). */
  readonly nLayer: number;
  /** Attention heads (`n_heads`; 12); dModel must be divisible by it. */
  readonly nHead: number;
  /** FFN inner width (`hidden_dim`; 3,072). */
  readonly dHidden: number;
  /** Output classes (`num_labels`; 2 for distilbert-imdb: 0 NEGATIVE, 1 POSITIVE). */
  readonly nClasses: number;
}

/** DistilBERT's LayerNorm epsilon, hard-coded in HF `modeling_distilbert.py` (not in the config). */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/** Added to the attention scores of padding keys; exp underflows to exactly 0 in float32. */
const MASKED_SCORE = -1e9;

/** Every weight name (HF `DistilBertForSequenceClassification` state-dict keys) with its shape. */
export function distilBertWeightShapes(cfg: DistilBertConfig): Map<string, number[]> {
  const { vocabSize, maxPositions, dModel, dHidden, nClasses } = cfg;
  const shapes = new Map<string, number[]>([
    ['distilbert.embeddings.word_embeddings.weight', [vocabSize, dModel]],
    ['distilbert.embeddings.position_embeddings.weight', [maxPositions, dModel]],
    ['distilbert.embeddings.LayerNorm.weight', [dModel]],
    ['distilbert.embeddings.LayerNorm.bias', [dModel]],
  ]);
  for (let i = 0; i < cfg.nLayer; i++) {
    const p = `distilbert.transformer.layer.${i}`;
    for (const lin of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) {
      shapes.set(`${p}.attention.${lin}.weight`, [dModel, dModel]);
      shapes.set(`${p}.attention.${lin}.bias`, [dModel]);
    }
    shapes.set(`${p}.sa_layer_norm.weight`, [dModel]);
    shapes.set(`${p}.sa_layer_norm.bias`, [dModel]);
    shapes.set(`${p}.ffn.lin1.weight`, [dHidden, dModel]);
    shapes.set(`${p}.ffn.lin1.bias`, [dHidden]);
    shapes.set(`${p}.ffn.lin2.weight`, [dModel, dHidden]);
    shapes.set(`${p}.ffn.lin2.bias`, [dModel]);
    shapes.set(`${p}.output_layer_norm.weight`, [dModel]);
    shapes.set(`${p}.output_layer_norm.bias`, [dModel]);
  }
  shapes.set('pre_classifier.weight', [dModel, dModel]);
  shapes.set('pre_classifier.bias', [dModel]);
  shapes.set('classifier.weight', [nClasses, dModel]);
  shapes.set('classifier.bias', [nClasses]);
  return shapes;
}

/**
 * GELU with the exact Gaussian CDF (HF `gelu` = torch.nn.functional.gelu), DistilBERT's activation:
 * 0.5 x (1 + erf(x / sqrt 2)). Not `geluTanh` (GPT-2's `gelu_new`): they differ by up to ~1e-3.
 * @param x any shape
 * @returns same shape; no tidy (private to the forward pass)
 */
export function geluErf<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as T;
}

/** x W^T + b for an HF nn.Linear weight W [out, in]. x [rows, in] -> [rows, out]. */
function hfLinear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(matMulT(x, w as tf.Tensor2D, false, true), b) as tf.Tensor2D;
}

/** A DistilBERT sequence classifier holding its weights (HF names, HF layouts). */
export class DistilBertClassifier {
  readonly config: DistilBertConfig;
  private readonly weights: Map<string, tf.Tensor>;

  private constructor(config: DistilBertConfig, weights: Map<string, tf.Tensor>) {
    this.config = config;
    this.weights = weights;
  }

  /**
   * Builds a classifier from named tensors (copied; the caller keeps and disposes `tensors`).
   * Throws naming the first missing or mis-shaped weight.
   */
  static fromTensors(config: DistilBertConfig, tensors: ReadonlyMap<string, tf.Tensor>): DistilBertClassifier {
    if (config.dModel % config.nHead !== 0) throw new Error(`DistilBertConfig: dim ${config.dModel} is not divisible by n_heads ${config.nHead}`);
    const weights = new Map<string, tf.Tensor>();
    try {
      for (const [name, shape] of distilBertWeightShapes(config)) {
        const t = tensors.get(name);
        if (!t) throw new Error(`DistilBERT weights: '${name}' is missing; expected shape [${shape.join(', ')}]`);
        if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
          throw new Error(`DistilBERT weights: '${name}' has shape [${t.shape.join(', ')}]; expected [${shape.join(', ')}]`);
        }
        weights.set(name, tf.keep(tf.clone(t)));
      }
    } catch (e) {
      tf.dispose([...weights.values()]);
      throw e;
    }
    return new DistilBertClassifier(config, weights);
  }

  /** The weights by HF name (views owned by the model; do not dispose). */
  namedWeights(): ReadonlyMap<string, tf.Tensor> {
    return this.weights;
  }

  private w(name: string): tf.Tensor {
    return this.weights.get(name) as tf.Tensor;
  }

  /**
   * Classification logits from the [CLS] (first) position. Differentiable in the weights.
   * @param inputIds [batch, seq] int32, [CLS] first, right-padded; seq <= maxPositions
   * @param attentionMask [batch, seq] float 0/1 (1 = real token), or undefined (no padding)
   * @returns [batch, classes] logits; new tensor, caller disposes
   */
  classify(inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy('models/distilbertClassify', () => {
      const cls = this.encodeCls(inputIds, attentionMask); // [batch, d_model]
      const pre = tf.relu(hfLinear(cls, this.w('pre_classifier.weight'), this.w('pre_classifier.bias'))); // [batch, d_model]
      return hfLinear(pre as tf.Tensor2D, this.w('classifier.weight'), this.w('classifier.bias')); // [batch, classes]
    });
  }

  private encodeCls(inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D): tf.Tensor2D {
    const [batchSize, seqLen] = inputIds.shape;
    const h = this.encode(inputIds, attentionMask).reshape([batchSize, seqLen, this.config.dModel]); // [batch, seq, d_model]
    return tf.squeeze(tf.slice(h, [0, 0, 0], [batchSize, 1, this.config.dModel]), [1]) as tf.Tensor2D; // [batch, d_model]
  }

  /** Embeddings and blocks; [batch * seq, d_model]. No tidy (callers wrap it). */
  private encode(inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D): tf.Tensor2D {
    const { dModel, maxPositions, nLayer } = this.config;
    const [batchSize, seqLen] = inputIds.shape;
    if (seqLen > maxPositions) throw new Error(`inputIds: ${seqLen} positions exceed max_position_embeddings ${maxPositions}; truncate the text (tokenizer maxLength)`);
    const tokens = embedTokens(inputIds.reshape([batchSize * seqLen]) as tf.Tensor1D, this.w('distilbert.embeddings.word_embeddings.weight') as tf.Tensor2D); // [batch * seq, d_model]
    const positions = tf.slice(this.w('distilbert.embeddings.position_embeddings.weight'), [0, 0], [seqLen, dModel]); // [seq, d_model]
    const summed = tf.add(tokens.reshape([batchSize, seqLen, dModel]), positions).reshape([batchSize * seqLen, dModel]) as tf.Tensor2D; // [batch * seq, d_model]
    let x = this.norm(summed, 'distilbert.embeddings.LayerNorm');
    // Padding keys get -1e9 (HF fills finfo.min); padded queries still compute, and never reach [CLS].
    const bias = attentionMask
      ? (tf.mul(tf.sub(tf.cast(attentionMask, 'float32'), 1), -MASKED_SCORE).reshape([batchSize, 1, 1, seqLen]) as tf.Tensor4D) // [batch, 1, 1, seq]
      : undefined;
    for (let i = 0; i < nLayer; i++) x = this.block(x, i, bias, batchSize, seqLen);
    return x;
  }

  private norm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    return layerNorm(x, this.w(`${prefix}.weight`) as tf.Tensor1D, this.w(`${prefix}.bias`) as tf.Tensor1D, DISTILBERT_LAYER_NORM_EPS);
  }

  /** One post-LN block: x = LN(x + attn(x)); x = LN(x + ffn(x)). x [batch * seq, d_model]. */
  private block(x: tf.Tensor2D, i: number, bias: tf.Tensor4D | undefined, batchSize: number, seqLen: number): tf.Tensor2D {
    const p = `distilbert.transformer.layer.${i}`;
    const sa = this.norm(tf.add(x, this.attention(x, p, bias, batchSize, seqLen)) as tf.Tensor2D, `${p}.sa_layer_norm`); // [batch * seq, d_model]
    const inner = geluErf(hfLinear(sa, this.w(`${p}.ffn.lin1.weight`), this.w(`${p}.ffn.lin1.bias`))); // [batch * seq, d_hidden]
    const ffn = hfLinear(inner, this.w(`${p}.ffn.lin2.weight`), this.w(`${p}.ffn.lin2.bias`)); // [batch * seq, d_model]
    return this.norm(tf.add(sa, ffn) as tf.Tensor2D, `${p}.output_layer_norm`);
  }

  /** Bidirectional multi-head self-attention (HF `DistilBertSelfAttention`). x [batch * seq, d_model]. */
  private attention(x: tf.Tensor2D, p: string, bias: tf.Tensor4D | undefined, batchSize: number, seqLen: number): tf.Tensor2D {
    const { dModel, nHead } = this.config;
    const headDim = dModel / nHead;
    const heads = (lin: string) =>
      tf.transpose(hfLinear(x, this.w(`${p}.attention.${lin}.weight`), this.w(`${p}.attention.${lin}.bias`)).reshape([batchSize, seqLen, nHead, headDim]), [0, 2, 1, 3]); // [batch, heads, seq, head_dim]
    const q = tf.mul(heads('q_lin'), 1 / Math.sqrt(headDim)); // [batch, heads, seq, head_dim]
    const k = heads('k_lin');
    const v = heads('v_lin');
    let scores = tf.matMul(q, k, false, true); // [batch, heads, seq, seq]
    if (bias) scores = tf.add(scores, bias);
    const ctx = tf.matMul(tf.softmax(scores), v); // [batch, heads, seq, head_dim]
    const merged = tf.transpose(ctx, [0, 2, 1, 3]).reshape([batchSize * seqLen, dModel]) as tf.Tensor2D; // [batch * seq, d_model]
    return hfLinear(merged, this.w(`${p}.attention.out_lin.weight`), this.w(`${p}.attention.out_lin.bias`)); // [batch * seq, d_model]
  }

  /** Frees the weights. */
  dispose(): void {
    tf.dispose([...this.weights.values()]);
    this.weights.clear();
  }
}
