/**
 * The pre-training loop on a tiny GPT and a patterned token stream: it learns (seeded, fixed budget),
 * it is deterministic, it does not leak, and its loss is the textbook next-token cross-entropy.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { causalLmLossNats } from '../../src/lm/causal_lm_loss';
import { trainCausalLm, type LmTrainConfig } from '../../src/lm/lm_trainer';
import { GPT, type GPTConfig } from '../../src/models/gpt';
import { createRng } from '../../src/util/rng';

const MODEL: GPTConfig = { vocabSize: 8, nPositions: 8, dModel: 16, nLayer: 1, nHead: 2, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 };
const TRAIN: LmTrainConfig = {
  learningRate: 1e-2, warmupSteps: 5, totalSteps: 60, minLrRatio: 0.1, batchSize: 8, contextLength: 8,
  weightDecay: 0.1, maxGradNorm: 1, adamBeta1: 0.9, adamBeta2: 0.95, adamEps: 1e-8, evalEvery: 20, evalWindows: 8,
};

/** Passages "1 2 3 ... k" of random length k, each followed by EOS 0: the next token is predictable from the previous one. */
function patternStream(n: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const k = 2 + rng.int(6);
    for (let i = 1; i <= k; i++) out.push(i);
    out.push(0);
  }
  return Int32Array.from(out.slice(0, n));
}
const STREAMS = { train: patternStream(4000, 1), validation: patternStream(600, 2) };

async function run(seed: number, cfg: LmTrainConfig = TRAIN, onStep?: () => void) {
  const model = GPT.init(MODEL, createRng(seed).child('init'));
  try {
    return await trainCausalLm(model, STREAMS, cfg, { onStep }, createRng(seed).child('train'));
  } finally {
    model.dispose();
  }
}

describe('trainCausalLm', () => {
  before(async () => {
    await initBackend();
  });

  it('lowers the validation loss from about ln(vocab) to well below it in 60 seeded steps', async () => {
    const r = await run(0);
    assert.ok(Math.abs(r.initialValLossNats - Math.log(8)) < 0.1, `initial ${r.initialValLossNats}`);
    // The stream's true entropy is about 0.6 nats (only the passage length is random); a unigram model needs ~1.9.
    assert.ok(r.finalValLossNats < 1.4, `final ${r.finalValLossNats}`);
    assert.deepEqual(r.steps.filter((s) => s.valLossNats !== undefined).map((s) => s.step), [20, 40, 60]);
  });

  it('gives identical losses for the same seed and different ones for another seed', async () => {
    const a = await run(3, { ...TRAIN, totalSteps: 10 });
    const b = await run(3, { ...TRAIN, totalSteps: 10 });
    const c = await run(4, { ...TRAIN, totalSteps: 10 });
    assert.deepEqual(a.steps.map((s) => s.trainLossNats), b.steps.map((s) => s.trainLossNats));
    assert.equal(a.finalValLossNats, b.finalValLossNats);
    assert.notDeepEqual(a.steps.map((s) => s.trainLossNats), c.steps.map((s) => s.trainLossNats));
  });

  it('keeps the number of live tensors flat over the steps', async () => {
    const counts: number[] = [];
    await run(5, { ...TRAIN, totalSteps: 12, evalEvery: 3 }, () => counts.push(tf.memory().numTensors));
    // Step 1 creates the optimizer's moment slots; from then on nothing may accumulate.
    assert.ok(counts.slice(1).every((n) => n === counts[1]), `tensor counts ${counts.join(' ')}`);
  });

  it('follows the schedule and records the pre-clip gradient norm', async () => {
    const r = await run(6, { ...TRAIN, totalSteps: 6, warmupSteps: 2 });
    assert.equal(r.steps[0].learningRate, 5e-3);
    assert.equal(r.steps[1].learningRate, 1e-2);
    assert.ok(r.steps.every((s) => s.gradNorm > 0 && Number.isFinite(s.gradNorm)));
  });
});

describe('causalLmLossNats', () => {
  before(async () => {
    await initBackend();
  });

  it('equals the mean of -log softmax(logits)[next token] computed by hand', () => {
    const model = GPT.init(MODEL, createRng(9));
    const windows = tf.tensor2d([[1, 2, 3, 0, 1], [4, 5, 6, 7, 0]], [2, 5], 'int32');
    const loss = causalLmLossNats(model, windows, false).dataSync()[0];
    const logits = model.forward(tf.tensor2d([[1, 2, 3, 0], [4, 5, 6, 7]], [2, 4], 'int32')).logits as tf.Tensor3D;
    const lp = (tf.logSoftmax(logits).arraySync() as number[][][]);
    const targets = [[2, 3, 0, 1], [5, 6, 7, 0]];
    let sum = 0;
    targets.forEach((row, b) => row.forEach((t, i) => (sum -= lp[b][i][t])));
    assert.ok(Math.abs(loss - sum / 8) <= 1e-5 * Math.abs(sum / 8), `${loss} vs ${sum / 8}`);
    model.dispose();
  });
});
