import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { computeAdvantages } from '../../src/rl/gae';
import { assertClose, assertNoLeak, loadFixture, t } from '../tensor/test_utils';

const fx = loadFixture('rl', 'trl_gae');
const inp = fx.inputs;
const sb3 = loadFixture('rl', 'rl4lms_gae');

describe('GAE against TRL 0.7.11 PPOTrainer.compute_advantages (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  for (const c of fx.cases) {
    it(`equals TRL's masked values, whitened advantages and returns (gamma ${c.gamma}, lam ${c.lam}, whiten_rewards ${c.whiten_rewards})`, () => {
      tf.tidy(() => {
        const cfg = { gamma: c.gamma, lam: c.lam, whitenRewards: c.whiten_rewards, advantageNorm: 'batch_whiten' as const };
        const out = computeAdvantages(t(inp.values) as tf.Tensor2D, t(inp.rewards) as tf.Tensor2D, t(inp.mask) as tf.Tensor2D, cfg);
        assertClose(out.values, c.values, 'values');
        assertClose(out.returns, c.returns, 'returns');
        assertClose(out.advantages, c.advantages, 'advantages');
      });
    });
  }

  it('equals SB3 1.5 RolloutBuffer GAE on finished episodes laid out as right-padded rows (RL4LMs)', () => {
    tf.tidy(() => {
      const cfg = { gamma: sb3.gamma, lam: sb3.lam, whitenRewards: false, advantageNorm: 'minibatch' as const };
      const s = sb3.inputs;
      const out = computeAdvantages(t(s.values) as tf.Tensor2D, t(s.rewards) as tf.Tensor2D, t(s.mask) as tf.Tensor2D, cfg);
      const m = s.mask as number[][];
      const masked = (x: tf.Tensor) => (x.arraySync() as number[][]).map((row, i) => row.map((v, j) => v * m[i][j]));
      assertClose(masked(out.advantages), sb3.advantages, 'advantages');
      assertClose(masked(out.returns), sb3.returns, 'returns');
    });
  });
});

describe('GAE: hand-worked and oracle properties', () => {
  before(async () => {
    await initBackend();
  });

  it('with gamma = lam = 1 and zero values, the advantage is the reward-to-go', () => {
    tf.tidy(() => {
      const out = computeAdvantages(tf.zeros([1, 4]) as tf.Tensor2D, tf.tensor2d([[1, 2, 3, 4]]), tf.ones([1, 4]) as tf.Tensor2D, {
        gamma: 1, lam: 1, whitenRewards: false, advantageNorm: 'none',
      });
      assertClose(out.advantages, [[10, 9, 7, 4]], 'reward-to-go');
      assertClose(out.returns, [[10, 9, 7, 4]], 'returns');
    });
  });

  it('hand-worked: gamma 0.5, lam 0.5 on two tokens', () => {
    tf.tidy(() => {
      // delta1 = 1 + 0 - 0.5 = 0.5; delta0 = 0 + 0.5 * 0.5 - 1 = -0.75; A0 = -0.75 + 0.25 * 0.5 = -0.625
      const out = computeAdvantages(tf.tensor2d([[1, 0.5]]), tf.tensor2d([[0, 1]]), tf.ones([1, 2]) as tf.Tensor2D, {
        gamma: 0.5, lam: 0.5, whitenRewards: false, advantageNorm: 'none',
      });
      assertClose(out.advantages, [[-0.625, 0.5]], 'advantages');
      assertClose(out.returns, [[0.375, 1]], 'returns');
    });
  });

  it('right padding (any values or rewards under mask 0) does not change the raw advantages of the response', () => {
    tf.tidy(() => {
      const cfg = { gamma: 0.99, lam: 0.95, whitenRewards: false, advantageNorm: 'none' as const };
      const short = computeAdvantages(tf.tensor2d([[0.2, -0.4, 1.0]]), tf.tensor2d([[0.1, 0.0, 0.7]]), tf.ones([1, 3]) as tf.Tensor2D, cfg);
      const padded = computeAdvantages(
        tf.tensor2d([[0.2, -0.4, 1.0, 5.0, -9.0]]),
        tf.tensor2d([[0.1, 0.0, 0.7, 3.0, 3.0]]),
        tf.tensor2d([[1, 1, 1, 0, 0]]),
        cfg,
      );
      const head = (padded.advantages.arraySync() as number[][])[0].slice(0, 3);
      assertClose(head, (short.advantages.arraySync() as number[][])[0], 'advantages');
    });
  });

  it('keeps tf.memory().numTensors flat over repeated calls', () => {
    const v = t(inp.values) as tf.Tensor2D;
    const r = t(inp.rewards) as tf.Tensor2D;
    const m = t(inp.mask) as tf.Tensor2D;
    for (const whitenRewards of [false, true]) {
      assertNoLeak(() => {
        const out = computeAdvantages(v, r, m, { gamma: 1, lam: 0.95, whitenRewards, advantageNorm: 'batch_whiten' });
        return [out.values, out.advantages, out.returns];
      });
    }
    tf.dispose([v, r, m]);
  });
});
