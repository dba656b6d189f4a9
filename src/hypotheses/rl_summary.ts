/**
 * Summaries of an RL grid, for both settings: mean held-out score per (task, rate, partition)
 * over seeds with a 95% percentile bootstrap band (the study's figure), the results table, and the
 * mean training reward per step.
 */
import { bootstrapCi } from '../stats/index';
import { mean } from '../stats/describe';
import { PARTITIONS } from '../tasks/partitions';
import type { Partition } from '../tasks/types';
import { createRng } from '../util/rng';
import type { RlRun } from './runs';
import { toyTaskName } from './task_names';

/** One point of the study's figure: mean reward over seeds with a 95% band. */
export type RlSummaryRow = { task: number; rate: number; partition: Partition; mean: number; lo: number; hi: number; n: number };

/**
 * Mean evaluation reward per (task, rate, partition) over seeds, with a 95% percentile bootstrap
 * interval over seeds (seeded; with one seed the band collapses to the mean).
 */
export function summariseRl(runs: readonly RlRun[], nResamples = 2000): RlSummaryRow[] {
  const groups = new Map<string, RlRun[]>();
  for (const r of runs) {
    const key = `${r.task}|${r.rate}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: RlSummaryRow[] = [];
  for (const [key, group] of groups) {
    const [task, rate] = key.split('|').map(Number);
    for (const partition of PARTITIONS) {
      const values = group.map((r) => r.result.eval[partition]);
      const m = mean(values);
      let lo = m;
      let hi = m;
      if (values.length >= 2 && new Set(values).size > 1) {
        const ci = bootstrapCi(values, mean, { method: 'percentile', nResamples }, createRng(`toy-rl-summary/${key}/${partition}`));
        lo = ci.low;
        hi = ci.high;
      }
      rows.push({ task, rate, partition, mean: m, lo, hi, n: values.length });
    }
  }
  return rows.sort((a, b) => a.task - b.task || a.rate - b.rate || PARTITIONS.indexOf(a.partition) - PARTITIONS.indexOf(b.partition));
}

/** One row per (task, rate) with the four partition means over seeds: the notebook's results table. */
export function rlTable(summary: readonly RlSummaryRow[], name: (task: number) => string = toyTaskName): { task: string; rate: number; seeds: number; both: number; neither: number; s_only: number; t_only: number }[] {
  const rows = new Map<string, { task: string; rate: number; seeds: number; both: number; neither: number; s_only: number; t_only: number }>();
  for (const r of summary) {
    const key = `${r.task}|${r.rate}`;
    const row = rows.get(key) ?? { task: name(r.task), rate: r.rate, seeds: r.n, both: NaN, neither: NaN, s_only: NaN, t_only: NaN };
    row[r.partition] = r.mean;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** Mean training reward per iteration and task at `rate` (mean over seeds): rows for `lineChart`; `name` labels the series. */
export function rlRewardCurves(runs: readonly RlRun[], rate = 0, name: (task: number) => string = toyTaskName): { x: number; y: number; series: string }[] {
  const out: { x: number; y: number; series: string }[] = [];
  const tasks = [...new Set(runs.map((r) => r.task))].sort((a, b) => a - b);
  for (const task of tasks) {
    const group = runs.filter((r) => r.task === task && r.rate === rate);
    if (group.length === 0) continue;
    const nIter = Math.min(...group.map((r) => r.result.steps.length));
    for (let i = 0; i < nIter; i++) out.push({ x: i + 1, y: mean(group.map((r) => r.result.steps[i]['env/reward_mean'])), series: name(task) });
  }
  return out;
}
