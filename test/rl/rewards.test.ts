import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { KL_PENALTY_KINDS } from '../../src/rl/kl';
import { computeRewards, lastTokenMask } from '../../src/rl/rewards';
import { assertClose, assertNoLeak, loadFixture, t } from '../tensor/test_utils';

const fx = loadFixture('rl', 'trl_rewards');
const inp = fx.inputs;

function logprobArgs(kind: string): [tf.Tensor, tf.Tensor] {
  return kind === 'full' ? [t(inp.logprobs_full), t(inp.ref_logprobs_full)] : [t(inp.logprobs), t(inp.ref_logprobs)];
}

describe('per-token rewards against TRL 0.7.11 PPOTrainer.compute_rewards (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  for (const kind of KL_PENALTY_KINDS) {
    it(`equals TRL's rewards, non-score rewards and kls with kl_penalty '${kind}'`, () => {
      tf.tidy(() => {
        const [lp, ref] = logprobArgs(kind);
        const out = computeRewards(t(inp.scores) as tf.Tensor1D, lp, ref, t(inp.mask) as tf.Tensor2D, inp.kl_coef, { klPenalty: kind });
        const want = fx.outputs[kind];
        assertClose(out.rewards, want.rewards, 'rewards');
        assertClose(out.nonScoreRewards, want.non_score_reward, 'non_score_reward');
        assertClose(out.kls, want.kls, 'kls');
      });
    });
  }

  it('adds the score exactly once, on the last real token of each row (holes and padding included)', () => {
    tf.tidy(() => {
      const mask = tf.tensor2d([
        [0, 1, 1, 1, 0, 0],
        [0, 1, 0, 1, 1, 1],
        [1, 0, 0, 0, 0, 0],
      ]);
      const zeros = tf.zeros([3, 6]);
      const out = computeRewards(tf.tensor1d([2, -1, 5]), zeros, zeros, mask, 0.2, { klPenalty: 'kl' });
      assertClose(out.rewards, [
        [0, 0, 0, 2, 0, 0],
        [0, 0, 0, 0, 0, -1],
        [5, 0, 0, 0, 0, 0],
      ], 'rewards');
      assertClose(lastTokenMask(mask), [
        [0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 0],
      ], 'last token');
    });
  });

  it('keeps tf.memory().numTensors flat over repeated calls', () => {
    const [lp, ref] = logprobArgs('kl');
    const scores = t(inp.scores) as tf.Tensor1D;
    const mask = t(inp.mask) as tf.Tensor2D;
    assertNoLeak(() => {
      const out = computeRewards(scores, lp, ref, mask, 0.2, { klPenalty: 'kl' });
      return [out.rewards, out.nonScoreRewards, out.kls];
    });
    assertNoLeak(() => lastTokenMask(mask));
    tf.dispose([lp, ref, scores, mask]);
  });
});
