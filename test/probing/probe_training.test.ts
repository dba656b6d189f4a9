import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { TOY_PROBE_CONFIG, createProbeEncoder, type ProbeEncoderConfig } from '../../src/models/probe_encoder';
import { onlineCodelength } from '../../src/probing/online_code';
import {
  TOY_PROBE_TRAINING,
  evaluateClassifier,
  neuralProbe,
  tokenizedSet,
  trainClassifier,
  type ProbeTrainingConfig,
  type TrainableClassifier,
} from '../../src/probing/probe_training';
import { createRng, type Rng } from '../../src/util/rng';

/** A width-16, 1-layer probe without dropout: learns contains-1 in a second or two on wasm. */
const tiny: ProbeEncoderConfig = { ...TOY_PROBE_CONFIG, dModel: 16, nHead: 2, dFF: 32, nLayer: 1, dropout: 0, headDropout: 0, head: 'linear' };
const fast = (epochs: number, learningRate: number): ProbeTrainingConfig => ({ epochs, batchSize: 64, learningRate, evalBatchSize: 256 });

interface Seq {
  ids: number[];
  label: number;
}

/** N sequences of 10 symbols from 0..9; label = contains symbol 1, or a coin flip independent of the input. */
function toySet(n: number, labelRule: 'contains-1' | 'random', rng: Rng): Seq[] {
  return Array.from({ length: n }, () => {
    const ids = Array.from({ length: 10 }, () => rng.int(10));
    return { ids, label: labelRule === 'random' ? rng.int(2) : ids.includes(1) ? 1 : 0 };
  });
}

const probeOf = (cfg: ProbeEncoderConfig, training: ProbeTrainingConfig) =>
  neuralProbe<Seq>({ buildModel: (r) => createProbeEncoder(cfg, r), toIds: (e) => e.ids, training });

/** A classifier with fixed logits [0, ln 3]: p(label 1) = 3/4 for every input. */
function constantClassifier(): TrainableClassifier {
  return {
    logits: (ids) => tf.tidy(() => tf.tile(tf.tensor2d([[0, Math.log(3)]]), [ids.shape[0], 1]) as tf.Tensor2D),
    trainableVariables: [],
    dispose: () => undefined,
  };
}

describe('probe training', () => {
  before(async () => {
    await initBackend();
  });

  it('pins the toy training settings: 10 epochs, batch 64, Adam 1e-4', () => {
    assert.deepEqual({ ...TOY_PROBE_TRAINING }, { epochs: 10, batchSize: 64, learningRate: 1e-4, evalBatchSize: 256 });
  });

  it('packs rows row-major and rejects ragged rows and bad ids', () => {
    const set = tokenizedSet([[1, 2], [3, 4]], [0, 1]);
    assert.deepEqual(Array.from(set.ids), [1, 2, 3, 4]);
    assert.equal(set.seqLen, 2);
    assert.throws(() => tokenizedSet([[1, 2], [3]], [0, 1]), { message: 'rows[1]: has 1 tokens; expected 2 like rows[0] (no padding)' });
    assert.throws(() => tokenizedSet([[1, -2]], [0]), { message: 'rows[0][1]: -2 is not a token id; expected an integer >= 0' });
  });

  it('scores -log2 p(y|x) in bits and argmax accuracy per example (p(1) = 3/4)', async () => {
    const data = tokenizedSet([[1], [2], [3]], [1, 0, 1]);
    const s = await evaluateClassifier(constantClassifier(), data, 2);
    const want = [Math.log2(4 / 3), 2, Math.log2(4 / 3)];
    s.exampleBits.forEach((b, i) => assert.ok(Math.abs(b - want[i]) < 1e-6, `example ${i}: ${b} vs ${want[i]}`));
    assert.deepEqual(s.correct, [true, false, true]);
  });

  it('lowers the training loss on a learnable feature and leaks no tensors across steps', async () => {
    const rng = createRng(1);
    const data = toySet(256, 'contains-1', rng.child('data'));
    const model = createProbeEncoder(tiny, rng.child('model'));
    const before = tf.memory().numTensors;
    const { lossNatsPerEpoch } = await trainClassifier(model, tokenizedSet(data.map((e) => e.ids), data.map((e) => e.label)), fast(6, 1e-2), rng.child('train'));
    assert.equal(tf.memory().numTensors, before, 'tensors after training');
    model.dispose();
    assert.equal(lossNatsPerEpoch.length, 6);
    assert.ok(lossNatsPerEpoch[5] < 0.5 * lossNatsPerEpoch[0], `losses ${lossNatsPerEpoch.map((l) => l.toFixed(3)).join(' ')}`);
  });

  it('codes labels independent of the input in about N bits (N = 300)', async () => {
    const rng = createRng(11);
    const r = await onlineCodelength(toySet(300, 'random', rng.child('data')), probeOf(tiny, fast(3, 3e-3)), { nClasses: 2 }, rng.child('mdl'));
    // no feature to learn: the probe can only match the uniform code or overfit a little
    assert.ok(r.codelengthBits > 0.9 * 300 && r.codelengthBits < 1.25 * 300, `codelength ${r.codelengthBits}`);
    assert.ok(r.compression < 1.11, `compression ${r.compression}`);
  });

  it('codes a feature the probe learns (label = symbol 1 occurs) far below N bits', async () => {
    const rng = createRng(11);
    const r = await onlineCodelength(toySet(500, 'contains-1', rng.child('data')), probeOf(tiny, fast(10, 1e-2)), { nClasses: 2 }, rng.child('mdl'));
    assert.ok(r.codelengthBits < 0.4 * 500, `codelength ${r.codelengthBits}`);
    assert.ok(r.compression > 2.5, `compression ${r.compression}`);
    assert.ok((r.blocks[10].accuracy as number) >= 0.95, `last block accuracy ${r.blocks[10].accuracy}`);
  });

  it('gives identical results for the same seed and different ones for another seed', async () => {
    const data = toySet(120, 'contains-1', createRng(0));
    const run = (seed: number) => onlineCodelength(data, probeOf({ ...tiny, dropout: 0.1 }, fast(2, 3e-3)), { nClasses: 2 }, createRng(seed));
    const a = await run(1);
    assert.deepEqual(await run(1), a);
    assert.notEqual((await run(2)).codelengthBits, a.codelengthBits);
  });

  it('keeps tf.memory().numTensors flat across blocks', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await onlineCodelength(toySet(150, 'contains-1', createRng(3)), probeOf({ ...tiny, dropout: 0.1, head: 'dense-tanh', headDropout: 0.5 }, fast(1, 1e-3)), {
      nClasses: 2,
      onBlock: () => counts.push(tf.memory().numTensors),
    }, createRng(4));
    assert.deepEqual(counts, counts.map(() => before));
  });
});
