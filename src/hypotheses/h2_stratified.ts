/**
 * H2 done per task (issue 15): within each task, Spearman's rho of the s-only rate against the
 * t-only score and against feature use; pooled by a stratified permutation test that permutes the
 * rates only within each task, so differences between tasks never count as evidence.
 */
import { bootstrapCi, spearman, stratifiedPermutationTest, type StratifiedPermutationResult } from '../stats/index';
import { ConfigError } from '../util/assert';
import type { Rng } from '../util/rng';
import type { H2Row } from './h2';

/** The per-run score H2 is tested on: the t-only score, or feature use (mean of t-only and s-only). */
export type H2Measure = 't_only' | 'feature_use';

/** The value of `measure` for one run. */
export function h2MeasureOf(row: Pick<H2Row, 's_only' | 't_only'>, measure: H2Measure): number {
  return measure === 't_only' ? row.t_only : (row.t_only + row.s_only) / 2;
}

/** Runs of tasks with at least two rates (the others carry no within-task evidence). */
export function h2TestableRows(rows: readonly H2Row[]): H2Row[] {
  const rates = new Map<number, Set<number>>();
  for (const r of rows) rates.set(r.task, (rates.get(r.task) ?? new Set()).add(r.rate));
  return rows.filter((r) => (rates.get(r.task)?.size ?? 0) >= 2);
}

/** One task's H2 correlations (a type alias so rows pass to `showTable`). */
export type H2TaskRow = { task: number; runs: number; 'rho (rate, t-only)': number; 'p (t-only)': number; 'rho (rate, feature use)': number; 'p (feature use)': number; method: string };

/** Per task: Spearman of the rate against the t-only score and against feature use (NaN where a variable is constant). */
export function h2PerTask(rows: readonly H2Row[]): H2TaskRow[] {
  const tasks = [...new Set(h2TestableRows(rows).map((r) => r.task))].sort((a, b) => a - b);
  return tasks.map((task) => {
    const group = rows.filter((r) => r.task === task);
    const x = group.map((r) => r.rate);
    const test = (measure: H2Measure) => {
      const y = group.map((r) => h2MeasureOf(r, measure));
      return group.length >= 3 && new Set(y).size > 1 ? spearman(x, y) : null;
    };
    const t = test('t_only');
    const u = test('feature_use');
    return { task, runs: group.length, 'rho (rate, t-only)': t?.statistic ?? NaN, 'p (t-only)': t?.pValue ?? NaN, 'rho (rate, feature use)': u?.statistic ?? NaN, 'p (feature use)': u?.pValue ?? NaN, method: t?.method ?? u?.method ?? 'none (constant score)' };
  });
}

/**
 * The pooled H2 test: the mean over tasks of the within-task Spearman rho of rate against
 * `measure`, with a two-sided stratified permutation p (rates permuted within each task). Null
 * when fewer than 3 runs are testable or the score is constant across every run.
 */
export function h2StratifiedTest(rows: readonly H2Row[], measure: H2Measure, rng: Rng, nPermutations = 9999): StratifiedPermutationResult | null {
  const testable = h2TestableRows(rows);
  const y = testable.map((r) => h2MeasureOf(r, measure));
  if (testable.length < 3 || new Set(y).size < 2) return null;
  return stratifiedPermutationTest(testable.map((r) => r.rate), y, testable.map((r) => r.task), { correlation: 'spearman', pooling: 'mean-within', alternative: 'two-sided', nPermutations }, rng);
}

/** A percentile bootstrap interval over tasks of H2's pooled statistic. */
export interface H2TaskInterval {
  readonly low: number;
  readonly high: number;
  /** Tasks resampled (those whose within-task correlation is defined). */
  readonly tasks: number;
  readonly nResamples: number;
}

/**
 * How large an average within-task effect the runs leave open: the 95 % percentile bootstrap
 * interval of the mean within-task rho, resampling TASKS with replacement (the statistic is a mean
 * over tasks, and tasks are the units the study's claim is about; Efron & Tibshirani 1993 ch. 13).
 * Seeds are not resampled: their noise is already inside each task's rho. Null with fewer than 2
 * tasks. All within-task rhos equal give a zero-width interval at that value.
 * @param test a 'mean-within' result of `h2StratifiedTest`
 */
export function h2TaskInterval(test: StratifiedPermutationResult, rng: Rng, nResamples = 9999): H2TaskInterval | null {
  if (test.pooling !== 'mean-within') throw new ConfigError(`test.pooling: '${test.pooling}'; the interval over tasks needs 'mean-within'`);
  const rhos = test.strata.flatMap((s) => (s.statistic === null ? [] : [s.statistic])); // [tasks]
  if (rhos.length < 2) return null;
  const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ci = bootstrapCi(rhos, meanOf, { method: 'percentile', nResamples }, rng);
  return { low: ci.low, high: ci.high, tasks: rhos.length, nResamples };
}
