import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../src/backend';
import { RunStore } from '../../../src/io/run_store';
import { resolveParams } from '../../../src/study/params/resolve';
import { runToyExtension, toyPairName, toyTaskDesign } from '../../../src/study/extension/grid';
import { TOY_EXTENSION_PAIRS, TOY_HYPOTHESES_PARAMS } from '../../../src/study/extension/schema';
import { buildToyTestSets, resolveToyDataConfig } from '../../../src/study/data/toy';
import { toyMdlCellConfig, toyMdlPairCells, toyMdlProbingSet, toyExtractabilityTable } from '../../../src/study/extractability/toy/grid';
import { toyRlConfig } from '../../../src/study/rl/toy/run';
import { getRule } from '../../../src/tasks/rules';

import { toyExtensionTask, toyRlPairCells, toyRlPairConfig } from '../../../src/study/rl/toy/grid';
before(async () => {
  await initBackend();
});

const params = (overrides: Record<string, unknown> = {}) => resolveParams(TOY_HYPOTHESES_PARAMS, { preset: 'smoke', overrides, env: {} });

describe('extension rule pairs', () => {
  it('every pair can be generated, and its test partitions hold t and s as named', () => {
    for (const id of Object.keys(TOY_EXTENSION_PAIRS).map(Number)) {
      const pair = toyExtensionTask(id);
      const test = buildToyTestSets(resolveToyDataConfig({ target: pair.target, spurious: pair.spurious, rate: 0, testSize: 20 }));
      const [t, s] = [getRule(pair.target), getRule(pair.spurious)];
      const ids = (text: string) => text.split(' ').map(Number);
      assert.ok(test.t_only.every((e) => t.holds(ids(e.text)) && !s.holds(ids(e.text))), `${id} t_only`);
      assert.ok(test.s_only.every((e) => !t.holds(ids(e.text)) && s.holds(ids(e.text))), `${id} s_only`);
    }
  });

  it('names and classifies tasks: the paper\'s four vs the additions', () => {
    assert.deepEqual([1, 2, 3, 5, 4, 6].map(toyTaskDesign), ['paper', 'paper', 'paper', 'paper', 'extension', 'extension']);
    assert.equal(toyPairName(2), '2 first-last');
    assert.equal(toyPairName(7), '7 contains-1 vs first-last');
    assert.throws(() => toyExtensionTask(99), /task: 99 is not allowed/);
  });

  it('gives a pair the RL settings of the study tasks, with only the data changed', () => {
    const p = params();
    const pair = toyRlPairConfig(p, toyExtensionTask(8), 0, 1);
    const study = toyRlConfig(p, 2, 0, 1);
    assert.deepEqual({ ...pair, data: null }, { ...study, data: null });
    assert.deepEqual([pair.data.task, pair.data.target, pair.data.spurious, pair.data.trainSize], [null, 'first-last', 'contains-3', study.data.trainSize]);
    assert.deepEqual(toyRlPairCells(p, [toyExtensionTask(8)], [0], [0, 1]).map((c) => c.key), ['task8/rate0/seed0', 'task8/rate0/seed1']);
  });

  it('gives a pair the MDL probe of the study tasks; a study task keeps its probing set when given as a pair', () => {
    const p = params();
    const cells = toyMdlPairCells(p, [toyExtensionTask(6)], [0]);
    assert.deepEqual(cells.map((c) => c.key), ['task6/s/encoder/seed0', 'task6/t/encoder/seed0']);
    assert.deepEqual({ ...cells[0].config, task: 0, target: '', spurious: '' }, { ...toyMdlCellConfig(p, 1, 's', 0), task: 0, target: '', spurious: '' });
    assert.deepEqual(toyMdlProbingSet(toyMdlCellConfig(p, { id: 2, target: 'first-last', spurious: 'contains-2' }, 't', 0)), toyMdlProbingSet(toyMdlCellConfig(p, 2, 't', 0)));
  });

  it('runs MDL, RL and SFT for a pair into the given stores and reuses them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toy-ext-'));
    const stores = { mdl: new RunStore(path.join(dir, 'mdl')), rl: new RunStore(path.join(dir, 'rl')), sft: new RunStore(path.join(dir, 'sft')) };
    const p = params({
      toyExtension: { tasks: [7], seeds: [0], rates: [0] },
      toyMdl: { data: { probeSize: 24 }, training: { epochs: 1 }, model: { config: { dModel: 8, nHead: 1, dFF: 8 } } },
      toyData: { trainSize: 40, testSize: 8, probeSize: 4 },
      toyRl: { evalPrompts: 4, model: { dModel: 16 }, ppo: { nIterations: 1, batchSize: 4, miniBatchSize: 4, ppoEpochs: 1 } },
      toySft: { data: { trainSize: 20 } },
    });
    const first = await runToyExtension(p, { stores });
    assert.deepEqual([first.mdl.length, first.rl.length, first.sft.length], [2, 1, 1]);
    assert.deepEqual([first.rl[0].task, first.sft[0].task, toyExtractabilityTable(first.mdl)[0].task], [7, 7, 7]);
    assert.deepEqual(stores.rl.keys(), ['task7/rate0/seed0']);
    const again = await runToyExtension(p, { stores });
    assert.ok([...again.mdl, ...again.sft].every((r) => r.reused) && again.rl.every((r) => r.reused));
  });
});
