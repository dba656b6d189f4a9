/**
 * The sentences notebooks 03 and 07 print about the RL runs: whether the easy target (contains-1) is
 * adopted from fewer counter-examples than the hard ones, whether hard-target policies collapse to
 * one answer at the largest rate, and whether most language runs pass the run filter. The thresholds
 * are named here, once; the notebooks only display what these return.
 */
import type { RlSummaryRow } from '../../hypotheses/rl_summary';
import { md } from '../../viz/notebook_display';

/** The easy target "shows" when its counter-example reward beats the hard tasks' mean by more than this (reward in [0, 1]). */
export const EASY_TARGET_MARGIN = 0.2;
/** Below this mean `both` reward at the largest rate, the hard-target policies answer every prompt alike (descending). */
export const COLLAPSED_BOTH_REWARD = 0.2;
/** At least this share of the language runs must pass the run filter to call the sentiment task learned. */
export const MOST_RUNS_LEARNED = 0.5;

/** The mean held-out reward of `partition` for a task and rate in `summary` (NaN when absent). */
export function partitionMean(summary: readonly RlSummaryRow[], task: number, rate: number, partition: string): number {
  return summary.find((r) => r.task === task && r.rate === rate && r.partition === partition)?.mean ?? NaN;
}

/** Counter-example reward (s_only + t_only) / 2 of every task at the smallest non-zero and the largest rate. */
export function counterExampleRewards(summary: readonly RlSummaryRow[], tasks: readonly number[], rates: readonly number[]): { smallRate: number; largeRate: number; rows: { task: number; small: number; large: number }[] } {
  const nonZero = rates.filter((r) => r > 0);
  const smallRate = nonZero.length ? Math.min(...nonZero) : Math.min(...rates);
  const largeRate = Math.max(...rates);
  const counter = (task: number, rate: number): number => (partitionMean(summary, task, rate, 's_only') + partitionMean(summary, task, rate, 't_only')) / 2;
  return { smallRate, largeRate, rows: tasks.map((task) => ({ task, small: counter(task, smallRate), large: counter(task, largeRate) })) };
}

/**
 * Notebook 03's verdict, as Markdown paragraphs: contains-1 (task 1) against the other tasks at the smallest
 * non-zero rate ({@link EASY_TARGET_MARGIN}), then the hard tasks' `both` reward at the largest rate ({@link COLLAPSED_BOTH_REWARD}).
 */
export function toyRlVerdict(summary: readonly RlSummaryRow[], tasks: readonly number[], rates: readonly number[]): string[] {
  const { smallRate, largeRate, rows } = counterExampleRewards(summary, tasks, rates);
  const easy = rows.find((r) => r.task === 1);
  const hard = rows.filter((r) => r.task !== 1);
  const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
  const out: string[] = [];
  if (easy === undefined || hard.length === 0) {
    out.push(md`This preset trains too few tasks to compare an easy and a hard target.`);
  } else {
    const hardMean = mean(hard.map((r) => r.small));
    out.push(
      md`At p = ${smallRate}, contains-1 reaches a counter-example reward of ${easy.small} against ${hardMean} on average for the other ${hard.length} task(s). ` +
        (easy.small > hardMean + EASY_TARGET_MARGIN
          ? md`The expected pattern is visible: the easy target is adopted from few counter-examples, the hard ones are not.`
          : md`The expected pattern is **not** visible at this preset's scale (policy size, iterations and seeds are far below the study's); the \`paper\` preset is needed to test it.`),
    );
  }
  if (hard.length > 0) {
    const hardBoth = mean(hard.map((r) => partitionMean(summary, r.task, largeRate, 'both')));
    const hardNeither = mean(hard.map((r) => partitionMean(summary, r.task, largeRate, 'neither')));
    out.push(
      md`At the largest rate p = ${largeRate}, the hard-target policies reach a mean **both** reward of ${hardBoth} (neither: ${hardNeither}). ` +
        (hardBoth < COLLAPSED_BOTH_REWARD
          ? md`They answer every prompt with a descending run: with that many s-only prompts label 0 is the large majority of the training prompts, and the unconditional answer is what PPO finds in this budget, so their high s-only reward there does not mean they use t.`
          : md`They still tell the labels apart there.`),
    );
  }
  return out;
}

/** Notebook 07's verdict on the run filter: did at least {@link MOST_RUNS_LEARNED} of the runs learn the sentiment task? */
export function languageRlVerdict(kept: number, total: number): string {
  return kept / Math.max(1, total) >= MOST_RUNS_LEARNED
    ? md`${kept} of ${total} runs learned to write negatively on *neither* prompts well enough to pass the filter.`
    : md`Only ${kept} of ${total} runs pass the filter: at this preset's scale most policies have **not** learned the sentiment task (the study's GPT-2 starts from a model that already writes reviews, and trains 96 steps of 256 rollouts). Notebook 08 then tests the hypotheses on ${kept === 0 ? 'no kept run (it shows the tests on all runs beside them)' : 'few runs'}, and the \`paper\` preset is needed to reproduce the study.`;
}
