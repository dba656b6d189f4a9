/**
 * Feature use per task with a 95 % bootstrap interval over seeds and the per-seed values (issue 15:
 * RL outcomes are bimodal, so a mean with an SEM hides them); the H1 points with those intervals.
 */
import { seedMeanIntervals, type SeedMeanInterval, type TaskSeedValues } from '../stats/index';
import type { Rng } from '../util/rng';
import type { RlRun, SftRun, TaskExtractabilityRow } from './runs';

/** RL feature use of each run at `rate`: (t-only + s-only reward) / 2, grouped by task (tasks ascending, seeds ascending). */
export function rlFeatureUseBySeed(runs: readonly RlRun[], rate: number): TaskSeedValues[] {
  return bySeed(runs.filter((r) => r.rate === rate).map((r) => ({ task: r.task, seed: r.seed, value: (r.result.eval.t_only + r.result.eval.s_only) / 2 })));
}

/** SFT feature use of each run at `rate`: 1 - mean(s-only error, t-only error), grouped by task. */
export function sftFeatureUseBySeed(runs: readonly SftRun[], rate: number): TaskSeedValues[] {
  return bySeed(runs.filter((r) => r.rate === rate).map((r) => ({ task: r.task, seed: r.seed, value: 1 - (r.result.errors.s_only + r.result.errors.t_only) / 2 })));
}

function bySeed(points: readonly { task: number; seed: number; value: number }[]): TaskSeedValues[] {
  const tasks = [...new Set(points.map((p) => p.task))].sort((a, b) => a - b);
  return tasks.map((task) => ({ task, values: points.filter((p) => p.task === task).sort((a, b) => a.seed - b.seed).map((p) => p.value) }));
}

/** Mean over seeds per task with its 95 % percentile bootstrap interval (null ends with one seed). */
export function featureUseIntervals(perSeed: readonly TaskSeedValues[], rng: Rng, nResamples = 2000): SeedMeanInterval[] {
  return perSeed.length === 0 ? [] : seedMeanIntervals(perSeed, { nResamples }, rng);
}

/** One H1 point with its interval (a type alias so rows pass to `showTable`). */
export type H1IntervalRow = { task: number; relMdl: number; use: number; low: number; high: number; seeds: number };

/** Joins relative extractability with the feature-use intervals (tasks present in both, ordered by relative extractability). */
export function h1IntervalRows(extractability: readonly TaskExtractabilityRow[], intervals: readonly SeedMeanInterval[]): H1IntervalRow[] {
  return extractability
    .flatMap((e) => {
      const u = intervals.find((i) => i.task === e.task);
      return u ? [{ task: e.task, relMdl: e.relMdl, use: u.mean, low: u.low ?? u.mean, high: u.high ?? u.mean, seeds: u.nSeeds }] : [];
    })
    .sort((a, b) => a.relMdl - b.relMdl);
}

/** The points of a strip plot: one per (task, seed), the task named by `name`. */
export function stripPoints(perSeed: readonly TaskSeedValues[], name: (task: number) => string): { task: string; value: number }[] {
  return perSeed.flatMap((t) => t.values.map((value) => ({ task: name(Number(t.task)), value })));
}
