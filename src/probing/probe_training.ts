/**
 * Training and scoring of a neural probe for the online code (Voita & Titov 2020, section 3.2):
 * a fresh classifier per block, Adam, minibatches over a new seeded shuffle each epoch (PyTorch
 * `DataLoader(shuffle=True)`, last short batch kept), mean cross-entropy; then -log2 p(y|x) per
 * example with dropout off. Defaults from Cruz et al.'s toy probe (EdoardoPona/
 * predicting-inductive-biases-RL toy_main_fast.py: batch 64, 10 epochs; models/transformer_toy.py: Adam 1e-4).
 * Any model with `logits(ids, training)` and trainable Variables is a probe: the toy encoder, or a GPT trunk with a classifier head.
 * Token rows of different lengths (the language prompts) are left-padded and carry an attention mask;
 * with `weightDecay` the optimizer is AdamW (torch.optim.AdamW: decoupled decay of every trainable variable).
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import { FlatAdam } from '../tensor/flat_adam';
import type { Rng } from '../util/rng';
import type { BlockScores, LabelledExample, Probe, ProbeScorer } from './online_code';
import { logprobsFromLogits } from '../tensor/logprobs';

/** A classifier the probe code can train: `models/probe_encoder.ts`, or a GPT trunk with a classifier head. */
export interface TrainableClassifier {
  /**
   * Logits [batch, classes] from ids [batch, seq] int32; `training` turns dropout on. `attentionMask`
   * [batch, seq] float 0/1 (1 = real token) is passed only for padded sets. Caller disposes the result.
   */
  logits(ids: tf.Tensor2D, training: boolean, attentionMask?: tf.Tensor2D): tf.Tensor2D;
  /** The Variables the optimizer updates. */
  readonly trainableVariables: tf.Variable[];
  /** Frees the model's Variables. */
  dispose(): void;
}

/** How one probe is trained. */
export interface ProbeTrainingConfig {
  /** Passes over the training set per block (toy_main_fast.py: 10 for toy tasks; language tasks: 20). */
  readonly epochs: number;
  /** Training minibatch size (toy_main_fast.py: 64). */
  readonly batchSize: number;
  /** Adam learning rate (transformer_toy.py: 1e-4; betas 0.9/0.999 and eps 1e-8 are PyTorch's defaults). */
  readonly learningRate: number;
  /** Examples per forward pass when scoring; changes speed, not the result (256). */
  readonly evalBatchSize: number;
  /**
   * Decoupled (AdamW) weight decay on every trainable variable, as torch.optim.AdamW(model.parameters())
   * (torch default 0.01); absent or 0: plain Adam (the toy probe).
   */
  readonly weightDecay?: number;
}

/** The toy probe's training (docs/study.md: Adam 1e-4, batch 64, 10 epochs per block). */
export const TOY_PROBE_TRAINING: ProbeTrainingConfig = Object.freeze({ epochs: 10, batchSize: 64, learningRate: 1e-4, evalBatchSize: 256 });

/** PyTorch `torch.optim.Adam` defaults; tfjs would otherwise use eps 1e-7. */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** Token ids of a labelled set, row-major: example i is ids[i * seqLen .. (i + 1) * seqLen). */
export interface TokenizedSet {
  /** [n, seq] int32, row-major. */
  readonly ids: Int32Array;
  /** Tokens per example (with padding: the longest row's length). */
  readonly seqLen: number;
  /** [n] class labels. */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly n: number;
  /** [n, seq] float 0/1, row-major, 1 = real token; present only for a set packed with a pad id. */
  readonly attentionMask?: Float32Array;
}

/**
 * Packs token rows and labels into a {@link TokenizedSet}. Without `padId` every row must have the
 * same length. With `padId` rows are LEFT-padded with it to the longest row (so every row's last real
 * token sits in the last column, as for generation) and a 0/1 attention mask is stored; every row
 * then needs at least one token.
 */
export function tokenizedSet(rows: readonly (readonly number[])[], labels: readonly number[], padId?: number): TokenizedSet {
  if (rows.length !== labels.length) throw new ConfigError(`labels: has ${labels.length} entries; expected ${rows.length}, one per row`);
  if (padId !== undefined && (!Number.isInteger(padId) || padId < 0)) throw new ConfigError(`padId: ${padId} is not a token id; expected an integer >= 0`);
  const n = rows.length;
  const seqLen = n === 0 ? 0 : padId === undefined ? rows[0].length : Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(n * seqLen);
  const attentionMask = padId === undefined ? undefined : new Float32Array(n * seqLen);
  rows.forEach((row, i) => {
    if (padId === undefined && row.length !== seqLen) throw new ConfigError(`rows[${i}]: has ${row.length} tokens; expected ${seqLen} like rows[0] (no padding)`);
    if (padId !== undefined && row.length === 0) throw new ConfigError(`rows[${i}]: has 0 tokens; expected at least 1 real token per row`);
    const offset = seqLen - row.length; // left padding: real tokens end in the last column
    if (attentionMask) {
      ids.fill(padId as number, i * seqLen, i * seqLen + offset);
      attentionMask.fill(1, i * seqLen + offset, (i + 1) * seqLen);
    }
    row.forEach((id, j) => {
      if (!Number.isInteger(id) || id < 0) throw new ConfigError(`rows[${i}][${j}]: ${id} is not a token id; expected an integer >= 0`);
      ids[i * seqLen + offset + j] = id;
    });
  });
  return { ids, seqLen, labels: Int32Array.from(labels), n, ...(attentionMask ? { attentionMask } : {}) };
}

function batchRows<A extends Int32Array | Float32Array>(source: A, seqLen: number, rows: readonly number[], out: A): A {
  rows.forEach((r, i) => out.set(source.subarray(r * seqLen, (r + 1) * seqLen), i * seqLen));
  return out;
}

/** The ids [batch, seq] int32 of `rows`, and their mask [batch, seq] float when the set is padded; no tidy (private). */
function batchTensors(data: TokenizedSet, rows: readonly number[]): { ids: tf.Tensor2D; mask?: tf.Tensor2D } {
  const shape: [number, number] = [rows.length, data.seqLen];
  const ids = tf.tensor2d(batchRows(data.ids, data.seqLen, rows, new Int32Array(rows.length * data.seqLen)), shape, 'int32'); // [batch, seq] int32
  if (!data.attentionMask) return { ids };
  const mask = tf.tensor2d(batchRows(data.attentionMask, data.seqLen, rows, new Float32Array(rows.length * data.seqLen)), shape, 'float32'); // [batch, seq]
  return { ids, mask };
}

/** The model's logits, passing the mask only for a padded set (unpadded sets call `logits(ids, training)` as before). */
function classifierLogits(model: TrainableClassifier, batch: { ids: tf.Tensor2D; mask?: tf.Tensor2D }, training: boolean): tf.Tensor2D {
  return batch.mask ? model.logits(batch.ids, training, batch.mask) : model.logits(batch.ids, training);
}

/**
 * Trains `model` in place on `data` with Adam (AdamW when `weightDecay` > 0): `epochs` passes, each
 * over a fresh shuffle drawn from `rng`, in minibatches of `batchSize` (last one short). Each step
 * runs in one `tf.tidy('mdl/step')`; the host reads the loss once per epoch. Returns the mean
 * training cross-entropy (nats) per epoch.
 */
export async function trainClassifier(
  model: TrainableClassifier,
  data: TokenizedSet,
  cfg: Pick<ProbeTrainingConfig, 'epochs' | 'batchSize' | 'learningRate' | 'weightDecay'>,
  rng: Rng,
): Promise<{ lossNatsPerEpoch: number[] }> {
  checkInt('epochs', cfg.epochs, 0);
  checkInt('batchSize', cfg.batchSize, 1);
  checkRange('learningRate', cfg.learningRate, 0, 1);
  const weightDecay = cfg.weightDecay === undefined ? 0 : checkRange('weightDecay', cfg.weightDecay, 0, 10);
  if (data.n === 0) throw new ConfigError('data: is empty; expected at least 1 training example');
  // Adam over all variables as one flat vector (tensor/flat_adam.ts): torch's arithmetic in a few kernels per step.
  const optimizer = new FlatAdam(model.trainableVariables, cfg.learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  const order = Array.from({ length: data.n }, (_, i) => i);
  const lossNatsPerEpoch: number[] = [];
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const shuffled = rng.shuffled(order);
      let lossSum: tf.Scalar = tf.scalar(0); // running sum of per-example nats over the epoch
      for (let start = 0; start < data.n; start += cfg.batchSize) {
        const rows = shuffled.slice(start, start + cfg.batchSize);
        const next = tf.tidy('mdl/step', () => {
          const batch = batchTensors(data, rows);
          const labels = tf.tensor1d(Int32Array.from(rows, (r) => data.labels[r]), 'int32'); // [batch] int32
          const lossFn = () => meanCrossEntropyNats(classifierLogits(model, batch, true), labels);
          // AdamW when weightDecay > 0: torch's p *= 1 - lr * wd, then the Adam step, inside applyGradients.
          const { value: loss, grads } = tf.variableGrads(lossFn, model.trainableVariables);
          optimizer.applyGradients(grads, { maxGradNorm: null, weightDecay });
          return tf.add(lossSum, tf.mul(loss, rows.length)) as tf.Scalar;
        });
        // carry: the running loss sum leaves the step's tidy; free the previous one
        lossSum.dispose();
        lossSum = next;
      }
      // sync: one host read per epoch
      const sum = (await lossSum.data())[0];
      lossSum.dispose();
      lossNatsPerEpoch.push(sum / data.n);
    }
  } finally {
    optimizer.dispose();
  }
  return { lossNatsPerEpoch };
}

/** Mean over the batch of -ln softmax(logits)[label]. `logits` [batch, classes], `labels` [batch] int32; returns a scalar in nats. */
function meanCrossEntropyNats(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // logprobsFromLogits has the closed-form gradient softmax - onehot (tensor/logprobs.ts).
  return tf.neg(tf.mean(logprobsFromLogits(logits, labels))) as tf.Scalar;
}

/**
 * Scores `data` with dropout off: -log2 p(y|x) in bits and whether argmax equals the label, per
 * example in order. One `tf.tidy('mdl/eval')` and one host read per batch of `evalBatchSize`.
 */
export async function evaluateClassifier(model: TrainableClassifier, data: TokenizedSet, evalBatchSize: number): Promise<BlockScores> {
  checkInt('evalBatchSize', evalBatchSize, 1);
  const exampleBits: number[] = [];
  const correct: boolean[] = [];
  for (let start = 0; start < data.n; start += evalBatchSize) {
    const rows = Array.from({ length: Math.min(evalBatchSize, data.n - start) }, (_, i) => start + i);
    const labels = data.labels.subarray(start, start + rows.length);
    const [labelLogp, predicted] = tf.tidy('mdl/eval', () => {
      const logits = classifierLogits(model, batchTensors(data, rows), false); // [batch, classes]
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]).toFloat(); // [batch, classes]
      return [tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1), tf.argMax(logits, -1)]; // [batch] nats, [batch] int32
    });
    // sync: one host read per batch
    const [logp, pred] = await Promise.all([labelLogp.data(), predicted.data()]);
    labelLogp.dispose();
    predicted.dispose();
    for (let i = 0; i < rows.length; i++) {
      exampleBits.push(-logp[i] / Math.LN2);
      correct.push(pred[i] === labels[i]);
    }
  }
  return { exampleBits, correct };
}

/** What {@link neuralProbe} needs: how to build a fresh model, how to tokenize, how to train. */
export interface NeuralProbeOptions<T> {
  /** A freshly initialised classifier, its weights drawn from `rng` (e.g. `(r) => createProbeEncoder(cfg, r)`). */
  readonly buildModel: (rng: Rng) => TrainableClassifier;
  /** Token ids of an example (the same length for every example unless `padId` is given). */
  readonly toIds: (example: T) => readonly number[];
  /** Pad id: rows of different lengths are left-padded with it and masked ({@link tokenizedSet}); default none. */
  readonly padId?: number;
  /** Training settings of every block's probe. */
  readonly training: ProbeTrainingConfig;
}

/**
 * The online code's {@link Probe} for a tfjs classifier: per call, build a fresh model from
 * `rng.child('model')`, train it with {@link trainClassifier} on `rng.child('train')`, and score
 * blocks with {@link evaluateClassifier}. The scorer owns the model until `dispose()`.
 */
export function neuralProbe<T extends LabelledExample>(options: NeuralProbeOptions<T>): Probe<T> {
  const { buildModel, toIds, training, padId } = options;
  const pack = (examples: readonly T[]) => tokenizedSet(examples.map(toIds), examples.map((e) => e.label), padId);
  return async (trainSet: readonly T[], rng: Rng): Promise<ProbeScorer<T>> => {
    const model = buildModel(rng.child('model'));
    try {
      await trainClassifier(model, pack(trainSet), training, rng.child('train'));
    } catch (e) {
      model.dispose();
      throw e;
    }
    return {
      score: (examples: readonly T[]) => evaluateClassifier(model, pack(examples), training.evalBatchSize),
      dispose: () => model.dispose(),
    };
  };
}
