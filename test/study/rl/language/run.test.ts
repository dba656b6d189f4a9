import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../src/backend';
import { trainBpeTokenizer } from '../../../../src/tokenizer/bpe_tokenizer';
import { GPT } from '../../../../src/models/gpt';
import { loadCorpus } from '../../../../src/tasks/language/corpus';
import { resolveParams } from '../../../../src/study/params/resolve';
import { LANGUAGE_RL_PARAMS } from '../../../../src/study/rl/language/schema';
import { languageRlConfig, runLanguageRl, type LanguageRlInputs } from '../../../../src/study/rl/language/run';
import { applyRunFilter, languageRlRunTable, runLanguageRlGrid, type LanguageRlRun } from '../../../../src/study/rl/language/grid';
import { RunStore } from '../../../../src/io/run_store';
import { PARTITIONS } from '../../../../src/tasks/partitions';
import { STUDY_REWARD_SCALE } from '../../../../src/rl/sentiment_reward';
import { createRng } from '../../../../src/util/rng';
import type { LanguageModel } from '../../../../src/study/pretraining/model';

const corpus = loadCorpus();
const tokenizer = trainBpeTokenizer(corpus.train.slice(0, 300).map((p) => p.text), { vocabSize: 320 });
const params = resolveParams(LANGUAGE_RL_PARAMS, { preset: 'smoke', overrides: { languageRl: { tasks: [1], rates: [0], ppo: { nIterations: 2, batchSize: 4, miniBatchSize: 2 }, responseTokens: 4, data: { testSize: 2 }, reward: { kind: 'vader' } } }, env: {} });

describe('runLanguageRl', () => {
  let model: GPT;
  let lm: LanguageModel;
  before(async () => {
    await initBackend();
    model = GPT.init({ vocabSize: tokenizer.vocabSize, nPositions: 24, dModel: 16, nLayer: 1, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 }, createRng('lm'));
    lm = { model, tokenizer, corpus, source: 'trained', dir: '/nonexistent', history: null, config: null };
  });

  it('refuses a response that does not fit the context, naming the field', () => {
    assert.throws(() => languageRlConfig({ ...params, languageRl: { ...params.languageRl, responseTokens: 20 } }, lm, 1, 0, 0), /languageRl\.responseTokens: 16 prompt \+ 20 response tokens exceed the model's context of 24/);
  });

  it('gives identical results for the same seed, leaves the pre-trained model unchanged, and frees its tensors', async () => {
    const inputs: LanguageRlInputs = { model, tokenizer, corpus };
    const cfg = languageRlConfig(params, lm, 1, 0, 0);
    const weightsBefore = Array.from(model.namedWeights().get('wte.weight')!.dataSync().slice(0, 8));
    const tensorsBefore = tf.memory().numTensors;
    const a = await runLanguageRl(cfg, inputs);
    assert.equal(tf.memory().numTensors, tensorsBefore);
    const b = await runLanguageRl(cfg, inputs);
    assert.deepEqual({ ...a, wallMs: 0 }, { ...b, wallMs: 0 });
    assert.equal(a.steps.length, 2);
    for (const part of PARTITIONS) {
      assert.ok(a.eval[part] >= 0 && a.eval[part] <= 1, `${part}: ${a.eval[part]}`);
      assert.equal(a.eval[part], (a.rewards[part] + 1) / 2);
    }
    assert.deepEqual(Array.from(model.namedWeights().get('wte.weight')!.dataSync().slice(0, 8)), weightsBefore);
    const c = await runLanguageRl(languageRlConfig(params, lm, 1, 0, 1), inputs);
    assert.notDeepEqual(c.steps, a.steps);
  });

  it("runs PPO with the study's DistilBERT reward (the tiny fixture folder): the run records the reward's identity and scores on the study's scale", async () => {
    const distilbertDir = path.join(__dirname, '..', '..', '..', 'fixtures', 'models', 'tiny_distilbert');
    const p = { ...params, languageRl: { ...params.languageRl, reward: { kind: 'distilbert' as const } }, lm: { ...params.lm, distilbertDir } };
    const cfg = languageRlConfig(p, lm, 1, 0, 0);
    assert.equal(cfg.reward.kind, 'distilbert');
    assert.equal(cfg.reward.scale, STUDY_REWARD_SCALE);
    assert.match(cfg.reward.sha256 ?? '', /^[0-9a-f]{64}$/);
    const tensorsBefore = tf.memory().numTensors;
    const r = await runLanguageRl(cfg, { model, tokenizer, corpus });
    assert.equal(tf.memory().numTensors, tensorsBefore);
    assert.equal(r.steps.length, 2);
    for (const step of r.steps) assert.ok(Number.isFinite(step['env/reward_mean']) && Number.isFinite(step['ppo/loss/total']), JSON.stringify(step));
    // The study's (R + 2.8) / 5.6, not clipped: a logit past 2.8 scores above 1, as in the study.
    for (const part of PARTITIONS) assert.ok(Math.abs(r.eval[part] - (r.rewards[part] + STUDY_REWARD_SCALE) / (2 * STUDY_REWARD_SCALE)) < 1e-12, `${part}: ${r.eval[part]}`);
    // A different reward gives a different run: the vader run of the same seed differs.
    const vader = await runLanguageRl(languageRlConfig(params, lm, 1, 0, 0), { model, tokenizer, corpus });
    assert.notDeepEqual(r.rewards, vader.rewards);
  });

  it('stores each run of the grid and reuses it on the next call', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lang-rl-'));
    const store = new RunStore(dir);
    const first = await runLanguageRlGrid(params, lm, { store });
    assert.equal(first.length, 1);
    assert.equal(first[0].reused, false);
    const again = await runLanguageRlGrid(params, lm, { store });
    assert.equal(again[0].reused, true);
    assert.deepEqual(again[0].result.eval, first[0].result.eval);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('applyRunFilter', () => {
  const run = (neither: number, task = 1): LanguageRlRun => ({ task, rate: 0, seed: 0, reused: true, wallMs: 0, result: { normalisedScores: { both: 0.9, neither, s_only: 0.5, t_only: 0.5 }, before: null } as unknown as LanguageRlRun['result'] });

  it('drops runs whose normalised neither score is below 0.7 and keeps the rest in order', () => {
    const runs = [run(0.95, 1), run(0.69, 2), run(0.7, 5)];
    const { kept, dropped } = applyRunFilter(runs);
    assert.deepEqual(kept.map((r) => r.task), [1, 5]);
    assert.deepEqual(dropped.map((r) => r.task), [2]);
    assert.deepEqual(languageRlRunTable(runs).map((r) => r.kept), ['yes', 'no', 'yes']);
  });
});
