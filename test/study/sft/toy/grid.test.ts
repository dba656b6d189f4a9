import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { RunStore } from '../../../../src/io/run_store';
import { resolveParams } from '../../../../src/study/params/resolve';
import { TOY_SFT_PARAMS } from '../../../../src/study/sft/toy/schema';
import { loadToySftResults, runToySftGrid, toySftCells } from '../../../../src/study/sft/toy/grid';

import { sftFeatureUse } from '../../../../src/hypotheses/feature_use';
import { sftH2Rows, sftTable, sftThresholds } from '../../../../src/hypotheses/sft_summary';
import { type SftRun } from '../../../../src/hypotheses/runs';
before(async () => {
  await initBackend();
});

const tiny = (seeds = [0, 1]) => ({
  ...resolveParams(TOY_SFT_PARAMS, { preset: 'smoke', overrides: { toyData: { testSize: 10 }, toyRl: { tasks: [2], rates: [0], seeds, model: { nLayer: 1, dModel: 16, nHead: 2 } }, toySft: { data: { trainSize: 40 }, finetune: { epochs: 1 } } }, env: {} }),
  preset: 'test',
});

const run = (task: number, rate: number, seed: number, sOnly: number, tOnly: number, accuracy = 0.5): SftRun => ({
  task,
  rate,
  seed,
  reused: true,
  wallMs: 0,
  result: { errors: { both: 0, neither: 0, s_only: sOnly, t_only: tOnly }, accuracy, lossNatsPerEpoch: [] },
});

describe('supervised baseline grid', () => {
  it('stores one file per run, resumes after an interruption and reuses every run on a rerun', async () => {
    const store = new RunStore(fs.mkdtempSync(path.join(os.tmpdir(), 'sft-grid-')));
    const p = tiny();
    // An interrupted grid: only the first cell finished.
    await runToySftGrid(p, { store, cells: toySftCells(p).slice(0, 1) });
    assert.deepEqual(store.keys(), ['task2/rate0/seed0']);
    const resumed = await runToySftGrid(p, { store });
    assert.deepEqual(resumed.map((r) => r.reused), [true, false]);
    assert.deepEqual(store.keys(), ['task2/rate0/seed0', 'task2/rate0/seed1']);
    const again = await runToySftGrid(p, { store });
    assert.deepEqual(again.map((r) => r.reused), [true, true]);
    assert.deepEqual(again.map((r) => r.result), resumed.map((r) => r.result));
    assert.deepEqual(loadToySftResults(p, store).map((r) => [r.task, r.rate, r.seed]), [[2, 0, 0], [2, 0, 1]]);
    assert.throws(() => loadToySftResults(tiny([0, 5]), store), /1 of 2 runs missing .*task2\/rate0\/seed5/);
  });

  it('keys extension pairs by their id', () => {
    const cells = toySftCells(tiny(), [{ id: 8, target: 'first-last', spurious: 'contains-3' }], [0, 0.5], [1]);
    assert.deepEqual(cells.map((c) => c.key), ['task8/rate0/seed1', 'task8/rate0.5/seed1']);
  });
});

describe('supervised baseline summaries', () => {
  const runs = [run(1, 0, 0, 1, 0, 0.75), run(1, 0, 1, 0.5, 0.5, 0.5), run(1, 0.5, 0, 0, 0, 0.995), run(2, 0, 0, 0, 0, 1), run(2, 0.5, 0, 0.2, 0.4, 0.7)];

  it('scores feature use as 1 - mean(s-only error, t-only error) per run, averaged over seeds with the SEM', () => {
    const use = sftFeatureUse(runs, 0);
    assert.deepEqual(use.map((u) => [u.task, u.score, u.n]), [[1, 0.5, 2], [2, 1, 1]]);
    assert.equal(use[0].sem, 0); // both seeds score 0.5
    assert.ok(Number.isNaN(use[1].sem));
    assert.deepEqual(sftFeatureUse(runs, 0.5).map((u) => u.score), [1, 1 - 0.3]);
  });

  it('averages errors per (task, rate) and finds the smallest rate above 0.99 accuracy', () => {
    const table = sftTable(runs);
    assert.deepEqual(table[0], { task: 1, rate: 0, seeds: 2, accuracy: 0.625, both: 0, neither: 0, s_only: 0.75, t_only: 0.25 });
    assert.deepEqual(sftThresholds(runs), [{ task: 1, rate: 0.5 }, { task: 2, rate: 0 }]);
  });

  it('turns errors into H2 scores (accuracy on s-only and t-only)', () => {
    assert.deepEqual(sftH2Rows([run(3, 0.1, 2, 0.25, 0.5)]), [{ task: 3, rate: 0.1, seed: 2, s_only: 0.75, t_only: 0.5 }]);
  });
});
