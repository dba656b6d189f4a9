import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { KL_PENALTY_KINDS, klPenalty } from '../../src/rl/kl';
import { assertClose, assertNoLeak, loadFixture, t } from '../tensor/test_utils';

const fx = loadFixture('rl', 'trl_kl');
const inp = fx.inputs;

function args(kind: string): [tf.Tensor, tf.Tensor] {
  return kind === 'full' ? [t(inp.logprobs_full), t(inp.ref_logprobs_full)] : [t(inp.logprobs), t(inp.ref_logprobs)];
}

describe('KL penalty against TRL 0.7.11 PPOTrainer._kl_penalty (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  for (const kind of KL_PENALTY_KINDS) {
    it(`'${kind}' equals TRL's '${kind}' estimator`, () => {
      tf.tidy(() => {
        const [lp, ref] = args(kind);
        assertClose(klPenalty(lp, ref, kind), fx.kl_penalty[kind], kind);
      });
    });
  }

  it("'full' is non-negative and zero when the two distributions agree", () => {
    tf.tidy(() => {
      const [lp, ref] = args('full');
      const kl = klPenalty(lp, ref, 'full').arraySync() as number[][];
      assert.ok(kl.flat().every((x) => x >= -1e-6), 'KL >= 0');
      assertClose(klPenalty(lp, lp, 'full'), kl.map((row) => row.map(() => 0)), 'self KL');
    });
  });

  it('rejects log-probs of the wrong rank with a message that names the kind and shapes', () => {
    tf.tidy(() => {
      assert.throws(() => klPenalty(t(inp.logprobs), t(inp.ref_logprobs), 'full'), /kind 'full' needs rank-3.*\[3, 6\]/);
      assert.throws(() => klPenalty(t(inp.logprobs_full), t(inp.ref_logprobs_full), 'kl'), /kind 'kl' needs rank-2/);
    });
  });

  it('keeps tf.memory().numTensors flat over repeated calls of each estimator', () => {
    for (const kind of KL_PENALTY_KINDS) {
      const [lp, ref] = args(kind);
      assertNoLeak(() => klPenalty(lp, ref, kind));
      tf.dispose([lp, ref]);
    }
  });
});
