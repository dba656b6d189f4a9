import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/util/assert';
import { PPO_CONFIGS, PPO_CONFIG_KEYS, derivePPOBatch, makePPOConfig, ppoLearningRate, validatePPOConfig, type PPOConfig } from '../../src/rl/ppo_config';

describe('PPO_CONFIGS', () => {
  it('pins the TRL 0.7 values the sentiment study uses (docs/study.md)', () => {
    const c = PPO_CONFIGS.trl;
    assert.deepEqual(
      [c.learningRate, c.batchSize, c.miniBatchSize, c.ppoEpochs, c.gamma, c.lam, c.cliprange, c.cliprangeValue, c.vfCoef],
      [1.41e-5, 256, 1, 4, 1, 0.95, 0.2, 0.2, 0.1],
    );
    assert.deepEqual([c.adapKlCtrl, c.initKlCoef, c.target, c.horizon, c.klPenalty], [true, 0.2, 6, 10000, 'kl']);
    assert.deepEqual([c.ratioThreshold, c.maxGradNorm, c.advantageNorm, c.valueLoss, c.whitenRewards], [10, null, 'batch_whiten', 'clipped', false]);
    assert.equal(c.nIterations * c.batchSize, 24576);
  });

  it('pins the RL4LMs toy values (docs/study.md: 16 envs x 128 steps, minibatch 256, 5 epochs, lr 1e-4, ...)', () => {
    const c = PPO_CONFIGS.rl4lms;
    assert.deepEqual(
      [c.batchUnit, c.batchSize, c.miniBatchSize, c.ppoEpochs, c.learningRate, c.gamma, c.lam, c.cliprange, c.nIterations],
      ['token', 16 * 128, 256, 5, 1e-4, 0.99, 0.95, 0.2, 100],
    );
    assert.deepEqual([c.vfCoef, c.maxGradNorm, c.entCoef, c.initKlCoef, c.adapKlCtrl], [0.5, 0.5, 0, 0, false]);
    assert.deepEqual([c.advantageNorm, c.valueLoss, c.cliprangeValue, c.ratioThreshold], ['minibatch', 'mse', null, null]);
    assert.deepEqual([c.optimizer, c.weightDecay], ['adamw', 1e-6]);
  });

  it('are frozen and valid', () => {
    for (const cfg of Object.values(PPO_CONFIGS)) {
      assert.ok(Object.isFrozen(cfg));
      assert.doesNotThrow(() => validatePPOConfig(cfg));
      assert.deepEqual(Object.keys(cfg).sort(), [...PPO_CONFIG_KEYS].sort());
    }
    assert.ok(Object.isFrozen(PPO_CONFIGS));
  });
});

describe('makePPOConfig', () => {
  it('applies overrides on a copy and freezes it, leaving the base untouched', () => {
    const cfg = makePPOConfig(PPO_CONFIGS.trl, { batchSize: 64, miniBatchSize: 8, gamma: 0.99 });
    assert.equal(cfg.batchSize, 64);
    assert.equal(cfg.gamma, 0.99);
    assert.equal(PPO_CONFIGS.trl.batchSize, 256);
    assert.ok(Object.isFrozen(cfg));
  });

  const BAD: ReadonlyArray<readonly [Record<string, unknown>, RegExp]> = [
    [{ gama: 0.9 }, /^gama: unknown PPOConfig field; expected one of learningRate, /],
    [{ gamma: 1.5 }, /^gamma: 1\.5 is outside \[0, 1\]$/],
    [{ lam: '0.9' }, /^lam: '0\.9' is not a number/],
    [{ batchSize: 10.5 }, /^batchSize: 10\.5 is not an integer/],
    [{ ppoEpochs: 0 }, /^ppoEpochs: 0 is outside \[1, /],
    [{ learningRate: 0 }, /^learningRate: 0 is not allowed; expected a number > 0$/],
    [{ klPenalty: 'k3' }, /^klPenalty: 'k3' is not allowed; expected one of 'kl', 'abs', 'mse', 'full'$/],
    [{ advantageNorm: 'whiten' }, /^advantageNorm: 'whiten' is not allowed; expected one of 'batch_whiten', 'minibatch', 'none'$/],
    [{ whitenRewards: 1 }, /^whitenRewards: 1 is not allowed; expected true or false$/],
    [{ cliprangeValue: null }, /^cliprangeValue: null is not allowed with valueLoss 'clipped'/],
    [{ valueLoss: 'mse' }, /^cliprangeValue: 0\.2 is not allowed with valueLoss 'mse'/],
    [{ weightDecay: 0.01 }, /^weightDecay: 0\.01 is not allowed with optimizer 'adam'/],
    [{ batchSize: 100, miniBatchSize: 8 }, /^batchSize: 100 is not a multiple of miniBatchSize \* gradientAccumulationSteps = 8$/],
    [{ adamBeta2: 1 }, /^adamBeta2: 1 is not allowed; expected a number in \[0, 1\)$/],
    [{ maxGradNorm: -1 }, /^maxGradNorm: -1 is outside \[0, /],
  ];
  for (const [overrides, message] of BAD) {
    it(`rejects ${JSON.stringify(overrides)} with one ConfigError line`, () => {
      assert.throws(
        () => makePPOConfig(PPO_CONFIGS.trl, overrides),
        (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('rejects a base with a missing field', () => {
    const { gamma: _gamma, ...partial } = PPO_CONFIGS.trl;
    assert.throws(() => validatePPOConfig(partial), /^ConfigError: gamma: missing/);
  });
});

describe('makePPOConfig with episode counts (the toy run)', () => {
  const episodes = { episodesPerIteration: 409, minibatchEpisodes: 51 };

  it('records the paper toy run\'s episode counts as batchSize / miniBatchSize in sequences, the rest rl4lms', () => {
    const cfg = makePPOConfig(PPO_CONFIGS.rl4lms, { ppoEpochs: 5 }, episodes);
    assert.equal(cfg.batchSize, 409);
    assert.equal(cfg.miniBatchSize, 51);
    assert.equal(cfg.batchUnit, 'sequence');
    assert.ok(Object.isFrozen(cfg));
    assert.deepEqual(Object.keys(cfg), [...PPO_CONFIG_KEYS]);
    for (const key of PPO_CONFIG_KEYS) if (!['batchSize', 'miniBatchSize', 'batchUnit'].includes(key)) assert.equal(cfg[key], (PPO_CONFIGS.rl4lms as PPOConfig)[key], key);
  });

  it('accepts a batch that is not a multiple of the minibatch (SB3: the last minibatch is smaller), unlike TRL\'s rule', () => {
    assert.throws(() => makePPOConfig(PPO_CONFIGS.rl4lms, { batchUnit: 'sequence', batchSize: 409, miniBatchSize: 51 }), /batchSize: 409 is not a multiple/);
    assert.doesNotThrow(() => makePPOConfig(PPO_CONFIGS.rl4lms, {}, episodes));
  });

  const BAD: [Record<string, unknown>, { episodesPerIteration: number; minibatchEpisodes: number }, RegExp][] = [
    [{}, { episodesPerIteration: 0, minibatchEpisodes: 1 }, /^episodesPerIteration: 0 is outside \[1, /],
    [{}, { episodesPerIteration: 32, minibatchEpisodes: 2.5 }, /^minibatchEpisodes: 2\.5 is not an integer/],
    [{}, { episodesPerIteration: 32, minibatchEpisodes: 64 }, /^minibatchEpisodes: 64 is above episodesPerIteration 32; expected at most 32$/],
    [{ batchSize: 2048 }, episodes, /^batchSize: set by the episode counts; expected episodesPerIteration \/ minibatchEpisodes instead$/],
    [{ gradientAccumulationSteps: 9 }, episodes, /^miniBatchSize: 51 \* gradientAccumulationSteps 9 is above batchSize 409; expected at most 409$/],
    [{ gamma: 2 }, episodes, /^gamma: 2 is outside \[0, 1\]$/],
  ];
  for (const [overrides, counts, message] of BAD) {
    it(`rejects ${JSON.stringify({ ...overrides, ...counts })} with one ConfigError line`, () => {
      assert.throws(
        () => makePPOConfig(PPO_CONFIGS.rl4lms, overrides, counts),
        (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

describe('derivePPOBatch', () => {
  it('counts minibatches and optimizer steps as TRL (trl: 256 x 4 passes of one sequence)', () => {
    const d = derivePPOBatch(PPO_CONFIGS.trl);
    assert.deepEqual(d, {
      backwardBatchSize: 1,
      nMiniBatchesPerEpoch: 256,
      nOptimizerStepsPerEpoch: 256,
      nMiniBatchesPerIteration: 1024,
      nOptimizerStepsPerIteration: 1024,
      nOptimizerStepsTotal: 96 * 1024,
      nSamplesTotal: 24576,
    });
  });

  it('counts gradient accumulation (rl4lms with 2 accumulation steps)', () => {
    const d = derivePPOBatch(makePPOConfig(PPO_CONFIGS.rl4lms, { gradientAccumulationSteps: 2 }));
    assert.equal(d.backwardBatchSize, 512);
    assert.equal(d.nMiniBatchesPerEpoch, 8);
    assert.equal(d.nOptimizerStepsPerEpoch, 4);
    assert.equal(d.nOptimizerStepsPerIteration, 20);
    assert.equal(d.nSamplesTotal, 204800);
  });
});

describe('ppoLearningRate', () => {
  it("is constant when lrSchedule is absent or 'constant' (TRL, SB3)", () => {
    assert.equal(ppoLearningRate(PPO_CONFIGS.rl4lms, 0), 1e-4);
    assert.equal(ppoLearningRate({ ...PPO_CONFIGS.rl4lms, lrSchedule: 'constant' }, 99), 1e-4);
  });

  it("decays linearly as CleanRL's anneal_lr: lr * (1 - i / n), from lr at the first iteration to lr / n at the last", () => {
    const cfg = { learningRate: 0.004, lrSchedule: 'linear' as const, nIterations: 4 };
    assert.deepEqual([0, 1, 2, 3].map((i) => ppoLearningRate(cfg, i)), [0.004, 0.003, 0.002, 0.001]);
    assert.equal(ppoLearningRate(cfg, 10), 0.001, 'past the last iteration it stays at the last value');
  });

  it('is checked: lrSchedule must be constant or linear, and absent stays absent (the stored hash)', () => {
    assert.throws(() => makePPOConfig(PPO_CONFIGS.rl4lms, { lrSchedule: 'cosine' }), (e: unknown) => e instanceof ConfigError && /^lrSchedule: /.test(e.message));
    assert.equal('lrSchedule' in makePPOConfig(PPO_CONFIGS.rl4lms, {}), false);
    assert.equal(makePPOConfig(PPO_CONFIGS.rl4lms, { lrSchedule: 'linear' }).lrSchedule, 'linear');
  });
});

