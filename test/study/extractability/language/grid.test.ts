/**
 * The language MDL grid on a tiny GPT built in the test (never the cached LM): cells and keys, the
 * LM identity in every configuration, result files reused on a rerun, determinism in the seed, and
 * the summaries in the toy grid's row shapes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../src/backend';
import { languageModelIdentity } from '../../../../src/study/pretraining/model_inputs';
import { languageMdlCellConfig, runLanguageMdlCell, type LanguageMdlCellConfig } from '../../../../src/study/extractability/language/probe';
import {
  languageExtractabilityBars,
  languageExtractabilityTable,
  languageMdlCells,
  languageMdlCurveRows,
  languageProbingExamples,
  loadLanguageMdlResults,
  runLanguageMdlGrid,
  type LanguageMdlRun,
} from '../../../../src/study/extractability/language/grid';
import { LANGUAGE_MDL_PARAMS } from '../../../../src/study/extractability/language/schema';
import { resolveParams } from '../../../../src/study/params/resolve';
import { h1Points } from '../../../../src/hypotheses/h1';
import { RunStore } from '../../../../src/io/run_store';
import type { OnlineCodeResult } from '../../../../src/probing/online_code';
import { ConfigError } from '../../../../src/util/assert';
import { tinyLanguageInputs } from '../../language_fixtures';

const TINY = { tasks: [1, 22], seeds: [0], data: { probeSize: 40 }, training: { epochs: 1 } };
/** `extra`: keys of the `languageMdl` group, replacing TINY's. */
const params = (extra: Record<string, unknown> = {}) => resolveParams(LANGUAGE_MDL_PARAMS, { preset: 'smoke', overrides: { languageMdl: { ...TINY, ...extra } }, env: {} });

describe('language MDL grid', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'language-mdl-'));
  const lm = tinyLanguageInputs(0);
  const other = tinyLanguageInputs(1);
  before(async () => {
    await initBackend();
  });
  after(() => {
    lm.model.dispose();
    other.model.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists tasks x features x seeds, keyed by task, feature, LM tag and seed, each config naming the LM by its weights', () => {
    const cells = languageMdlCells(params({ seeds: [0, 3] }), lm);
    assert.deepEqual(cells.map((c) => [c.config.task, c.config.feature, c.config.seed]), [
      [1, 's', 0], [1, 's', 3], [1, 't', 0], [1, 't', 3], [22, 's', 0], [22, 's', 3], [22, 't', 0], [22, 't', 3],
    ]);
    assert.match(cells[0].key, /^task1\/s\/lm-[0-9a-f]{12}\/seed0$/);
    const c = cells[0].config;
    assert.deepEqual(c.lm, languageModelIdentity(lm));
    assert.deepEqual(c.training, { epochs: 1, batchSize: 64, learningRate: 1e-4, evalBatchSize: 256, weightDecay: 0.01 });
    assert.deepEqual([c.data.seed, c.data.probeSize, c.data.maxTokens, c.data.tokenizer.sha256], [0, 40, 16, lm.tokenizer.fingerprint()]);
    const otherCell = languageMdlCells(params(), other)[0];
    assert.notEqual(otherCell.config.lm.weightsSha256, c.lm.weightsSha256, 'another model has another identity');
    assert.notEqual(otherCell.key, cells[0].key, 'and another result file');
  });

  it('shows one prompt per class of every probing set, positives carrying the probed feature', () => {
    const rows = languageProbingExamples(params({ tasks: [1] }), lm);
    assert.deepEqual(rows.map((r) => [r.feature, r.class, r.partition]), [['s', 1, 's_only'], ['s', 0, 'neither'], ['t', 1, 'both'], ['t', 0, 's_only']]);
    assert.ok(rows[0].prompt.startsWith('# '), rows[0].prompt);
    assert.ok(rows[2].prompt.startsWith('$ # '), rows[2].prompt);
  });

  it('writes one result file per run, reuses them on a rerun, and loads them back', async () => {
    const store = new RunStore(path.join(tmp, 'store'));
    const p = params();
    const seen: string[] = [];
    const first = await runLanguageMdlGrid(p, { lm, store, onProgress: (g) => seen.push(g.label) });
    assert.equal(first.length, 4);
    assert.ok(first.every((r) => !r.reused));
    assert.equal(store.keys().length, 4);
    assert.ok(seen.some((l) => /^task 1 s, seed 0: block 11\/11$/.test(l)), seen.join('; '));
    for (const r of first) {
      assert.equal(r.result.online.n, 40);
      assert.equal(r.result.online.uniformBits, 40);
      assert.equal(r.result.online.blocks.length, 11);
    }
    const again = await runLanguageMdlGrid(p, { lm, store });
    assert.ok(again.every((r) => r.reused));
    assert.deepEqual(again.map((r) => r.result), first.map((r) => r.result));
    const loaded = await loadLanguageMdlResults(p, { lm, store });
    assert.deepEqual(loaded.map((r) => r.result), first.map((r) => r.result));
    // Another model names other runs: nothing stored for it.
    await assert.rejects(loadLanguageMdlResults(p, { lm: other, store }), (e: Error) => e instanceof ConfigError && /4 of 4 runs missing/.test(e.message));
    assert.deepEqual(await loadLanguageMdlResults(p, { lm: other, store, allowMissing: true }), []);
  });

  it('gives the identical codelength for the same seed and another one for another seed, leaving the LM untouched', async () => {
    const before = await lm.model.namedWeights().get('h.0.attn.c_attn.weight')!.data();
    const cfg = languageMdlCellConfig(params({ data: { probeSize: 60 } }), lm, 22, 's', 2);
    const a = await runLanguageMdlCell(cfg, lm);
    const tensors = tf.memory().numTensors;
    const b = await runLanguageMdlCell(cfg, lm);
    assert.equal(tf.memory().numTensors, tensors, 'no tensors left behind by a run');
    assert.deepEqual(b.online, a.online);
    const c = await runLanguageMdlCell({ ...cfg, seed: 3 }, lm);
    assert.notEqual(c.online.codelengthBits, a.online.codelengthBits);
    assert.deepEqual(await lm.model.namedWeights().get('h.0.attn.c_attn.weight')!.data(), before);
  });

  it('refuses to run a configuration on another model', async () => {
    const cfg = languageMdlCellConfig(params(), lm, 1, 't', 0);
    await assert.rejects(runLanguageMdlCell(cfg, other), (e: Error) => e instanceof ConfigError && /^lm: weights sha256 /.test(e.message));
  });
});

describe('language MDL summaries', () => {
  const online = (bits: number, perBlock: number[]): OnlineCodeResult => ({
    codelengthBits: bits,
    uniformBits: 100,
    compression: 100 / bits,
    n: 100,
    blocks: perBlock.map((b, i) => ({ size: i === 0 ? 0 : 10, bits: i === 0 ? 0 : b * 10, accuracy: i <= 1 ? null : 0.5 + i / 40 })),
  });
  const run = (task: number, feature: 's' | 't', seed: number, bits: number, perBlock = [0, 1, 0.8]): LanguageMdlRun => ({
    key: `task${task}/${feature}/lm-x/seed${seed}`,
    reused: false,
    wallMs: 1000,
    finishedAt: '',
    config: { task, feature, seed, target: `target of ${task}` } as unknown as LanguageMdlCellConfig,
    result: { backend: 'cpu', online: online(bits, perBlock) },
  });
  const runs = [run(22, 's', 0, 20), run(22, 't', 0, 80), run(22, 's', 1, 30), run(22, 't', 1, 60), run(1, 's', 0, 50), run(1, 't', 0, 25, [0, 1, 0.4])];

  it('pairs seeds: relative extractability is the mean of MDL(s)/MDL(t), in the toy row shape', () => {
    const rows = languageExtractabilityTable(runs);
    assert.deepEqual(rows.map((r) => [r.task, r.target, r.probe, r.seeds]), [[22, 'target of 22', 'lm', 2], [1, 'target of 1', 'lm', 1]]);
    assert.ok(Math.abs(rows[0].relMdl - (0.25 + 0.5) / 2) < 1e-12);
    assert.ok(Math.abs((rows[0].relMdlSem as number) - 0.125) < 1e-12);
    assert.equal(rows[0].mdlSBits, 25);
    assert.equal(rows[0].compressionT, (100 / 80 + 100 / 60) / 2);
    assert.equal(rows[1].relMdl, 2);
    assert.equal(rows[1].relMdlSem, null);
    const points = h1Points(rows, [{ task: 1, score: 0.9, sem: 0.1, n: 3 }, { task: 22, score: 0.4, sem: 0.05, n: 3 }]);
    assert.deepEqual(points.map((p) => [p.task, p.relMdl, p.score]), [[22, rows[0].relMdl, 0.4], [1, 2, 0.9]]);
    assert.deepEqual(languageExtractabilityBars(rows).map((b) => b.task), ['task 22', 'task 1']);
  });

  it('curve rows skip empty blocks and average bits per example over seeds', () => {
    const rows = languageMdlCurveRows(runs, [22]);
    assert.deepEqual(rows.map((r) => [r.feature, r.block, r.bitsPerExample, r.seeds]), [['s', 2, 1, 2], ['s', 3, 0.8, 2], ['t', 2, 1, 2], ['t', 3, 0.8, 2]]);
    assert.equal(rows[0].task, 'task 22');
    assert.equal(languageMdlCurveRows(runs).length, 8);
  });
});
