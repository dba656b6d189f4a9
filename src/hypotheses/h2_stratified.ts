/**
 * H2 done per task (issue 15): within each task, Spearman's rho of the s-only rate against the
 * t-only score and against feature use; pooled by a stratified permutation test that permutes the
 * rates only within each task, so differences between tasks never count as evidence.
 */
import { mean, sampleStd, spearman, stratifiedPermutationTest, studentTQuantile, type StratifiedPermutationResult } from '../stats/index';
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

/** A 95 % interval over tasks of H2's pooled statistic (the mean of the within-task rhos). */
export interface H2TaskInterval {
  readonly low: number;
  readonly high: number;
  /** Tasks k whose within-task correlation is defined (the interval has k - 1 degrees of freedom). */
  readonly tasks: number;
}

/**
 * How large an average within-task effect the runs leave open: Student's t interval of the mean of
 * the k within-task rhos, mean -/+ t(k - 1, 0.975) s / sqrt(k), clipped to [-1, 1]. Tasks are the
 * units the claim is about, and there are few of them (9 or 10), where a percentile bootstrap over
 * tasks covers too little (its spread has the 1/k variance and normal quantiles: about 20 % narrower
 * than t's at k = 9); seeds enter only through each task's rho. Null with fewer than 2 tasks; zero
 * width when every task's rho is the same.
 * @param test a 'mean-within' result of `h2StratifiedTest`
 */
export function h2TaskInterval(test: StratifiedPermutationResult, confidenceLevel = 0.95): H2TaskInterval | null {
  if (test.pooling !== 'mean-within') throw new ConfigError(`test.pooling: '${test.pooling}'; the interval over tasks needs 'mean-within'`);
  const rhos = test.strata.flatMap((s) => (s.statistic === null ? [] : [s.statistic])); // [k]
  const k = rhos.length;
  if (k < 2) return null;
  const m = mean(rhos);
  const half = studentTQuantile(0.5 + confidenceLevel / 2, k - 1) * (sampleStd(rhos) / Math.sqrt(k));
  return { low: Math.max(-1, m - half), high: Math.min(1, m + half), tasks: k };
}

/** A stratified H2 test as the plans' tables and verdicts read it: statistic, p, runs, method and (where defined) its t interval over tasks. */
export function h2TestSummary(t: StratifiedPermutationResult): { statistic: number; pValue: number; n: number; method: string; low?: number; high?: number } {
  const ci = h2TaskInterval(t);
  return { statistic: t.statistic, pValue: t.pValue, n: t.strata.reduce((a, s) => a + s.n, 0), method: `stratified permutation (${t.method}, ${t.nStrataUsed} tasks)`, ...(ci ? { low: ci.low, high: ci.high } : {}) };
}
