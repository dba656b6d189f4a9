import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { RunStore } from '../../../../src/io/run_store';
import { resolveParams } from '../../../../src/study/params/resolve';
import { mergeOverrides } from '../../../../src/study/params/presets';
import { TOY_RL_PARAMS } from '../../../../src/study/rl/toy/schema';
import { loadToyRlResults, runToyRlGrid, type ToyRlRun } from '../../../../src/study/rl/toy/grid';

import { summariseRl } from '../../../../src/hypotheses/rl_summary';
before(async () => {
  await initBackend();
});

const TINY = { toyData: { trainSize: 100, testSize: 8, probeSize: 10 }, toyRl: { evalPrompts: 8, tasks: [1], rates: [0, 0.5], seeds: [0], ppo: { nIterations: 1, batchSize: 8, miniBatchSize: 8, ppoEpochs: 1 } } };
const tiny = (extra: Record<string, unknown> = {}) => ({ ...resolveParams(TOY_RL_PARAMS, { preset: 'smoke', overrides: mergeOverrides(TINY, extra), env: {} }), preset: 'test' });

/** A grid whose learning rate (1e30, beyond the parameter check) makes the loss non-finite. */
function diverging() {
  const p = tiny({ toyRl: { rates: [0.5], ppo: { nIterations: 3 } } });
  return { ...p, toyRl: { ...p.toyRl, ppo: { ...p.toyRl.ppo, learningRate: 1e30 } } };
}

describe('runToyRlGrid', () => {
  it('writes one result file and one step log per run, and a rerun reuses them', async () => {
    const store = new RunStore(fs.mkdtempSync(path.join(os.tmpdir(), 'toyrl-')));
    const first = await runToyRlGrid(tiny(), { store });
    assert.deepEqual(store.keys(), ['task1/rate0.5/seed0', 'task1/rate0/seed0']);
    const runFile = store.file('task1/rate0/seed0'); // the newest (here: only) result file of the key
    assert.ok(fs.existsSync(runFile.replace(/\.json$/, '.steps.jsonl')));
    assert.deepEqual(first.map((r) => r.reused), [false, false]);
    const second = await runToyRlGrid(tiny(), { store });
    assert.deepEqual(second.map((r) => r.reused), [true, true]);
    assert.deepEqual(second.map((r) => r.result.eval), first.map((r) => r.result.eval));
    assert.deepEqual(loadToyRlResults(tiny(), store).map((r) => r.result.eval), first.map((r) => r.result.eval));
  });

  it('stops on a non-finite loss naming the step, leaving earlier results intact and no result for the failed run', async () => {
    const store = new RunStore(fs.mkdtempSync(path.join(os.tmpdir(), 'toyrl-')));
    await runToyRlGrid(tiny({ toyRl: { rates: [0] } }), { store });
    const done = store.file('task1/rate0/seed0');
    const bytes = fs.readFileSync(done, 'utf8');
    await assert.rejects(runToyRlGrid(diverging(), { store }), /ppo: step 2, epoch 1: ppo\/loss\/total is (NaN|-?Infinity)/);
    assert.equal(fs.readFileSync(done, 'utf8'), bytes);
    // No result for the failed run; its step log (kept as .failed.steps.jsonl) holds the step finished before the failure.
    assert.deepEqual(store.keys(), ['task1/rate0/seed0']);
    const failedLogs = fs.readdirSync(path.join(store.dir, 'task1', 'rate0.5')).filter((f) => f.endsWith('.failed.steps.jsonl'));
    assert.equal(failedLogs.length, 1);
    const log = fs.readFileSync(path.join(store.dir, 'task1', 'rate0.5', failedLogs[0]), 'utf8').trim().split('\n');
    assert.deepEqual(log.map((l) => JSON.parse(l).step), [1]);
  });

  it('names the missing runs when loading an unfinished grid', () => {
    const store = new RunStore(fs.mkdtempSync(path.join(os.tmpdir(), 'toyrl-')));
    assert.throws(() => loadToyRlResults(tiny(), store), /2 of 2 runs missing .*task1\/rate0\/seed0/);
  });
});

describe('summariseRl', () => {
  const run = (seed: number, sOnly: number): ToyRlRun => ({ task: 1, rate: 0, seed, reused: false, wallMs: 0, result: { seed, steps: [], warnings: [], eval: { both: 1, neither: 1, s_only: sOnly, t_only: 0.5 } } });

  it('averages over seeds with a band that contains the mean, collapsing for identical values', () => {
    const rows = summariseRl([run(0, 0.2), run(1, 0.4), run(2, 0.9)]);
    const s = rows.find((r) => r.partition === 's_only')!;
    assert.ok(Math.abs(s.mean - 0.5) < 1e-12);
    assert.ok(s.lo <= s.mean && s.mean <= s.hi && s.lo >= 0.2 && s.hi <= 0.9);
    const both = rows.find((r) => r.partition === 'both')!;
    assert.deepEqual([both.mean, both.lo, both.hi, both.n], [1, 1, 1, 3]);
  });
});
