/**
 * The data of one natural-language (task, rate, seed), shaped like the toy data (`experiments/
 * toy_data.ts`): a training set at s-only rate p with the exact counts of `trainingCounts`, held-out
 * test sets per partition, the two probing sets, written as JSON-lines `{text, label, partition}`
 * with a manifest that records the corpus and tokenizer fingerprints. Training and probing prompts
 * come from the corpus's train passages, test prompts from its validation passages. Streams: the
 * root `createRng(seed).child('language/task<k>')` gives `test`, `probe_s`, `probe_t` and
 * `train/rate=<p>`, so test and probing sets do not depend on the rate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../../io/atomic_write';
import { formatJsonl, writeJsonl } from '../../io/jsonl';
import { MANIFEST_FILE, describeFile, makeManifest, manifestMatches, sha256Hex, writeManifest, type Manifest, type ManifestFileEntry } from '../../io/manifest';
import { BpeTokenizer, DEFAULT_MIN_PAIR_FREQUENCY, DEFAULT_VOCAB_SIZE, loadBpeTokenizer, saveBpeTokenizer, trainBpeTokenizer, type BpeTrainConfig } from '../../tokenizer/bpe_tokenizer';
import { ConfigError, checkInt, checkRange } from '../../util/assert';
import { createRng, type Rng } from '../../util/rng';
import { PARTITIONS, countPartitions, partitionLabel } from '../partitions';
import { PROBE_PARTITIONS, probeCounts, type ProbeFeature } from '../probing_sets';
import { trainingCounts } from '../training_set';
import type { Example, Label, Partition } from '../types';
import type { Corpus, CorpusConfig, Passage } from './corpus';
import { DEFAULT_PROMPT_TOKENS, buildPrompt, buildPromptSet, getPrefixTask, type LanguageTaskId, type PrefixTask, type PromptTokenizer } from './prefix_tasks';

/** `manifest.kind` of a language data folder. */
export const LANGUAGE_DATA_KIND = 'language-data';
/** Version of the generation algorithm; bump it when the examples a config yields change. */
export const LANGUAGE_DATA_VERSION = 1;
/** `manifest.kind` of a corpus folder. */
export const CORPUS_KIND = 'language-corpus';
/** Version of the corpus layout. */
export const CORPUS_VERSION = 1;
/** The s-only rates of the language study (docs/study.md). */
export const LANGUAGE_RATES = [0, 0.01, 0.05, 0.2, 0.5] as const;
/** Default training prompts: the study's one pass over 24,576 prompts (96 PPO steps of 256). */
export const DEFAULT_LANGUAGE_TRAIN_SIZE = 24_576;
/** Default held-out prompts per partition (the study's s-only and t-only test size). */
export const DEFAULT_LANGUAGE_TEST_SIZE = 1000;

/** The files of a language data folder (the toy data's names). */
export const LANGUAGE_DATA_FILES = Object.freeze({
  train: 'train.jsonl',
  test: Object.freeze({ both: 'test_both.jsonl', neither: 'test_neither.jsonl', s_only: 'test_s_only.jsonl', t_only: 'test_t_only.jsonl' }) as Readonly<Record<Partition, string>>,
  probe: Object.freeze({ s: 'probe_s.jsonl', t: 'probe_t.jsonl' }) as Readonly<Record<ProbeFeature, string>>,
});

/** The files of a corpus folder. */
export const CORPUS_FILES = Object.freeze({ train: 'train.jsonl', validation: 'validation.jsonl' });

/** A tokenizer the data can be built with: prompt encoding plus a fingerprint for the manifest. */
export interface DataTokenizer extends PromptTokenizer {
  /** sha256 naming this exact tokenizer (`BpeTokenizer.fingerprint()`). */
  fingerprint(): string;
  /** Number of token ids. */
  readonly vocabSize: number;
}

/** What a caller asks for; checked by `resolveLanguageDataConfig`. */
export interface LanguageDataParams {
  /** Task id of the authors' code: 0, 1, 2, 5, 6, 8, 9, 12, 22, 23 (figures: 1, 2, 5, 22, 23). Required. */
  readonly task: number | string;
  /** s-only rate p in [0, 1] (docs/study.md: 0, 0.01, 0.05, 0.2, 0.5). Required. */
  readonly rate: number;
  /** Generator seed, integer >= 0; default 0. */
  readonly seed?: number;
  /** Training prompts; default 24,576 (the study's one pass). */
  readonly trainSize?: number;
  /** Held-out prompts per partition; default 1,000. */
  readonly testSize?: number;
  /** Prompts per probing set (half per class); default = trainSize. */
  readonly probeSize?: number;
  /** Prompt length in tokens; default 16 (the study's, in GPT-2 tokens). */
  readonly maxTokens?: number;
}

/** A checked, complete configuration (what the manifest records). */
export interface LanguageDataConfig {
  /** Task id. */
  readonly task: LanguageTaskId;
  /** The target feature, in words. */
  readonly target: string;
  /** The spurious feature, in words. */
  readonly spurious: string;
  /** s-only rate p of the training set. */
  readonly rate: number;
  /** Generator seed. */
  readonly seed: number;
  /** Training prompts. */
  readonly trainSize: number;
  /** Held-out prompts per partition. */
  readonly testSize: number;
  /** Prompts per probing set. */
  readonly probeSize: number;
  /** Prompt length in tokens. */
  readonly maxTokens: number;
  /** The corpus: its configuration and the sha256 of its manifest (`corpusManifest`). */
  readonly corpus: { readonly config: CorpusConfig; readonly sha256: string };
  /** The tokenizer: its fingerprint and vocabulary size. */
  readonly tokenizer: { readonly sha256: string; readonly vocabSize: number };
}

/** Everything the data is made from besides the configuration. */
export interface LanguageDataInputs {
  readonly corpus: Corpus;
  readonly tokenizer: DataTokenizer;
}

/** All sets of one configuration. */
export interface LanguageDataset {
  readonly config: LanguageDataConfig;
  /** Shuffled training set: both, neither and s_only at the configured rate; labels = t. */
  readonly train: Example[];
  /** `testSize` held-out prompts per partition; the k-th prompt of every partition comes from the same passage. */
  readonly test: Record<Partition, Example[]>;
  /** s probe: s_only (label 1) vs neither (label 0), shuffled. */
  readonly probeS: Example[];
  /** t probe: both (label 1) vs s_only (label 0), shuffled. */
  readonly probeT: Example[];
}

// ---- corpus manifest --------------------------------------------------------------------------

/** The JSON-lines rows of passages: `{text, source, sentiment}`. */
function passageRows(passages: readonly Passage[]): string {
  return formatJsonl(passages.map((p) => ({ text: p.text, source: p.source, sentiment: p.sentiment })));
}

/** A manifest entry of a passage file: lines, sentiment counts as labels (none for Brown), sha256. */
function describePassages(text: string, passages: readonly Passage[]): ManifestFileEntry {
  const labels: Record<string, number> = {};
  for (const p of passages) if (p.sentiment !== null) labels[String(p.sentiment)] = (labels[String(p.sentiment)] ?? 0) + 1;
  return { lines: passages.length, partitions: {}, labels, sha256: sha256Hex(text) };
}

const corpusManifests = new WeakMap<Corpus, Manifest<CorpusConfig>>();

/** The manifest of `corpus` (source, counts per split, sha256 per file and overall), without writing; computed once per corpus object. */
export function corpusManifest(corpus: Corpus): Manifest<CorpusConfig> {
  const cached = corpusManifests.get(corpus);
  if (cached) return cached;
  const files: Record<string, ManifestFileEntry> = {
    [CORPUS_FILES.train]: describePassages(passageRows(corpus.train), corpus.train),
    [CORPUS_FILES.validation]: describePassages(passageRows(corpus.validation), corpus.validation),
  };
  const manifest = makeManifest(CORPUS_KIND, CORPUS_VERSION, corpus.config, corpus.config.seed, files);
  corpusManifests.set(corpus, manifest);
  return manifest;
}

/** Writes `train.jsonl`, `validation.jsonl` and `manifest.json` of `corpus` to `outDir`, unless a matching manifest is there. */
export function writeCorpus(corpus: Corpus, outDir: string): { skipped: boolean; manifest: Manifest<CorpusConfig> } {
  const manifest = corpusManifest(corpus);
  const existing = manifestMatches(outDir, CORPUS_KIND, CORPUS_VERSION, corpus.config)
    ? (JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), 'utf8')) as Manifest<CorpusConfig>)
    : undefined;
  if (existing && existing.sha256 === manifest.sha256) return { skipped: true, manifest };
  fs.rmSync(path.join(outDir, MANIFEST_FILE), { force: true });
  writeFileAtomic(path.join(outDir, CORPUS_FILES.train), passageRows(corpus.train));
  writeFileAtomic(path.join(outDir, CORPUS_FILES.validation), passageRows(corpus.validation));
  writeManifest(outDir, manifest);
  return { skipped: false, manifest };
}

// ---- tokenizer --------------------------------------------------------------------------------

/** `manifest.kind` of a tokenizer folder. */
export const TOKENIZER_KIND = 'bpe-tokenizer';
/** Version of the tokenizer training algorithm. */
export const TOKENIZER_VERSION = 1;
/** The tokenizer file (Hugging Face layout; HF rejects extra keys, so the training config lives in the manifest). */
export const TOKENIZER_FILE = 'tokenizer.json';

/** What a tokenizer folder's manifest records. */
export interface TokenizerConfig extends BpeTrainConfig {
  /** sha256 of the corpus manifest whose train passages it was learned from. */
  readonly corpusSha256: string;
}

/**
 * The BPE tokenizer learned from `corpus.train` with `cfg` (defaults: 4096 tokens, min pair count 2),
 * read from `<outDir>/tokenizer.json` when the folder's manifest matches (same corpus, same
 * settings, file hash as recorded), else trained (about a second on Brown) and written.
 */
export function trainOrLoadTokenizer(corpus: Corpus, outDir: string, cfg: Partial<BpeTrainConfig> = {}): { tokenizer: BpeTokenizer; trained: boolean } {
  const config: TokenizerConfig = {
    vocabSize: cfg.vocabSize ?? DEFAULT_VOCAB_SIZE,
    minPairFrequency: cfg.minPairFrequency ?? DEFAULT_MIN_PAIR_FREQUENCY,
    corpusSha256: corpusManifest(corpus).sha256,
  };
  const file = path.join(outDir, TOKENIZER_FILE);
  if (manifestMatches(outDir, TOKENIZER_KIND, TOKENIZER_VERSION, config)) return { tokenizer: loadBpeTokenizer(file), trained: false };
  fs.rmSync(path.join(outDir, MANIFEST_FILE), { force: true });
  const tokenizer = trainBpeTokenizer(corpus.train.map((p) => p.text), config);
  saveBpeTokenizer(file, tokenizer);
  const text = tokenizer.serialize();
  const entry: ManifestFileEntry = { lines: text.split('\n').length - 1, partitions: {}, labels: {}, sha256: sha256Hex(text) };
  writeManifest(outDir, makeManifest(TOKENIZER_KIND, TOKENIZER_VERSION, config, 0, { [TOKENIZER_FILE]: entry }));
  return { tokenizer, trained: true };
}

// ---- configuration ----------------------------------------------------------------------------

/** Checks `params`, fills defaults, records the inputs' fingerprints and returns the frozen configuration. */
export function resolveLanguageDataConfig(params: LanguageDataParams, inputs: LanguageDataInputs): LanguageDataConfig {
  if (params.task === undefined) throw new ConfigError('task: missing; expected one of 0, 1, 2, 5, 6, 8, 9, 12, 22, 23');
  const task = getPrefixTask(params.task);
  if (params.rate === undefined) throw new ConfigError('rate: missing; expected a number in [0, 1]');
  const rate = checkRange('rate', params.rate, 0, 1);
  const seed = checkInt('seed', params.seed ?? 0, 0);
  const trainSize = checkInt('trainSize', params.trainSize ?? DEFAULT_LANGUAGE_TRAIN_SIZE, 1);
  const testSize = checkInt('testSize', params.testSize ?? DEFAULT_LANGUAGE_TEST_SIZE, 1);
  const probeSize = checkInt('probeSize', params.probeSize ?? trainSize, 2);
  const maxTokens = checkInt('maxTokens', params.maxTokens ?? DEFAULT_PROMPT_TOKENS, 1);
  return Object.freeze({
    task: task.id,
    target: task.target,
    spurious: task.spurious,
    rate,
    seed,
    trainSize,
    testSize,
    probeSize,
    maxTokens,
    corpus: { config: inputs.corpus.config, sha256: corpusManifest(inputs.corpus).sha256 },
    tokenizer: { sha256: inputs.tokenizer.fingerprint(), vocabSize: inputs.tokenizer.vocabSize },
  });
}

// ---- sampling ---------------------------------------------------------------------------------

/**
 * Passages in a seeded random order without replacement; after a full pass the order is
 * reshuffled, so a set repeats a passage only when it needs more prompts than the pool holds.
 */
class PassageCursor {
  private order: number[];
  private pos = 0;
  constructor(
    private readonly passages: readonly Passage[],
    private readonly rng: Rng,
  ) {
    if (passages.length === 0) throw new ConfigError('passages: the pool is empty; expected at least one passage');
    this.order = rng.shuffled(passages.map((_, i) => i));
  }
  next(): Passage {
    if (this.pos === this.order.length) {
      this.order = this.rng.shuffled(this.order);
      this.pos = 0;
    }
    return this.passages[this.order[this.pos++]];
  }
}

function failNoPrompt(task: PrefixTask, what: string, pool: number): never {
  throw new ConfigError(`task: ${task.id} yields no valid ${what} prompt from ${pool} passages in a row; expected passages long enough for the prompt length whose text does not trip the task's checkers`);
}

/**
 * `n` prompts of `partition` from `passages`: passages in the order of `rng.child('order')`,
 * prefix draws from `rng.child('prefix')`; passages whose prompt fails `finishPrompt` are skipped.
 */
export function generatePrompts(task: PrefixTask, passages: readonly Passage[], partition: Partition, n: number, tok: PromptTokenizer, maxTokens: number | null, rng: Rng): Example[] {
  const cursor = new PassageCursor(passages, rng.child('order'));
  const draws = rng.child('prefix');
  const label = partitionLabel(partition);
  const out: Example[] = [];
  let misses = 0;
  while (out.length < n) {
    const text = buildPrompt(task, cursor.next().text, partition, tok, maxTokens, draws);
    if (text === null) {
      if (++misses >= passages.length) failNoPrompt(task, partition, passages.length);
      continue;
    }
    misses = 0;
    out.push({ text, label, partition });
  }
  return out;
}

/**
 * `n` prompts per partition where the k-th prompt of every partition comes from the same passage
 * and the same prefix draw (`buildPromptSet`); passages that fail any partition are skipped.
 */
export function generatePromptSets(task: PrefixTask, passages: readonly Passage[], n: number, tok: PromptTokenizer, maxTokens: number | null, rng: Rng): Record<Partition, Example[]> {
  const cursor = new PassageCursor(passages, rng.child('order'));
  const draws = rng.child('prefix');
  const out: Record<Partition, Example[]> = { both: [], neither: [], s_only: [], t_only: [] };
  let misses = 0;
  let made = 0;
  while (made < n) {
    const set = buildPromptSet(task, cursor.next().text, tok, maxTokens, draws);
    if (set === null) {
      if (++misses >= passages.length) failNoPrompt(task, 'four-partition', passages.length);
      continue;
    }
    misses = 0;
    made++;
    for (const p of PARTITIONS) out[p].push({ text: set[p], label: partitionLabel(p), partition: p });
  }
  return out;
}

/** The root stream of a (task, seed): `createRng(seed).child('language/task<k>')`. */
export function languageDataRng(cfg: Pick<LanguageDataConfig, 'seed' | 'task'>): Rng {
  return createRng(cfg.seed).child(`language/task${cfg.task}`);
}

/** The training set of `cfg` (stream `train/rate=<p>`, one child per partition, order from `shuffle`). */
export function buildLanguageTrainingSet(cfg: LanguageDataConfig, inputs: LanguageDataInputs): Example[] {
  const task = getPrefixTask(cfg.task);
  const rng = languageDataRng(cfg).child(`train/rate=${cfg.rate}`);
  const counts = trainingCounts(cfg.trainSize, cfg.rate);
  const examples: Example[] = [];
  for (const p of PARTITIONS) {
    if (counts[p] > 0) examples.push(...generatePrompts(task, inputs.corpus.train, p, counts[p], inputs.tokenizer, cfg.maxTokens, rng.child(p)));
  }
  return rng.child('shuffle').shuffled(examples);
}

/** The held-out sets of `cfg`, `testSize` per partition from the validation passages (stream `test`); independent of the rate. */
export function buildLanguageTestSets(cfg: Omit<LanguageDataConfig, 'rate'>, inputs: LanguageDataInputs): Record<Partition, Example[]> {
  return generatePromptSets(getPrefixTask(cfg.task), inputs.corpus.validation, cfg.testSize, inputs.tokenizer, cfg.maxTokens, languageDataRng(cfg).child('test'));
}

/**
 * The probing set for `feature` (stream `probe_<feature>`), `probeSize` prompts from the train
 * passages: positives from `positive`, negatives from `negative`, order from `shuffle` (the toy
 * convention: `label` is the probe's class, `partition` the source partition).
 */
export function buildLanguageProbingSet(cfg: Omit<LanguageDataConfig, 'rate'>, inputs: LanguageDataInputs, feature: ProbeFeature): Example[] {
  const task = getPrefixTask(cfg.task);
  const rng = languageDataRng(cfg).child(`probe_${feature}`);
  const { positive, negative } = probeCounts(cfg.probeSize);
  const source = PROBE_PARTITIONS[feature];
  const relabel = (label: Label) => (ex: Example): Example => ({ text: ex.text, label, partition: ex.partition });
  const examples = [
    ...generatePrompts(task, inputs.corpus.train, source.positive, positive, inputs.tokenizer, cfg.maxTokens, rng.child('positive')).map(relabel(1)),
    ...generatePrompts(task, inputs.corpus.train, source.negative, negative, inputs.tokenizer, cfg.maxTokens, rng.child('negative')).map(relabel(0)),
  ];
  return rng.child('shuffle').shuffled(examples);
}

/** Every set of `cfg`, in memory; equal to what `generateLanguageDataset` writes. */
export function buildLanguageDataset(cfg: LanguageDataConfig, inputs: LanguageDataInputs): LanguageDataset {
  return {
    config: cfg,
    train: buildLanguageTrainingSet(cfg, inputs),
    test: buildLanguageTestSets(cfg, inputs),
    probeS: buildLanguageProbingSet(cfg, inputs, 's'),
    probeT: buildLanguageProbingSet(cfg, inputs, 't'),
  };
}

// ---- files ------------------------------------------------------------------------------------

/** Options of `generateLanguageDataset`. */
export interface GenerateLanguageOptions {
  /** Regenerate even when the manifest matches; default false. */
  readonly force?: boolean;
  /** Progress lines (one per file written). */
  readonly onProgress?: (message: string) => void;
}

/** What `generateLanguageDataset` did. */
export interface GenerateLanguageResult {
  /** True when a matching manifest was found and nothing was written. */
  readonly skipped: boolean;
  readonly outDir: string;
  readonly config: LanguageDataConfig;
  /** The folder's manifest (the existing one when skipped). */
  readonly manifest: Manifest<LanguageDataConfig>;
}

/**
 * Writes the files of `params` to `outDir`: `train.jsonl`, `test_<partition>.jsonl`,
 * `probe_s.jsonl`, `probe_t.jsonl`, then `manifest.json` last. Skips when the folder's manifest
 * matches the configuration (corpus and tokenizer fingerprints included) and its files hash as recorded.
 */
export function generateLanguageDataset(params: LanguageDataParams, inputs: LanguageDataInputs, outDir: string, opts: GenerateLanguageOptions = {}): GenerateLanguageResult {
  const config = resolveLanguageDataConfig(params, inputs);
  const progress = opts.onProgress ?? (() => undefined);
  if (!opts.force && manifestMatches(outDir, LANGUAGE_DATA_KIND, LANGUAGE_DATA_VERSION, config)) {
    progress(`${outDir}: manifest matches, skipped`);
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), 'utf8')) as Manifest<LanguageDataConfig>;
    return { skipped: true, outDir, config, manifest };
  }
  // A stale manifest must not vouch for half-rewritten files if this run stops early.
  fs.rmSync(path.join(outDir, MANIFEST_FILE), { force: true });
  const data = buildLanguageDataset(config, inputs);
  const sets: [string, Example[]][] = [
    [LANGUAGE_DATA_FILES.train, data.train],
    ...PARTITIONS.map((p): [string, Example[]] => [LANGUAGE_DATA_FILES.test[p], data.test[p]]),
    [LANGUAGE_DATA_FILES.probe.s, data.probeS],
    [LANGUAGE_DATA_FILES.probe.t, data.probeT],
  ];
  const files: Record<string, ManifestFileEntry> = {};
  for (const [name, rows] of sets) {
    const text = writeJsonl(path.join(outDir, name), rows);
    files[name] = describeFile(text, rows, PARTITIONS);
    progress(`${path.join(outDir, name)}: ${rows.length} prompts ${JSON.stringify(countPartitions(rows))}`);
  }
  const manifest = makeManifest(LANGUAGE_DATA_KIND, LANGUAGE_DATA_VERSION, config, config.seed, files);
  writeManifest(outDir, manifest);
  return { skipped: false, outDir, config, manifest };
}

