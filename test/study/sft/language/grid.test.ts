/**
 * The language supervised baseline on a tiny GPT built in the test: error per held-out partition,
 * one result file per run with resume and reuse, determinism, and the toy summaries working on
 * its runs unchanged.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { languageModelIdentity } from '../../../../src/study/pretraining/model_inputs';
import { LANGUAGE_SFT_PARAMS } from '../../../../src/study/sft/language/schema';
import { languageSftConfig, runLanguageSft } from '../../../../src/study/sft/language/run';
import { languageSftCells, loadLanguageSftResults, runLanguageSftGrid } from '../../../../src/study/sft/language/grid';
import { resolveParams } from '../../../../src/study/params/resolve';
import { sftFeatureUse } from '../../../../src/hypotheses/feature_use';
import { RunStore } from '../../../../src/io/run_store';
import { PARTITIONS } from '../../../../src/tasks/partitions';
import { ConfigError } from '../../../../src/util/assert';
import { tinyLanguageInputs } from '../../language_fixtures';

import { sftH2Rows, sftTable, sftThresholds } from '../../../../src/hypotheses/sft_summary';
const TINY = { tasks: [1], rates: [0, 0.5], seeds: [0], data: { trainSize: 40, testSize: 6 }, finetune: { epochs: 1 } };
/** `extra`: keys of the `languageSft` group, replacing TINY's. */
const params = (extra: Record<string, unknown> = {}) => resolveParams(LANGUAGE_SFT_PARAMS, { preset: 'smoke', overrides: { languageSft: { ...TINY, ...extra } }, env: {} });

describe('language supervised baseline', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'language-sft-'));
  const lm = tinyLanguageInputs(0);
  before(async () => {
    await initBackend();
  });
  after(() => {
    lm.model.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('records data, LM identity and AdamW settings in each configuration', () => {
    const cfg = languageSftConfig(params().languageSft, lm, 22, 0.05, 4);
    assert.deepEqual([cfg.task, cfg.data.task, cfg.data.rate, cfg.data.trainSize, cfg.data.testSize, cfg.data.maxTokens, cfg.seed], [22, 22, 0.05, 40, 6, 16, 4]);
    assert.deepEqual(cfg.lm, languageModelIdentity(lm));
    assert.deepEqual(cfg.finetune, { epochs: 1, batchSize: 64, learningRate: 1e-4, weightDecay: 0.01 });
    assert.throws(() => languageSftConfig(params().languageSft, lm, 3, 0, 0), { message: /^task: 3 is not allowed; expected one of 0, 1, 2, 5/ });
  });

  it('scores the error on each held-out partition and the accuracy over all of them, the same for the same seed', async () => {
    const cfg = languageSftConfig(params().languageSft, lm, 1, 0.5, 0);
    const a = await runLanguageSft(cfg, lm);
    for (const p of PARTITIONS) assert.ok(a.errors[p] >= 0 && a.errors[p] <= 1 && Number.isInteger(a.errors[p] * 6), `${p}: ${a.errors[p]}`);
    const meanError = PARTITIONS.reduce((s, p) => s + a.errors[p], 0) / 4; // equal partition sizes
    assert.ok(Math.abs(a.accuracy - (1 - meanError)) < 1e-12);
    assert.equal(a.lossNatsPerEpoch.length, 1);
    assert.deepEqual(await runLanguageSft(cfg, lm), a);
  });

  it('stores one file per run, resumes after an interruption and reuses every run on a rerun', async () => {
    const store = new RunStore(path.join(tmp, 'store'));
    const p = params();
    const cells = languageSftCells(p, lm);
    assert.deepEqual(cells.map((c) => c.key.replace(/lm-[0-9a-f]{12}/, 'lm-X')), ['task1/rate0/lm-X/seed0', 'task1/rate0.5/lm-X/seed0']);
    await runLanguageSftGrid(p, { lm, store, cells: cells.slice(0, 1) }); // "interrupted" after the first run
    const progress: number[] = [];
    const runs = await runLanguageSftGrid(p, { lm, store, onProgress: (g) => progress.push(g.reused) });
    assert.deepEqual(progress, [1, 1]);
    assert.deepEqual(runs.map((r) => [r.task, r.rate, r.seed, r.reused]), [[1, 0, 0, true], [1, 0.5, 0, false]]);
    const loaded = await loadLanguageSftResults(p, { lm, store });
    assert.deepEqual(loaded.map((r) => r.result), runs.map((r) => r.result));
    assert.ok(loaded.every((r) => r.reused));
    await assert.rejects(loadLanguageSftResults(params({ seeds: [0, 1] }), { lm, store }), (e: Error) => e instanceof ConfigError && /2 of 4 runs missing/.test(e.message));

    // The toy summaries take the language runs as they are.
    assert.deepEqual(sftTable(runs).map((r) => [r.task, r.rate, r.seeds]), [[1, 0, 1], [1, 0.5, 1]]);
    assert.equal(sftFeatureUse(runs, 0)[0].score, 1 - (runs[0].result.errors.s_only + runs[0].result.errors.t_only) / 2);
    assert.deepEqual(sftH2Rows(runs).map((r) => r.s_only), runs.map((r) => 1 - r.result.errors.s_only));
    assert.equal(sftThresholds(runs)[0].task, 1);
  });
});
