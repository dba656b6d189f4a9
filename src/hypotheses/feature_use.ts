/**
 * The feature-use score of H1 (Cruz et al. 2023): per run at rate 0, the mean of the t-only and
 * s-only scores (high only when the model follows t and ignores s), averaged per task with its SEM
 * over seeds; for RL from held-out rewards, for SFT from held-out accuracies.
 */
import { mean, sem } from '../stats/describe';
import type { RlRun, SftRun } from './runs';

/** A feature-use score per task with its spread over seeds (RL: `rlFeatureUse`; SFT: `sftFeatureUse`). */
export type FeatureUse = { task: number; score: number; sem: number; n: number };

/**
 * The study's H1 score of RL feature use per run at rate 0: the mean of the t-only and s-only
 * rewards (high only when the policy follows t and ignores s), averaged per task with its SEM over seeds.
 */
export function rlFeatureUse(runs: readonly RlRun[], rate = 0): { task: number; score: number; sem: number; n: number }[] {
  const byTask = new Map<number, number[]>();
  for (const r of runs.filter((x) => x.rate === rate)) {
    byTask.set(r.task, [...(byTask.get(r.task) ?? []), (r.result.eval.t_only + r.result.eval.s_only) / 2]);
  }
  return [...byTask.entries()].sort((a, b) => a[0] - b[0]).map(([task, xs]) => ({ task, score: mean(xs), sem: xs.length > 1 ? sem(xs) : NaN, n: xs.length }));
}

/**
 * The SFT counterpart of the RL feature-use score at `rate`, per task: 1 - mean(s-only error,
 * t-only error) of each run, i.e. the mean accuracy on the two partitions where t and s disagree
 * (1: follows t alone; 0: follows s alone; 0.5: e.g. predicts one class on both), mean and SEM over seeds.
 */
export function sftFeatureUse(runs: readonly SftRun[], rate = 0): { task: number; score: number; sem: number; n: number }[] {
  const byTask = new Map<number, number[]>();
  for (const r of runs.filter((x) => x.rate === rate)) byTask.set(r.task, [...(byTask.get(r.task) ?? []), 1 - (r.result.errors.s_only + r.result.errors.t_only) / 2]);
  return [...byTask.entries()].sort((a, b) => a[0] - b[0]).map(([task, xs]) => ({ task, score: mean(xs), sem: xs.length > 1 ? sem(xs) : NaN, n: xs.length }));
}
