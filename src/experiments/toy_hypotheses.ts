/**
 * H1 and H2 on the synthetic tasks (STUDY.md "Measures of feature use"): pure functions from
 * loaded MDL and RL results to the points, correlations and fitted curves the hypotheses notebook
 * shows. H1: relative extractability MDL(s)/MDL(t) (log) against the feature-use score at rate 0;
 * H2: s-only (and t-only) reward against the rate.
 */
import { fitBinomialGlm, kendall, pearson, predictBinomialGlm, spearman, SPEARMAN_EXACT_MAX_N, type CorrelationResult } from '../stats/index';
import type { ToyExtractabilityRow } from './toy_mdl_grid';
import type { ToyRlRun } from './toy_rl_grid';

/** One task of the H1 scatter. */
export type H1Point = { task: number; relMdl: number; relMdlSem: number | null; score: number; scoreSem: number; n: number };

/** Joins relative extractability and feature-use scores by task (tasks present in both). */
export function h1Points(extractability: readonly ToyExtractabilityRow[], use: readonly { task: number; score: number; sem: number; n: number }[]): H1Point[] {
  return extractability.flatMap((e) => {
    const u = use.find((x) => x.task === e.task);
    return u ? [{ task: e.task, relMdl: e.relMdl, relMdlSem: e.relMdlSem, score: u.score, scoreSem: u.sem, n: u.n }] : [];
  });
}

/** One test of an association, for a table. */
export type CorrelationRow = { test: string; statistic: number; pValue: number; n: number; method: string };

/**
 * Spearman (exact p for n <= 9, the permutation null over all n! pairings; else scipy's t
 * approximation), Kendall tau-b (scipy's rule: exact without ties for small n) and Pearson (exact
 * under bivariate normality) of `y` against `x`.
 */
export function correlationRows(x: readonly number[], y: readonly number[]): CorrelationRow[] {
  // Fewer than 3 points, or a constant variable, have no defined correlation test: no rows.
  if (x.length < 3 || new Set(x).size < 2 || new Set(y).size < 2) return [];
  const row = (test: string, r: CorrelationResult): CorrelationRow => ({ test, statistic: r.statistic, pValue: r.pValue, n: r.n, method: r.method });
  return [
    row('Spearman rho', spearman(x, y, { method: x.length <= SPEARMAN_EXACT_MAX_N ? 'exact' : 'auto' })),
    row('Kendall tau-b', kendall(x, y)),
    row('Pearson r', pearson(x, y)),
  ];
}

/** H1 statistics: correlations of the score with log relative extractability. */
export function h1Correlations(points: readonly H1Point[]): CorrelationRow[] {
  return correlationRows(points.map((p) => Math.log(p.relMdl)), points.map((p) => p.score));
}

/**
 * The study's logistic fit of the score (a fraction in [0, 1]) on log relative extractability
 * (binomial GLM with fractional responses), evaluated on `nGrid` points spanning the data; empty
 * when it cannot be fitted (fewer than 3 points, or no spread).
 */
export function h1Curve(points: readonly H1Point[], nGrid = 50): { relMdl: number; score: number }[] {
  if (points.length < 3) return [];
  const x = points.map((p) => Math.log(p.relMdl));
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  if (!(hi > lo)) return [];
  const fit = fitBinomialGlm(x, points.map((p) => Math.min(1, Math.max(0, p.score))));
  const grid = Array.from({ length: nGrid }, (_, i) => lo + ((hi - lo) * i) / (nGrid - 1));
  const pred = predictBinomialGlm(fit, grid);
  return grid.map((g, i) => ({ relMdl: Math.exp(g), score: pred.mean[i] }));
}

/** One run's H2 coordinates. */
export type H2Row = { task: number; rate: number; seed: number; s_only: number; t_only: number };

/** Every run as (rate, s-only reward, t-only reward). */
export function h2Rows(runs: readonly ToyRlRun[]): H2Row[] {
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, s_only: r.result.eval.s_only, t_only: r.result.eval.t_only }));
}

/** H2 statistics: s-only and t-only reward against the rate, pooled over tasks and seeds and per task. */
export function h2Correlations(rows: readonly H2Row[]): (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[] {
  const scopes: [string, readonly H2Row[]][] = [['pooled', rows], ...[...new Set(rows.map((r) => r.task))].sort((a, b) => a - b).map((t): [string, H2Row[]] => [`task ${t}`, rows.filter((r) => r.task === t)])];
  const out: (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[] = [];
  for (const [scope, group] of scopes) {
    if (group.length < 3 || new Set(group.map((r) => r.rate)).size < 2) continue;
    for (const partition of ['s_only', 't_only'] as const) {
      for (const r of correlationRows(group.map((g) => g.rate), group.map((g) => g[partition]))) out.push({ scope, partition, ...r });
    }
  }
  return out;
}

/** The smallest two-sided p-value an exact rank test (Spearman or Kendall, no ties) can give with n points: 2 / n!. */
export function minExactRankPValue(n: number): number {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return Math.min(1, 2 / factorial);
}

/** The `test` of a side-by-side row for an analysis that neither method could test. */
export const NO_TEST = 'none (fewer than 3 points, or no spread)';

/** One line of the RL-vs-SFT table: one test of one analysis, for both fine-tuning methods. */
export type SideBySideRow = { analysis: string; test: string; 'RL statistic': number; 'RL p': number; 'RL n': number; 'SFT statistic': number; 'SFT p': number; 'SFT n': number; method: string };

/**
 * Puts the tests of RL and SFT for one analysis side by side, one row per test present in either
 * (in the order Spearman, Kendall, Pearson); NaN and n = 0 where a method has no test, and one
 * {@link NO_TEST} row when neither has any. `method`
 * names how each p-value was obtained (`RL exact / SFT exact`, or one word when they agree).
 */
export function sideBySide(analysis: string, rl: readonly CorrelationRow[], sft: readonly CorrelationRow[]): SideBySideRow[] {
  const tests = [...new Set([...rl, ...sft].map((r) => r.test))];
  if (tests.length === 0) return [{ analysis, test: NO_TEST, 'RL statistic': NaN, 'RL p': NaN, 'RL n': 0, 'SFT statistic': NaN, 'SFT p': NaN, 'SFT n': 0, method: '-' }];
  return tests.map((test) => {
    const a = rl.find((r) => r.test === test);
    const b = sft.find((r) => r.test === test);
    const methods = [...new Set([a?.method, b?.method].filter((m): m is string => m !== undefined))];
    return {
      analysis,
      test,
      'RL statistic': a?.statistic ?? NaN,
      'RL p': a?.pValue ?? NaN,
      'RL n': a?.n ?? 0,
      'SFT statistic': b?.statistic ?? NaN,
      'SFT p': b?.pValue ?? NaN,
      'SFT n': b?.n ?? 0,
      method: methods.length === 1 ? methods[0] : `RL ${a?.method ?? '-'} / SFT ${b?.method ?? '-'}`,
    };
  });
}

/** The rows of several analyses, one table. */
export function sideBySideTable(analyses: readonly { analysis: string; rl: readonly CorrelationRow[]; sft: readonly CorrelationRow[] }[]): SideBySideRow[] {
  return analyses.flatMap((a) => sideBySide(a.analysis, a.rl, a.sft));
}

/** A feature-use score per task with its spread over seeds (RL: `toyRlFeatureUse`; SFT: `toySftFeatureUse`). */
export type FeatureUse = { task: number; score: number; sem: number; n: number };

/** The H1 scatter's points (`h1ScatterChart`): named tasks, error bars of ±1 SEM where it exists. */
export function h1ChartPoints(points: readonly H1Point[], name: (task: number) => string): { task: string; relMdl: number; score: number; lo?: number; hi?: number }[] {
  return points.map((p) => ({ task: name(p.task), relMdl: p.relMdl, score: p.score, ...(Number.isFinite(p.scoreSem) ? { lo: p.score - p.scoreSem, hi: p.score + p.scoreSem } : {}) }));
}

/** One task of the RL-vs-SFT feature-use table. */
export type FeatureUseRow = { task: string; design: string; 'MDL(s)/MDL(t)': number; 'RL use': number; 'RL sem': number; 'RL runs': number; 'SFT use': number; 'SFT sem': number; 'SFT runs': number };

/**
 * Relative extractability and both methods' feature use per task (tasks with an MDL row; NaN
 * where a method has no run), ordered by relative extractability.
 */
export function featureUseTable(
  extractability: readonly ToyExtractabilityRow[],
  rl: readonly FeatureUse[],
  sft: readonly FeatureUse[],
  name: (task: number) => string,
  design: (task: number) => string,
): FeatureUseRow[] {
  return [...extractability]
    .sort((a, b) => a.relMdl - b.relMdl)
    .map((e) => {
      const a = rl.find((u) => u.task === e.task);
      const b = sft.find((u) => u.task === e.task);
      return { task: name(e.task), design: design(e.task), 'MDL(s)/MDL(t)': e.relMdl, 'RL use': a?.score ?? NaN, 'RL sem': a?.sem ?? NaN, 'RL runs': a?.n ?? 0, 'SFT use': b?.score ?? NaN, 'SFT sem': b?.sem ?? NaN, 'SFT runs': b?.n ?? 0 };
    });
}

/** Lines of the H2 figure: the mean s-only and t-only score per rate over `rows` (tasks and seeds pooled), series `<prefix>s-only`, `<prefix>t-only`. */
export function h2MeansByRate(rows: readonly H2Row[], prefix = ''): { x: number; y: number; series: string }[] {
  const rates = [...new Set(rows.map((r) => r.rate))].sort((a, b) => a - b);
  return rates.flatMap((rate) =>
    (['s_only', 't_only'] as const).map((partition) => {
      const ys = rows.filter((r) => r.rate === rate).map((r) => r[partition]);
      return { x: rate, y: ys.reduce((a, b) => a + b, 0) / ys.length, series: `${prefix}${partition === 's_only' ? 's-only' : 't-only'}` };
    }),
  );
}

/** Lines of the per-task H2 figure: the mean `partition` score per rate and task (series = task name). */
export function h2MeansByTask(rows: readonly H2Row[], name: (task: number) => string, partition: 's_only' | 't_only' = 's_only'): { x: number; y: number; series: string }[] {
  const tasks = [...new Set(rows.map((r) => r.task))].sort((a, b) => a - b);
  return tasks.flatMap((task) => h2MeansByRate(rows.filter((r) => r.task === task)).filter((r) => r.series === (partition === 's_only' ? 's-only' : 't-only')).map((r) => ({ ...r, series: name(task) })));
}
