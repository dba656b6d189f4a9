import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { ResultStore } from '../../src/io/result_store';
import { resolveParams } from '../../src/experiments/params';
import { TOY_HYPOTHESES_PARAMS } from '../../src/experiments/toy_hypotheses_params';
import { runToySft, runToySftGrid, toySftConfig, toySftFeatureUse } from '../../src/experiments/toy_sft';

before(async () => {
  await initBackend();
});

const params = (overrides: Record<string, unknown> = {}) =>
  resolveParams(TOY_HYPOTHESES_PARAMS, { preset: 'smoke', overrides: { testSize: 100, policyLayers: 1, policyWidth: 32, policyHeads: 2, sftTrainSize: 2000, sftEpochs: 3, sftLearningRate: 3e-3, ...overrides }, env: {} });

describe('supervised baseline', () => {
  it('learns a trivially learnable feature: contains-1 at rate 0.5 gives near-zero test error', async () => {
    const before = tf.memory().numTensors;
    const r = await runToySft(toySftConfig(params(), 1, 0.5, 0));
    assert.ok(r.accuracy > 0.95, `accuracy ${r.accuracy}`);
    assert.ok(r.errors.s_only < 0.1 && r.errors.t_only < 0.1, JSON.stringify(r.errors));
    assert.equal(tf.memory().numTensors, before);
  });

  it('stores one file per run and reuses them; scores feature use as 1 - mean(s-only, t-only error)', async () => {
    const store = new ResultStore(fs.mkdtempSync(path.join(os.tmpdir(), 'sft-')));
    const p = { ...params({ sftTrainSize: 100, sftEpochs: 1, testSize: 10 }), preset: 'test', rlTasks: [2], rlRates: [0], rlSeeds: [0, 1] };
    const first = await runToySftGrid(p, { store });
    assert.deepEqual(store.keys(), ['task2/rate0/seed0', 'task2/rate0/seed1']);
    const second = await runToySftGrid(p, { store });
    assert.deepEqual(second.map((r) => r.reused), [true, true]);
    const [use] = toySftFeatureUse(first, 0);
    const expected = first.map((r) => 1 - (r.result.errors.s_only + r.result.errors.t_only) / 2).reduce((a, b) => a + b, 0) / 2;
    assert.ok(Math.abs(use.score - expected) < 1e-12);
    assert.equal(use.n, 2);
  });
});
