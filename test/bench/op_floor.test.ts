import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { opFloorLines } from '../../src/bench/lines';
import { runPairedLine } from '../../src/bench/paired';

describe('per-op floor lines of the bench', () => {
  it('name the laptop PPO shapes and the op TensorFlow runs, one op per token', () => {
    const lines = opFloorLines();
    assert.deepEqual(lines.map((l) => l.id), ['op-add-64', 'op-add-960x64', 'op-matmul-qkv', 'op-matmul-dw', 'op-matmul-scores']);
    assert.equal(lines[2].work, '200 x BatchMatMulV2 [960,64] x [64,192] (ops/s)');
    assert.equal(lines[3].work, '200 x BatchMatMulV2 [960,64]^T x [960,192] (ops/s)');
    assert.equal(lines[4].work, '200 x BatchMatMulV2 [256,15,16] x [256,15,16]^T (ops/s)');
    for (const l of lines) assert.equal(l.tokensPerCall, (l.torch.params as { reps: number }).reps);
  });

  it('run tfjs-only rounds without leaking tensors', async () => {
    await initBackend();
    for (const line of opFloorLines()) {
      const before = tf.memory().numTensors;
      const r = await runPairedLine({ ...line, callsPerRound: 1, warmupCalls: 0 }, null, 1);
      assert.equal(r.leakedTensors, 0, line.id);
      assert.equal(tf.memory().numTensors, before, line.id);
      assert.ok(r.tfjsTokensPerSec > 0 && r.torchTokensPerSec === null, line.id);
    }
  });
});
