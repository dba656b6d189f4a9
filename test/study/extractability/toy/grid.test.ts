import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { resolveParams } from '../../../../src/study/params/resolve';
import { mergeOverrides } from '../../../../src/study/params/presets';
import {
  loadToyMdlResults,
  loveringComparisonRows,
  loveringRelativeExtractability,
  runToyMdlCell,
  runToyMdlGrid,
  toyExtractabilityBars,
  toyExtractabilityTable,
  toyMdlCellConfig,
  toyMdlCells,
  toyMdlCurveRows,
  toyMdlProbingSet,
  type ToyMdlRun,
} from '../../../../src/study/extractability/toy/grid';
import { TOY_MDL_PARAMS } from '../../../../src/study/extractability/toy/schema';
import { RunStore } from '../../../../src/io/run_store';
import type { OnlineCodeResult } from '../../../../src/probing/online_code';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'toy-mdl-grid-'));

/** 2 tasks x 2 features x 1 seed with a tiny probe on 40 examples: 5 trained blocks per run, 1 epoch. */
const TINY = { toyMdl: { tasks: [1, 2], seeds: [0], data: { probeSize: 40 }, model: { config: { dModel: 8, nHead: 2, nLayer: 1, dFF: 16 } }, training: { epochs: 1 }, loveringVariant: false, curveTask: 2 } };
const tinyWith = (toyMdl: Record<string, unknown>) => resolveParams(TOY_MDL_PARAMS, { preset: 'smoke', overrides: mergeOverrides(TINY, { toyMdl }), env: {} });
const tiny = tinyWith({});

before(async () => {
  await initBackend();
});

describe('toyMdlCells', () => {
  it('lists tasks x features x seeds, then the original arithmetic for curveTask only', () => {
    const keys = toyMdlCells(tinyWith({ seeds: [0, 3], loveringVariant: true })).map((c) => c.key);
    assert.deepEqual(keys, [
      'task1/s/encoder/seed0', 'task1/s/encoder/seed3', 'task1/t/encoder/seed0', 'task1/t/encoder/seed3',
      'task2/s/encoder/seed0', 'task2/s/encoder/seed3', 'task2/t/encoder/seed0', 'task2/t/encoder/seed3',
      'task2/s/encoder/seed0-lovering', 'task2/s/encoder/seed3-lovering', 'task2/t/encoder/seed0-lovering', 'task2/t/encoder/seed3-lovering',
    ]);
  });

  it('rejects a curveTask outside tasks', () => {
    assert.throws(() => toyMdlCells(tinyWith({ curveTask: 5 })), { message: 'toyMdl.curveTask: 5 is not allowed; expected one of toyMdl.tasks 1, 2' });
  });

  it('records the probe shape of the preset, the training settings and the probing set', () => {
    const cfg = toyMdlCellConfig(tiny, 2, 't', 7);
    assert.deepEqual(cfg.data, { seed: 0, vocab: 10, length: 10, probeSize: 40 });
    assert.equal(cfg.model.kind, 'encoder');
    assert.deepEqual([cfg.model.config.dModel, cfg.model.config.nHead, cfg.model.config.nLayer], [8, 2, 1]);
    assert.deepEqual([cfg.training.epochs, cfg.training.batchSize, cfg.training.learningRate], [1, 64, 1e-4]);
    const set = toyMdlProbingSet(cfg);
    assert.equal(set.length, 40);
    assert.equal(set.filter((e) => e.label === 1).length, 20);
    // t probe: both (1) against s-only (0)
    assert.deepEqual(new Set(set.map((e) => `${e.partition}:${e.label}`)), new Set(['both:1', 's_only:0']));
  });
});

describe('runToyMdlGrid', () => {
  it('writes one result file per run, reuses them on a rerun, and is deterministic in the seeds', async () => {
    const dir = tmp();
    const store = new RunStore(dir);
    const first = await runToyMdlGrid(tiny, { store });
    assert.deepEqual(store.keys(), ['task1/s/encoder/seed0', 'task1/t/encoder/seed0', 'task2/s/encoder/seed0', 'task2/t/encoder/seed0']);
    assert.ok(first.every((r) => !r.reused && r.result.online !== undefined && r.result.online.n === 40));
    const mtimes = store.keys().map((k) => fs.statSync(store.file(k)).mtimeMs);

    let progressCalls = 0;
    const second = await runToyMdlGrid(tiny, { store, onProgress: () => progressCalls++ });
    assert.ok(second.every((r) => r.reused), 'every run reused');
    assert.equal(progressCalls, 4);
    assert.deepEqual(store.keys().map((k) => fs.statSync(store.file(k)).mtimeMs), mtimes, 'no file rewritten');
    assert.deepEqual(second.map((r) => r.result), first.map((r) => r.result));

    const fresh = await runToyMdlGrid(tiny, { store: new RunStore(tmp()) });
    assert.deepEqual(fresh.map((r) => r.result.online), first.map((r) => r.result.online), 'same seeds, same numbers');
    const otherSeed = await runToyMdlGrid(tinyWith({ tasks: [1], curveTask: 1, seeds: [1] }), { store: new RunStore(tmp()) });
    assert.notEqual(otherSeed[0].result.online?.codelengthBits, first[0].result.online?.codelengthBits);

    const loaded = loadToyMdlResults('smoke', tiny, { store });
    assert.deepEqual(loaded.map((r) => r.result), first.map((r) => r.result));
    assert.throws(() => loadToyMdlResults('smoke', tinyWith({ seeds: [0, 1] }), { store }), /^ConfigError: toy MDL results: 4 of 8 runs missing in .* \(task1\/s\/encoder\/seed1, task1\/t\/encoder\/seed1, task2\/s\/encoder\/seed1, \.\.\.\)/);
    assert.equal(loadToyMdlResults('smoke', tinyWith({ seeds: [0, 1] }), { store, allowMissing: true }).length, 4);
  });

  it('trains the policy probe (GPT trunk + classifier head) through the same cell runner', async () => {
    const cfg = toyMdlCellConfig(tinyWith({ model: { kind: 'policy' } }), 1, 's', 0);
    assert.equal(cfg.model.kind, 'policy');
    assert.deepEqual(cfg.model.kind === 'policy' && [cfg.model.config.vocabSize, cfg.model.config.nPositions, cfg.model.config.dModel], [12, 19, 8]);
    const r = await runToyMdlCell(cfg);
    assert.equal(r.online?.n, 40);
    assert.ok(r.online && Number.isFinite(r.online.codelengthBits) && r.online.codelengthBits > 0);
  });
});

/** A stored run with the given codelength; blocks of sizes 0, 2, 8 with bits 0, 2, 4 * scale. */
function fakeRun(task: number, feature: 's' | 't', seed: number, bits: number, method: 'online' | 'lovering' = 'online'): ToyMdlRun {
  const config = toyMdlCellConfig(tiny, task, feature, seed, method);
  const online: OnlineCodeResult = {
    codelengthBits: bits, uniformBits: 10, compression: 10 / bits, n: 10,
    blocks: [{ size: 0, bits: 0, accuracy: null }, { size: 2, bits: 2, accuracy: null }, { size: 8, bits: bits - 2, accuracy: 0.5 }],
  };
  const result = method === 'online' ? { backend: 'cpu', online } : { backend: 'cpu', lovering: { totalMdlMixedUnits: bits, n: 10, nUsed: 10, blocks: [] } };
  return { key: '', config, result, reused: true, finishedAt: '', wallMs: 0 };
}

describe('summaries', () => {
  const runs = [fakeRun(1, 's', 0, 8), fakeRun(1, 't', 0, 4), fakeRun(1, 's', 1, 6), fakeRun(1, 't', 1, 6), fakeRun(2, 's', 0, 5), fakeRun(2, 't', 0, 10), fakeRun(2, 's', 9, 5)];

  it('relative extractability is the mean over paired seeds of MDL(s)/MDL(t), with its SEM', () => {
    const [t1, t2] = toyExtractabilityTable(runs);
    assert.equal(t1.task, 1);
    assert.equal(t1.seeds, 2);
    assert.equal(t1.relMdl, 1.5); // (8/4 + 6/6) / 2
    assert.ok(Math.abs((t1.relMdlSem as number) - 0.5) < 1e-12); // sd 0.7071 / sqrt 2
    assert.deepEqual([t1.mdlSBits, t1.mdlTBits], [7, 5]);
    // task 2: seed 9 has no t run and is left out
    assert.deepEqual([t2.seeds, t2.relMdl, t2.relMdlSem, t2.target], [1, 0.5, null, 'first-last']);
    const bars = toyExtractabilityBars([t1, t2]);
    assert.deepEqual(bars[0], { task: '1 contains-1', ratio: 1.5, lo: 1, hi: 2 });
    assert.deepEqual(bars[1], { task: '2 first-last', ratio: 0.5, lo: 0.5, hi: 0.5 });
  });

  it('curve rows skip empty blocks and average bits per example over seeds', () => {
    const rows = toyMdlCurveRows(runs, 1);
    assert.deepEqual(rows.map((r) => [r.feature, r.block, r.size, r.bitsPerExample, r.accuracy]), [
      ['s', 2, 2, 1, null], ['s', 3, 8, (6 / 8 + 4 / 8) / 2, 0.5],
      ['t', 2, 2, 1, null], ['t', 3, 8, (2 / 8 + 4 / 8) / 2, 0.5],
    ]);
  });

  it('puts the original total_mdl beside our codelength, run by run, and both ratios', () => {
    const rows = loveringComparisonRows([...runs, fakeRun(1, 's', 0, 3, 'lovering'), fakeRun(1, 't', 0, 2, 'lovering')], 1);
    assert.deepEqual(rows.map((r) => [r.feature, r.seed, r.codelengthBits, r.loveringTotalMixedUnits]), [['s', 0, 8, 3], ['t', 0, 4, 2]]);
    assert.deepEqual(loveringRelativeExtractability(rows).map((r) => [r.relMdl, r.seeds]), [[2, 1], [1.5, 1]]);
  });
});
