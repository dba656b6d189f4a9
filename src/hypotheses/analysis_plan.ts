/**
 * The analysis plan of the synthetic study (issue 15), declared before any result is read: which
 * test answers H1, which answers H2, which tests are secondary, and the families over which
 * p-values are Holm-adjusted (Holm 1979). Notebook 04 renders it first; its tables mark each test
 * primary or secondary and show the raw and the adjusted p.
 */
import { fisherZInterval, holmAdjustedPValues } from '../stats/index';

/** Ids of the planned tests. */
export type PlannedTestId =
  | 'h1-rl-p0-all'
  | 'h2-rl-tonly-stratified'
  | 'h1-rl-minrate-all'
  | 'h1-rl-p0-paper'
  | 'h1-sft-p0-all'
  | 'h2-rl-use-stratified'
  | 'h2-rl-tonly-balanced'
  | 'rl-minus-sft-h1';

/** One declared test. */
export interface PlannedTest {
  readonly id: PlannedTestId;
  readonly hypothesis: 'H1' | 'H2' | 'RL vs SFT';
  readonly role: 'primary' | 'secondary';
  /** What is tested, on which runs. */
  readonly test: string;
  /** How its p-value (or interval) is obtained. */
  readonly method: string;
  /** The Holm family it is adjusted in; null for an interval without a p-value. */
  readonly family: 'primary' | 'secondary' | null;
}

/** Family-wise level of both families. */
export const PLAN_ALPHA = 0.05;

/** The plan, in the order the tables list it. */
export const ANALYSIS_PLAN: readonly PlannedTest[] = Object.freeze([
  {
    id: 'h1-rl-p0-all',
    hypothesis: 'H1',
    role: 'primary',
    test: "Spearman's rho between log relative extractability MDL(s)/MDL(t) and RL feature use (mean of t-only and s-only reward, mean over seeds) at p = 0, over all task pairs (the paper's four and the extension pairs)",
    method: 'exact two-sided permutation p over all n! pairings (n <= 9), else t approximation',
    family: 'primary',
  },
  {
    id: 'h2-rl-tonly-stratified',
    hypothesis: 'H2',
    role: 'primary',
    test: "per task Spearman's rho between the s-only rate and the RL t-only reward of each run, averaged over tasks; runs of every task with more than one rate",
    method: 'stratified permutation test, rates permuted within each task (two-sided; exact when the permutations number <= 9,999, else 9,999 Monte Carlo)',
    family: 'primary',
  },
  {
    id: 'h1-rl-minrate-all',
    hypothesis: 'H1',
    role: 'secondary',
    test: 'as the primary H1 test, at the smallest non-zero rate',
    method: 'exact two-sided permutation p',
    family: 'secondary',
  },
  {
    id: 'h1-rl-p0-paper',
    hypothesis: 'H1',
    role: 'secondary',
    test: "as the primary H1 test, on the paper's four tasks only (the smallest attainable p is 2/4! = 0.083)",
    method: 'exact two-sided permutation p',
    family: 'secondary',
  },
  {
    id: 'h1-sft-p0-all',
    hypothesis: 'H1',
    role: 'secondary',
    test: 'as the primary H1 test, with the supervised (Lovering) baseline: 1 - mean(s-only, t-only error) at p = 0',
    method: 'exact two-sided permutation p',
    family: 'secondary',
  },
  {
    id: 'h2-rl-use-stratified',
    hypothesis: 'H2',
    role: 'secondary',
    test: 'as the primary H2 test, with RL feature use (mean of t-only and s-only reward) instead of the t-only reward',
    method: 'stratified permutation test, rates permuted within each task',
    family: 'secondary',
  },
  {
    id: 'h2-rl-tonly-balanced',
    hypothesis: 'H2',
    role: 'secondary',
    test: 'label-balanced ablation: the primary H2 test on runs at p = 0 and the largest rate whose training sets keep the label-1 share at 50 %',
    method: 'stratified permutation test, rates permuted within each task',
    family: 'secondary',
  },
  {
    id: 'rl-minus-sft-h1',
    hypothesis: 'RL vs SFT',
    role: 'secondary',
    test: 'difference of the H1 Spearman correlations, RL minus SFT, over all task pairs at p = 0',
    method: '95 % percentile bootstrap interval over seeds (resampled within each task and method); no p-value',
    family: null,
  },
] satisfies PlannedTest[]);

/**
 * The H1 and H2 intervals, added to the plans after the first results (2026-12-07): descriptions,
 * not tests, so no p-value and no adjustment changes.
 */
export const PLAN_INTERVALS_NOTE =
  "Added after the first results (2026-12-07), as descriptions rather than tests: each H1 rho comes with a 95 % interval by Fisher's z with Bonett and Wright's (2000) standard error for Spearman's rho, sqrt((1 + rho^2 / 2) / (n - 3)) (none when |rho| = 1 or n < 4); each H2 statistic, a mean over k tasks of within-task correlations, with Student's t interval over tasks (mean -/+ t(k - 1, 0.975) s / sqrt(k), clipped to [-1, 1]), so a result that is not shown also says how large an effect the runs leave open. They change no p-value and no adjustment.";

/**
 * The descriptive 95 % interval of an H1 Spearman rho over n task pairs (`PLAN_INTERVALS_NOTE`):
 * Fisher z with the Bonett-Wright standard error; {} when |rho| = 1 (degenerate) or n < 4.
 */
export function h1Interval(rho: number, n: number): { low?: number; high?: number } {
  if (n < 4 || Math.abs(rho) >= 1 || !Number.isFinite(rho)) return {};
  const ci = fisherZInterval(rho, n, { standardError: 'bonettWright' });
  return { low: ci.low, high: ci.high };
}

/**
 * Why the primary H2 measure is the t-only reward: with the study's training sets the label-0 share
 * grows with the rate (75 % at p = 0.5), so a policy that always answers "label 0" gains s-only
 * reward, and feature use, without using either feature; it cannot gain t-only reward (label 1).
 */
export const H2_MEASURE_REASON =
  'The t-only reward is the primary H2 measure because it cannot rise by answering label 0 more often: the study\'s training sets hold more label-0 prompts as the rate grows (75 % at p = 0.5), which alone raises the s-only reward and feature use.';

/** The plan as a markdown table (notebook 04 shows it before any result). */
export function analysisPlanMarkdown(plan: readonly PlannedTest[] = ANALYSIS_PLAN): string {
  const rows = plan.map((t) => `| ${t.role} | ${t.hypothesis} | ${t.test} | ${t.method} | ${t.family === null ? 'none (interval)' : `Holm, ${t.family} family`} |`);
  return [
    '| role | hypothesis | test | p-value | multiplicity |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Holm's step-down adjustment is applied within each family (the ${plan.filter((t) => t.family === 'primary').length} primary tests; the ${plan.filter((t) => t.family === 'secondary').length} secondary tests), at a family-wise level of ${PLAN_ALPHA}. ${H2_MEASURE_REASON} ${PLAN_INTERVALS_NOTE}`,
  ].join('\n');
}

/** The outcome of one planned test (statistic NaN and p null where it could not be run). */
export type PlannedResult = { id: PlannedTestId; statistic: number; pValue: number | null; n: number; method: string; low?: number; high?: number };

/** A result's interval as a table cell, `[low, high]` to 3 decimals, '' without one. */
export function ciCell(r: { low?: number; high?: number } | undefined): string {
  return r && r.low !== undefined && r.high !== undefined ? `[${r.low.toFixed(3)}, ${r.high.toFixed(3)}]` : '';
}

/** One row of the results table (a type alias so it passes to `showTable`). */
export type PlanResultRow = { role: string; hypothesis: string; test: PlannedTestId; statistic: number; n: number; 'p (raw)': number; 'p (Holm)': number; '95% CI': string; method: string };

/**
 * The planned tests with their results: raw p and Holm-adjusted p within each family (a test
 * without a result, or without a p-value, is left out of its family's adjustment and shows NaN).
 */
export function planResultTable(results: readonly PlannedResult[], plan: readonly PlannedTest[] = ANALYSIS_PLAN): PlanResultRow[] {
  const adjusted = new Map<PlannedTestId, number>();
  for (const family of ['primary', 'secondary'] as const) {
    const members = plan.filter((t) => t.family === family).map((t) => results.find((r) => r.id === t.id)).filter((r): r is PlannedResult & { pValue: number } => r !== undefined && r.pValue !== null && Number.isFinite(r.pValue));
    const holm = holmAdjustedPValues(members.map((r) => r.pValue));
    members.forEach((r, i) => adjusted.set(r.id, holm[i]));
  }
  return plan.map((t) => {
    const r = results.find((x) => x.id === t.id);
    return { role: t.role, hypothesis: t.hypothesis, test: t.id, statistic: r?.statistic ?? NaN, n: r?.n ?? 0, 'p (raw)': r?.pValue ?? NaN, 'p (Holm)': adjusted.get(t.id) ?? NaN, '95% CI': ciCell(r), method: r?.method ?? 'not run (no runs at this preset)' };
  });
}
