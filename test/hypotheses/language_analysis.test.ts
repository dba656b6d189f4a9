import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseLanguage, LANGUAGE_ANALYSIS_PLAN, languageH1Verdict, languagePlanMarkdown, languagePlanTable, type LanguageAnalysisRun } from '../../src/hypotheses/language_analysis';
import { filterCountsByRate, keepLearnedRuns, passesFilter } from '../../src/hypotheses/language_filters';
import type { SftRun, TaskExtractabilityRow } from '../../src/hypotheses/runs';

/** A run whose normalised scores are (both, neither, s-only, t-only). */
const run = (task: number, rate: number, seed: number, both: number, neither: number, s: number, t: number): LanguageAnalysisRun => {
  const scores = { both, neither, s_only: s, t_only: t };
  return { task, rate, seed, reused: true, wallMs: 1, result: { eval: scores, normalisedScores: scores, steps: [] } };
};
const ext = (task: number, relMdl: number): TaskExtractabilityRow => ({ task, relMdl, relMdlSem: null }) as unknown as TaskExtractabilityRow;

describe('learned-task filters', () => {
  it("the study's filter reads neither only; the strict one both and neither, at 0.7 inclusive", () => {
    const negativeAlways = { both: 0.3, neither: 0.9, s_only: 0.5, t_only: 0.5 };
    assert.equal(passesFilter(negativeAlways, 'study'), true);
    assert.equal(passesFilter(negativeAlways, 'strict'), false);
    assert.equal(passesFilter({ both: 0.7, neither: 0.7, s_only: 0, t_only: 0 }, 'strict'), true);
    assert.equal(passesFilter({ both: NaN, neither: 0.9, s_only: 0, t_only: 0 }, 'strict'), false);
  });

  it('counts the runs kept per rate and overall', () => {
    const runs = [run(1, 0, 0, 0.8, 0.8, 0.5, 0.5), run(1, 0, 1, 0.6, 0.8, 0.5, 0.5), run(1, 0.5, 0, 0.2, 0.95, 0.5, 0.5), run(2, 0.5, 0, 0.2, 0.5, 0.5, 0.5)];
    const rows = filterCountsByRate(runs);
    assert.deepEqual(rows.map((r) => [r.rate, r.runs, r['kept (study: neither)'], r['kept (strict: both and neither)']]), [['0', 2, 2, 1], ['0.5', 2, 1, 0], ['all', 4, 3, 1]]);
    assert.equal(rows[0]['share kept (strict)'], 0.5);
    assert.equal(keepLearnedRuns(runs, 'strict').length, 1);
  });
});

describe('declared language analysis', () => {
  it('declares one primary H1 and one primary H2 test, both on strict-filter runs', () => {
    assert.deepEqual(LANGUAGE_ANALYSIS_PLAN.filter((t) => t.role === 'primary').map((t) => t.id), ['lang-h1-p0-strict', 'lang-h2-tonly-strict']);
    assert.match(languagePlanMarkdown(), /the 2 primary tests; the 4 secondary tests/);
  });

  it('Holm within families: primary (0.01, 0.04) -> (0.02, 0.04)', () => {
    const t = languagePlanTable([
      { id: 'lang-h1-p0-strict', statistic: 1, pValue: 0.01, n: 10, method: 'exact' },
      { id: 'lang-h2-tonly-strict', statistic: 0.3, pValue: 0.04, n: 60, method: 'perm' },
      { id: 'lang-h1-p0-all', statistic: 0.2, pValue: 0.3, n: 10, method: 'exact' },
    ]);
    const p = (id: string) => t.find((r) => r.test === id)!['p (Holm)'];
    assert.equal(p('lang-h1-p0-strict'), 0.02);
    assert.equal(p('lang-h2-tonly-strict'), 0.04);
    assert.equal(p('lang-h1-p0-all'), 0.3);
    assert.ok(Number.isNaN(p('lang-h1-sft-p0')));
  });

  // 4 tasks, relMdl increasing; learned runs' feature use increasing with it -> rho = 1, exact p = 2/4! = 1/12.
  // A failed run per task (both 0.4) with feature use decreasing: only the all-runs test sees it.
  const rl = [1, 2, 3, 4].flatMap((task) => [
    run(task, 0, 0, 0.8, 0.8, 0.4 + task / 20, 0.4 + task / 20),
    run(task, 0, 1, 0.4, 0.8, 1 - task / 5, 1 - task / 5),
    run(task, 0.5, 0, 0.8, 0.8, 0.5, 0.9), // t-only rises with the rate in every task
  ]);
  const sft = [1, 2, 3, 4].map((task) => ({ task, rate: 0, seed: 0, reused: true, wallMs: 1, result: { errors: { both: 0, neither: 0, s_only: task / 10, t_only: task / 10 }, accuracy: 1 } }) as unknown as SftRun);
  const extractability = [ext(1, 0.5), ext(2, 1), ext(3, 2), ext(4, 4)];

  it('gives rho = 1, exact p = 1/12 on strict-filter runs, and H2 rho = 1 with exact stratified p = 2/16', () => {
    const a = analyseLanguage({ extractability, rl, sft });
    const r = (id: string) => a.results.find((x) => x.id === id)!;
    assert.equal(r('lang-h1-p0-strict').statistic, 1);
    assert.ok(Math.abs((r('lang-h1-p0-strict').pValue as number) - 1 / 12) < 1e-12);
    assert.equal(r('lang-h1-p0-strict').n, 4);
    // SFT feature use 1 - task/10 falls with relMdl: rho = -1.
    assert.equal(r('lang-h1-sft-p0').statistic, -1);
    // H2: two runs per task at rates 0 and 0.5, t-only up in each: mean rho 1; 2 of the 2^4 within-task permutations reach |1|.
    assert.equal(r('lang-h2-tonly-strict').statistic, 1);
    assert.ok(Math.abs((r('lang-h2-tonly-strict').pValue as number) - 2 / 16) < 1e-12);
    assert.deepEqual(a.kept, { strict: 8, study: 12, all: 12 });
    assert.match(a.verdicts.h1, /Language H1 is not shown.*rho = 1 over 4 tasks.*exact p = 0\.0833.*Holm-adjusted p = 0\.167/);
    // Every task's rho is 1, so the interval over tasks is the point [1, 1], in the table and the verdict.
    assert.equal(a.table.find((x) => x.test === 'lang-h2-tonly-strict')!['95% CI'], '[1.000, 1.000]');
    assert.equal(a.table.find((x) => x.test === 'lang-h1-p0-strict')!['95% CI'], '');
    assert.match(a.verdicts.h2, /over 8 runs \(strict filter\), 95 % t interval over tasks \[1, 1\], stratified permutation p = 0\.125/);
    assert.equal(r('lang-h2-tonly-strict').method, 'stratified permutation (exact, 4 tasks)');
    // RL against SFT: rho(RL) = 1 (strict runs), rho(SFT) = -1, so the difference is 2; one seed per task and method leaves nothing to resample.
    assert.equal(a.rlMinusSft!.estimate, 2);
    assert.equal(a.rlMinusSft!.tasks, 4);
    assert.equal(a.verdicts.rlVsSft, 'RL vs SFT: rho(RL) - rho(SFT) = 2 over 4 tasks, but the seeds show no spread (one seed per task?), so there is no interval and no conclusion.');
    assert.match(analyseLanguage({ extractability, rl, sft: [] }).verdicts.rlVsSft, /^RL vs SFT: no interval \(fewer than 3 tasks with runs of both methods/);
  });

  it('is deterministic and says plainly when H1 cannot be tested', () => {
    assert.deepEqual(analyseLanguage({ extractability, rl, sft }).table, analyseLanguage({ extractability, rl, sft }).table);
    assert.match(languageH1Verdict(null), /could not be tested/);
    assert.match(analyseLanguage({ extractability, rl: [], sft: [] }).verdicts.h2, /could not be tested/);
  });
});

describe('language results paragraph', () => {
  it('names the missing runs as Partial results, and carries the verdicts', async () => {
    const { languageResultsParagraph, languageCoverageLine } = await import('../../src/hypotheses/language_results_report');
    const full = { MDL: { found: 4, total: 4 }, 'random-init MDL': { found: 2, total: 2 }, RL: { found: 12, total: 12 }, SFT: { found: 4, total: 4 } };
    assert.match(languageCoverageLine(full), /^All runs/);
    const partial = { ...full, RL: { found: 10, total: 12 } };
    assert.match(languageCoverageLine(partial), /^\*\*Partial results\*\*: missing 2 RL runs/);
    const rl = [1, 2, 3, 4].map((task) => run(task, 0, 0, 0.8, 0.8, task / 5, task / 5));
    const a = analyseLanguage({ extractability: [ext(1, 0.5), ext(2, 1), ext(3, 2), ext(4, 4)], rl, sft: [] });
    const text = languageResultsParagraph(a, 'laptop', partial);
    assert.match(text, /Partial results/);
    assert.match(text, /4 of 4 RL runs learned the task by the strict filter/);
    assert.match(text, /At p = 0, 4 of 4 runs \(100 %\) learned the task by the strict filter; the goal of at least 80 % is met\./);
    assert.ok(text.includes(a.verdicts.h1));
    assert.ok(text.includes(`\n${a.verdicts.rlVsSft}\n`), 'the RL-vs-SFT sentence has its own line');
    assert.match(text, /^At the `laptop` preset: 4 language tasks;/m);
    // With the model's weights hash, the paragraph names the lineage its runs are of.
    const named = languageResultsParagraph(a, 'laptop', partial, undefined, undefined, 'f78bb0f9905054bad7979d3343e7b888a19fd93e8eb2d13a1fef198fd207bed3');
    assert.match(named, /^At the `laptop` preset, on the pre-trained model with weights `f78bb0f99050…`: 4 language tasks;/m);
  });
});

describe('language compute line', () => {
  it('sums the stored run times by grid and projects the full grids at the mean time per run (hand-worked)', async () => {
    const { languageComputeLine } = await import('../../src/hypotheses/language_results_report');
    const coverage = { MDL: { found: 60, total: 60 }, 'random-init MDL': { found: 20, total: 20 }, RL: { found: 20, total: 90 }, SFT: { found: 0, total: 90 } };
    // MDL 60 x 20 s = 20 min, random-init 20 x 15 s = 5 min, RL 20 x 400 s = 133.3 min: 158.3 min stored, 79.2 on 2 workers;
    // full grids: 20 + 5 + 90 x 400 s (600 min) = 625 min over 60 + 20 + 90 = 170 runs, 312.5 -> 313 on 2 workers;
    // SFT has no run to time, so its 90 runs are named and not counted.
    const runMs = { MDL: 60 * 20_000, 'random-init MDL': 20 * 15_000, RL: 20 * 400_000, SFT: 0 };
    assert.equal(
      languageComputeLine(coverage, runMs),
      "Compute: the stored runs took 158 min of run time in all (MDL 20, random-init MDL 5, RL 133; pre-training not included; each run timed itself under the machine's load at the time), so at least 79 min of wall time with 2 workers on 2 cores (`jobs: 2`). At the stored runs' mean time per run, all 170 runs of the MDL, random-init MDL, RL grids would take about 625 min of run time, 313 min of wall time with 2 workers (not counting the 90 SFT runs, of which none is stored yet). The goal for notebooks 05-08 is 60 minutes.",
    );
    const complete = { MDL: { found: 2, total: 2 }, 'random-init MDL': { found: 0, total: 0 }, RL: { found: 2, total: 2 }, SFT: { found: 1, total: 1 } };
    assert.equal(
      languageComputeLine(complete, { MDL: 60_000, 'random-init MDL': 0, RL: 240_000, SFT: 30_000 }),
      "Compute: the stored runs took 6 min of run time in all (MDL 1, RL 4, SFT 1; pre-training not included; each run timed itself under the machine's load at the time), so at least 3 min of wall time with 2 workers on 2 cores (`jobs: 2`). The goal for notebooks 05-08 is 60 minutes.",
    );
  });
});

describe('strict filter at p = 0 against the goal', () => {
  it('counts the p = 0 runs only, names the tasks that fell short, and says whether 80 % is met', async () => {
    const { strictPassAtP0 } = await import('../../src/hypotheses/language_filters');
    const { strictPassAtP0Line } = await import('../../src/hypotheses/language_results_report');
    const scores = (both: number, neither: number) => ({ both, neither, s_only: 0.5, t_only: 0.5 });
    const runs = [
      { task: 1, rate: 0, result: { normalisedScores: scores(0.9, 0.9) } },
      { task: 1, rate: 0, result: { normalisedScores: scores(0.7, 0.7) } }, // at the threshold: passes
      { task: 2, rate: 0, result: { normalisedScores: scores(0.69, 0.9) } }, // both below: fails
      { task: 2, rate: 0, result: { normalisedScores: scores(0.9, 0.9) } },
      { task: 3, rate: 0, result: { normalisedScores: scores(NaN, 0.9) } }, // NaN fails
      { task: 3, rate: 0.5, result: { normalisedScores: scores(0.9, 0.9) } }, // not at p = 0: ignored
    ];
    const s = strictPassAtP0(runs);
    assert.deepEqual(s, { passed: 3, runs: 5, failedTasks: [{ task: 2, passed: 1, runs: 2 }, { task: 3, passed: 0, runs: 1 }] });
    assert.equal(strictPassAtP0Line(s), 'At p = 0, 3 of 5 runs (60 %) learned the task by the strict filter; the goal of at least 80 % is NOT met; tasks with a run that did not: 2 (1/2), 3 (0/1).');
    // 4 of 5 = 80 %: met (the goal is inclusive).
    assert.match(strictPassAtP0Line({ passed: 4, runs: 5, failedTasks: [{ task: 2, passed: 1, runs: 2 }] }), /\(80 %\).*is met; tasks with a run that did not: 2 \(1\/2\)\.$/);
    assert.equal(strictPassAtP0Line({ passed: 0, runs: 0, failedTasks: [] }), 'No RL run at p = 0 is in the store yet.');
  });
});

describe('language H1 points and secondary tests in the paragraph', () => {
  const sft = (task: number, seed: number, sErr: number, tErr: number): SftRun =>
    ({ task, rate: 0, seed, reused: true, wallMs: 1, result: { errors: { s_only: sErr, t_only: tErr, both: 0, neither: 0 } } }) as unknown as SftRun;

  it('lists each task by relative extractability with RL and SFT feature use at p = 0 (hand-worked means)', async () => {
    const { languageH1PointsLine } = await import('../../src/hypotheses/language_results_report');
    const rl = [
      run(1, 0, 0, 0.8, 0.8, 0.2, 0.4), // use 0.3
      run(1, 0, 1, 0.8, 0.8, 0.4, 0.6), // use 0.5 -> task 1 mean 0.4 over 2 seeds
      run(2, 0, 0, 0.8, 0.8, 0.1, 0.1), // use 0.1
      run(2, 0.5, 0, 0.8, 0.8, 0.9, 0.9), // not at p = 0: ignored
    ];
    const a = analyseLanguage({ extractability: [ext(1, 2), ext(2, 0.5), ext(3, 1)], rl, sft: [sft(3, 0, 0.2, 0.4)] }, { nPermutations: 99 });
    assert.deepEqual(a.h1Points.map((p) => [p.task, p.rlUse === null ? null : Number(p.rlUse.toFixed(6)), p.rlSeeds, p.sftUse === null ? null : Number(p.sftUse.toFixed(6)), p.sftSeeds]), [
      [2, 0.1, 1, null, 0],
      [3, null, 0, 0.7, 1],
      [1, 0.4, 2, null, 0],
    ]);
    // Task 1's two seeds (0.3, 0.5): a resample's mean is 0.3, 0.4 or 0.5 with probabilities 1/4, 1/2, 1/4, so the 95 % percentile interval is [0.3, 0.5].
    assert.equal(languageH1PointsLine(a), 'H1 points (task: MDL(s)/MDL(t); RL feature use at p = 0, mean over seeds with its 95 % bootstrap interval over seeds; SFT feature use at p = 0, mean over seeds), by relative extractability: 2: 0.5; 0.10 (1 seed), none; 3: 1; none, 0.70 (1 seed); 1: 2; 0.40 [0.30, 0.50] (2 seeds), none.');
    assert.equal(languageH1PointsLine({ h1Points: [] }), 'H1 points: no run at p = 0 yet.');
  });

  it('gives H2 task by task on the strict-filter runs: rho of the rate against t-only, and the counts (hand-worked)', async () => {
    const { languageH2PerTaskLine } = await import('../../src/hypotheses/language_results_report');
    const rl = [
      // Task 1: t-only 0.1, 0.5, 0.9 at rates 0, 0.05, 0.5 -> rho 1.
      run(1, 0, 0, 0.8, 0.8, 0.5, 0.1), run(1, 0.05, 0, 0.8, 0.8, 0.5, 0.5), run(1, 0.5, 0, 0.8, 0.8, 0.5, 0.9),
      // Task 2: t-only 0.9, 0.2, 0.3 at rates 0, 0.5, 0.5 (its p = 0.05 run fails the strict filter, both 0.2, and is left
      // out): rate ranks 1, 2.5, 2.5 and score ranks 3, 1, 2, centred (-1, 0.5, 0.5) and (1, -1, 0): rho = -1.5 / sqrt(1.5 * 2) = -0.866.
      run(2, 0, 0, 0.8, 0.8, 0.5, 0.9), run(2, 0.05, 0, 0.2, 0.8, 0.5, 0.95), run(2, 0.5, 0, 0.8, 0.8, 0.5, 0.2), run(2, 0.5, 1, 0.8, 0.8, 0.5, 0.3),
      // Task 3: two rates but two runs -> listed without a rho. Task 4: one strict run only -> not testable, not listed.
      run(3, 0, 0, 0.8, 0.8, 0.5, 0.4), run(3, 0.5, 0, 0.8, 0.8, 0.5, 0.6),
      run(4, 0, 0, 0.8, 0.8, 0.5, 0.4),
    ];
    const a = analyseLanguage({ extractability: [ext(1, 2), ext(2, 0.5), ext(3, 1), ext(4, 3)], rl, sft: [] }, { nPermutations: 99 });
    assert.equal(
      languageH2PerTaskLine(a),
      "H2 per task (strict-filter runs; Spearman's rho of the rate against the t-only score, number of runs): 1: 1 (3); 2: -0.866 (3); 3: n/a (2); the t-only score rose with the rate in 1 of 3 tasks, fell in 1, and gave no rho in 1 (fewer than 3 runs or a constant score).",
    );
    assert.equal(languageH2PerTaskLine({ h2PerTaskStrict: [] }), 'H2 per task: no task has strict-filter runs at two or more rates yet.');
  });

  it('names every secondary test that ran with its raw and Holm-adjusted p, and none that did not', async () => {
    const { languageSecondaryTestsLine } = await import('../../src/hypotheses/language_results_report');
    const table = languagePlanTable([
      { id: 'lang-h1-p0-strict', statistic: 1, pValue: 0.01, n: 10, method: 'exact' },
      { id: 'lang-h1-p0-all', statistic: 0.5, pValue: 0.02, n: 10, method: 'exact' },
      { id: 'lang-h1-sft-p0', statistic: 0.25, pValue: 0.04, n: 9, method: 'exact' },
    ]);
    // Holm over the two secondary tests that ran: 0.02 * 2 = 0.04, max(0.04, 0.04 * 1) = 0.04.
    assert.equal(languageSecondaryTestsLine({ table }), 'Secondary tests (rho or mean within-task rho; raw p, Holm-adjusted p over the secondary family): H1 on all runs 0.5 (n = 10; p = 0.02, Holm 0.04); H1 with the supervised baseline (SFT) 0.25 (n = 9; p = 0.04, Holm 0.04).');
    assert.equal(languageSecondaryTestsLine({ table: languagePlanTable([]) }), 'Secondary tests: none could be run on these runs.');
  });
});

describe('other model lineage line', () => {
  const row = (pRaw: number, pHolm: number, rho: number, n: number) => ({ role: 'primary', hypothesis: 'H1', test: 'lang-h1-p0-strict' as const, runs: 'strict', statistic: rho, n, 'p (raw)': pRaw, 'p (Holm)': pHolm, '95% CI': '', method: 'exact' });
  const point = (task: number, relMdl: number) => ({ task, relMdl, rlUse: 0.5, rlSeeds: 3, sftUse: null, sftSeeds: 0 });
  const coverage = { MDL: { found: 6, total: 6 }, 'random-init MDL': { found: 0, total: 2 }, RL: { found: 4, total: 9 }, SFT: { found: 0, total: 9 } };

  it('gives the other lineage\'s runs, its primary H1 test and the largest relative difference of MDL(s)/MDL(t) (hand-worked)', async () => {
    const { otherLineageLine } = await import('../../src/hypotheses/language_results_report');
    const main = { table: [row(0.004, 0.008, 0.9, 5)], h1Points: [point(1, 2), point(2, 0.5), point(3, 1)] };
    // Task 1: 2.2 / 2 - 1 = 10 %; task 2: 0.45 / 0.5 - 1 = -10 % (|.| the same); task 3: 1.05 / 1 - 1 = 5 %; task 4 only in the other: left out.
    const other = { modelSha256: 'c'.repeat(64), coverage, analysis: { table: [row(0.1, 0.2, 0.5, 4)], h1Points: [point(1, 2.2), point(2, 0.45), point(3, 1.05), point(4, 3)] } };
    assert.equal(
      otherLineageLine(main, other),
      'Other model lineage in the store (not in the study): the pre-trained model with weights `cccccccccccc…` (same tokenizer, corpus and architecture; 6 of 6 MDL, 4 of 9 RL, 0 of 9 SFT runs): the primary H1 test gives rho = 0.5 over 4 tasks, exact p = 0.1, Holm-adjusted p = 0.2; its MDL(s)/MDL(t) differs from this model\'s by at most 10 % over the 3 tasks; at level 0.05 the two lineages answer H1 differently.',
    );
    const same = { ...other, analysis: { ...other.analysis, table: [row(0.01, 0.02, 0.8, 4)] } };
    assert.match(otherLineageLine(main, same), /the two lineages answer H1 the same\.$/);
    const untested = { ...other, analysis: { table: [], h1Points: [] } };
    assert.match(otherLineageLine(main, untested), /: the primary H1 test could not be run on its runs\.$/);
  });
});
