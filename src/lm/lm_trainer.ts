/**
 * The causal-LM pre-training loop: seeded random windows of the packed training stream, the mean
 * next-token cross-entropy, global-norm gradient clipping, AdamW (Adam plus decoupled weight decay
 * on the weight matrices, as nanoGPT `configure_optimizers`), warmup + cosine learning rate, and a
 * fixed validation set evaluated every `evalEvery` steps. Each step is one `tf.tidy('lm/step')`
 * and one host read (`// sync:`) of the step's statistics.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { decoupledWeightDecay } from '../optim/adamw';
import { gradientsWithNorm } from '../optim/grad_clip';
import { checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import { causalLmLossNats, causalLmNllSum } from './causal_lm_loss';
import { checkLrSchedule, learningRateAt, type LrScheduleConfig } from '../optim/lr_schedule';
import { fixedWindows, sampleWindows } from './token_stream';

/** Settings of one pre-training run (the schedule's fields plus these). */
export interface LmTrainConfig extends LrScheduleConfig {
  /** Windows per optimizer step; nanoGPT's char model 64, GPT-2 512 x 1,024 tokens. */
  readonly batchSize: number;
  /** Tokens of context per window (targets are the next `contextLength` tokens); <= the model's nPositions. */
  readonly contextLength: number;
  /** Decoupled weight decay on weight matrices (not biases, LayerNorm); nanoGPT 0.1. */
  readonly weightDecay: number;
  /** Global gradient-norm clip; nanoGPT 1.0; null = off. */
  readonly maxGradNorm: number | null;
  /** Adam beta1; nanoGPT 0.9. */
  readonly adamBeta1: number;
  /** Adam beta2; nanoGPT 0.95 (GPT-3). */
  readonly adamBeta2: number;
  /** Adam epsilon; torch default 1e-8. */
  readonly adamEps: number;
  /** Evaluate the validation loss after every this many steps (and after the last). */
  readonly evalEvery: number;
  /** Validation windows evaluated each time (the first ones of the validation stream). */
  readonly evalWindows: number;
}

/** Checks every field of `cfg`; throws a one-line ConfigError naming the first bad field. */
export function checkLmTrainConfig(cfg: LmTrainConfig): LmTrainConfig {
  checkLrSchedule(cfg);
  checkInt('batchSize', cfg.batchSize, 1);
  checkInt('contextLength', cfg.contextLength, 1);
  checkRange('weightDecay', cfg.weightDecay, 0, 10);
  if (cfg.maxGradNorm !== null) checkRange('maxGradNorm', cfg.maxGradNorm, 1e-12, 1e12);
  checkRange('adamBeta1', cfg.adamBeta1, 0, 0.999999);
  checkRange('adamBeta2', cfg.adamBeta2, 0, 0.999999);
  checkRange('adamEps', cfg.adamEps, 0, 1);
  checkInt('evalEvery', cfg.evalEvery, 1);
  checkInt('evalWindows', cfg.evalWindows, 1);
  return cfg;
}

/** One optimizer step's statistics (host numbers). */
export interface LmStepRecord {
  /** 1-based step number. */
  readonly step: number;
  /** Learning rate used by this step. */
  readonly learningRate: number;
  /** Mean next-token cross-entropy of this step's batch, nats per token (before the update). */
  readonly trainLossNats: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Validation loss after this step, nats per token; only on evaluation steps. */
  readonly valLossNats?: number;
}

/** What a run produced. */
export interface LmTrainResult {
  /** Every step in order. */
  readonly steps: LmStepRecord[];
  /** Validation loss before the first step, nats per token. */
  readonly initialValLossNats: number;
  /** Validation loss after the last step, nats per token. */
  readonly finalValLossNats: number;
  /** Validation tokens each evaluation scores. */
  readonly valTokens: number;
  /** Training tokens per second of wall time (evaluation included). */
  readonly tokensPerSecond: number;
  /** Wall time of the loop in ms. */
  readonly wallMs: number;
}

/** Token streams of one run (see `token_stream.ts`). */
export interface LmStreams {
  /** Packed training tokens. */
  readonly train: Int32Array;
  /** Packed validation tokens. */
  readonly validation: Int32Array;
}

/** Callbacks of `trainCausalLm`. */
export interface LmTrainHooks {
  /** Once, with the validation loss of the untrained model (nats per token). */
  readonly onStart?: (initialValLossNats: number) => void;
  /** After every step, with the step's record (validation loss on evaluation steps). */
  readonly onStep?: (record: LmStepRecord, totalSteps: number) => void;
}

/**
 * Validation loss of `model` on fixed windows, chunked by `batchSize` rows.
 * @param ids [nWindows * windowLen] int32, row-major
 * @returns [] mean nats per predicted token; new tensor, caller disposes
 */
export function evaluateLmLoss(model: GPT, ids: Int32Array, nWindows: number, windowLen: number, batchSize: number): tf.Scalar {
  return tf.tidy('lm/evaluate', () => {
    let total: tf.Scalar = tf.scalar(0);
    let nTokens = 0;
    for (let start = 0; start < nWindows; start += batchSize) {
      const rows = Math.min(batchSize, nWindows - start);
      const chunk = tf.tensor2d(ids.subarray(start * windowLen, (start + rows) * windowLen), [rows, windowLen], 'int32'); // [rows, seq + 1] int32
      const out = causalLmNllSum(model, chunk, false);
      total = tf.add(total, out.sumNats) as tf.Scalar;
      nTokens += out.nTokens;
    }
    return tf.div(total, nTokens) as tf.Scalar;
  });
}

/**
 * Pre-trains `model` in place on `streams.train` for `cfg.totalSteps` steps and returns the
 * per-step statistics. Batches and dropout come from `rng` (children `lm/batches`, `lm/dropout`),
 * so the same seed, model and data give the same losses on a given backend.
 */
export async function trainCausalLm(model: GPT, streams: LmStreams, cfg: LmTrainConfig, hooks: LmTrainHooks = {}, rng: Rng): Promise<LmTrainResult> {
  checkLmTrainConfig(cfg);
  checkInt('contextLength', cfg.contextLength, 1, model.config.nPositions);
  const windowLen = cfg.contextLength + 1;
  const batchRng = rng.child('lm/batches');
  const dropoutRng = rng.child('lm/dropout');
  const val = fixedWindows(streams.validation, windowLen, cfg.evalWindows);
  const valTokens = val.nWindows * cfg.contextLength;
  const variables = model.trainableVariables;
  // nanoGPT decays every parameter of rank >= 2 (matrices and embeddings), never biases or LayerNorm gains.
  const decayed = variables.filter((v) => v.rank >= 2);
  const optimizer: tf.Optimizer = tf.train.adam(cfg.learningRate, cfg.adamBeta1, cfg.adamBeta2, cfg.adamEps);
  // tfjs's AdamOptimizer reads `this.learningRate` at every applyGradients; setting it is the schedule.
  const setLearningRate = (lr: number): void => {
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const t0 = Date.now();
  const steps: LmStepRecord[] = [];
  try {
    const initial = evaluateLmLoss(model, val.ids, val.nWindows, windowLen, cfg.batchSize);
    const initialValLossNats = (await initial.data())[0]; // sync: once before training
    initial.dispose();
    hooks.onStart?.(initialValLossNats);
    let lastVal = initialValLossNats;
    for (let step = 0; step < cfg.totalSteps; step++) {
      const lr = learningRateAt(step, cfg);
      setLearningRate(lr);
      const windows = sampleWindows(streams.train, cfg.batchSize, windowLen, batchRng); // [batch * (seq + 1)] int32
      const evalNow = (step + 1) % cfg.evalEvery === 0 || step + 1 === cfg.totalSteps;
      const stats = tf.tidy('lm/step', () => {
        const ids = tf.tensor2d(windows, [cfg.batchSize, windowLen], 'int32'); // [batch, seq + 1] int32
        const { value: loss, grads } = tf.variableGrads(() => causalLmLossNats(model, ids, true, dropoutRng), variables);
        const { grads: applied, norm } = gradientsWithNorm(grads, cfg.maxGradNorm);
        decoupledWeightDecay(decayed, lr, cfg.weightDecay);
        optimizer.applyGradients(applied);
        const parts: tf.Scalar[] = [loss, norm];
        if (evalNow) parts.push(evaluateLmLoss(model, val.ids, val.nWindows, windowLen, cfg.batchSize));
        return tf.stack(parts) as tf.Tensor1D; // [2 or 3]: loss, grad norm, validation loss
      });
      const values = await stats.data(); // sync: the step's statistics, once per step
      stats.dispose();
      const record: LmStepRecord = evalNow
        ? { step: step + 1, learningRate: lr, trainLossNats: values[0], gradNorm: values[1], valLossNats: values[2] }
        : { step: step + 1, learningRate: lr, trainLossNats: values[0], gradNorm: values[1] };
      if (!Number.isFinite(record.trainLossNats)) throw new Error(`lm: step ${step + 1}: training loss is ${record.trainLossNats}; lower learningRate (${cfg.learningRate}) or check the data`);
      if (record.valLossNats !== undefined) lastVal = record.valLossNats;
      steps.push(record);
      hooks.onStep?.(record, cfg.totalSteps);
    }
    const wallMs = Date.now() - t0;
    return { steps, initialValLossNats, finalValLossNats: lastVal, valTokens, tokensPerSecond: (cfg.totalSteps * cfg.batchSize * cfg.contextLength) / (wallMs / 1000), wallMs };
  } finally {
    optimizer.dispose();
  }
}
