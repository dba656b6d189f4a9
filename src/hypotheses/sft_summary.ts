/**
 * Summaries of an SFT grid, for both settings: error per partition by task and rate, the smallest
 * rate at which the s-only error falls below the threshold, and the H2 rows of the SFT runs.
 */
import { smallestRateAbove } from '../sft/partition_error';
import { mean } from '../stats/describe';
import type { Partition } from '../tasks/types';
import type { H2Row } from './h2';
import type { SftRun } from './runs';

/** One row per (task, rate), in first-seen order: mean error per partition and test accuracy over seeds. */
export type SftTableRow = { task: number; rate: number; seeds: number; accuracy: number } & Record<Partition, number>;

/** Mean error per partition and test accuracy per (task, rate), over seeds. */
export function sftTable(runs: readonly SftRun[]): SftTableRow[] {
  const keys = [...new Set(runs.map((r) => `${r.task}|${r.rate}`))];
  return keys.map((k) => {
    const group = runs.filter((r) => `${r.task}|${r.rate}` === k);
    const avg = (f: (r: SftRun) => number) => mean(group.map(f));
    return {
      task: group[0].task,
      rate: group[0].rate,
      seeds: group.length,
      accuracy: avg((r) => r.result.accuracy),
      both: avg((r) => r.result.errors.both),
      neither: avg((r) => r.result.errors.neither),
      s_only: avg((r) => r.result.errors.s_only),
      t_only: avg((r) => r.result.errors.t_only),
    };
  });
}

/** Lovering's measure per task: the smallest rate whose mean test accuracy over seeds exceeds 0.99 (null: none). */
export function sftThresholds(runs: readonly SftRun[]): { task: number; rate: number | null }[] {
  const tasks = [...new Set(runs.map((r) => r.task))].sort((a, b) => a - b);
  return tasks.map((task) => ({ task, rate: smallestRateAbove(runs.filter((r) => r.task === task).map((r) => ({ rate: r.rate, accuracy: r.result.accuracy }))) }));
}

/** H2 coordinates of the SFT runs: the s-only and t-only scores are accuracies (1 - error). */
export function sftH2Rows(runs: readonly SftRun[]): H2Row[] {
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, s_only: 1 - r.result.errors.s_only, t_only: 1 - r.result.errors.t_only }));
}

// ---- one run from the command line ----------------------------------------------------------
