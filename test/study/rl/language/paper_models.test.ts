/**
 * The paper's models wired into the language study: the DistilBERT reward from a folder (the tiny
 * random fixture of test/reference/gen_distilbert_fixture.py), the lm.usePaperModels switch with its one
 * message naming what is missing, and the reward read on the response alone or on prompt + response.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { distilBertRewards, loadDistilBertReward } from '../../../../src/reward/distilbert_reward';
import { episodeRewards } from '../../../../src/rl/sentiment_env';
import { STUDY_REWARD_SCALE } from '../../../../src/rl/sentiment_reward';
import { withPaperModels } from '../../../../src/study/pretraining/paper_models';
import { languageRewardModel } from '../../../../src/study/rl/language/reward_model';
import { LANGUAGE_RL_PARAMS } from '../../../../src/study/rl/language/schema';
import { resolveParams } from '../../../../src/study/params/resolve';
import type { Corpus } from '../../../../src/tasks/language/corpus';
import { trainBpeTokenizer } from '../../../../src/tokenizer/bpe_tokenizer';
import { ConfigError } from '../../../../src/util/assert';

const MODELS = path.join(__dirname, '..', '..', '..', 'fixtures', 'models');
const DISTILBERT = path.join(MODELS, 'tiny_distilbert');
const GPT2 = path.join(MODELS, 'tiny_gpt2');

describe("the paper's models", () => {
  before(async () => void (await initBackend()));

  it("reward 'distilbert': the POSITIVE logit of the folder's classifier, the study's scale 2.8, the safetensors hash as identity", () => {
    const m = languageRewardModel('distilbert', {} as Corpus, { distilbertDir: DISTILBERT });
    assert.equal(m.spec.kind, 'distilbert');
    assert.equal(m.spec.scale, STUDY_REWARD_SCALE);
    assert.match(m.spec.sha256 ?? '', /^[0-9a-f]{64}$/);
    const rm = loadDistilBertReward(DISTILBERT);
    try {
      const text = 'the movie was good';
      assert.ok(Math.abs(m.score(text) - distilBertRewards(rm, [text])[0]) < 1e-6);
    } finally {
      rm.model.dispose();
    }
  });

  it("reward 'distilbert' without a folder: one line naming lm.distilbertDir", () => {
    assert.throws(() => languageRewardModel('distilbert', {} as Corpus, {}), (e: Error) => e instanceof ConfigError && /^lm\.distilbertDir: not given/.test(e.message));
  });

  it('lm.usePaperModels off: the parameters pass unchanged', () => {
    const p = resolveParams(LANGUAGE_RL_PARAMS, { preset: 'paper', env: {} });
    assert.equal(withPaperModels(p), p);
    assert.equal(p.lm.usePaperModels, false);
  });

  it('lm.usePaperModels with the tiny fixture folders: one message naming every missing file and path', () => {
    const p = resolveParams(LANGUAGE_RL_PARAMS, { preset: 'paper', overrides: { lm: { usePaperModels: true, hfModelDir: GPT2, distilbertDir: DISTILBERT } }, env: {} });
    assert.throws(() => withPaperModels(p), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message.split('\n').length, 1);
      assert.match(e.message, /^lm\.usePaperModels: paper preset: lm\.hfModelDir: .*tiny_gpt2 has no merges\.txt/);
      assert.match(e.message, /corpus\.imdbPath: not given/);
      assert.doesNotMatch(e.message, /distilbertDir/);
      return true;
    });
  });

  it('lm.usePaperModels with every path present: corpus IMDB and the DistilBERT reward', () => {
    const p = resolveParams(LANGUAGE_RL_PARAMS, { preset: 'paper', overrides: { lm: { usePaperModels: true, hfModelDir: '/m/gpt2', distilbertDir: '/m/bert' }, corpus: { imdbPath: '/d/imdb.csv' } }, env: {} });
    const q = withPaperModels(p, (f) => (f === '/m/gpt2' || f === '/m/bert' ? 'dir' : 'file'));
    assert.equal(q.corpus.source, 'imdb');
    assert.equal(q.languageRl.reward.kind, 'distilbert');
    assert.equal(q.lm.hfModelDir, '/m/gpt2');
  });
});

describe('reward text', () => {
  const tok = trainBpeTokenizer(['the film was good', 'a bad movie', 'we liked the good parts of the film'], { vocabSize: 300 });
  const length = (s: string) => s.length;

  it("'response' scores the response alone, 'prompt+response' (default) the whole text; texts are prompt + response either way", () => {
    const resp = tok.encode(' good');
    const a = episodeRewards(tok, ['a bad movie'], [1], [resp], [resp.length], length);
    const b = episodeRewards(tok, ['a bad movie'], [1], [resp], [resp.length], length, 'response');
    assert.deepEqual(a.texts, b.texts);
    assert.equal(a.rewards[0], a.texts[0].length);
    assert.equal(b.rewards[0], a.texts[0].length - 'a bad movie'.length);
    assert.equal(episodeRewards(tok, ['a bad movie'], [0], [resp], [resp.length], length, 'response').rewards[0], -b.rewards[0]);
  });

  it("keeps the study's prompt+response at paper (and smoke) and scores the response alone at laptop, as measured", () => {
    for (const preset of ['smoke', 'paper'] as const) assert.equal(resolveParams(LANGUAGE_RL_PARAMS, { preset, env: {} }).languageRl.rewardOn, 'prompt+response');
    assert.equal(resolveParams(LANGUAGE_RL_PARAMS, { preset: 'laptop', env: {} }).languageRl.rewardOn, 'response');
  });
});
