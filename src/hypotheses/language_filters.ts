/**
 * Filters that mean "the policy learned the task" (issue 16), applied to language RL runs before
 * the hypotheses are tested. The study's filter keeps a run whose normalised *neither* score is at
 * least 0.7; it looks at one partition only, so a policy that writes negatively whatever the prompt
 * passes it whenever label 0 dominates (p = 0.5). The strict filter also asks for the *both* score,
 * i.e. that the policy follows the label on the two unambiguous partitions.
 */
import type { Partition } from '../tasks/types';

/** The study's threshold on a normalised score (docs/study.md: runs below 0.7 on neither are dropped). */
export const LEARNED_TASK_THRESHOLD = 0.7;

/**
 * Share of the p = 0 runs that should pass the strict filter for the language half to test H1 on
 * policies that learned the task (issue 16's goal at the laptop preset: at least 80 %).
 */
export const STRICT_PASS_GOAL_AT_P0 = 0.8;

/** The filters, by name. */
export const LANGUAGE_RUN_FILTERS = ['study', 'strict'] as const;
export type LanguageRunFilter = (typeof LANGUAGE_RUN_FILTERS)[number];

/** The partitions each filter requires at or above the threshold. */
export const FILTER_PARTITIONS: Readonly<Record<LanguageRunFilter, readonly Partition[]>> = Object.freeze({
  study: Object.freeze(['neither'] as Partition[]),
  strict: Object.freeze(['both', 'neither'] as Partition[]),
});

/** One line per filter, for tables and prose. */
export const FILTER_DESCRIPTIONS: Readonly<Record<LanguageRunFilter, string>> = Object.freeze({
  study: `the study's: normalised neither score >= ${LEARNED_TASK_THRESHOLD}`,
  strict: `strict: normalised both AND neither scores >= ${LEARNED_TASK_THRESHOLD}`,
});

/** What a filter reads of a run: its normalised held-out score per partition. */
export type FilterableRun = { readonly rate: number; readonly result: { readonly normalisedScores: Record<Partition, number> } };

/** Whether a run's normalised scores pass `filter` (a NaN score fails). */
export function passesFilter(scores: Record<Partition, number>, filter: LanguageRunFilter, threshold = LEARNED_TASK_THRESHOLD): boolean {
  return FILTER_PARTITIONS[filter].every((p) => scores[p] >= threshold);
}

/** The runs that pass `filter`, in their order. */
export function keepLearnedRuns<R extends FilterableRun>(runs: readonly R[], filter: LanguageRunFilter, threshold = LEARNED_TASK_THRESHOLD): R[] {
  return runs.filter((r) => passesFilter(r.result.normalisedScores, filter, threshold));
}

/** Runs kept per rate by each filter (a type alias so rows pass to `showTable`). */
export type FilterCountRow = { rate: string; runs: number; 'kept (study: neither)': number; 'kept (strict: both and neither)': number; 'share kept (strict)': number };

/** One row per rate (ascending) and a final `all` row: how many runs each filter keeps. */
export function filterCountsByRate(runs: readonly FilterableRun[], threshold = LEARNED_TASK_THRESHOLD): FilterCountRow[] {
  const rates = [...new Set(runs.map((r) => r.rate))].sort((a, b) => a - b);
  const row = (rate: string, group: readonly FilterableRun[]): FilterCountRow => {
    const strict = keepLearnedRuns(group, 'strict', threshold).length;
    return { rate, runs: group.length, 'kept (study: neither)': keepLearnedRuns(group, 'study', threshold).length, 'kept (strict: both and neither)': strict, 'share kept (strict)': group.length ? strict / group.length : NaN };
  };
  return [...rates.map((rate) => row(String(rate), runs.filter((r) => r.rate === rate))), row('all', runs)];
}

/** The p = 0 runs that pass the strict filter, in all and by task (tasks ascending), for the goal line. */
export interface StrictPassAtP0 {
  readonly passed: number;
  readonly runs: number;
  /** Tasks with a p = 0 run that failed the strict filter: passed of runs per task. */
  readonly failedTasks: readonly { readonly task: number; readonly passed: number; readonly runs: number }[];
}

/** How many p = 0 runs pass the strict filter, and which tasks have a run that does not. */
export function strictPassAtP0(runs: readonly (FilterableRun & { readonly task: number })[], threshold = LEARNED_TASK_THRESHOLD): StrictPassAtP0 {
  const atZero = runs.filter((r) => r.rate === 0);
  const tasks = [...new Set(atZero.map((r) => r.task))].sort((a, b) => a - b);
  const failedTasks = tasks.flatMap((task) => {
    const group = atZero.filter((r) => r.task === task);
    const passed = keepLearnedRuns(group, 'strict', threshold).length;
    return passed < group.length ? [{ task, passed, runs: group.length }] : [];
  });
  return { passed: keepLearnedRuns(atZero, 'strict', threshold).length, runs: atZero.length, failedTasks };
}
