/**
 * Notebook 05's pipeline on the bundled Brown corpus at a tiny scale: pre-training lowers the
 * validation loss, the cached model is reused when everything matches and retrained when the
 * configuration changes, and sampling is seeded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../src/backend';
import { LANGUAGE_PRETRAINING_PARAMS } from '../../../src/study/pretraining/schema';
import { LOSS_SERIES, languageGptConfig, lmLossRows, lmSummaryRows, loadOrTrainLanguageModel, sampleContinuations, type LanguageModel } from '../../../src/study/pretraining/model';
import { resolveParams } from '../../../src/study/params/resolve';
import { MANIFEST_FILE } from '../../../src/io/manifest';
import { ConfigError } from '../../../src/util/assert';
import { createRng } from '../../../src/util/rng';

const TINY = {
  corpus: { tokenizer: { vocabSize: 300 } },
  lm: {
    trainPassages: 400,
    model: { nLayer: 1, dModel: 32, nHead: 2, nPositions: 32, dropout: 0 },
    training: { totalSteps: 40, batchSize: 8, warmupSteps: 5, learningRate: 3e-3, evalEvery: 20, evalWindows: 8 },
  },
  samples: { count: 2, promptTokens: 8, maxNewTokens: 8 },
};
const params = (extra: Record<string, unknown> = {}) => resolveParams(LANGUAGE_PRETRAINING_PARAMS, { preset: 'smoke', overrides: { ...TINY, ...extra }, env: {} });

async function weights(lm: LanguageModel): Promise<number[]> {
  const out: number[] = [];
  for (const v of lm.model.namedWeights().values()) out.push(...(await v.data()));
  return out;
}

describe('loadOrTrainLanguageModel', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lm-pretrain-'));
  const dirs = { modelDir: path.join(root, 'lm'), tokenizerDir: path.join(root, 'tokenizer') };
  let first: LanguageModel;

  before(async () => {
    await initBackend();
    first = await loadOrTrainLanguageModel(params(), {}, dirs);
  });
  after(() => {
    first.model.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('pre-trains from scratch and lowers the validation loss below ln(vocab)', () => {
    assert.equal(first.source, 'trained');
    const h = first.history!;
    assert.ok(Math.abs(h.initialValLossNats - Math.log(300)) < 0.1, `initial ${h.initialValLossNats}`);
    assert.ok(h.finalValLossNats < h.initialValLossNats - 0.5, `final ${h.finalValLossNats}`);
    assert.equal(h.steps.length, 40);
    assert.ok(fs.existsSync(path.join(dirs.modelDir, MANIFEST_FILE)));
  });

  it('reuses the cached model when corpus, tokenizer and configuration match', async () => {
    const again = await loadOrTrainLanguageModel(params(), {}, dirs);
    assert.equal(again.source, 'cached');
    assert.deepEqual(await weights(again), await weights(first));
    assert.deepEqual(again.history, first.history);
    again.model.dispose();
  });

  it('with cachedOnly, reuses a matching folder and refuses to train, naming lm-pretrain', async () => {
    const cached = await loadOrTrainLanguageModel(params(), { cachedOnly: true }, dirs);
    assert.equal(cached.source, 'cached');
    cached.model.dispose();
    const otherDir = { ...dirs, modelDir: path.join(root, 'empty-lm') };
    await assert.rejects(
      loadOrTrainLanguageModel(params(), { cachedOnly: true }, otherDir),
      (e: unknown) => e instanceof ConfigError && /^lm: no pre-trained model in .*empty-lm matches the preset smoke/.test(e.message) && e.message.includes('grid run lm-pretrain --preset smoke'),
    );
    assert.equal(fs.existsSync(path.join(otherDir.modelDir, MANIFEST_FILE)), false);
  });

  it('retrains when the configuration changes, and the same seed gives the same losses', async () => {
    const changed = await loadOrTrainLanguageModel(params({ lm: { ...TINY.lm, training: { ...TINY.lm.training, totalSteps: 41 } } }), {}, dirs);
    assert.equal(changed.source, 'trained');
    assert.deepEqual(changed.history!.steps.slice(0, 5).map((s) => s.trainLossNats), first.history!.steps.slice(0, 5).map((s) => s.trainLossNats));
    changed.model.dispose();
    // The folder now holds the 41-step model: asking for the 40-step one trains again.
    const back = await loadOrTrainLanguageModel(params(), {}, dirs);
    assert.equal(back.source, 'trained');
    assert.deepEqual(back.history!.steps.map((s) => s.trainLossNats), first.history!.steps.map((s) => s.trainLossNats));
    back.model.dispose();
  });

  it('samples continuations of validation openings, the same for the same seed', async () => {
    const p = params();
    const a = await sampleContinuations(first, p.samples, createRng(1));
    const b = await sampleContinuations(first, p.samples, createRng(1));
    assert.equal(a.length, 2);
    assert.deepEqual(a, b);
    for (const row of a) assert.ok(first.corpus.validation.some((x) => x.text.startsWith(row.prompt)), row.prompt);
  });

  it('summarises losses, perplexity and the unigram baseline', () => {
    const rows = Object.fromEntries(lmSummaryRows(first).map((r) => [r.quantity, r.value]));
    assert.equal(rows['validation perplexity'], Math.exp(first.history!.finalValLossNats));
    assert.equal(rows['vocabulary (tokens)'], 300);
  });
});

describe('lmLossRows', () => {
  it('averages training loss over full buckets and lists validation at step 0 and at evaluations', () => {
    const steps = Array.from({ length: 5 }, (_, i) => ({ step: i + 1, learningRate: 1, trainLossNats: i, gradNorm: 1, ...(i === 3 ? { valLossNats: 9 } : {}) }));
    const rows = lmLossRows(steps, 10, 200); // bucket of 2 steps
    assert.deepEqual(rows, [
      { x: 2, y: 0.5, series: LOSS_SERIES.train },
      { x: 4, y: 2.5, series: LOSS_SERIES.train },
      { x: 0, y: 10, series: LOSS_SERIES.validation },
      { x: 4, y: 9, series: LOSS_SERIES.validation },
    ]);
  });
});

describe('languageGptConfig', () => {
  it('rejects heads that do not divide the width, naming lm.model.nHead', () => {
    assert.throws(() => languageGptConfig({ nLayer: 1, dModel: 30, nHead: 4, nPositions: 16, dropout: 0 }, 300), (e: Error) => e instanceof ConfigError && /^lm\.model\.nHead: 4 does not divide lm\.model\.dModel 30/.test(e.message));
  });
});
