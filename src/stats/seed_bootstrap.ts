/**
 * Bootstrap intervals over training seeds: the 95 % interval of a task's mean over its seeds, and
 * the interval of a difference of two correlations of per-task seed means (RL against SFT: "does
 * RL rank the tasks as supervised fine-tuning does?"). Seeds are resampled with replacement within
 * each (task, method) cell, so every resample keeps the tasks and their seed counts (a stratified
 * bootstrap, Efron & Tibshirani 1993 ch. 3); the interval is the percentile interval of
 * `bootstrapCiColumns`, seeded.
 */
import type { Rng } from '../util/rng';
import { ConfigError, oneOf } from '../util/assert';
import { bootstrapCi, bootstrapCiColumns, type BootstrapInterval, type Stratum } from './bootstrap';
import { kendallTauB, pearsonR, spearmanRho } from './correlation';
import { checkSample } from './sample_checks';

/** Options of the seed bootstraps. */
export interface SeedBootstrapOptions {
  /** Bootstrap resamples B; default 9999 (scipy.stats.bootstrap default). */
  readonly nResamples?: number;
  /** Two-sided coverage; default 0.95. */
  readonly confidenceLevel?: number;
}

/** The per-seed values of one task. */
export interface TaskSeedValues {
  /** Task label. */
  readonly task: Stratum;
  /** One value per seed (e.g. feature use of each RL seed). */
  readonly values: readonly number[];
}

/** A task's mean over seeds with its percentile bootstrap interval. */
export interface SeedMeanInterval {
  readonly task: Stratum;
  readonly nSeeds: number;
  /** Mean over the seeds. */
  readonly mean: number;
  /** Interval ends; null with a single seed (no spread to resample). */
  readonly low: number | null;
  readonly high: number | null;
  /** The per-seed values, as given (for strip plots). */
  readonly values: readonly number[];
}

/**
 * Mean over seeds of each task with a percentile bootstrap interval (default 95 %). Task k draws
 * from `rng.child('task/<label>')`, so adding a task never changes another task's interval.
 */
export function seedMeanIntervals(tasks: readonly TaskSeedValues[], opts: SeedBootstrapOptions, rng: Rng): SeedMeanInterval[] {
  if (!Array.isArray(tasks) || tasks.length === 0) throw new ConfigError('tasks: expected at least one { task, values } entry');
  return tasks.map(({ task, values }) => {
    checkSample(`tasks[${String(task)}].values`, values, 1);
    const mean = meanOf(values);
    if (values.length < 2) return { task, nSeeds: 1, mean, low: null, high: null, values: values.slice() };
    const ci = bootstrapCi(values, meanOf, { method: 'percentile', ...opts }, rng.child(`task/${String(task)}`));
    return { task, nSeeds: values.length, mean, low: ci.low, high: ci.high, values: values.slice() };
  });
}

/** Correlation used across tasks. */
export type TaskCorrelation = 'spearman' | 'pearson' | 'kendall';

/** Options of `correlationDifferenceInterval`. */
export interface CorrelationDifferenceOptions extends SeedBootstrapOptions {
  /** Correlation of x with the per-task seed means; default 'spearman'. */
  readonly correlation?: TaskCorrelation;
}

/** The difference corr(x, mean a) - corr(x, mean b) with its bootstrap interval. */
export interface CorrelationDifferenceInterval extends BootstrapInterval {
  /** corr(x, per-task means of a) on the data. */
  readonly estimateA: number;
  /** corr(x, per-task means of b) on the data. */
  readonly estimateB: number;
  readonly correlation: TaskCorrelation;
}

const CORRELATIONS = { spearman: spearmanRho, pearson: pearsonR, kendall: kendallTauB } as const;

function meanOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * Correlation of x with the per-task means of `perSeed` ([task][seed]); NaN when the means (or x)
 * are all equal, where the correlation is undefined.
 */
export function seedMeanCorrelation(x: readonly number[], perSeed: readonly (readonly number[])[], correlation: TaskCorrelation): number {
  const means = perSeed.map(meanOf);
  if (means.every((m) => m === means[0]) || x.every((v) => v === x[0])) return NaN;
  return CORRELATIONS[correlation](x, means);
}

function checkPerSeed(name: string, perSeed: readonly (readonly number[])[], nTasks: number): void {
  if (!Array.isArray(perSeed) || perSeed.length !== nTasks) {
    throw new ConfigError(`${name}: ${perSeed?.length} tasks do not match x (${nTasks} tasks); expected [task][seed] values`);
  }
  perSeed.forEach((values, k) => checkSample(`${name}[${k}]`, values, 1));
}

/**
 * Percentile bootstrap interval of corr(x, mean_seeds a) - corr(x, mean_seeds b) over tasks, seeds
 * resampled within each (task, method) cell; x (e.g. log relative extractability) is fixed per task.
 * `a`, `b`: [task][seed]. Needs >= 3 tasks and correlations defined on the data; throws, naming the
 * resample, if the per-task means of a resample are all equal.
 */
export function correlationDifferenceInterval(
  x: readonly number[],
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  opts: CorrelationDifferenceOptions,
  rng: Rng,
): CorrelationDifferenceInterval {
  checkSample('x', x, 3);
  checkPerSeed('a', a, x.length);
  checkPerSeed('b', b, x.length);
  const correlation = oneOf('correlation', opts.correlation ?? 'spearman', ['spearman', 'pearson', 'kendall']);
  const estimateA = seedMeanCorrelation(x, a, correlation);
  const estimateB = seedMeanCorrelation(x, b, correlation);
  if (Number.isNaN(estimateA) || Number.isNaN(estimateB)) {
    throw new ConfigError(`${Number.isNaN(estimateA) ? 'a' : 'b'}: the per-task means (or x) are all equal; the correlation is undefined`);
  }
  // One row per (task, method, seed); stratum 2k holds task k's a seeds, 2k + 1 its b seeds.
  const values: number[] = [];
  const strata: number[] = [];
  x.forEach((_, k) => {
    for (const v of a[k]) {
      values.push(v);
      strata.push(2 * k);
    }
    for (const v of b[k]) {
      values.push(v);
      strata.push(2 * k + 1);
    }
  });
  const nTasks = x.length;
  const statistic = (columns: readonly number[][]) => {
    // Rows never leave their stratum in a resample, so the original stratum of row i still applies.
    const groups = Array.from({ length: 2 * nTasks }, () => [] as number[]);
    columns[0].forEach((v, i) => groups[strata[i]].push(v));
    const ra = seedMeanCorrelation(x, groups.filter((_, g) => g % 2 === 0), correlation);
    const rb = seedMeanCorrelation(x, groups.filter((_, g) => g % 2 === 1), correlation);
    if (Number.isNaN(ra) || Number.isNaN(rb)) {
      throw new ConfigError(`${Number.isNaN(ra) ? 'a' : 'b'}: the per-task means of a bootstrap resample are all equal; the correlation is undefined (too few tasks whose seeds differ)`);
    }
    return ra - rb;
  };
  const ci = bootstrapCiColumns([values], statistic, { method: 'percentile', ...opts, strata }, rng);
  return { ...ci, estimateA, estimateB, correlation };
}
