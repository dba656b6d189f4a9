import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { resolveParams } from '../../../../src/study/params/resolve';
import { TOY_RL_PARAMS } from '../../../../src/study/rl/toy/schema';
import { TOY_RESPONSE_TOKENS, runToyRl, toyRlConfig } from '../../../../src/study/rl/toy/run';
import { PPO_CONFIGS } from '../../../../src/rl/ppo_config';
import { mergeOverrides } from '../../../../src/study/params/presets';

before(async () => {
  await initBackend();
});

const TINY = { toyData: { trainSize: 100, testSize: 8, probeSize: 10 }, toyRl: { evalPrompts: 8, ppo: { nIterations: 2, batchSize: 8, miniBatchSize: 4, ppoEpochs: 1 } } };
const tiny = (extra: Record<string, unknown> = {}) => resolveParams(TOY_RL_PARAMS, { preset: 'smoke', overrides: mergeOverrides(TINY, extra), env: {} });

describe('toyRlConfig', () => {
  it('builds the study setting: 12-token vocabulary, context prompt + 5, rl4lms PPO with the preset overrides', () => {
    const p = resolveParams(TOY_RL_PARAMS, { preset: 'paper', overrides: {}, env: {} });
    const cfg = toyRlConfig(p, 3, 0.05, 6);
    assert.equal(cfg.model.vocabSize, 12);
    assert.equal(cfg.model.nPositions, 10 + TOY_RESPONSE_TOKENS);
    assert.deepEqual([cfg.model.nLayer, cfg.model.nHead, cfg.model.dModel], [4, 4, 256]);
    const { batchUnit, batchSize, miniBatchSize, ...rest } = cfg.ppo;
    const { batchUnit: _u, batchSize: _b, miniBatchSize: _m, ...rl4lms } = PPO_CONFIGS.rl4lms;
    assert.deepEqual(rest, rl4lms, 'paper preset = the rl4lms variant unchanged but for the batch units');
    // The run records the episode counts the trainer uses, not RL4LMs' 2048 / 256 tokens.
    assert.deepEqual([batchUnit, batchSize, miniBatchSize, cfg.evalPrompts, cfg.seed], ['sequence', 409, 51, 1000, 6]);
    assert.deepEqual([cfg.data.task, cfg.data.rate], [3, 0.05]);
  });
});

describe('runToyRl', () => {
  it('returns {config, seed, steps, eval, warnings} with one TRL-named stat row per iteration and one log line each', async () => {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toyrl-run-')), 'a', 'steps.jsonl');
    const seen: number[] = [];
    const r = await runToyRl(toyRlConfig(tiny(), 1, 0.5, 0), { stepLogFile: logFile, onStep: (i) => seen.push(i) });
    assert.deepEqual(Object.keys(r), ['config', 'seed', 'steps', 'eval', 'warnings']);
    assert.deepEqual(seen, [1, 2]);
    assert.equal(r.steps.length, 2);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.step), [1, 2]);
    assert.equal(lines[1]['env/reward_mean'], r.steps[1]['env/reward_mean']);
    // rl4lms: KL coefficient 0 and fixed, so no reference model is run and the KL terms are exactly 0.
    assert.equal(r.steps[0]['objective/kl'], 0);
    assert.equal(r.steps[0]['objective/kl_coef'], 0);
    assert.equal(r.steps[0]['ppo/skipped_minibatches'], 0);
    for (const v of Object.values(r.eval)) assert.ok(v >= 0 && v <= 1);
  });

  it('runs the trl variant on the same trainer: reference model, adaptive KL coefficient moving from 0.2', async () => {
    const r = await runToyRl(toyRlConfig(tiny({ toyRl: { ppoVariant: 'trl', ppo: { learningRate: 1e-3 } } }), 1, 0, 0));
    assert.equal(r.steps[0]['objective/kl_coef'], 0.2);
    assert.equal(r.steps[0]['objective/kl'], 0, 'policy = reference at the first rollout');
    assert.ok(r.steps[1]['objective/kl'] !== 0, 'after one update the policy differs from the frozen reference');
    assert.notEqual(r.steps[1]['objective/kl_coef'], 0.2);
  });
});
