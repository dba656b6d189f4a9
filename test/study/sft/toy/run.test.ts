import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../src/backend';
import { resolveParams } from '../../../../src/study/params/resolve';
import { TOY_SFT_PARAMS } from '../../../../src/study/sft/toy/schema';
import { runToySft, toySftConfig } from '../../../../src/study/sft/toy/run';

before(async () => {
  await initBackend();
});

const params = () =>
  resolveParams(TOY_SFT_PARAMS, { preset: 'smoke', overrides: { toyData: { testSize: 100 }, toyRl: { model: { nLayer: 1, dModel: 32, nHead: 2 } }, toySft: { data: { trainSize: 2000 }, finetune: { epochs: 3, learningRate: 3e-3 } } }, env: {} });

describe('supervised baseline, one run', () => {
  it('learns a trivially learnable feature: contains-1 at rate 0.5 gives near-zero test error, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await runToySft(toySftConfig(params(), 1, 0.5, 0));
    assert.ok(r.accuracy > 0.95, `accuracy ${r.accuracy}`);
    assert.ok(r.errors.s_only < 0.1 && r.errors.t_only < 0.1, JSON.stringify(r.errors));
    assert.equal(r.lossNatsPerEpoch.length, 3);
    assert.ok(r.lossNatsPerEpoch[2] < r.lossNatsPerEpoch[0], `loss ${r.lossNatsPerEpoch}`);
    assert.equal(tf.memory().numTensors, before);
  });

  it('configures a study task by id and an extension pair by its rules, with the exact rate-p training size', () => {
    const study = toySftConfig(params(), 2, 0.1, 3);
    assert.deepEqual([study.task, study.data.task, study.data.target, study.data.spurious, study.data.trainSize, study.seed], [2, 2, 'first-last', 'contains-2', 2000, 3]);
    assert.equal(study.model.nPositions, 10);
    assert.equal(study.model.vocabSize, 12); // 10 digits + pad/unk, the policy's vocabulary
    const pair = toySftConfig(params(), { id: 7, target: 'contains-1', spurious: 'first-last' }, 0, 0);
    assert.deepEqual([pair.task, pair.data.task, pair.data.target, pair.data.spurious], [7, null, 'contains-1', 'first-last']);
    assert.throws(() => toySftConfig(params(), { id: 2, target: 'contains-3', spurious: 'contains-2' }, 0, 0), /task\.id: 2 is study task 2/);
    assert.throws(() => toySftConfig(params(), { id: 9, target: 'prefix-duplicate', spurious: 'adjacent-duplicate' }, 0, 0), /spurious: 'adjacent-duplicate' holds whenever target/);
  });
});
