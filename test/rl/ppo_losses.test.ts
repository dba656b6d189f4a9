import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { PPO_CONFIGS } from '../../src/rl/ppo_config';
import { PPOLossInputs, ppoLoss } from '../../src/rl/ppo_losses';
import { PPO_LOSS_STAT_NAMES } from '../../src/rl/ppo_stats';
import { assertClose, assertNoLeak, loadFixture, t } from '../tensor/test_utils';

const trl = loadFixture('rl', 'trl_loss');
const rl4 = loadFixture('rl', 'rl4lms_loss');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function lossInputs(inp: any): PPOLossInputs {
  return {
    oldLogprobs: t(inp.old_logprobs) as tf.Tensor2D,
    oldValues: t(inp.values) as tf.Tensor2D,
    logprobs: t(inp.logprobs) as tf.Tensor2D,
    vpreds: t(inp.vpreds) as tf.Tensor2D,
    logits: t(inp.logits) as tf.Tensor3D,
    mask: t(inp.mask) as tf.Tensor2D,
    advantages: t(inp.advantages) as tf.Tensor2D,
    returns: t(inp.returns) as tf.Tensor2D,
  };
}

const trlCfg = {
  ...PPO_CONFIGS.trl,
  cliprange: trl.config.cliprange,
  cliprangeValue: trl.config.cliprange_value,
  vfCoef: trl.config.vf_coef,
  ratioThreshold: trl.config.ratio_threshold,
};

describe('PPO loss against TRL 0.7.11 PPOTrainer.loss (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  for (const c of trl.cases) {
    it(`equals TRL's total loss, skip flag and all ${PPO_LOSS_STAT_NAMES.length} statistics (${c.name})`, () => {
      tf.tidy(() => {
        const out = ppoLoss(lossInputs(c.inputs), trlCfg);
        assertClose(out.loss, c.total_loss, 'loss');
        assert.equal(out.skipped.arraySync(), c.name === 'skipped_high_ratio' ? 1 : 0, 'skipped');
        for (const name of PPO_LOSS_STAT_NAMES) assertClose(out.stats[name], c.stats[name], name);
      });
    });
  }

  it('gives a zero gradient on a skipped minibatch and a nonzero one otherwise', () => {
    for (const c of trl.cases) {
      tf.tidy(() => {
        const inp = lossInputs(c.inputs);
        const grad = tf.grad((lp: tf.Tensor) => ppoLoss({ ...inp, logprobs: lp as tf.Tensor2D }, trlCfg).loss)(inp.logprobs);
        const norm = tf.sum(tf.abs(grad)).arraySync() as number;
        if (c.name === 'skipped_high_ratio') assert.equal(norm, 0);
        else assert.ok(norm > 1e-3, `gradient norm ${norm}`);
      });
    }
  });
});

describe('PPO loss with the rl4lms config against RL4LMs/SB3 PPO.train (transcribed; rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  it('equals SB3 policy loss, MSE value loss and total with per-minibatch advantage normalisation', () => {
    tf.tidy(() => {
      const out = ppoLoss(lossInputs(rl4.inputs), PPO_CONFIGS.rl4lms);
      assertClose(out.stats['loss/policy'], rl4.policy_loss, 'policy');
      assertClose(out.stats['loss/value'], rl4.value_loss, 'value');
      assertClose(out.loss, rl4.total_loss, 'total');
      assertClose(out.stats['policy/entropy'], rl4.entropy_mean, 'entropy');
      assertClose(out.stats['policy/advantages_mean'], 0, 'normalised advantages have mean 0');
      assert.equal(out.skipped.arraySync(), 0);
    });
  });

  it('subtracts entCoef * entropy when entCoef > 0', () => {
    tf.tidy(() => {
      const inp = lossInputs(rl4.inputs);
      const out = ppoLoss(inp, { ...PPO_CONFIGS.rl4lms, entCoef: 0.01 });
      assertClose(out.loss, rl4.total_loss - 0.01 * rl4.entropy_mean, 'total with entropy');
    });
  });
});

describe('PPO loss: oracle properties', () => {
  before(async () => {
    await initBackend();
  });

  // Compacts the real tokens of every [batch, resp] input into one [1, n] row with an all-ones mask.
  function compact(inp: PPOLossInputs): PPOLossInputs {
    const keep = (inp.mask.arraySync() as number[][]).flat().flatMap((m, i) => (m === 1 ? [i] : []));
    const n = keep.length;
    const pick2 = (x: tf.Tensor2D) => tf.tensor2d([keep.map((i) => (x.arraySync() as number[][]).flat()[i])]);
    const vocab = inp.logits.shape[2];
    const rows = inp.logits.reshape([-1, vocab]).arraySync() as number[][];
    return {
      oldLogprobs: pick2(inp.oldLogprobs),
      oldValues: pick2(inp.oldValues),
      logprobs: pick2(inp.logprobs),
      vpreds: pick2(inp.vpreds),
      logits: tf.tensor3d([keep.map((i) => rows[i])]),
      mask: tf.ones([1, n]) as tf.Tensor2D,
      advantages: pick2(inp.advantages),
      returns: pick2(inp.returns),
    };
  }

  for (const variant of ['trl', 'rl4lms'] as const) {
    it(`padding does not matter: the padded batch gives the loss and stats of its real tokens alone (${variant})`, () => {
      tf.tidy(() => {
        const inp = lossInputs(variant === 'trl' ? trl.cases[0].inputs : rl4.inputs);
        const cfg = variant === 'trl' ? trlCfg : PPO_CONFIGS.rl4lms;
        const padded = ppoLoss(inp, cfg);
        const alone = ppoLoss(compact(inp), cfg);
        assertClose(padded.loss, alone.loss.arraySync() as number, 'loss');
        for (const name of PPO_LOSS_STAT_NAMES) assertClose(padded.stats[name], alone.stats[name].arraySync() as number, name);
      });
    });
  }

  it('is zero policy loss with ratio 1 and zero advantages, and zero value loss with vpreds = returns', () => {
    tf.tidy(() => {
      const z = tf.zeros([2, 3]) as tf.Tensor2D;
      const r = tf.tensor2d([[0.5, -1, 2], [0, 1, 3]]);
      const out = ppoLoss(
        { oldLogprobs: z, oldValues: r, logprobs: z, vpreds: r, logits: tf.zeros([2, 3, 4]) as tf.Tensor3D, mask: tf.ones([2, 3]) as tf.Tensor2D, advantages: z, returns: r },
        trlCfg,
      );
      assertClose(out.loss, 0, 'loss');
      assertClose(out.stats['policy/clipfrac'], 0, 'clipfrac');
      assertClose(out.stats['policy/entropy'], Math.log(4), 'entropy of uniform logits');
    });
  });

  it('statVector holds the TRL fixture statistics in PPO_LOSS_STAT_NAMES order (the trainer reads only it)', () => {
    tf.tidy(() => {
      const c = trl.cases[0];
      const vec = ppoLoss(lossInputs(c.inputs), trlCfg).statVector;
      assert.equal(vec.shape[0], PPO_LOSS_STAT_NAMES.length);
      assertClose(vec, PPO_LOSS_STAT_NAMES.map((n) => c.stats[n]), 'statVector');
    });
  });

  it('keeps tf.memory().numTensors flat over repeated gradient calls (both variants)', () => {
    const inp = lossInputs(trl.cases[0].inputs);
    for (const cfg of [trlCfg, PPO_CONFIGS.rl4lms]) {
      assertNoLeak(() => tf.grads((lp: tf.Tensor, v: tf.Tensor, z: tf.Tensor) => ppoLoss({ ...inp, logprobs: lp as tf.Tensor2D, vpreds: v as tf.Tensor2D, logits: z as tf.Tensor3D }, { ...cfg, entCoef: 0.01 }).loss)([inp.logprobs, inp.vpreds, inp.logits]));
    }
    tf.dispose(Object.values(inp));
  });

  it('keeps tf.memory().numTensors flat over repeated calls (both variants)', () => {
    const inp = lossInputs(trl.cases[0].inputs);
    assertNoLeak(() => ppoLoss(inp, trlCfg));
    assertNoLeak(() => ppoLoss(inp, PPO_CONFIGS.rl4lms));
    tf.dispose(Object.values(inp));
  });
});
