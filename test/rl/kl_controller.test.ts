import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveKLController, FixedKLController, makeKLController, nextAdaptiveKLCoef } from '../../src/rl/kl_controller';
import { PPO_CONFIGS } from '../../src/rl/ppo_config';
import { assertClose, loadFixture } from '../tensor/test_utils';

const fx = loadFixture('rl', 'trl_kl');

// The fixture drives TRL's controller with Python floats (float64), so agreement is to 1e-12.
describe('KL controllers against TRL 0.7.11 AdaptiveKLController / FixedKLController (rtol 1e-12)', () => {
  for (const key of ['adaptive', 'adaptive_small_horizon'] as const) {
    it(`follows TRL's coefficient over ${fx[key].currents.length} updates (${key})`, () => {
      const c = fx[key];
      const ctl = new AdaptiveKLController(c.init_kl_coef, c.target, c.horizon);
      const values = c.currents.map((kl: number) => {
        ctl.update(kl, c.n_steps);
        return ctl.value;
      });
      assertClose(values, c.values_after_update, key, 1e-12, 0);
    });
  }

  it('clips the proportional error to +-0.2 (a KL far above target moves beta by at most 0.2 * n / horizon)', () => {
    assert.equal(nextAdaptiveKLCoef(1, 1e6, 100, 6, 1000), 1 + 0.2 * 0.1);
    assert.equal(nextAdaptiveKLCoef(1, -50, 100, 6, 1000), 1 - 0.2 * 0.1);
    assert.equal(nextAdaptiveKLCoef(0.5, 6, 256, 6, 10000), 0.5);
  });

  it('keeps a fixed coefficient whatever the KL', () => {
    const ctl = new FixedKLController(fx.fixed.kl_coef);
    ctl.update(100, 256);
    assert.equal(ctl.value, fx.fixed.value_after_update);
  });

  it('builds an adaptive controller for trl and a fixed zero one for rl4lms', () => {
    const trl = makeKLController(PPO_CONFIGS.trl);
    assert.ok(trl instanceof AdaptiveKLController);
    assert.equal(trl.value, 0.2);
    const rl4lms = makeKLController(PPO_CONFIGS.rl4lms);
    assert.ok(rl4lms instanceof FixedKLController);
    rl4lms.update(10, 2048);
    assert.equal(rl4lms.value, 0);
  });
});
