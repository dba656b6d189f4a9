/**
 * Training and scoring of a neural probe for the online code (Voita & Titov 2020, section 3.2):
 * a fresh classifier per block, Adam, minibatches over a new seeded shuffle each epoch (PyTorch
 * `DataLoader(shuffle=True)`, last short batch kept), mean cross-entropy; then -log2 p(y|x) per
 * example with dropout off. Defaults from Cruz et al.'s toy probe (EdoardoPona/
 * predicting-inductive-biases-RL toy_main_fast.py: batch 64, 10 epochs; models/transformer_toy.py: Adam 1e-4).
 * Any model with `logits(ids, training)` and trainable Variables is a probe: the toy encoder, or a GPT trunk with a classifier head.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import type { BlockScores, LabelledExample, Probe, ProbeScorer } from './online_code';

/** A classifier the probe code can train: `models/probe_encoder.ts`, or a GPT trunk with a classifier head. */
export interface TrainableClassifier {
  /** Logits [batch, classes] from ids [batch, seq] int32; `training` turns dropout on. Caller disposes the result. */
  logits(ids: tf.Tensor2D, training: boolean): tf.Tensor2D;
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
}

/** The toy probe's training (STUDY.md: Adam 1e-4, batch 64, 10 epochs per block). */
export const TOY_PROBE_TRAINING: ProbeTrainingConfig = Object.freeze({ epochs: 10, batchSize: 64, learningRate: 1e-4, evalBatchSize: 256 });

/** PyTorch `torch.optim.Adam` defaults; tfjs would otherwise use eps 1e-7. */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** Token ids of a labelled set, row-major: example i is ids[i * seqLen .. (i + 1) * seqLen). */
export interface TokenizedSet {
  /** [n, seq] int32, row-major. */
  readonly ids: Int32Array;
  /** Tokens per example (all examples have the same length). */
  readonly seqLen: number;
  /** [n] class labels. */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly n: number;
}

/** Packs token rows and labels into a {@link TokenizedSet}; every row must have the same length. */
export function tokenizedSet(rows: readonly (readonly number[])[], labels: readonly number[]): TokenizedSet {
  if (rows.length !== labels.length) throw new ConfigError(`labels: has ${labels.length} entries; expected ${rows.length}, one per row`);
  const n = rows.length;
  const seqLen = n ? rows[0].length : 0;
  const ids = new Int32Array(n * seqLen);
  rows.forEach((row, i) => {
    if (row.length !== seqLen) throw new ConfigError(`rows[${i}]: has ${row.length} tokens; expected ${seqLen} like rows[0] (no padding)`);
    row.forEach((id, j) => {
      if (!Number.isInteger(id) || id < 0) throw new ConfigError(`rows[${i}][${j}]: ${id} is not a token id; expected an integer >= 0`);
      ids[i * seqLen + j] = id;
    });
  });
  return { ids, seqLen, labels: Int32Array.from(labels), n };
}

function batchIds(data: TokenizedSet, rows: readonly number[]): Int32Array {
  const out = new Int32Array(rows.length * data.seqLen);
  rows.forEach((r, i) => out.set(data.ids.subarray(r * data.seqLen, (r + 1) * data.seqLen), i * data.seqLen));
  return out;
}

/**
 * Trains `model` in place on `data` with Adam: `epochs` passes, each over a fresh shuffle drawn from
 * `rng`, in minibatches of `batchSize` (last one short). Each step runs in one `tf.tidy('mdl/step')`;
 * the host reads the loss once per epoch. Returns the mean training cross-entropy (nats) per epoch.
 */
export async function trainClassifier(
  model: TrainableClassifier,
  data: TokenizedSet,
  cfg: Pick<ProbeTrainingConfig, 'epochs' | 'batchSize' | 'learningRate'>,
  rng: Rng,
): Promise<{ lossNatsPerEpoch: number[] }> {
  checkInt('epochs', cfg.epochs, 0);
  checkInt('batchSize', cfg.batchSize, 1);
  checkRange('learningRate', cfg.learningRate, 0, 1);
  if (data.n === 0) throw new ConfigError('data: is empty; expected at least 1 training example');
  const optimizer = tf.train.adam(cfg.learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  const order = Array.from({ length: data.n }, (_, i) => i);
  const lossNatsPerEpoch: number[] = [];
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const shuffled = rng.shuffled(order);
      let lossSum: tf.Scalar = tf.scalar(0); // running sum of per-example nats over the epoch
      for (let start = 0; start < data.n; start += cfg.batchSize) {
        const rows = shuffled.slice(start, start + cfg.batchSize);
        const next = tf.tidy('mdl/step', () => {
          const ids = tf.tensor2d(batchIds(data, rows), [rows.length, data.seqLen], 'int32'); // [batch, seq] int32
          const labels = tf.tensor1d(Int32Array.from(rows, (r) => data.labels[r]), 'int32'); // [batch] int32
          const loss = optimizer.minimize(() => meanCrossEntropyNats(model.logits(ids, true), labels), true, model.trainableVariables);
          return tf.add(lossSum, tf.mul(loss as tf.Scalar, rows.length)) as tf.Scalar;
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
  const oneHot = tf.oneHot(labels, logits.shape[1]).toFloat(); // [batch, classes]
  return tf.mean(tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
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
      const ids = tf.tensor2d(batchIds(data, rows), [rows.length, data.seqLen], 'int32'); // [batch, seq] int32
      const logits = model.logits(ids, false); // [batch, classes]
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
  /** Token ids of an example (the same length for every example). */
  readonly toIds: (example: T) => readonly number[];
  /** Training settings of every block's probe. */
  readonly training: ProbeTrainingConfig;
}

/**
 * The online code's {@link Probe} for a tfjs classifier: per call, build a fresh model from
 * `rng.child('model')`, train it with {@link trainClassifier} on `rng.child('train')`, and score
 * blocks with {@link evaluateClassifier}. The scorer owns the model until `dispose()`.
 */
export function neuralProbe<T extends LabelledExample>(options: NeuralProbeOptions<T>): Probe<T> {
  const { buildModel, toIds, training } = options;
  const pack = (examples: readonly T[]) => tokenizedSet(examples.map(toIds), examples.map((e) => e.label));
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
