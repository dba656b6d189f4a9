/**
 * The synthetic data of one (task, rate, seed): training set, held-out test sets per partition
 * and the two probing sets (docs/study.md "Synthetic tasks"), in memory for the notebooks or as
 * JSON-lines files with a manifest for the CLI. Streams: the root `createRng(seed).child('toy/<t>+<s>')`
 * gives `test`, `probe_s`, `probe_t` and `train/rate=<p>`, so test and probing sets of a (task, seed)
 * are identical whatever the rate, and the same config gives byte-identical files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeJsonl } from '../../io/jsonl';
import { MANIFEST_FILE, describeFile, makeManifest, manifestMatches, writeManifest, type Manifest } from '../../io/manifest';
import { PARTITIONS, countPartitions, type PartitionCounts } from '../../tasks/partitions';
import { buildProbingSet, type ProbeFeature } from '../../tasks/probing_sets';
import { parseRuleName } from '../../tasks/rules';
import { DEFAULT_LENGTH, DEFAULT_VOCAB, generatePartitionSets, prepareToyTask, toyTaskIdOf, toyTaskPair, type ToyTaskId } from '../../tasks/toy_generator';
import { LABEL_BALANCES, TOY_RATES, buildTrainingSet, trainingCounts, type LabelBalance } from '../../tasks/training_set';
import type { Example, Partition, RuleName, TaskPair } from '../../tasks/types';
import { ConfigError, checkInt, checkRange, oneOf } from '../../util/assert';
import { createRng, type Rng } from '../../util/rng';
import { datasetsPath, rateTag } from '../../io/paths';

/** `manifest.kind` of a toy data folder. */
export const TOY_DATA_KIND = 'toy-data';
/** Version of the generation algorithm; bump it when the examples a config yields change. */
export const TOY_DATA_VERSION = 1;
/** The spurious rule of the study's tasks: symbol 2 occurs. */
export const STUDY_SPURIOUS: RuleName = 'contains-2';
/** Default held-out examples per partition: the paper's s-only and t-only test size. */
export const DEFAULT_TEST_SIZE = 1000;
/** Default training-set size: the paper's fine-tuning sets of 200,000 per rate. */
export const DEFAULT_TRAIN_SIZE = 200_000;

/** The files of a toy data folder. */
export const TOY_DATA_FILES = Object.freeze({
  train: 'train.jsonl',
  test: Object.freeze({ both: 'test_both.jsonl', neither: 'test_neither.jsonl', s_only: 'test_s_only.jsonl', t_only: 'test_t_only.jsonl' }) as Readonly<Record<Partition, string>>,
  probe: Object.freeze({ s: 'probe_s.jsonl', t: 'probe_t.jsonl' }) as Readonly<Record<ProbeFeature, string>>,
});

/** What a caller asks for; checked by `resolveToyDataConfig`. Give `task`, or `target` (and `spurious`). */
export interface ToyDataParams {
  /** Study task id 1..5 (contains-1, first-last, prefix-duplicate, contains-first, adjacent-duplicate; spurious contains-2). */
  readonly task?: number | string;
  /** Target rule, instead of `task` (e.g. `first-last`). */
  readonly target?: string;
  /** Spurious rule with `target`; default `contains-2` (the study's). */
  readonly spurious?: string;
  /** s-only rate p in [0, 1] of the training set (docs/study.md rates 0 .. 0.5). Required. */
  readonly rate: number;
  /** Generator seed, integer >= 0; default 0. */
  readonly seed?: number;
  /** Training examples; default 200,000 (the paper's fine-tuning sets). */
  readonly trainSize?: number;
  /** Held-out examples per partition; default 1,000 (the paper's s-only/t-only test size). */
  readonly testSize?: number;
  /** Examples per probing set (half per class); default = trainSize. */
  readonly probeSize?: number;
  /** Vocabulary size V; default 10 (the RL study's digits). */
  readonly vocab?: number;
  /** Sequence length L; default 10 (both studies). */
  readonly length?: number;
  /** 'study' (default): the papers' training sets; 'balanced': label-1 share 50 % at every rate (the H2 ablation). */
  readonly labelBalance?: LabelBalance;
}

/** A checked, complete configuration (what the manifest records). */
export interface ToyDataConfig {
  /** Study task id when the pair is one of tasks 1..5, else null. */
  readonly task: ToyTaskId | null;
  /** Target rule t. */
  readonly target: RuleName;
  /** Spurious rule s. */
  readonly spurious: RuleName;
  /** Vocabulary size V. */
  readonly vocab: number;
  /** Sequence length L. */
  readonly length: number;
  /** s-only rate p of the training set. */
  readonly rate: number;
  /** Generator seed. */
  readonly seed: number;
  /** Training examples. */
  readonly trainSize: number;
  /** Held-out examples per partition. */
  readonly testSize: number;
  /** Examples per probing set. */
  readonly probeSize: number;
  /**
   * Present only for a label-balanced training set ('balanced'), and only where its counts differ
   * from the study's (p > 0): a study configuration has no such field, so its manifest and run
   * hashes are those of the configurations from before the option existed.
   */
  readonly labelBalance?: 'balanced';
}

/** All sets of one configuration. */
export interface ToyDataset {
  readonly config: ToyDataConfig;
  /** Shuffled training set: both, neither and s_only at the configured rate; labels = t. */
  readonly train: Example[];
  /** `testSize` held-out examples per partition; labels = t. */
  readonly test: Record<Partition, Example[]>;
  /** s probe: s_only (label 1) vs neither (label 0), shuffled. */
  readonly probeS: Example[];
  /** t probe: both (label 1) vs s_only (label 0), shuffled. */
  readonly probeT: Example[];
}

/** The rule pair that `params` asks for (task id or target/spurious); one ConfigError otherwise. */
export function resolveTaskPair(params: Pick<ToyDataParams, 'task' | 'target' | 'spurious'>): TaskPair {
  const { task, target, spurious } = params;
  if (task !== undefined) {
    if (target !== undefined || spurious !== undefined) {
      throw new ConfigError(`task: ${JSON.stringify(task)} cannot be combined with target/spurious; expected either a task id or a target (+ spurious) rule`);
    }
    return toyTaskPair(typeof task === 'string' && /^[0-9]+$/.test(task) ? Number(task) : task);
  }
  if (target === undefined) {
    if (spurious !== undefined) throw new ConfigError(`target: missing; expected a target rule with spurious '${spurious}'`);
    throw new ConfigError('task: missing; expected one of 1, 2, 3, 4, 5, or a target (+ spurious) rule');
  }
  return { target: parseRuleName('target', target), spurious: parseRuleName('spurious', spurious ?? STUDY_SPURIOUS) };
}

/** Checks `params`, fills defaults and returns the frozen configuration. Throws one-line ConfigErrors. */
export function resolveToyDataConfig(params: ToyDataParams): ToyDataConfig {
  const pair = resolveTaskPair(params);
  const { spec } = prepareToyTask({ ...pair, vocab: params.vocab ?? DEFAULT_VOCAB, length: params.length ?? DEFAULT_LENGTH });
  if (params.rate === undefined) throw new ConfigError('rate: missing; expected a number in [0, 1]');
  const rate = checkRange('rate', params.rate, 0, 1);
  const seed = checkInt('seed', params.seed ?? 0, 0);
  const trainSize = checkInt('trainSize', params.trainSize ?? DEFAULT_TRAIN_SIZE, 1);
  const testSize = checkInt('testSize', params.testSize ?? DEFAULT_TEST_SIZE, 1);
  const probeSize = checkInt('probeSize', params.probeSize ?? trainSize, 2);
  const balance = oneOf('labelBalance', params.labelBalance ?? 'study', LABEL_BALANCES);
  const base = { task: toyTaskIdOf(pair), target: spec.target, spurious: spec.spurious, vocab: spec.vocab, length: spec.length, rate, seed, trainSize, testSize, probeSize };
  if (balance === 'study' || !labelBalanceMatters(trainSize, rate)) return Object.freeze(base);
  return Object.freeze({ ...base, labelBalance: 'balanced' as const });
}

/**
 * Whether a label-balanced set of `trainSize` at `rate` differs from the study's (false at p = 0,
 * where the study's set is balanced too). Throws when the rate does not fit a balanced set (p > 1/2).
 */
export function labelBalanceMatters(trainSize: number, rate: number): boolean {
  const study = trainingCounts(trainSize, rate, 'study');
  const balanced = trainingCounts(trainSize, rate, 'balanced');
  return balanced.both !== study.both || balanced.neither !== study.neither;
}

/** The root stream of a (task, seed): `createRng(seed).child('toy/<target>+<spurious>')`. */
export function toyDataRng(cfg: Pick<ToyDataConfig, 'seed' | 'target' | 'spurious'>): Rng {
  return createRng(cfg.seed).child(`toy/${cfg.target}+${cfg.spurious}`);
}

/** The training set of `cfg` (stream `train/rate=<p>`). */
export function buildToyTrainingSet(cfg: ToyDataConfig): Example[] {
  // The same stream for both label balances: equal counts (p = 0) give the same set.
  return buildTrainingSet(prepareToyTask(cfg), cfg.trainSize, cfg.rate, toyDataRng(cfg).child(`train/rate=${cfg.rate}`), cfg.labelBalance ?? 'study');
}

/** The held-out sets of `cfg`, `cfg.testSize` per partition (stream `test/<partition>`); independent of the rate. */
export function buildToyTestSets(cfg: Omit<ToyDataConfig, 'rate'>): Record<Partition, Example[]> {
  return generatePartitionSets(prepareToyTask(cfg), cfg.testSize, toyDataRng(cfg).child('test'));
}

/** The probing set for `feature` (stream `probe_s` or `probe_t`), `cfg.probeSize` examples; independent of the rate. */
export function buildToyProbingSet(cfg: Omit<ToyDataConfig, 'rate'>, feature: ProbeFeature): Example[] {
  return buildProbingSet(prepareToyTask(cfg), feature, cfg.probeSize, toyDataRng(cfg).child(`probe_${feature}`));
}

/** Every set of `cfg`, in memory (no disk); equal to what `generateToyDataset` writes. */
export function buildToyDataset(cfg: ToyDataConfig): ToyDataset {
  return { config: cfg, train: buildToyTrainingSet(cfg), test: buildToyTestSets(cfg), probeS: buildToyProbingSet(cfg, 's'), probeT: buildToyProbingSet(cfg, 't') };
}

/**
 * `n` examples of each partition for a (task, seed), for tables: the first `n` lines of the
 * `test_<partition>.jsonl` files of the same task, seed, vocab and length.
 */
export function toyExamplesByPartition(
  params: Pick<ToyDataParams, 'task' | 'target' | 'spurious' | 'seed' | 'vocab' | 'length'>,
  n: number,
): Record<Partition, Example[]> {
  const cfg = resolveToyDataConfig({ ...params, rate: 0, testSize: checkInt('n', n, 1) });
  return buildToyTestSets(cfg);
}

/** One row per rate: the training-set composition at `trainSize` (s_only = ceil(N p), t_only = 0). */
export function trainingCountsByRate(trainSize: number, rates: readonly number[] = TOY_RATES): ({ rate: number; total: number } & PartitionCounts)[] {
  return rates.map((rate) => ({ rate, total: trainSize, ...trainingCounts(trainSize, rate) }));
}

/** The folder of a configuration under `datasets/`: `toy/<preset>/task<k>_<t>_vs_<s>/seed<n>/rate<p>` (`pair_<t>_vs_<s>` without a task id). */
export function toyDataDir(cfg: Pick<ToyDataConfig, 'task' | 'target' | 'spurious' | 'seed' | 'rate' | 'labelBalance'>, preset = 'custom'): string {
  const taskTag = cfg.task === null ? `pair_${cfg.target}_vs_${cfg.spurious}` : `task${cfg.task}_${cfg.target}_vs_${cfg.spurious}`;
  return datasetsPath('toy', preset, taskTag, `seed${cfg.seed}`, `rate${rateTag(cfg.rate)}${cfg.labelBalance === 'balanced' ? '_balanced' : ''}`);
}

/** Options of `generateToyDataset`. */
export interface GenerateToyOptions {
  /** Regenerate even when the manifest matches; default false. */
  readonly force?: boolean;
  /** Progress lines (one per file written); the CLI prints them, notebooks show them. */
  readonly onProgress?: (message: string) => void;
}

/** What `generateToyDataset` did. */
export interface GenerateToyResult {
  /** True when a matching manifest was found and nothing was written. */
  readonly skipped: boolean;
  /** The folder. */
  readonly outDir: string;
  /** The checked configuration. */
  readonly config: ToyDataConfig;
  /** The folder's manifest (the existing one when skipped). */
  readonly manifest: Manifest<ToyDataConfig>;
}

/**
 * Writes the files of `params` to `outDir`: `train.jsonl`, `test_<partition>.jsonl`,
 * `probe_s.jsonl`, `probe_t.jsonl`, then `manifest.json` last. Skips (writes nothing) when the
 * folder's manifest matches the configuration and its files hash as recorded.
 */
export function generateToyDataset(params: ToyDataParams, outDir: string, opts: GenerateToyOptions = {}): GenerateToyResult {
  const config = resolveToyDataConfig(params);
  const progress = opts.onProgress ?? (() => undefined);
  if (!opts.force && manifestMatches(outDir, TOY_DATA_KIND, TOY_DATA_VERSION, config)) {
    progress(`${outDir}: manifest matches, skipped`);
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), 'utf8')) as Manifest<ToyDataConfig>;
    return { skipped: true, outDir, config, manifest };
  }
  // A stale manifest must not vouch for half-rewritten files if this run stops early.
  fs.rmSync(path.join(outDir, MANIFEST_FILE), { force: true });
  const data = buildToyDataset(config);
  const sets: [string, Example[]][] = [
    [TOY_DATA_FILES.train, data.train],
    ...PARTITIONS.map((p): [string, Example[]] => [TOY_DATA_FILES.test[p], data.test[p]]),
    [TOY_DATA_FILES.probe.s, data.probeS],
    [TOY_DATA_FILES.probe.t, data.probeT],
  ];
  const files: Record<string, ReturnType<typeof describeFile>> = {};
  for (const [name, rows] of sets) {
    const text = writeJsonl(path.join(outDir, name), rows);
    files[name] = describeFile(text, rows, PARTITIONS);
    progress(`${path.join(outDir, name)}: ${rows.length} examples ${JSON.stringify(countPartitions(rows))}`);
  }
  const manifest = makeManifest(TOY_DATA_KIND, TOY_DATA_VERSION, config, config.seed, files);
  writeManifest(outDir, manifest);
  return { skipped: false, outDir, config, manifest };
}

/** One row per study task: its rules and what they mean (for the notebooks' task table). */
export function toyTaskTable(tasks: readonly ToyTaskId[], spec: { vocab?: number; length?: number } = {}): { task: number; target: string; spurious: string; t: string; s: string; freeSymbols: string }[] {
  return tasks.map((task) => {
    const prepared = prepareToyTask({ ...toyTaskPair(task), vocab: spec.vocab ?? DEFAULT_VOCAB, length: spec.length ?? DEFAULT_LENGTH });
    return {
      task,
      target: prepared.spec.target,
      spurious: prepared.spec.spurious,
      t: prepared.target.description,
      s: prepared.spurious.description,
      freeSymbols: prepared.freeSymbols.join(' '),
    };
  });
}

/** The data grid of a notebook (its `toyData` group): tasks x rates for one seed, with the sizes of the preset. */
export interface ToyGridParams {
  readonly tasks: readonly number[];
  readonly rates: readonly number[];
  readonly seed: number;
  readonly vocab: number;
  readonly length: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly probeSize: number;
}

/** One folder of the grid and what happened to it. */
// A type alias, not an interface, so rows pass as plain records to `showTable`.
export type ToyGridRow = {
  task: number;
  rate: number;
  skipped: boolean;
  outDir: string;
  train: number;
  sOnly: number;
  sha256: string;
};

/**
 * Writes (or reuses, when the manifest matches) one data folder per (task, rate) under
 * `datasets/toy/<preset>/`. Each folder is complete before the next starts, so an interrupted
 * grid resumes where it stopped.
 */
export function generateToyDataGrid(params: ToyGridParams, preset: string, opts: GenerateToyOptions = {}): ToyGridRow[] {
  const rows: ToyGridRow[] = [];
  const { tasks, rates, ...sizes } = params;
  for (const task of tasks) {
    for (const rate of rates) {
      const request: ToyDataParams = { ...sizes, task, rate };
      const result = generateToyDataset(request, toyDataDir(resolveToyDataConfig(request), preset), opts);
      const train = result.manifest.files[TOY_DATA_FILES.train];
      rows.push({ task, rate, skipped: result.skipped, outDir: path.relative(datasetsPath(), result.outDir), train: train.lines, sOnly: train.partitions.s_only ?? 0, sha256: result.manifest.sha256.slice(0, 12) });
    }
  }
  return rows;
}
