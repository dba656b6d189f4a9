import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { PPO_CONFIGS } from '../../src/rl/ppo_config';
import { ppoLoss } from '../../src/rl/ppo_losses';
import {
  PPOLossStatName,
  PPO_LOSS_STAT_NAMES,
  ROLLOUT_STAT_NAMES,
  STEP_STAT_NAMES,
  averageMinibatchStats,
  envRewardStats,
  lengthStats,
  negativeKlWarning,
  rolloutStats,
} from '../../src/rl/ppo_stats';
import { assertClose, assertNoLeak, loadFixture, t } from '../tensor/test_utils';

const fx = loadFixture('rl', 'trl_step_stats');
const cfg = {
  ...PPO_CONFIGS.trl,
  cliprange: fx.config.cliprange,
  cliprangeValue: fx.config.cliprange_value,
  vfCoef: fx.config.vf_coef,
  ratioThreshold: fx.config.ratio_threshold,
};

describe('per-step statistics against TRL 0.7.11 stack_dicts + record_step_stats (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  it('averages three minibatches of ppoLoss stats into TRL\'s ppo/* values, var_explained included', () => {
    const perMinibatch = fx.minibatches.map((mb: Record<string, number[][]>) =>
      tf.tidy(() => {
        const out = ppoLoss(
          {
            oldLogprobs: t(mb.old_logprobs) as tf.Tensor2D,
            oldValues: t(mb.values) as tf.Tensor2D,
            logprobs: t(mb.logprobs) as tf.Tensor2D,
            vpreds: t(mb.vpreds) as tf.Tensor2D,
            logits: t(mb.logits) as tf.Tensor3D,
            mask: t(mb.mask) as tf.Tensor2D,
            advantages: t(mb.advantages) as tf.Tensor2D,
            returns: t(mb.returns) as tf.Tensor2D,
          },
          cfg,
        );
        const host = {} as Record<PPOLossStatName, number>;
        for (const name of PPO_LOSS_STAT_NAMES) host[name] = out.stats[name].arraySync();
        return host;
      }),
    );
    perMinibatch.forEach((s: Record<string, number>, i: number) => {
      for (const name of PPO_LOSS_STAT_NAMES) assertClose(s[name], fx.minibatch_stats[i][name], `minibatch ${i} ${name}`);
    });
    const step = averageMinibatchStats(perMinibatch);
    for (const [name, value] of Object.entries(step)) assertClose(value, fx.step_stats[name], name);
    assert.equal(Object.keys(step).length, PPO_LOSS_STAT_NAMES.length + 1);
  });

  it('computes objective/kl, objective/entropy, ppo/mean_non_score_reward and the score mean/std as TRL', () => {
    tf.tidy(() => {
      const r = fx.rollout;
      const stats = rolloutStats({
        scores: t(r.scores) as tf.Tensor1D,
        logprobs: t(r.logprobs) as tf.Tensor2D,
        kls: t(r.kls) as tf.Tensor2D,
        nonScoreRewards: t(r.non_score_reward) as tf.Tensor2D,
        mask: t(r.mask) as tf.Tensor2D,
      });
      for (const name of ROLLOUT_STAT_NAMES) assertClose(stats[name], fx.step_stats[name], name);
    });
  });

  it('computes tokens/* and env/* as TRL (Bessel std)', () => {
    const lens = lengthStats(fx.rollout.query_lens, fx.rollout.response_lens);
    for (const [name, value] of Object.entries(lens)) assertClose(value, fx.step_stats[name], name);
    const env = envRewardStats(fx.rollout.scores);
    assertClose(env['env/reward_mean'], fx.env.reward_mean, 'env/reward_mean');
    assertClose(env['env/reward_std'], fx.env.reward_std, 'env/reward_std');
  });

  it('names every scalar TRL logs in a step (apart from ppo/learning_rate, env/* and time/*)', () => {
    const ours = new Set(STEP_STAT_NAMES);
    for (const name of Object.keys(fx.step_stats)) assert.ok(ours.has(name), `missing ${name}`);
  });

  it('rejects an empty list of minibatches', () => {
    assert.throws(() => averageMinibatchStats([]), /perMinibatch is empty/);
  });

  it('keeps tf.memory().numTensors flat over repeated rolloutStats calls', () => {
    const r = fx.rollout;
    const inputs = {
      scores: t(r.scores) as tf.Tensor1D,
      logprobs: t(r.logprobs) as tf.Tensor2D,
      kls: t(r.kls) as tf.Tensor2D,
      nonScoreRewards: t(r.non_score_reward) as tf.Tensor2D,
      mask: t(r.mask) as tf.Tensor2D,
    };
    assertNoLeak(() => rolloutStats(inputs));
    tf.dispose(Object.values(inputs));
  });
});

describe('negative KL warning', () => {
  it('returns a warning below -1 nats (TRL threshold) and null at or above it', () => {
    assert.match(negativeKlWarning(-1.5) ?? '', /KL divergence is starting to become negative: -1\.50/);
    assert.equal(negativeKlWarning(-1), null);
    assert.equal(negativeKlWarning(0.3), null);
    assert.equal(negativeKlWarning(Number.NaN), null);
  });
});
