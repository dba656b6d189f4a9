/**
 * The README's language results paragraph, generated from the declared language analysis
 * (language_analysis.ts), never typed: the text between `<!-- results:language:start -->` and
 * `<!-- results:language:end -->`. Pure: src/notebooks/results.ts loads the runs and writes the file.
 */
import type { LanguageAnalysis, LanguagePlanRow, LanguageTestId } from './language_analysis';
import { STRICT_PASS_GOAL_AT_P0, type StrictPassAtP0 } from './language_filters';
import { randomInitControlLine } from './random_init_control';
import type { TaskExtractabilityRow } from './runs';
import { formatStat } from './verdict';

export const LANGUAGE_RESULTS_START = '<!-- results:language:start -->';
export const LANGUAGE_RESULTS_END = '<!-- results:language:end -->';

/** Runs found and expected per grid of the language study. */
export type LanguageCoverage = Readonly<Record<'MDL' | 'random-init MDL' | 'RL' | 'SFT', { found: number; total: number }>>;

/** One line on the runs the paragraph rests on: "Partial results" naming the grids with missing runs. */
export function languageCoverageLine(c: LanguageCoverage): string {
  const entries = Object.entries(c) as [keyof LanguageCoverage, { found: number; total: number }][];
  const found = entries.map(([k, v]) => `${v.found}/${v.total} ${k}`).join(', ');
  const missing = entries.filter(([, v]) => v.found < v.total).map(([k, v]) => `${v.total - v.found} ${k}`);
  return missing.length === 0 ? `All runs of the preset's language grids are in the store (${found}).` : `**Partial results**: missing ${missing.join(', ')} runs (the store holds ${found}); the numbers below use only those found.`;
}

/** Summed run time (ms) of the stored runs of each language grid. */
export type LanguageRunMs = Readonly<Record<keyof LanguageCoverage, number>>;

/**
 * One line on compute: the stored runs' summed run time by grid, the least wall time that sum takes
 * on `workers` workers, and the full grids at the stored runs' mean time per run of each grid,
 * against the 60-minute goal of notebooks 05-08. Pre-training is not a run of the store and is left
 * out. Each run timed itself, in its own process, under whatever load the machine had.
 */
export function languageComputeLine(c: LanguageCoverage, runMs: LanguageRunMs, workers = 2): string {
  const min = (ms: number) => Math.round(ms / 60000);
  const keys = Object.keys(c) as (keyof LanguageCoverage)[];
  const stored = keys.reduce((a, k) => a + runMs[k], 0);
  const parts = keys.filter((k) => c[k].found > 0).map((k) => `${k} ${min(runMs[k])}`).join(', ');
  const missingUntimed = keys.filter((k) => c[k].found === 0 && c[k].total > 0);
  const full = keys.reduce((a, k) => a + (c[k].found > 0 ? (runMs[k] / c[k].found) * c[k].total : 0), 0);
  const complete = keys.every((k) => c[k].found === c[k].total);
  const projection = complete
    ? ''
    : ` At the stored runs' mean time per run, all ${keys.filter((k) => c[k].found > 0).reduce((a, k) => a + c[k].total, 0)} runs of the ${keys.filter((k) => c[k].found > 0).join(', ')} grids would take about ${min(full)} min of run time, ${min(full / workers)} min of wall time with ${workers} workers${missingUntimed.length > 0 ? ` (not counting the ${missingUntimed.map((k) => `${c[k].total} ${k}`).join(', ')} runs, of which none is stored yet)` : ''}.`;
  return `Compute: the stored runs took ${min(stored)} min of run time in all (${parts || 'none'}; pre-training not included; each run timed itself under the machine's load at the time), so at least ${min(stored / workers)} min of wall time with ${workers} workers on 2 cores (\`jobs: ${workers}\`).${projection} The goal for notebooks 05-08 is 60 minutes.`;
}

/** One sentence: the share of p = 0 runs that learned the task (strict filter) against the goal, and the tasks that fell short. */
export function strictPassAtP0Line(s: StrictPassAtP0, goal = STRICT_PASS_GOAL_AT_P0): string {
  if (s.runs === 0) return 'No RL run at p = 0 is in the store yet.';
  const share = s.passed / s.runs;
  const met = share >= goal ? 'met' : 'NOT met';
  const failed = s.failedTasks.length === 0 ? '' : `; tasks with a run that did not: ${s.failedTasks.map((t) => `${t.task} (${t.passed}/${t.runs})`).join(', ')}`;
  return `At p = 0, ${s.passed} of ${s.runs} runs (${Math.round(100 * share)} %) learned the task by the strict filter; the goal of at least ${Math.round(100 * goal)} % is ${met}${failed}.`;
}

/** How the paragraph names each secondary language test. */
const SECONDARY_NAMES: Readonly<Partial<Record<LanguageTestId, string>>> = {
  'lang-h1-p0-all': 'H1 on all runs',
  'lang-h1-p0-study': "H1 on the study's filter",
  'lang-h2-tonly-all': 'H2 on all runs',
  'lang-h1-sft-p0': 'H1 with the supervised baseline (SFT)',
};

/** The secondary language tests that ran: statistic, n, raw p and Holm-adjusted p (secondary family). */
export function languageSecondaryTestsLine(a: Pick<LanguageAnalysis, 'table'>): string {
  const rows = a.table.filter((r) => r.role === 'secondary' && SECONDARY_NAMES[r.test] !== undefined && Number.isFinite(r['p (raw)']));
  if (rows.length === 0) return 'Secondary tests: none could be run on these runs.';
  return `Secondary tests (rho or mean within-task rho; raw p, Holm-adjusted p over the secondary family): ${rows.map((r) => `${SECONDARY_NAMES[r.test]} ${formatStat(r.statistic)} (n = ${r.n}; p = ${formatStat(r['p (raw)'])}, Holm ${formatStat(r['p (Holm)'])})`).join('; ')}.`;
}

/** One line per task, by relative extractability: MDL(s)/MDL(t), RL and SFT feature use at p = 0 (mean over the seeds found). */
export function languageH1PointsLine(a: Pick<LanguageAnalysis, 'h1Points'>): string {
  const found = a.h1Points.filter((p) => p.rlUse !== null || p.sftUse !== null);
  if (found.length === 0) return 'H1 points: no run at p = 0 yet.';
  const use = (u: number | null, n: number, low?: number, high?: number) =>
    u === null ? 'none' : `${u.toFixed(2)}${low === undefined || high === undefined ? '' : ` [${low.toFixed(2)}, ${high.toFixed(2)}]`} (${n} seed${n === 1 ? '' : 's'})`;
  return `H1 points (task: MDL(s)/MDL(t); RL feature use at p = 0, mean over seeds with its 95 % bootstrap interval over seeds; SFT feature use at p = 0, mean over seeds), by relative extractability: ${found.map((p) => `${p.task}: ${formatStat(p.relMdl)}; ${use(p.rlUse, p.rlSeeds, p.rlLow, p.rlHigh)}, ${use(p.sftUse, p.sftSeeds)}`).join('; ')}.`;
}

/**
 * H2 task by task on the runs that learned the task (strict filter): Spearman's rho of the rate
 * against the t-only score with the number of runs, and how many tasks rose, fell or gave no rho.
 * Descriptive: each task has few runs, so no p-value is quoted here (the stratified test is the
 * declared one).
 */
export function languageH2PerTaskLine(a: Pick<LanguageAnalysis, 'h2PerTaskStrict'>): string {
  const rows = a.h2PerTaskStrict;
  if (rows.length === 0) return 'H2 per task: no task has strict-filter runs at two or more rates yet.';
  const rho = (r: (typeof rows)[number]) => r['rho (rate, t-only)'];
  const rose = rows.filter((r) => rho(r) > 0).length;
  const fell = rows.filter((r) => rho(r) < 0).length;
  const flat = rows.length - rose - fell;
  const entries = rows.map((r) => `${r.task}: ${Number.isFinite(rho(r)) ? formatStat(rho(r)) : 'n/a'} (${r.runs})`).join('; ');
  return `H2 per task (strict-filter runs; Spearman's rho of the rate against the t-only score, number of runs): ${entries}; the t-only score rose with the rate in ${rose} of ${rows.length} tasks, fell in ${fell}${flat > 0 ? `, and gave no rho in ${flat} (fewer than 3 runs or a constant score)` : ''}.`;
}

/** Another model lineage of the store, analysed like the main one (src/study/language_runs.ts `asLineage`). */
export interface OtherLineage {
  /** sha256 of that pre-trained model's weights. */
  readonly modelSha256: string;
  readonly analysis: Pick<LanguageAnalysis, 'table' | 'h1Points'>;
  readonly coverage: LanguageCoverage;
}

/**
 * One line per other model lineage in the store (same tokenizer, corpus and architecture, other
 * weights: a round-off replicate pre-trained on another CPU): its runs, its primary H1 test, and
 * how far its relative extractabilities lie from the main lineage's (the largest relative difference
 * over the tasks both have). Says whether the primary H1 test answers the same on both at `alpha`.
 */
export function otherLineageLine(main: Pick<LanguageAnalysis, 'table' | 'h1Points'>, other: OtherLineage, alpha = 0.05): string {
  const h1 = (a: Pick<LanguageAnalysis, 'table'>) => a.table.find((r) => r.test === 'lang-h1-p0-strict');
  const o = h1(other.analysis);
  const m = h1(main);
  const runs = (['MDL', 'RL', 'SFT'] as const).map((k) => `${other.coverage[k].found} of ${other.coverage[k].total} ${k}`).join(', ');
  const mainRel = new Map(main.h1Points.map((p) => [p.task, p.relMdl]));
  const shared = other.analysis.h1Points.filter((p) => mainRel.has(p.task) && p.relMdl > 0 && (mainRel.get(p.task) as number) > 0);
  const spread = shared.length === 0 ? '' : `; its MDL(s)/MDL(t) differs from this model's by at most ${formatStat(100 * Math.max(...shared.map((p) => Math.abs(p.relMdl / (mainRel.get(p.task) as number) - 1))))} % over the ${shared.length} tasks`;
  const tested = (r: LanguagePlanRow | undefined): r is LanguagePlanRow => r !== undefined && Number.isFinite(r['p (raw)']);
  const test = tested(o) ? `the primary H1 test gives rho = ${formatStat(o.statistic)} over ${o.n} tasks, exact p = ${formatStat(o['p (raw)'])}, Holm-adjusted p = ${formatStat(o['p (Holm)'])}` : 'the primary H1 test could not be run on its runs';
  const same = tested(o) && tested(m) ? `; at level ${alpha} the two lineages ${o['p (Holm)'] <= alpha === m['p (Holm)'] <= alpha ? 'answer H1 the same' : 'answer H1 differently'}` : '';
  return `Other model lineage in the store (not in the study): the pre-trained model with weights \`${other.modelSha256.slice(0, 12)}…\` (same tokenizer, corpus and architecture; ${runs} runs): ${test}${spread}${same}.`;
}

/**
 * The paragraph for `preset`: coverage, the filters' counts, the primary tests and their verdicts, the
 * H1 points, the control and the secondary tests. `modelSha256`, the sha256 of the pre-trained model's
 * weights that every run names, says which model lineage the numbers are of (results/README.md);
 * `others`, the other lineages in the store, get one line each (`otherLineageLine`).
 */
export function languageResultsParagraph(
  a: LanguageAnalysis,
  preset: string,
  coverage: LanguageCoverage,
  control?: { readonly random: readonly TaskExtractabilityRow[]; readonly pretrained: readonly TaskExtractabilityRow[] },
  runMs?: LanguageRunMs,
  modelSha256?: string,
  others: readonly OtherLineage[] = [],
): string {
  const model = modelSha256 === undefined ? '' : `, on the pre-trained model with weights \`${modelSha256.slice(0, 12)}…\``;
  return [
    `*Generated by \`npm run results -- --preset ${preset}\` from the result store; do not edit by hand.*`,
    '',
    languageCoverageLine(coverage),
    `At the \`${preset}\` preset${model}: ${a.tasks} language tasks; ${a.kept.strict} of ${a.kept.all} RL runs learned the task by the strict filter (normalised both and neither scores >= 0.7), ${a.kept.study} by the study's (neither >= 0.7).`,
    strictPassAtP0Line(a.strictAtP0),
    a.verdicts.h1,
    a.verdicts.h2,
    languageH2PerTaskLine(a),
    languageH1PointsLine(a),
    a.verdicts.rlVsSft,
    ...(control ? [randomInitControlLine(control.pretrained, control.random)] : []),
    languageSecondaryTestsLine(a),
    ...others.map((o) => otherLineageLine(a, o)),
    ...(runMs ? [languageComputeLine(coverage, runMs)] : []),
  ].join('\n');
}
