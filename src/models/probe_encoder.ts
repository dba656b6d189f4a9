/**
 * The toy MDL probe of Cruz et al. 2023: token embedding + sinusoidal positions, a PyTorch
 * `nn.TransformerEncoder` (post-LN `nn.TransformerEncoderLayer` defaults: ReLU, dropout 0.1,
 * eps 1e-5, no attention mask), and a classifier on the LAST position. Matches
 * EdoardoPona/predicting-inductive-biases-RL models/transformer_toy.py (commit 7606200; torch
 * defaults as of torch 2.x) and its head models/head.py `ClassificationHead`. Weight names are the
 * PyTorch state-dict keys of that module, so a PyTorch checkpoint loads by lookup.
 */
import * as tf from '@tensorflow/tfjs';
import { seededDropout } from '../tensor/dropout';
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
import type { Rng } from '../util/rng';
import { layerNorm } from './layer_norm';

/** Shape of the toy probe; every field has the original code's value as its default. */
export interface ProbeEncoderConfig {
  /** Token ids are 0..vocabSize-1 (RL study: 10 digits; transformer_toy.py allocates 50,000 rows, of which 10 are used). */
  readonly vocabSize: number;
  /** Longest sequence; positions 0..maxLen-1 get a sinusoid (transformer_toy.py `PositionalEncoding(max_len=10)`). */
  readonly maxLen: number;
  /** Width d_model (transformer_toy.py `hidden_size=256`). */
  readonly dModel: number;
  /** Attention heads (transformer_toy.py `num_heads=4`). */
  readonly nHead: number;
  /** Encoder layers (transformer_toy.py `num_layers=2`). */
  readonly nLayer: number;
  /** Feed-forward width (PyTorch `TransformerEncoderLayer` default `dim_feedforward=2048`). */
  readonly dFF: number;
  /** Dropout inside the encoder layers, attention weights included (PyTorch default 0.1). */
  readonly dropout: number;
  /** Output classes (2 for every probe of the study). */
  readonly nClasses: number;
  /** `dense-tanh`: head.py `ClassificationHead` (dropout, d->d, tanh, dropout, d->classes); `linear`: one d->classes layer. */
  readonly head: 'dense-tanh' | 'linear';
  /** Dropout of the dense-tanh head (head.py `hidden_dropout_prob=0.5`). */
  readonly headDropout: number;
  /** LayerNorm epsilon (PyTorch default 1e-5). */
  readonly layerNormEps: number;
  /** Start every layer from the same weights, as `nn.TransformerEncoder` deep-copies one initialised layer (true). */
  readonly identicalLayerInit: boolean;
}

/** The toy probe of the RL study (docs/study.md: 2 layers, width 256, 4 heads, sinusoidal positions). */
export const TOY_PROBE_CONFIG: ProbeEncoderConfig = Object.freeze({
  vocabSize: 10,
  maxLen: 10,
  dModel: 256,
  nHead: 4,
  nLayer: 2,
  dFF: 2048,
  dropout: 0.1,
  nClasses: 2,
  head: 'dense-tanh',
  headDropout: 0.5,
  layerNormEps: 1e-5,
  identicalLayerInit: true,
} as const) satisfies ProbeEncoderConfig;

/** Throws one line naming the first bad field of `cfg`. */
export function checkProbeEncoderConfig(cfg: ProbeEncoderConfig): void {
  checkInt('vocabSize', cfg.vocabSize, 1);
  checkInt('maxLen', cfg.maxLen, 1);
  checkInt('dModel', cfg.dModel, 1);
  checkInt('nHead', cfg.nHead, 1);
  if (cfg.dModel % cfg.nHead !== 0) throw new ConfigError(`nHead: ${cfg.nHead} does not divide dModel ${cfg.dModel}; expected a divisor of dModel`);
  checkInt('nLayer', cfg.nLayer, 1);
  checkInt('dFF', cfg.dFF, 1);
  checkRange('dropout', cfg.dropout, 0, 0.99);
  checkInt('nClasses', cfg.nClasses, 2);
  oneOf('head', cfg.head, ['dense-tanh', 'linear']);
  checkRange('headDropout', cfg.headDropout, 0, 0.99);
  checkRange('layerNormEps', cfg.layerNormEps, 0, 1);
  if (typeof cfg.identicalLayerInit !== 'boolean') throw new ConfigError(`identicalLayerInit: ${JSON.stringify(cfg.identicalLayerInit)} is not allowed; expected true or false`);
}

/** A weight's values in row-major order with its shape (PyTorch layout: Linear weights are [out, in]). */
export interface WeightValues {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** The toy probe: owns its Variables until `dispose()`. */
export interface ProbeEncoder {
  readonly cfg: ProbeEncoderConfig;
  /**
   * Class logits from the last position. `ids`: [batch, seq] int32, seq <= maxLen, all rows the
   * same length (no padding mask, as the original). `training` turns dropout on, with seeds drawn
   * from the encoder's own stream. Returns [batch, classes]; caller disposes.
   */
  logits(ids: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /** Every trainable Variable (all weights are trained). */
  readonly trainableVariables: tf.Variable[];
  /** The Variables by PyTorch state-dict key (`transformer.layers.0.self_attn.in_proj_weight`, ...). */
  namedWeights(): ReadonlyMap<string, tf.Variable>;
  /** Overwrites weights by key; every key must exist with the same shape. */
  loadWeights(values: Readonly<Record<string, WeightValues>>): void;
  /** Frees every Variable. */
  dispose(): void;
}

interface LayerWeights {
  inProjW: tf.Variable; // [3 d_model, d_model]
  inProjB: tf.Variable; // [3 d_model]
  outProjW: tf.Variable; // [d_model, d_model]
  outProjB: tf.Variable; // [d_model]
  lin1W: tf.Variable; // [d_ff, d_model]
  lin1B: tf.Variable; // [d_ff]
  lin2W: tf.Variable; // [d_model, d_ff]
  lin2B: tf.Variable; // [d_model]
  norm1G: tf.Variable;
  norm1B: tf.Variable;
  norm2G: tf.Variable;
  norm2B: tf.Variable;
}

/**
 * Creates a freshly initialised toy probe, PyTorch's initialisation drawn from `rng`: embedding
 * N(0, 1); attention in-projection Xavier-uniform with zero bias, out-projection U(+-1/sqrt(fan_in))
 * with zero bias; other Linear weights and biases U(+-1/sqrt(fan_in)); LayerNorm 1 and 0.
 * Dropout seeds come from `rng.child('dropout')`.
 */
export function createProbeEncoder(cfg: ProbeEncoderConfig, rng: Rng): ProbeEncoder {
  checkProbeEncoderConfig(cfg);
  const { vocabSize, dModel, dFF, nLayer, nClasses, nHead } = cfg;
  const initRng = rng.child('init');
  const dropoutRng = rng.child('dropout');
  const named = new Map<string, tf.Variable>();
  const add = (key: string, shape: number[], data: Float32Array): tf.Variable => {
    // tidy frees the initial tensor; the Variable keeps its own reference to the data
    const v = tf.tidy(() => tf.variable(tf.tensor(data, shape, 'float32'), true));
    named.set(key, v);
    return v;
  };
  const uniform = (n: number, bound: number, r: Rng) => Float32Array.from({ length: n }, () => (2 * r.uniform() - 1) * bound);
  const normal = (n: number, r: Rng) => Float32Array.from({ length: n }, () => r.normal());
  const zeros = (n: number) => new Float32Array(n);
  const ones = (n: number) => new Float32Array(n).fill(1);

  const embedding = add('embedding.weight', [vocabSize, dModel], normal(vocabSize * dModel, initRng.child('embedding')));
  const layerInit = (r: Rng) => ({
    inProjW: uniform(3 * dModel * dModel, Math.sqrt(6 / (dModel + 3 * dModel)), r.child('in_proj')),
    outProjW: uniform(dModel * dModel, 1 / Math.sqrt(dModel), r.child('out_proj')),
    lin1W: uniform(dFF * dModel, 1 / Math.sqrt(dModel), r.child('linear1.weight')),
    lin1B: uniform(dFF, 1 / Math.sqrt(dModel), r.child('linear1.bias')),
    lin2W: uniform(dModel * dFF, 1 / Math.sqrt(dFF), r.child('linear2.weight')),
    lin2B: uniform(dModel, 1 / Math.sqrt(dFF), r.child('linear2.bias')),
  });
  const shared = cfg.identicalLayerInit ? layerInit(initRng.child('layer')) : undefined;
  const layers: LayerWeights[] = [];
  for (let l = 0; l < nLayer; l++) {
    const init = shared ?? layerInit(initRng.child(`layer${l}`));
    const p = `transformer.layers.${l}.`;
    layers.push({
      inProjW: add(`${p}self_attn.in_proj_weight`, [3 * dModel, dModel], init.inProjW),
      inProjB: add(`${p}self_attn.in_proj_bias`, [3 * dModel], zeros(3 * dModel)),
      outProjW: add(`${p}self_attn.out_proj.weight`, [dModel, dModel], init.outProjW),
      outProjB: add(`${p}self_attn.out_proj.bias`, [dModel], zeros(dModel)),
      lin1W: add(`${p}linear1.weight`, [dFF, dModel], init.lin1W),
      lin1B: add(`${p}linear1.bias`, [dFF], init.lin1B),
      lin2W: add(`${p}linear2.weight`, [dModel, dFF], init.lin2W),
      lin2B: add(`${p}linear2.bias`, [dModel], init.lin2B),
      norm1G: add(`${p}norm1.weight`, [dModel], ones(dModel)),
      norm1B: add(`${p}norm1.bias`, [dModel], zeros(dModel)),
      norm2G: add(`${p}norm2.weight`, [dModel], ones(dModel)),
      norm2B: add(`${p}norm2.bias`, [dModel], zeros(dModel)),
    });
  }
  const headRng = initRng.child('head');
  const bound = 1 / Math.sqrt(dModel);
  const head: { denseW?: tf.Variable; denseB?: tf.Variable; outW: tf.Variable; outB: tf.Variable } =
    cfg.head === 'dense-tanh'
      ? {
          denseW: add('classifier.classifier_head.1.weight', [dModel, dModel], uniform(dModel * dModel, bound, headRng.child('dense.weight'))),
          denseB: add('classifier.classifier_head.1.bias', [dModel], uniform(dModel, bound, headRng.child('dense.bias'))),
          outW: add('classifier.classifier_head.4.weight', [nClasses, dModel], uniform(nClasses * dModel, bound, headRng.child('out.weight'))),
          outB: add('classifier.classifier_head.4.bias', [nClasses], uniform(nClasses, bound, headRng.child('out.bias'))),
        }
      : {
          outW: add('classifier.weight', [nClasses, dModel], uniform(nClasses * dModel, bound, headRng.child('out.weight'))),
          outB: add('classifier.bias', [nClasses], uniform(nClasses, bound, headRng.child('out.bias'))),
        };
  const positions = sinusoidalPositions(cfg.maxLen, dModel); // [max_len, d_model]
  const headDim = dModel / nHead;
  let disposed = false;

  const drop = (x: tf.Tensor, rate: number, training: boolean): tf.Tensor =>
    training && rate > 0 ? seededDropout(x, rate, dropoutRng.tfSeed()) : x;

  const linear = (x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): tf.Tensor2D => tf.add(matMulTransposeB(x, w as tf.Tensor2D), b);

  /**
   * One post-LN encoder layer. `lastOnly`: compute queries, the feed-forward and both norms for the
   * last position only. The classifier reads only that position, and every other position of the
   * final layer feeds nothing, so the logits are exactly those of the full layer (and dropout
   * masks have the same distribution); it saves about 40 % of the compute of a 2-layer probe.
   */
  const encoderLayer = (x: tf.Tensor3D, p: LayerWeights, training: boolean, lastOnly: boolean): tf.Tensor3D => {
    const [batch, seq] = x.shape;
    const qLen = lastOnly ? 1 : seq;
    const flat = x.reshape([batch * seq, dModel]) as tf.Tensor2D; // [batch * seq, d_model]
    const [wq, wkv] = tf.split(p.inProjW, [dModel, 2 * dModel], 0) as [tf.Tensor2D, tf.Tensor2D];
    const [bq, bkv] = tf.split(p.inProjB, [dModel, 2 * dModel], 0);
    const xq = lastOnly ? (x.slice([0, seq - 1, 0], [batch, 1, dModel]).reshape([batch, dModel]) as tf.Tensor2D) : flat; // [batch * q, d_model]
    const q = tf.add(matMulTransposeB(xq, wq), bq); // [batch * q, d_model]
    const kv = tf.add(matMulTransposeB(flat, wkv), bkv); // [batch * seq, 2 d_model]
    const [k, v] = tf.split(kv, 2, 1);
    const toHeads = (t: tf.Tensor, len: number) =>
      t.reshape([batch, len, nHead, headDim]).transpose([0, 2, 1, 3]).reshape([batch * nHead, len, headDim]) as tf.Tensor3D; // [batch * heads, len, head_dim]
    const scores = tf.matMul(toHeads(q, qLen), toHeads(k, seq), false, true).mul(1 / Math.sqrt(headDim)); // [batch * heads, q, seq]
    const attn = drop(tf.softmax(scores), cfg.dropout, training) as tf.Tensor3D; // [batch * heads, q, seq]
    const ctx = tf
      .matMul(attn, toHeads(v, seq)) // [batch * heads, q, head_dim]
      .reshape([batch, nHead, qLen, headDim])
      .transpose([0, 2, 1, 3])
      .reshape([batch * qLen, dModel]) as tf.Tensor2D; // [batch * q, d_model]
    const sa = linear(ctx, p.outProjW, p.outProjB); // [batch * q, d_model]
    // nn.LayerNorm with biased variance, hand-written gradient (layer_norm.ts).
    const h = layerNorm(tf.add(xq, drop(sa, cfg.dropout, training)) as tf.Tensor2D, p.norm1G as tf.Tensor1D, p.norm1B as tf.Tensor1D, cfg.layerNormEps); // [batch * q, d_model]
    const ff = linear(drop(tf.relu(linear(h, p.lin1W, p.lin1B)), cfg.dropout, training) as tf.Tensor2D, p.lin2W, p.lin2B); // [batch * q, d_model]
    const out = layerNorm(tf.add(h, drop(ff, cfg.dropout, training)) as tf.Tensor2D, p.norm2G as tf.Tensor1D, p.norm2B as tf.Tensor1D, cfg.layerNormEps); // [batch * q, d_model]
    return out.reshape([batch, qLen, dModel]); // [batch, q, d_model]
  };

  const variables = [...named.values()];
  return {
    cfg,
    trainableVariables: variables,
    logits(ids: tf.Tensor2D, training: boolean): tf.Tensor2D {
      if (disposed) throw new Error('ProbeEncoder.logits: the encoder was disposed');
      return tf.tidy('models/probeLogits', () => {
        const [batch, seq] = ids.shape;
        if (seq > cfg.maxLen) throw new ConfigError(`ids: sequence length ${seq} exceeds maxLen ${cfg.maxLen}`);
        if (ids.dtype !== 'int32') throw new ConfigError(`ids: dtype ${ids.dtype} is not allowed; expected int32`);
        const pos = positions.slice([0, 0], [seq, dModel]); // [seq, d_model]
        let x = tf.add(embedTokens(ids, embedding), pos) as tf.Tensor3D; // [batch, seq, d_model]
        for (let l = 0; l < nLayer; l++) x = encoderLayer(x, layers[l], training, l === nLayer - 1);
        let last = x.reshape([batch, dModel]) as tf.Tensor2D; // [batch, d_model]: the last position
        if (head.denseW && head.denseB) {
          last = tf.tanh(linear(drop(last, cfg.headDropout, training) as tf.Tensor2D, head.denseW, head.denseB));
          last = drop(last, cfg.headDropout, training) as tf.Tensor2D;
        }
        return linear(last, head.outW, head.outB); // [batch, classes]
      });
    },
    namedWeights: () => named,
    loadWeights(values: Readonly<Record<string, WeightValues>>): void {
      for (const [key, w] of Object.entries(values)) {
        const v = named.get(key);
        if (!v) throw new ConfigError(`weights: key '${key}' is unknown; expected one of ${[...named.keys()].join(', ')}`);
        if (v.shape.join(',') !== w.shape.join(',')) throw new ConfigError(`weights['${key}']: shape [${w.shape.join(', ')}] does not match [${v.shape.join(', ')}]`);
        tf.tidy(() => v.assign(tf.tensor(Float32Array.from(w.data), v.shape, 'float32')));
      }
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const v of variables) v.dispose();
      positions.dispose();
    },
  };
}

/**
 * Token embeddings [batch, seq, d_model] from ids [batch, seq] int32. On wasm a one-hot matmul,
 * because wasm has no UnsortedSegmentSum kernel and so no gradient through `tf.gather`; the
 * product with a one-hot row is exact, so both paths give the same numbers. Elsewhere a gather.
 */
function embedTokens(ids: tf.Tensor2D, table: tf.Variable): tf.Tensor3D {
  const [batch, seq] = ids.shape;
  const [vocabSize, dModel] = table.shape;
  if (tf.getBackend() === 'wasm') {
    const oneHot = tf.oneHot(ids.reshape([batch * seq]), vocabSize); // [batch * seq, vocab] int32
    return tf.matMul(oneHot.toFloat(), table as tf.Tensor2D).reshape([batch, seq, dModel]); // [batch, seq, d_model]
  }
  return tf.gather(table, ids.reshape([batch * seq])).reshape([batch, seq, dModel]); // [batch, seq, d_model]
}

/**
 * x @ w^T for x [rows, in] and a PyTorch-layout weight w [out, in]; returns [rows, out]. On wasm
 * the transposes are explicit, forward and backward (customGrad), because its matmul kernel is
 * 10-30x slower with a transpose flag than without (measured on tfjs-wasm 4.22, [640, 256] x
 * [256, 2048]: 3.6 vs 40 GFLOP/s forward, 1 GFLOP/s for the transposeA weight gradient), and tfjs's
 * own matMul gradient uses both flags. Elsewhere the flags cost nothing and tf.matMul is used.
 */
function matMulTransposeB(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(x, w, false, true);
  return matMulTransposeBExplicit(x, w) as tf.Tensor2D;
}

const matMulTransposeBExplicit = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, tf.transpose(w as tf.Tensor2D)), // [rows, out]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, ws), tf.matMul(tf.transpose(dy as tf.Tensor2D), xs)]; // [rows, in], [out, in]
    },
  };
});

/**
 * Sinusoidal positions of Vaswani et al. as transformer_toy.py `PositionalEncoding` builds them:
 * pe[pos, 2i] = sin(pos * 10000^(-2i/d)), pe[pos, 2i+1] = cos(same), added without scaling the
 * embedding. Returns [max_len, d_model] (d_model even); caller disposes.
 */
export function sinusoidalPositions(maxLen: number, dModel: number): tf.Tensor2D {
  checkInt('maxLen', maxLen, 1);
  checkInt('dModel', dModel, 2);
  if (dModel % 2 !== 0) throw new ConfigError(`dModel: ${dModel} is odd; expected an even width for sinusoidal positions`);
  const pe = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = pos * Math.exp(i * (-Math.log(10000) / dModel));
      pe[pos * dModel + i] = Math.sin(angle);
      pe[pos * dModel + i + 1] = Math.cos(angle);
    }
  }
  return tf.tidy('models/sinusoidalPositions', () => tf.tensor2d(pe, [maxLen, dModel]));
}
