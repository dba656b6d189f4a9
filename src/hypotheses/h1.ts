/**
 * H1 and H2 on the synthetic tasks (docs/study.md "Measures of feature use"): pure functions from
 * loaded MDL and RL results to the points, correlations and fitted curves the hypotheses notebook
 * shows. H1: relative extractability MDL(s)/MDL(t) (log) against the feature-use score at rate 0;
 * H2: s-only (and t-only) reward against the rate.
 */
import { fitBinomialGlm, kendall, pearson, predictBinomialGlm, spearman, SPEARMAN_EXACT_MAX_N } from '../stats/index';
import type { TaskExtractabilityRow } from './runs';


import { type CorrelationResult } from '../stats/correlation';
/** One task of the H1 scatter. */
export type H1Point = { task: number; relMdl: number; relMdlSem: number | null; score: number; scoreSem: number; n: number };

/** Joins relative extractability and feature-use scores by task (tasks present in both). */
export function h1Points(extractability: readonly TaskExtractabilityRow[], use: readonly { task: number; score: number; sem: number; n: number }[]): H1Point[] {
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

/** The smallest two-sided p-value an exact rank test (Spearman or Kendall, no ties) can give with n points: 2 / n!. */
export function minExactRankPValue(n: number): number {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return Math.min(1, 2 / factorial);
}

/** The `test` of a side-by-side row for an analysis that neither method could test. */
export const NO_TEST = 'none (fewer than 3 points, or no spread)';

/** The H1 scatter's points (`h1ScatterChart`): named tasks, error bars of ±1 SEM where it exists. */
export function h1ChartPoints(points: readonly H1Point[], name: (task: number) => string): { task: string; relMdl: number; score: number; lo?: number; hi?: number }[] {
  return points.map((p) => ({ task: name(p.task), relMdl: p.relMdl, score: p.score, ...(Number.isFinite(p.scoreSem) ? { lo: p.score - p.scoreSem, hi: p.score + p.scoreSem } : {}) }));
}
