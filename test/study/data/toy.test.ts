import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  TOY_DATA_FILES,
  buildToyDataset,
  buildToyTrainingSet,
  buildToyProbingSet,
  buildToyTestSets,
  generateToyDataset,
  resolveToyDataConfig,
  toyDataDir,
  toyExamplesByPartition,
  trainingCountsByRate,
  type ToyDataParams,
} from '../../../src/study/data/toy';
import { readJsonl } from '../../../src/io/jsonl';
import { PARTITIONS } from '../../../src/tasks/partitions';
import type { Example } from '../../../src/tasks/types';
import { ConfigError } from '../../../src/util/assert';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toy-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ALL_FILES = [TOY_DATA_FILES.train, ...PARTITIONS.map((p) => TOY_DATA_FILES.test[p]), TOY_DATA_FILES.probe.s, TOY_DATA_FILES.probe.t, 'manifest.json'];
const SMALL: ToyDataParams = { task: 2, rate: 0.1, seed: 3, trainSize: 1000, testSize: 50, probeSize: 200 };
const bytes = (dir: string, file: string): Buffer => fs.readFileSync(path.join(dir, file));

describe('toy data', () => {
  it('fills the documented defaults', () => {
    const cfg = resolveToyDataConfig({ task: 1, rate: 0 });
    assert.deepEqual(cfg, { task: 1, target: 'contains-1', spurious: 'contains-2', vocab: 10, length: 10, rate: 0, seed: 0, trainSize: 200000, testSize: 1000, probeSize: 200000 });
    const generic = resolveToyDataConfig({ target: 'first-last', rate: 0.5, trainSize: 10 });
    assert.equal(generic.task, 2, 'first-last with the default spurious contains-2 is task 2');
    assert.equal(generic.probeSize, 10);
    assert.equal(resolveToyDataConfig({ target: 'first-last', spurious: 'contains-3', rate: 0 }).task, null);
    assert.equal(resolveToyDataConfig({ task: '3', rate: 0 }).target, 'prefix-duplicate');
  });

  it('rejects bad input with one line naming the field, value and what is allowed', () => {
    const fails = (params: ToyDataParams, message: string) =>
      assert.throws(() => resolveToyDataConfig(params), (e: unknown) => e instanceof ConfigError && e.message === message);
    fails({ task: 'foo', rate: 0 }, "task: 'foo' is not allowed; expected one of 1, 2, 3, 4, 5");
    fails({ task: 9, rate: 0 }, 'task: 9 is not allowed; expected one of 1, 2, 3, 4, 5');
    fails({ task: 1, rate: 1.5 }, 'rate: 1.5 is outside [0, 1]');
    fails({ task: 1, rate: -0.1 }, 'rate: -0.1 is outside [0, 1]');
    fails({ task: 1, rate: 0, vocab: 3 }, "vocab: 3 is too small for target 'contains-1' with spurious 'contains-2'; expected at least 4 (reserved symbols 1, 2 must lie in 0..vocab-1 and leave at least 2 free symbols)");
    fails({ task: 1, target: 'first-last', rate: 0 }, 'task: 1 cannot be combined with target/spurious; expected either a task id or a target (+ spurious) rule');
    fails({ rate: 0 } as ToyDataParams, 'task: missing; expected one of 1, 2, 3, 4, 5, or a target (+ spurious) rule');
    fails({ task: 1 } as ToyDataParams, 'rate: missing; expected a number in [0, 1]');
    fails({ task: 1, rate: 0, trainSize: 0 }, 'trainSize: 0 is outside [1, 9007199254740991]');
  });

  it('test and probing sets of a (task, seed) do not depend on the rate', () => {
    const a = resolveToyDataConfig({ ...SMALL, rate: 0 });
    const b = resolveToyDataConfig({ ...SMALL, rate: 0.5 });
    assert.deepEqual(buildToyTestSets(a), buildToyTestSets(b));
    assert.deepEqual(buildToyProbingSet(a, 's'), buildToyProbingSet(b, 's'));
    assert.deepEqual(buildToyProbingSet(a, 't'), buildToyProbingSet(b, 't'));
  });

  it('writes every file, and what it writes equals the in-memory dataset', () => {
    const dir = path.join(tmp, 'a');
    const res = generateToyDataset(SMALL, dir);
    assert.equal(res.skipped, false);
    assert.deepEqual(fs.readdirSync(dir).sort(), [...ALL_FILES].sort());
    const data = buildToyDataset(resolveToyDataConfig(SMALL));
    assert.deepEqual(readJsonl<Example>(path.join(dir, TOY_DATA_FILES.train)), data.train);
    for (const p of PARTITIONS) assert.deepEqual(readJsonl<Example>(path.join(dir, TOY_DATA_FILES.test[p])), data.test[p]);
    assert.deepEqual(readJsonl<Example>(path.join(dir, TOY_DATA_FILES.probe.s)), data.probeS);
    assert.deepEqual(readJsonl<Example>(path.join(dir, TOY_DATA_FILES.probe.t)), data.probeT);
    const first = bytes(dir, TOY_DATA_FILES.train).toString('utf8').split('\n')[0];
    assert.match(first, /^\{"text":"\d( \d){9}","label":[01],"partition":"(both|neither|s_only)"\}$/);
    assert.deepEqual(res.manifest.files[TOY_DATA_FILES.train].partitions, { both: 450, neither: 450, s_only: 100, t_only: 0 });
    assert.deepEqual(res.manifest.files[TOY_DATA_FILES.probe.t].partitions, { both: 100, neither: 0, s_only: 100, t_only: 0 });
  });

  it('the same config gives byte-identical files; another seed gives different ones', () => {
    const a = path.join(tmp, 'same1');
    const b = path.join(tmp, 'same2');
    const c = path.join(tmp, 'seed4');
    generateToyDataset(SMALL, a);
    generateToyDataset(SMALL, b);
    generateToyDataset({ ...SMALL, seed: 4 }, c);
    for (const f of ALL_FILES) assert.ok(bytes(a, f).equals(bytes(b, f)), `${f} differs between equal configs`);
    for (const f of ALL_FILES) assert.ok(!bytes(a, f).equals(bytes(c, f)), `${f} is equal across seeds`);
  });

  it('test and probe files are byte-identical across rates while the training file differs', () => {
    const a = path.join(tmp, 'rate0');
    const b = path.join(tmp, 'rate05');
    generateToyDataset({ ...SMALL, rate: 0 }, a);
    generateToyDataset({ ...SMALL, rate: 0.5 }, b);
    for (const f of ALL_FILES.filter((f) => f.startsWith('test_') || f.startsWith('probe_'))) assert.ok(bytes(a, f).equals(bytes(b, f)), f);
    assert.ok(!bytes(a, TOY_DATA_FILES.train).equals(bytes(b, TOY_DATA_FILES.train)));
  });

  it('skips a folder whose manifest matches and regenerates when the config or a file changes', () => {
    const dir = path.join(tmp, 'skip');
    assert.equal(generateToyDataset(SMALL, dir).skipped, false);
    const trainFile = path.join(dir, TOY_DATA_FILES.train);
    const past = new Date(2000, 0, 1);
    fs.utimesSync(trainFile, past, past);
    const again = generateToyDataset(SMALL, dir);
    assert.equal(again.skipped, true);
    assert.equal(fs.statSync(trainFile).mtime.getTime(), past.getTime(), 'nothing was rewritten');
    const changed = generateToyDataset({ ...SMALL, rate: 0.2 }, dir);
    assert.equal(changed.skipped, false);
    assert.equal(changed.manifest.config.rate, 0.2);
    assert.equal(readJsonl<Example>(trainFile).filter((ex) => ex.partition === 's_only').length, 200);
    fs.appendFileSync(trainFile, '\n');
    assert.equal(generateToyDataset({ ...SMALL, rate: 0.2 }, dir).skipped, false, 'an edited file is regenerated');
    assert.equal(generateToyDataset({ ...SMALL, rate: 0.2 }, dir).skipped, true);
    assert.equal(generateToyDataset({ ...SMALL, rate: 0.2 }, dir, { force: true }).skipped, false);
  });

  it('toyExamplesByPartition gives the first lines of the test files', () => {
    const dir = path.join(tmp, 'a');
    generateToyDataset(SMALL, dir);
    const shown = toyExamplesByPartition({ task: 2, seed: 3 }, 3);
    for (const p of PARTITIONS) assert.deepEqual(shown[p], readJsonl<Example>(path.join(dir, TOY_DATA_FILES.test[p])).slice(0, 3));
  });

  it('trainingCountsByRate tabulates the composition at each rate', () => {
    assert.deepEqual(trainingCountsByRate(1000, [0, 0.001, 0.5]), [
      { rate: 0, total: 1000, both: 500, neither: 500, s_only: 0, t_only: 0 },
      { rate: 0.001, total: 1000, both: 500, neither: 499, s_only: 1, t_only: 0 },
      { rate: 0.5, total: 1000, both: 250, neither: 250, s_only: 500, t_only: 0 },
    ]);
  });

  it('names folders after preset, task, seed and rate', () => {
    const cfg = resolveToyDataConfig({ task: 2, seed: 1, rate: 0.001 });
    assert.ok(toyDataDir(cfg, 'smoke').endsWith(path.join('datasets', 'toy', 'smoke', 'task2_first-last_vs_contains-2', 'seed1', 'rate0.001')));
    const generic = resolveToyDataConfig({ target: 'first-last', spurious: 'contains-3', rate: 0 });
    assert.ok(toyDataDir(generic).endsWith(path.join('toy', 'custom', 'pair_first-last_vs_contains-3', 'seed0', 'rate0')));
  });
});

describe('label-balanced toy data (H2 ablation)', () => {
  it('leaves a study configuration without a labelBalance field, so its hashes are unchanged', () => {
    const cfg = resolveToyDataConfig({ task: 1, rate: 0.5, trainSize: 100 });
    assert.equal('labelBalance' in cfg, false);
    assert.equal('labelBalance' in resolveToyDataConfig({ task: 1, rate: 0.5, trainSize: 100, labelBalance: 'study' }), false);
  });

  it('marks a balanced configuration only where its counts differ from the study (p > 0)', () => {
    assert.equal(resolveToyDataConfig({ task: 1, rate: 0.5, trainSize: 100, labelBalance: 'balanced' }).labelBalance, 'balanced');
    assert.equal('labelBalance' in resolveToyDataConfig({ task: 1, rate: 0, trainSize: 100, labelBalance: 'balanced' }), false);
  });

  it('builds a training set with half label 1 at p = 0.5', () => {
    const train = buildToyTrainingSet(resolveToyDataConfig({ task: 2, rate: 0.5, trainSize: 100, labelBalance: 'balanced' }));
    assert.equal(train.filter((e) => e.label === 1).length, 50);
    assert.equal(train.filter((e) => e.partition === 's_only').length, 50);
  });

  it('rejects an unknown balance naming the field', () => {
    assert.throws(() => resolveToyDataConfig({ task: 1, rate: 0.5, labelBalance: 'even' as never }), (e: unknown) => e instanceof ConfigError && e.message.startsWith('labelBalance:'));
  });
});
