/**
 * The declared analysis of the synthetic study (analysis_plan.ts) from loaded runs: every planned
 * test, the Holm-adjusted table, the H1 points with their seed intervals, the per-task H2 rows, the
 * RL-minus-SFT interval, convergence, and the verdicts. Notebook 04 and `npm run results` both call
 * it, so the notebook's sentences and the README's paragraph come from the same numbers.
 */
import { SPEARMAN_EXACT_MAX_N, spearman, type SeedMeanInterval, type TaskSeedValues } from '../stats/index';
import { createRng } from '../util/rng';
import { h1Interval, planResultTable, type PlannedResult, type PlanResultRow } from './analysis_plan';
import { convergenceSummary, runConvergence, type ConvergenceRow } from './convergence';
import { featureUseIntervals, h1IntervalRows, rlFeatureUseBySeed, sftFeatureUseBySeed, type H1IntervalRow } from './feature_use_intervals';
import { h2Rows } from './h2';
import { h2PerTask, h2StratifiedTest, h2TestSummary, type H2TaskRow } from './h2_stratified';
import { rlMinusSftH1 } from './rl_vs_sft';
import type { RlRun, SftRun, TaskExtractabilityRow } from './runs';
import { h1Verdict, h2Verdict, rlVsSftVerdict, type TestOutcome } from './verdict';

/** The loaded runs the analysis reads. */
export interface SyntheticInputs {
  /** Relative extractability of every task pair (paper tasks and extension). */
  readonly extractability: readonly TaskExtractabilityRow[];
  /** RL runs on the study's training sets (paper grid and extension). */
  readonly rl: readonly RlRun[];
  /** SFT runs on the study's training sets. */
  readonly sft: readonly SftRun[];
  /** RL runs on label-balanced training sets (the ablation's largest rate). */
  readonly rlBalanced: readonly RlRun[];
  /** The paper's task ids (1, 2, 3, 5). */
  readonly paperTasks: readonly number[];
}

/** Resampling sizes and the analysis seed. */
export interface SyntheticAnalysisOptions {
  readonly nResamples?: number;
  readonly nPermutations?: number;
  readonly seed?: string;
}

/** Everything notebook 04 and the results paragraph show. */
export interface SyntheticAnalysis {
  readonly results: readonly PlannedResult[];
  readonly table: readonly PlanResultRow[];
  readonly h1: readonly H1IntervalRow[];
  readonly rlUseBySeed: readonly TaskSeedValues[];
  readonly rlUseIntervals: readonly SeedMeanInterval[];
  readonly h2PerTask: readonly H2TaskRow[];
  readonly convergence: readonly ConvergenceRow[];
  readonly convergenceSummary: ReturnType<typeof convergenceSummary>;
  /**
   * Sensitivity check, not in the declared plan (no Holm adjustment): the primary H1 test on the
   * p = 0 RL runs that met the convergence criterion only; null when fewer than 3 tasks keep a run.
   */
  readonly h1Converged: { readonly statistic: number; readonly pValue: number | null; readonly n: number; readonly method: string; readonly runsKept: number; readonly runsTotal: number } | null;
  readonly minNonZeroRate: number | null;
  readonly seedsPerTask: { min: number; max: number };
  readonly verdicts: { readonly h1: string; readonly h2: string; readonly rlVsSft: string };
}

/** Spearman of feature use per task (seed means) against log relative extractability, as a planned result; null below 3 tasks or without spread. */
export function h1Test(id: PlannedResult['id'], extractability: readonly TaskExtractabilityRow[], use: readonly TaskSeedValues[], tasks?: readonly number[]): PlannedResult | null {
  const pts = extractability.flatMap((e) => {
    const u = use.find((t) => t.task === e.task);
    return u && u.values.length > 0 && (!tasks || tasks.includes(e.task)) ? [{ x: Math.log(e.relMdl), y: u.values.reduce((a, b) => a + b, 0) / u.values.length }] : [];
  });
  if (pts.length < 3 || new Set(pts.map((p) => p.x)).size < 2 || new Set(pts.map((p) => p.y)).size < 2) return null;
  const r = spearman(pts.map((p) => p.x), pts.map((p) => p.y), { method: pts.length <= SPEARMAN_EXACT_MAX_N ? 'exact' : 'auto' });
  return { id, statistic: r.statistic, pValue: r.pValue, n: r.n, method: r.method, ...h1Interval(r.statistic, r.n) };
}

/** Runs every planned test on `inputs`; deterministic for a given `opts.seed`. */
export function analyseSynthetic(inputs: SyntheticInputs, opts: SyntheticAnalysisOptions = {}): SyntheticAnalysis {
  const nResamples = opts.nResamples ?? 2000;
  const nPermutations = opts.nPermutations ?? 9999;
  const rng = createRng(opts.seed ?? 'synthetic-analysis');
  const rates = [...new Set(inputs.rl.map((r) => r.rate))].sort((a, b) => a - b);
  const minNonZeroRate = rates.find((r) => r > 0) ?? null;
  const rlUseBySeed = rlFeatureUseBySeed(inputs.rl, 0);
  const sftUseBySeed = sftFeatureUseBySeed(inputs.sft, 0);
  const rlUseIntervals = featureUseIntervals(rlUseBySeed, rng.child('use-intervals'), nResamples);

  const results: PlannedResult[] = [];
  const push = (r: PlannedResult | null) => r && results.push(r);
  push(h1Test('h1-rl-p0-all', inputs.extractability, rlUseBySeed));
  const h2 = h2Rows(inputs.rl);
  const stratified = (id: PlannedResult['id'], rows: typeof h2, measure: 't_only' | 'feature_use', label: string) => {
    const t = h2StratifiedTest(rows, measure, rng.child(label), nPermutations);
    if (t) push({ id, ...h2TestSummary(t) });
  };
  stratified('h2-rl-tonly-stratified', h2, 't_only', 'h2-primary');
  if (minNonZeroRate !== null) push(h1Test('h1-rl-minrate-all', inputs.extractability, rlFeatureUseBySeed(inputs.rl, minNonZeroRate)));
  push(h1Test('h1-rl-p0-paper', inputs.extractability, rlUseBySeed, inputs.paperTasks));
  push(h1Test('h1-sft-p0-all', inputs.extractability, sftUseBySeed));
  stratified('h2-rl-use-stratified', h2, 'feature_use', 'h2-use');
  // The ablation: p = 0 (where the study's sets are already balanced) and the balanced runs' rate, same tasks.
  const balancedTasks = new Set(inputs.rlBalanced.map((r) => r.task));
  const ablation = h2Rows([...inputs.rl.filter((r) => r.rate === 0 && balancedTasks.has(r.task)), ...inputs.rlBalanced]);
  stratified('h2-rl-tonly-balanced', ablation, 't_only', 'h2-balanced');
  const diff = rlMinusSftH1(inputs.extractability, rlUseBySeed, sftUseBySeed, rng.child('rl-minus-sft'), nResamples);
  if (diff) results.push({ id: 'rl-minus-sft-h1', statistic: diff.estimate, pValue: null, n: diff.tasks, method: `percentile bootstrap over seeds, B = ${diff.nResamples}`, low: diff.low, high: diff.high });

  const table = planResultTable(results);
  const outcome = (id: PlannedResult['id']): TestOutcome | null => {
    const row = table.find((r) => r.test === id);
    const res = results.find((r) => r.id === id);
    return row && res ? { statistic: res.statistic, pValue: res.pValue, pHolm: row['p (Holm)'], n: res.n, low: res.low, high: res.high } : null;
  };
  const convergence = runConvergence([...inputs.rl, ...inputs.rlBalanced]);
  const p0Runs = inputs.rl.filter((r) => r.rate === 0);
  const convergedP0 = new Set(runConvergence(p0Runs).filter((r) => r.converged).map((r) => `${r.task}/${r.seed}`));
  const keptP0 = p0Runs.filter((r) => convergedP0.has(`${r.task}/${r.seed}`));
  const h1c = h1Test('h1-rl-p0-all', inputs.extractability, rlFeatureUseBySeed(keptP0, 0));
  const counts = rlUseBySeed.map((t) => t.values.length);
  return {
    results,
    table,
    h1: h1IntervalRows(inputs.extractability, rlUseIntervals),
    rlUseBySeed,
    rlUseIntervals,
    h2PerTask: h2PerTask(h2),
    convergence,
    convergenceSummary: convergenceSummary(convergence),
    h1Converged: h1c && { statistic: h1c.statistic, pValue: h1c.pValue, n: h1c.n, method: h1c.method, runsKept: keptP0.length, runsTotal: p0Runs.length },
    minNonZeroRate,
    seedsPerTask: { min: counts.length ? Math.min(...counts) : 0, max: counts.length ? Math.max(...counts) : 0 },
    verdicts: { h1: h1Verdict(outcome('h1-rl-p0-all')), h2: h2Verdict(outcome('h2-rl-tonly-stratified')), rlVsSft: rlVsSftVerdict(diff) },
  };
}
