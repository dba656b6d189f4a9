/**
 * The declared analysis of the natural-language study (issue 16), mirroring the synthetic one
 * (analysis_plan.ts, synthetic_analysis.ts): the plan is fixed before any result is read; the
 * primary H1 and H2 tests run on the runs that pass the strict "learned the task" filter
 * (language_filters.ts), the same tests on all runs and on the study's filter are secondary, and
 * Holm's adjustment is applied within each family. Pure: loaded runs in, tables and sentences out.
 */
import { holmAdjustedPValues, spearman, SPEARMAN_EXACT_MAX_N, type SeedMeanInterval, type TaskSeedValues } from '../stats/index';
import { mean } from '../stats/describe';
import { createRng } from '../util/rng';
import { ciCell, h1Interval, PLAN_ALPHA, PLAN_INTERVALS_NOTE } from './analysis_plan';
import { featureUseIntervals, rlFeatureUseBySeed, sftFeatureUseBySeed } from './feature_use_intervals';
import { h2Rows } from './h2';
import { h2PerTask, h2StratifiedTest, h2TestSummary, type H2TaskRow } from './h2_stratified';
import { keepLearnedRuns, strictPassAtP0, type FilterableRun, type StrictPassAtP0 } from './language_filters';
import { rlMinusSftH1 } from './rl_vs_sft';
import type { RlRun, RlRunResult, SftRun, TaskExtractabilityRow } from './runs';
import { formatStat, h1IntervalClause, rlVsSftVerdict, h2IntervalClause, h2OpenEffectSentence, verdictKind, type TestOutcome } from './verdict';

/** Ids of the planned language tests. */
export type LanguageTestId = 'lang-h1-p0-strict' | 'lang-h2-tonly-strict' | 'lang-h1-p0-all' | 'lang-h1-p0-study' | 'lang-h2-tonly-all' | 'lang-h1-sft-p0';

/** One declared language test. */
export interface LanguagePlannedTest {
  readonly id: LanguageTestId;
  readonly hypothesis: 'H1' | 'H2';
  readonly role: 'primary' | 'secondary';
  readonly runs: string;
  readonly test: string;
  readonly method: string;
}

const H1_TEST = "Spearman's rho between log relative extractability MDL(s)/MDL(t) (pre-trained model) and RL feature use (mean of the normalised t-only and s-only scores, mean over seeds) at p = 0, over all language tasks";
const H1_METHOD = 'exact two-sided permutation p over all n! pairings (n <= 9), else t approximation';
const H2_TEST = "per task Spearman's rho between the s-only rate and the normalised t-only score of each run, averaged over tasks with runs at two or more rates";
const H2_METHOD = 'stratified permutation test, rates permuted within each task (two-sided; exact when the permutations number <= 9,999, else 9,999 Monte Carlo)';

/** The plan, in the order the tables list it. */
export const LANGUAGE_ANALYSIS_PLAN: readonly LanguagePlannedTest[] = Object.freeze([
  { id: 'lang-h1-p0-strict', hypothesis: 'H1', role: 'primary', runs: 'strict filter (both and neither >= 0.7)', test: H1_TEST, method: H1_METHOD },
  { id: 'lang-h2-tonly-strict', hypothesis: 'H2', role: 'primary', runs: 'strict filter (both and neither >= 0.7)', test: H2_TEST, method: H2_METHOD },
  { id: 'lang-h1-p0-all', hypothesis: 'H1', role: 'secondary', runs: 'all runs', test: 'as the primary H1 test', method: H1_METHOD },
  { id: 'lang-h1-p0-study', hypothesis: 'H1', role: 'secondary', runs: "the study's filter (neither >= 0.7)", test: 'as the primary H1 test', method: H1_METHOD },
  { id: 'lang-h2-tonly-all', hypothesis: 'H2', role: 'secondary', runs: 'all runs', test: 'as the primary H2 test', method: H2_METHOD },
  { id: 'lang-h1-sft-p0', hypothesis: 'H1', role: 'secondary', runs: 'all SFT runs', test: 'as the primary H1 test, with the supervised (Lovering) baseline: 1 - mean(s-only, t-only error) at p = 0', method: H1_METHOD },
] satisfies LanguagePlannedTest[]);

/** The plan as a markdown table (notebook 08 shows it before any result). */
export function languagePlanMarkdown(plan: readonly LanguagePlannedTest[] = LANGUAGE_ANALYSIS_PLAN): string {
  const count = (role: string) => plan.filter((t) => t.role === role).length;
  return [
    '| role | hypothesis | runs | test | p-value |',
    '|---|---|---|---|---|',
    ...plan.map((t) => `| ${t.role} | ${t.hypothesis} | ${t.runs} | ${t.test} | ${t.method} |`),
    '',
    `Holm's step-down adjustment is applied within each family (the ${count('primary')} primary tests; the ${count('secondary')} secondary tests), at a family-wise level of ${PLAN_ALPHA}. The primary tests use the runs in which the policy learned the task (it follows the label on both unambiguous partitions); without that, a policy that writes negatively whatever the prompt passes the study's filter at p = 0.5, where 75 % of the training prompts carry label 0. ${PLAN_INTERVALS_NOTE}`,
  ].join('\n');
}

/** The outcome of one planned test (statistic NaN and p null where it could not be run). */
export type LanguageTestResult = { id: LanguageTestId; statistic: number; pValue: number | null; n: number; method: string; low?: number; high?: number };

/** One row of the results table (a type alias so it passes to `showTable`). */
export type LanguagePlanRow = { role: string; hypothesis: string; test: LanguageTestId; runs: string; statistic: number; n: number; 'p (raw)': number; 'p (Holm)': number; '95% CI': string; method: string };

/** The planned tests with raw p and Holm-adjusted p within each family (a test without a p is left out of the adjustment and shows NaN). */
export function languagePlanTable(results: readonly LanguageTestResult[], plan: readonly LanguagePlannedTest[] = LANGUAGE_ANALYSIS_PLAN): LanguagePlanRow[] {
  const adjusted = new Map<LanguageTestId, number>();
  for (const role of ['primary', 'secondary'] as const) {
    const members = plan.filter((t) => t.role === role).map((t) => results.find((r) => r.id === t.id)).filter((r): r is LanguageTestResult & { pValue: number } => r !== undefined && r.pValue !== null && Number.isFinite(r.pValue));
    const holm = holmAdjustedPValues(members.map((r) => r.pValue));
    members.forEach((r, i) => adjusted.set(r.id, holm[i]));
  }
  return plan.map((t) => {
    const r = results.find((x) => x.id === t.id);
    return { role: t.role, hypothesis: t.hypothesis, test: t.id, runs: t.runs, statistic: r?.statistic ?? NaN, n: r?.n ?? 0, 'p (raw)': r?.pValue ?? NaN, 'p (Holm)': adjusted.get(t.id) ?? NaN, '95% CI': ciCell(r), method: r?.method ?? 'not run (fewer than 3 tasks with runs, or no spread)' };
  });
}

/** Spearman of per-task mean feature use against log relative extractability; null below 3 tasks or without spread. */
export function languageH1Test(id: LanguageTestId, extractability: readonly TaskExtractabilityRow[], use: readonly TaskSeedValues[]): LanguageTestResult | null {
  const pts = extractability.flatMap((e) => {
    const u = use.find((t) => t.task === e.task);
    return u && u.values.length > 0 ? [{ x: Math.log(e.relMdl), y: u.values.reduce((a, b) => a + b, 0) / u.values.length }] : [];
  });
  if (pts.length < 3 || new Set(pts.map((p) => p.x)).size < 2 || new Set(pts.map((p) => p.y)).size < 2) return null;
  const r = spearman(pts.map((p) => p.x), pts.map((p) => p.y), { method: pts.length <= SPEARMAN_EXACT_MAX_N ? 'exact' : 'auto' });
  return { id, statistic: r.statistic, pValue: r.pValue, n: r.n, method: r.method, ...h1Interval(r.statistic, r.n) };
}

/** A language RL run as the analysis reads it. */
export type LanguageAnalysisRun = RlRun<RlRunResult & FilterableRun['result']>;

/** The loaded runs the language analysis reads. */
export interface LanguageInputs {
  readonly extractability: readonly TaskExtractabilityRow[];
  readonly rl: readonly LanguageAnalysisRun[];
  readonly sft: readonly SftRun[];
}

/** One task's H1 point: relative extractability and the mean feature use at p = 0 over the seeds found (null without runs). */
export interface LanguageH1Point {
  readonly task: number;
  /** MDL(s)/MDL(t) on the pre-trained model. */
  readonly relMdl: number;
  /** RL feature use at p = 0, all runs, mean over seeds. */
  readonly rlUse: number | null;
  readonly rlSeeds: number;
  /** The 95 % percentile bootstrap interval of `rlUse` over seeds (`analyseLanguage`; absent with fewer than 2 seeds). */
  readonly rlLow?: number;
  readonly rlHigh?: number;
  /** SFT feature use at p = 0 (1 - mean(s-only, t-only error)), mean over seeds. */
  readonly sftUse: number | null;
  readonly sftSeeds: number;
}

/** The H1 points of every task with an extractability row, by relative extractability. */
export function languageH1Points(inputs: LanguageInputs): LanguageH1Point[] {
  const rl = rlFeatureUseBySeed(inputs.rl, 0);
  const sft = sftFeatureUseBySeed(inputs.sft, 0);
  const meanOrNull = (xs: readonly number[] | undefined) => (xs && xs.length > 0 ? mean(xs) : null);
  return [...inputs.extractability]
    .sort((a, b) => a.relMdl - b.relMdl || a.task - b.task)
    .map((e) => {
      const r = rl.find((t) => t.task === e.task)?.values;
      const s = sft.find((t) => t.task === e.task)?.values;
      return { task: e.task, relMdl: e.relMdl, rlUse: meanOrNull(r), rlSeeds: r?.length ?? 0, sftUse: meanOrNull(s), sftSeeds: s?.length ?? 0 };
    });
}

/** The H1 points with the RL feature use's bootstrap interval over seeds where a task has 2 or more seeds. */
function withUseIntervals(points: readonly LanguageH1Point[], intervals: readonly SeedMeanInterval[]): LanguageH1Point[] {
  return points.map((p) => {
    const ci = intervals.find((i) => i.task === p.task);
    return ci && ci.low !== null && ci.high !== null ? { ...p, rlLow: ci.low, rlHigh: ci.high } : p;
  });
}

/** Everything notebook 08 and the README paragraph show. */
export interface LanguageAnalysis {
  readonly results: readonly LanguageTestResult[];
  /** Per task: relative extractability, RL and SFT feature use at p = 0. */
  readonly h1Points: readonly LanguageH1Point[];
  readonly table: readonly LanguagePlanRow[];
  readonly h2PerTaskStrict: readonly H2TaskRow[];
  readonly h2PerTaskAll: readonly H2TaskRow[];
  /** Runs kept by the strict filter, and in all. */
  readonly kept: { strict: number; study: number; all: number };
  /** The p = 0 runs that pass the strict filter, against `STRICT_PASS_GOAL_AT_P0`. */
  readonly strictAtP0: StrictPassAtP0;
  readonly tasks: number;
  /** rho(RL) - rho(SFT) of the H1 correlation at p = 0 (strict-filter RL runs, all SFT runs), with its 95 % bootstrap interval over seeds; null with fewer than 3 tasks. */
  readonly rlMinusSft: ReturnType<typeof rlMinusSftH1>;
  readonly verdicts: { readonly h1: string; readonly h2: string; readonly rlVsSft: string };
}

/** Runs every planned language test; deterministic for a given seed. */
export function analyseLanguage(inputs: LanguageInputs, opts: { nPermutations?: number; nResamples?: number; seed?: string } = {}): LanguageAnalysis {
  const nPermutations = opts.nPermutations ?? 9999;
  const nResamples = opts.nResamples ?? 2000;
  const rng = createRng(opts.seed ?? 'language-analysis');
  const strict = keepLearnedRuns(inputs.rl, 'strict');
  const study = keepLearnedRuns(inputs.rl, 'study');
  const results: LanguageTestResult[] = [];
  const push = (r: LanguageTestResult | null) => r && results.push(r);
  const h2 = (id: LanguageTestId, runs: readonly LanguageAnalysisRun[]) => {
    const t = h2StratifiedTest(h2Rows(runs), 't_only', rng.child(id), nPermutations);
    if (t) push({ id, ...h2TestSummary(t) });
  };
  push(languageH1Test('lang-h1-p0-strict', inputs.extractability, rlFeatureUseBySeed(strict, 0)));
  h2('lang-h2-tonly-strict', strict);
  push(languageH1Test('lang-h1-p0-all', inputs.extractability, rlFeatureUseBySeed(inputs.rl, 0)));
  push(languageH1Test('lang-h1-p0-study', inputs.extractability, rlFeatureUseBySeed(study, 0)));
  h2('lang-h2-tonly-all', inputs.rl);
  push(languageH1Test('lang-h1-sft-p0', inputs.extractability, sftFeatureUseBySeed(inputs.sft, 0)));
  // RL against SFT as one quantity, as in the synthetic half: not a planned test (no p, no Holm), an interval.
  const diff = rlMinusSftH1(inputs.extractability, rlFeatureUseBySeed(strict, 0), sftFeatureUseBySeed(inputs.sft, 0), rng.child('rl-minus-sft'), nResamples);
  const table = languagePlanTable(results);
  const outcome = (id: LanguageTestId): TestOutcome | null => {
    const row = table.find((r) => r.test === id);
    const res = results.find((r) => r.id === id);
    return row && res ? { statistic: res.statistic, pValue: res.pValue, pHolm: row['p (Holm)'], n: res.n, low: res.low, high: res.high } : null;
  };
  return {
    results,
    h1Points: withUseIntervals(languageH1Points(inputs), featureUseIntervals(rlFeatureUseBySeed(inputs.rl, 0), rng.child('use-intervals'), nResamples)),
    table,
    h2PerTaskStrict: h2PerTask(h2Rows(strict)),
    h2PerTaskAll: h2PerTask(h2Rows(inputs.rl)),
    kept: { strict: strict.length, study: study.length, all: inputs.rl.length },
    strictAtP0: strictPassAtP0(inputs.rl),
    tasks: new Set(inputs.rl.map((r) => r.task)).size,
    rlMinusSft: diff,
    verdicts: { h1: languageH1Verdict(outcome('lang-h1-p0-strict')), h2: languageH2Verdict(outcome('lang-h2-tonly-strict')), rlVsSft: rlVsSftVerdict(diff, 'tasks') },
  };
}

/** One sentence on the primary language H1 test. */
export function languageH1Verdict(o: TestOutcome | null, alpha = PLAN_ALPHA): string {
  const kind = verdictKind(o, alpha);
  if (kind === 'not tested' || !o) return 'Language H1 could not be tested: fewer than 3 tasks have a run at p = 0 that learned the task (strict filter), or there is no spread.';
  const nums = `Spearman's rho = ${formatStat(o.statistic)} over ${o.n} tasks (runs passing the strict filter)${h1IntervalClause(o)}, exact p = ${formatStat(o.pValue as number)}, Holm-adjusted p = ${formatStat(o.pHolm)}`;
  if (kind === 'supported') return `**Language H1 is supported**: the more extractable the target relative to the spurious feature, the more the RL policy uses it (${nums}; level ${alpha}).`;
  if (kind === 'contradicted') return `**The language data contradict H1**: feature use falls as relative extractability rises (${nums}; level ${alpha}).`;
  return `**Language H1 is not shown** at family-wise level ${alpha}: ${nums}. This does not show that extractability has no effect; the test could not tell one apart from no association.`;
}

/** One sentence on the primary language H2 test. */
export function languageH2Verdict(o: TestOutcome | null, alpha = PLAN_ALPHA): string {
  const kind = verdictKind(o, alpha);
  if (kind === 'not tested' || !o) return 'Language H2 could not be tested: no task has runs that learned the task (strict filter) at two or more rates, or the t-only score is constant.';
  const nums = `mean within-task Spearman rho of rate and t-only score = ${formatStat(o.statistic)} over ${o.n} runs (strict filter)${h2IntervalClause(o)}, stratified permutation p = ${formatStat(o.pValue as number)}, Holm-adjusted p = ${formatStat(o.pHolm)}`;
  if (kind === 'supported') return `**Language H2 is supported**: within a task, more s-only counter-examples give a higher t-only score (${nums}; level ${alpha}).`;
  if (kind === 'contradicted') return `**The language data contradict H2**: within a task, the t-only score falls as the rate rises (${nums}; level ${alpha}).`;
  return `**Language H2 is not shown** at family-wise level ${alpha}: ${nums}.${h2OpenEffectSentence(o)}`;
}
