import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYSIS_PLAN, analysisPlanMarkdown, h1Interval, planResultTable } from '../../src/hypotheses/analysis_plan';
import { convergenceSentence, convergenceSummary, runConvergence } from '../../src/hypotheses/convergence';
import { h1IntervalRows, rlFeatureUseBySeed, stripPoints } from '../../src/hypotheses/feature_use_intervals';
import { h2MeasureOf, h2PerTask, h2StratifiedTest, h2TaskInterval, h2TestableRows } from '../../src/hypotheses/h2_stratified';
import { lastBlockAccuracy, mdlStability, mdlStabilityRows, prefixCodelengthBits, type MdlBlocksRun } from '../../src/hypotheses/mdl_stability';
import { convergedH1Line, h1PointsLine, replaceBetweenMarkers, RESULTS_END, RESULTS_START, secondaryTestsLine, syntheticResultsParagraph } from '../../src/hypotheses/results_report';
import type { PlanResultRow } from '../../src/hypotheses/analysis_plan';
import type { RlRun, SftRun, TaskExtractabilityRow } from '../../src/hypotheses/runs';
import { analyseSynthetic, h1Test } from '../../src/hypotheses/synthetic_analysis';
import { formatStat, h1Verdict, h2Verdict, rlVsSftVerdict, verdictKind } from '../../src/hypotheses/verdict';
import { createRng } from '../../src/util/rng';

const rlRun = (task: number, rate: number, seed: number, t: number, s: number, curve: number[] = [0.5, 0.5]): RlRun => ({
  task,
  rate,
  seed,
  reused: true,
  wallMs: 1,
  result: { eval: { both: 1, neither: 1, s_only: s, t_only: t }, steps: curve.map((v) => ({ 'env/reward_mean': v })) },
});
const sftRun = (task: number, rate: number, seed: number, sErr: number, tErr: number): SftRun =>
  ({ task, rate, seed, reused: true, wallMs: 1, result: { errors: { both: 0, neither: 0, s_only: sErr, t_only: tErr }, accuracy: 1 } }) as unknown as SftRun;
const ext = (task: number, relMdl: number): TaskExtractabilityRow => ({ task, relMdl, relMdlSem: null }) as unknown as TaskExtractabilityRow;

describe('analysis plan', () => {
  it('declares exactly two primary tests, the H1 and H2 ones, and renders them first', () => {
    assert.deepEqual(ANALYSIS_PLAN.filter((t) => t.role === 'primary').map((t) => t.id), ['h1-rl-p0-all', 'h2-rl-tonly-stratified']);
    assert.match(analysisPlanMarkdown(), /^\| role \| hypothesis/);
    assert.match(analysisPlanMarkdown(), /Holm's step-down adjustment is applied within each family \(the 2 primary tests; the 5 secondary tests\)/);
  });

  it('Holm-adjusts within each family: primary p = (0.01, 0.04) -> (0.02, 0.04); a lone secondary keeps its p', () => {
    const table = planResultTable([
      { id: 'h1-rl-p0-all', statistic: 0.8, pValue: 0.01, n: 9, method: 'exact' },
      { id: 'h2-rl-tonly-stratified', statistic: 0.3, pValue: 0.04, n: 60, method: 'perm' },
      { id: 'h1-rl-p0-paper', statistic: 0.8, pValue: 0.3, n: 4, method: 'exact' },
    ]);
    const p = (id: string) => table.find((r) => r.test === id)!['p (Holm)'];
    assert.equal(p('h1-rl-p0-all'), 0.02);
    assert.equal(p('h2-rl-tonly-stratified'), 0.04);
    assert.equal(p('h1-rl-p0-paper'), 0.3);
    assert.ok(Number.isNaN(p('h1-sft-p0-all')));
    assert.equal(table.length, ANALYSIS_PLAN.length);
  });
});

describe('H2 per task and stratified', () => {
  it('feature use is the mean of t-only and s-only; the t-only measure is the t-only score', () => {
    assert.equal(h2MeasureOf({ s_only: 1, t_only: 0 }, 'feature_use'), 0.5);
    assert.equal(h2MeasureOf({ s_only: 1, t_only: 0 }, 't_only'), 0);
  });

  it('drops tasks with a single rate and gives rho = 1 per task when the t-only score rises with the rate', () => {
    const rows = [0, 0.1, 0.5].flatMap((rate, i) => [1, 2].map((task) => ({ task, rate, seed: 0, s_only: 0, t_only: i / 2 + task / 10 })));
    const all = [...rows, { task: 3, rate: 0, seed: 0, s_only: 0, t_only: 0.3 }];
    assert.equal(h2TestableRows(all).length, 6);
    const perTask = h2PerTask(all);
    assert.deepEqual(perTask.map((r) => r.task), [1, 2]);
    assert.equal(perTask[0]['rho (rate, t-only)'], 1);
    const t = h2StratifiedTest(all, 't_only', createRng(1), 999)!;
    assert.equal(t.statistic, 1);
    // Exact: 3! x 3! = 36 within-task permutations; only the observed one and (for the two-sided p) its mirror are as extreme: 2 * (1/36).
    assert.equal(t.method, 'exact');
    assert.ok(Math.abs(t.pValue - 2 / 36) < 1e-12, String(t.pValue));
  });

  it("the t interval over tasks of the mean within-task rho (hand-worked): six tasks, four at 0.5 and two at 1; clipped; a point; none for one task", () => {
    // Six tasks of three rates each: t-only ranks (1, 3, 2) against the rates give rho 0.5, ranks (1, 2, 3) rho 1.
    const task = (k: number, ys: number[]) => [0, 0.1, 0.5].map((rate, i) => ({ task: k, rate, seed: 0, s_only: 0, t_only: ys[i] }));
    const half = [0.2, 0.6, 0.4];
    const up = [0.2, 0.4, 0.6];
    const six = [...[1, 2, 3, 4].flatMap((k) => task(k, half)), ...[5, 6].flatMap((k) => task(k, up))];
    const t = h2StratifiedTest(six, 't_only', createRng(1), 99)!;
    assert.ok(Math.abs(t.statistic - 2 / 3) < 1e-12);
    // mean 2/3, s = sqrt((4 (1/6)^2 + 2 (1/3)^2) / 5) = sqrt(1/15), t(5, 0.975) = 2.5705818356363146 (scipy.stats.t.ppf):
    // 2/3 -/+ 2.5705818 sqrt(1/15) / sqrt(6) = [0.3957035, 0.9376298].
    const ci = h2TaskInterval(t)!;
    const halfWidth = (2.5705818356363146 * Math.sqrt(1 / 15)) / Math.sqrt(6);
    assert.ok(Math.abs(ci.low - (2 / 3 - halfWidth)) < 1e-12 && Math.abs(ci.high - (2 / 3 + halfWidth)) < 1e-12, JSON.stringify(ci));
    assert.equal(ci.tasks, 6);
    // Two tasks at +1 and -1: mean 0, s / sqrt(2) = 1, t(1, 0.975) = 12.7: clipped to [-1, 1].
    const opposite = [...task(1, up), ...task(2, [0.6, 0.4, 0.2])];
    assert.deepEqual(h2TaskInterval(h2StratifiedTest(opposite, 't_only', createRng(1), 99)!), { low: -1, high: 1, tasks: 2 });
    // Every task at rho 1: no spread, the point [1, 1].
    assert.deepEqual(h2TaskInterval(h2StratifiedTest([...task(1, up), ...task(2, up)], 't_only', createRng(1), 99)!), { low: 1, high: 1, tasks: 2 });
    assert.equal(h2TaskInterval(h2StratifiedTest(task(1, up), 't_only', createRng(1), 99)!), null);
  });

  it('the interval over tasks needs the mean-within statistic: a pooled result is one line naming the field', async () => {
    const { stratifiedPermutationTest } = await import('../../src/stats/index');
    const pooled = stratifiedPermutationTest([0, 1, 0, 1], [0, 1, 1, 0], [1, 1, 2, 2], { pooling: 'pooled' }, createRng(1));
    assert.throws(() => h2TaskInterval(pooled), /^ConfigError: test\.pooling: 'pooled'; the interval over tasks needs 'mean-within'$/);
  });
});

describe('feature use intervals and H1 test', () => {
  it('groups per-seed feature use by task and joins it to extractability ordered by MDL(s)/MDL(t)', () => {
    const runs = [rlRun(2, 0, 1, 1, 0), rlRun(2, 0, 0, 0, 0), rlRun(1, 0, 0, 1, 1), rlRun(1, 0.5, 0, 0, 0)];
    const bySeed = rlFeatureUseBySeed(runs, 0);
    assert.deepEqual(bySeed, [{ task: 1, values: [1] }, { task: 2, values: [0, 0.5] }]);
    const rows = h1IntervalRows([ext(1, 2), ext(2, 0.5)], [{ task: 1, nSeeds: 1, mean: 1, low: null, high: null, values: [1] }, { task: 2, nSeeds: 2, mean: 0.25, low: 0, high: 0.5, values: [0, 0.5] }]);
    assert.deepEqual(rows.map((r) => [r.task, r.low, r.high]), [[2, 0, 0.5], [1, 1, 1]]);
    assert.deepEqual(stripPoints(bySeed, (t) => `t${t}`), [{ task: 't1', value: 1 }, { task: 't2', value: 0 }, { task: 't2', value: 0.5 }]);
  });

  it('gives the exact Spearman p 2/4! = 1/12 for four perfectly ranked tasks, and no test for two', () => {
    const use = [1, 2, 3, 4].map((task) => ({ task, values: [task / 10] }));
    const e = [1, 2, 3, 4].map((t) => ext(t, t));
    const r = h1Test('h1-rl-p0-all', e, use)!;
    assert.equal(r.statistic, 1);
    assert.ok(Math.abs((r.pValue as number) - 1 / 12) < 1e-12);
    assert.equal(h1Test('h1-rl-p0-all', e.slice(0, 2), use), null);
  });
});

describe('convergence', () => {
  it('calls a flat curve converged and a rising one not', () => {
    const flat = rlRun(1, 0, 0, 0, 0, Array.from({ length: 40 }, (_, i) => (i < 20 ? i / 20 : 1)));
    const rising = rlRun(1, 0, 1, 0, 0, Array.from({ length: 40 }, (_, i) => i / 40));
    const rows = runConvergence([flat, rising]);
    assert.deepEqual(rows.map((r) => r.converged), [true, false]);
    assert.ok(Math.abs(rows[1].slope - 1 / 40) < 1e-12);
    assert.deepEqual(convergenceSummary(rows), { runs: 2, converged: 1, share: 0.5, rising: 1, falling: 0 });
  });

  it('counts runs still rising and runs falling at the end, and says so', () => {
    const curve = (slope: number) => Array.from({ length: 40 }, (_, i) => 0.5 + slope * i);
    const rows = runConvergence([rlRun(1, 0, 0, 0, 0, curve(0)), rlRun(1, 0, 1, 0, 0, curve(0.01)), rlRun(1, 0, 2, 0, 0, curve(0.006)), rlRun(1, 0, 3, 0, 0, curve(-0.01))]);
    const summary = convergenceSummary(rows);
    assert.deepEqual(summary, { runs: 4, converged: 1, share: 0.25, rising: 2, falling: 1 });
    assert.equal(
      convergenceSentence(summary),
      'Convergence: 1 of 4 RL runs (25 %) met the criterion (|slope| of the training reward over the last quarter of iterations <= 0.005 per iteration); of the 3 that did not, 2 were still rising at the last iteration (the budget is short for them) and 1 falling.',
    );
    assert.equal(convergenceSentence(convergenceSummary(rows.slice(0, 1))), 'Convergence: 1 of 1 RL runs (100 %) met the criterion (|slope| of the training reward over the last quarter of iterations <= 0.005 per iteration).');
    assert.equal(convergenceSentence(convergenceSummary([])), 'Convergence: no RL runs.');
  });
});

describe('MDL stability', () => {
  // Blocks of N = 8: sizes 1, 1, 2, 4 (ends 1, 2, 4, 8): the N/2 prefix is the first three blocks.
  const run = (task: number, feature: 's' | 't', seed: number, bits: number[], acc: number): MdlBlocksRun => ({ task, feature, seed, blocks: [1, 1, 2, 4].map((size, i) => ({ size, bits: bits[i], accuracy: i === 0 ? null : acc })) });

  it('sums the prefix blocks and reads the last block accuracy', () => {
    const r = run(1, 's', 0, [1, 1, 2, 4], 0.9);
    assert.equal(prefixCodelengthBits(r.blocks, 4), 4);
    assert.equal(prefixCodelengthBits(r.blocks, 8), 8);
    assert.throws(() => prefixCodelengthBits(r.blocks, 3), /nExamples: 3 is not at a block boundary/);
    assert.equal(lastBlockAccuracy(r.blocks), 0.9);
    assert.ok(Number.isNaN(lastBlockAccuracy([{ size: 4, bits: 4, accuracy: null }])));
  });

  it('finds relative extractability at N and N/2 and flags a task whose ratio crosses 1', () => {
    const runs = [
      run(1, 's', 0, [1, 1, 2, 4], 0.6), // MDL(s): N 8, N/2 4
      run(1, 't', 0, [1, 1, 2, 0], 1), //   MDL(t): N 4, N/2 4 -> ratio 2 at N, 1 at N/2
      run(2, 's', 0, [1, 1, 2, 2], 0.9), // 6, 4
      run(2, 't', 0, [1, 1, 2, 8], 0.5), // 12, 4 -> 0.5 at N, 1 at N/2
    ];
    const rows = mdlStabilityRows(runs);
    assert.deepEqual(rows.map((r) => [r.task, r['MDL(s)/MDL(t) at N'], r['at N/2'], r.change, r['last-block acc s']]), [[1, 2, 1, 1, 0.6], [2, 0.5, 1, -0.5, 0.9]]);
    const s = mdlStability(rows);
    assert.equal(s.stable, false);
    assert.equal(s.maxAbsChange, 1);
    const same = mdlStability([{ ...rows[0], 'at N/2': 1.9, change: 2 / 1.9 - 1 }, { ...rows[1], 'at N/2': 0.55, change: 0.5 / 0.55 - 1 }]);
    assert.equal(same.sameOrdering, true);
    assert.equal(same.stable, true);
  });
});

describe('verdicts and the results paragraph', () => {
  it('says supported, contradicted, not shown or not tested from the Holm p and the sign', () => {
    assert.equal(verdictKind({ statistic: 0.7, pValue: 0.01, pHolm: 0.02, n: 9 }), 'supported');
    assert.equal(verdictKind({ statistic: -0.7, pValue: 0.01, pHolm: 0.02, n: 9 }), 'contradicted');
    assert.equal(verdictKind({ statistic: 0.7, pValue: 0.03, pHolm: 0.06, n: 9 }), 'not shown');
    assert.equal(verdictKind(null), 'not tested');
    assert.match(h1Verdict({ statistic: 0.7, pValue: 0.03, pHolm: 0.06, n: 9 }), /^\*\*H1 is not shown\*\* at family-wise level 0.05: Spearman's rho = 0.7 over 9 task pairs, exact p = 0.03, Holm-adjusted p = 0.06/);
    assert.match(rlVsSftVerdict({ estimate: 0.2, low: -0.1, high: 0.5, tasks: 9 }), /the interval contains 0/);
    // H2 with its interval over tasks: the clause after the runs, and what a 'not shown' leaves open.
    assert.equal(
      h2Verdict({ statistic: -0.0325, pValue: 0.849, pHolm: 0.849, n: 48, low: -0.447, high: 0.383 }),
      '**H2 is not shown** at family-wise level 0.05: mean within-task Spearman rho of rate and t-only reward = -0.0325 over 48 runs, 95 % t interval over tasks [-0.447, 0.383], stratified permutation p = 0.849, Holm-adjusted p = 0.849. The interval contains 0: average within-task rhos from -0.447 to 0.383 fit these runs, larger ones in either direction do not.',
    );
    assert.match(h2Verdict({ statistic: 0.3, pValue: 0.04, pHolm: 0.08, n: 48, low: 0.1, high: 0.5 }), /\[0\.1, 0\.5\], .*The interval over tasks excludes 0, but the planned test, after Holm adjustment, does not reach the family-wise level\.$/);
    assert.match(h2Verdict({ statistic: 0.6, pValue: 0.001, pHolm: 0.002, n: 48, low: 0.4, high: 0.8 }), /^\*\*H2 is supported\*\*: .*interval over tasks \[0\.4, 0\.8\], .*level 0\.05\)\.$/);
    assert.doesNotMatch(h2Verdict({ statistic: 0.1, pValue: 0.5, pHolm: 0.5, n: 9 }), /interval/);
    // H1's descriptive interval: Fisher z with the Bonett-Wright standard error; rho = 0.9 over 9 pairs:
    // tanh(atanh(0.9) -/+ 1.95996 sqrt((1 + 0.405) / 6)) = [0.48061, 0.98433] (hand-worked, Python's math and NormalDist).
    const ci = h1Interval(0.9, 9);
    assert.ok(Math.abs(ci.low! - 0.4806104749118961) < 1e-9 && Math.abs(ci.high! - 0.9843305251295531) < 1e-9, JSON.stringify(ci));
    assert.deepEqual(h1Interval(1, 9), {});
    assert.deepEqual(h1Interval(0.5, 3), {});
    assert.match(h1Verdict({ statistic: 0.9, pValue: 0.002, pHolm: 0.004, n: 9, ...ci }), /^\*\*H1 is supported\*\*: .*rho = 0\.9 over 9 task pairs, 95 % interval \[0\.481, 0\.984\] \(Fisher z, Bonett-Wright\), exact p = 0\.002,/);
    assert.match(rlVsSftVerdict({ estimate: 0.4, low: 0.4, high: 0.4, tasks: 4 }), /no interval and no conclusion/);
    assert.match(rlVsSftVerdict({ estimate: 0.4, low: 0.1, high: 0.6, tasks: 9 }), /^RL follows extractability more closely/);
    assert.equal(formatStat(0.000123), '1.2e-4');
    assert.equal(formatStat(0.123456), '0.123');
  });

  it('replaces only the text between the markers, and names them when one is missing', () => {
    const text = `a\n${RESULTS_START}\nold\n${RESULTS_END}\nb`;
    assert.equal(replaceBetweenMarkers(text, 'new'), `a\n${RESULTS_START}\nnew\n${RESULTS_END}\nb`);
    assert.throws(() => replaceBetweenMarkers('no markers', 'x'), /README: expected the markers/);
  });

  it('analyses a small study end to end, deterministically, and writes its numbers into the paragraph', () => {
    const tasks = [1, 2, 3, 5, 6];
    const inputs = {
      extractability: tasks.map((t, i) => ext(t, 0.5 * 2 ** i)),
      rl: tasks.flatMap((t, i) => [0, 1, 2].flatMap((seed) => [rlRun(t, 0, seed, i / 5 + seed / 100, 0), rlRun(t, 0.5, seed, 0.9 + seed / 100, 1)])),
      sft: tasks.flatMap((t, i) => [0, 1, 2].map((seed) => sftRun(t, 0, seed, 1 - i / 5, 1 - seed / 10))),
      rlBalanced: tasks.flatMap((t) => [0, 1, 2].map((seed) => rlRun(t, 0.5, seed, 0.8 + seed / 100, 1))),
      paperTasks: [1, 2, 3, 5],
    };
    const a = analyseSynthetic(inputs, { nResamples: 200, nPermutations: 199 });
    const b = analyseSynthetic(inputs, { nResamples: 200, nPermutations: 199 });
    assert.deepEqual(a.table, b.table);
    const h1 = a.results.find((r) => r.id === 'h1-rl-p0-all')!;
    assert.equal(h1.statistic, 1);
    assert.ok(Math.abs((h1.pValue as number) - 2 / 120) < 1e-12); // exact: 2 / 5!
    assert.equal(a.h1.length, 5);
    assert.deepEqual(a.seedsPerTask, { min: 3, max: 3 });
    assert.equal(a.table.find((r) => r.test === 'h1-rl-p0-all')!['p (Holm)'] >= (h1.pValue as number), true);
    const paragraph = syntheticResultsParagraph(a, 'smoke');
    assert.match(paragraph, /At the `smoke` preset: 5 task pairs with relative extractability and RL feature use at p = 0, 3 RL seeds per pair\./);
    assert.match(paragraph, /exact p = 0\.0167/);
    assert.match(paragraph, /Convergence: 45 of 45 RL runs \(100 %\) met the criterion/);
    assert.ok(paragraph.includes(h1PointsLine(a)) && paragraph.includes(secondaryTestsLine(a)));
    // Every curve is flat ([0.5, 0.5]), so every p = 0 run is kept and the sensitivity check repeats the primary test.
    assert.deepEqual(a.h1Converged, { statistic: 1, pValue: h1.pValue, n: 5, method: 'exact', runsKept: 15, runsTotal: 15 });
    assert.ok(paragraph.includes(convergedH1Line(a)));
  });

  it('reruns H1 on the converged p = 0 runs only: dropping unconverged runs changes rho from 0.4 to 1 (hand-worked)', () => {
    const flat = [0.5, 0.5, 0.5, 0.5];
    const rising = [0.1, 0.3, 0.5, 0.7];
    // Four tasks, MDL(s)/MDL(t) = task id. Seed 0 converged with feature use t / 4; seed 1 converged on task 4
    // only (use 1) and is still rising elsewhere with use 1, 0, 0 on tasks 1, 2, 3.
    const use1 = [1, 0, 0, 1];
    const rl = [1, 2, 3, 4].flatMap((t) => [rlRun(t, 0, 0, t / 4, t / 4, flat), rlRun(t, 0, 1, use1[t - 1], use1[t - 1], t === 4 ? flat : rising)]);
    const a = analyseSynthetic({ extractability: [1, 2, 3, 4].map((t) => ext(t, t)), rl, sft: [], rlBalanced: [], paperTasks: [] }, { nResamples: 50, nPermutations: 99 });
    // All runs: means 0.625, 0.25, 0.375, 1 -> ranks 3, 1, 2, 4; d = 2, -1, -1, 0; rho = 1 - 6 * 6 / (4 * 15) = 0.4.
    assert.ok(Math.abs(a.results.find((r) => r.id === 'h1-rl-p0-all')!.statistic - 0.4) < 1e-12);
    // Converged only: 0.25, 0.5, 0.75 and task 4 (1 + 1) / 2 = 1 -> rho = 1, exact p = 2 / 4! = 1/12.
    assert.deepEqual([a.h1Converged!.runsKept, a.h1Converged!.runsTotal, a.h1Converged!.n], [5, 8, 4]);
    assert.equal(a.h1Converged!.statistic, 1);
    assert.ok(Math.abs((a.h1Converged!.pValue as number) - 1 / 12) < 1e-12);
    assert.equal(convergedH1Line(a), 'Sensitivity (not in the declared plan, so not Holm-adjusted): H1 on the 5 of 8 p = 0 runs that met the convergence criterion only gives rho = 1 over 4 task pairs (exact p = 0.0833).');
    assert.match(convergedH1Line({ h1Converged: null }), /cannot be computed/);
  });

  it('lists the H1 points and the secondary tests with raw and Holm p (hand-worked rows)', () => {
    const h1 = [
      { task: 2, relMdl: 0.1, use: 0.08, low: 0, high: 0.214, seeds: 5 },
      { task: 7, relMdl: 8.9, use: 0.87, low: 0.731, high: 0.98, seeds: 5 },
    ];
    assert.equal(h1PointsLine({ h1 }), 'H1 points (task pair: MDL(s)/MDL(t), RL feature use at p = 0 with its 95 % bootstrap interval over seeds), by relative extractability: 2: 0.1, 0.08 [0.00, 0.21]; 7: 8.9, 0.87 [0.73, 0.98].');
    assert.equal(h1PointsLine({ h1: [] }), 'H1 points: none.');
    const row = (test: string, role: string, statistic: number, p: number, holm: number, n: number) => ({ role, hypothesis: 'H1', test, statistic, n, 'p (raw)': p, 'p (Holm)': holm, '95% CI': '', method: '' }) as PlanResultRow;
    const table = [row('h1-rl-p0-all', 'primary', 0.9, 0.001, 0.002, 9), row('h1-rl-p0-paper', 'secondary', 1, 0.0833, 0.25, 4), row('h2-rl-tonly-balanced', 'secondary', -0.5, 0.0004, 0.002, 40), row('h1-sft-p0-all', 'secondary', NaN, NaN, NaN, 0)];
    assert.equal(secondaryTestsLine({ table }), "Secondary tests (rho or mean within-task rho; raw p, Holm-adjusted p over the secondary family): H1 on the paper's four tasks 1 (n = 4; p = 0.0833, Holm 0.25); H2 label-balanced -0.5 (n = 40; p = 4.0e-4, Holm 0.002).");
    assert.equal(secondaryTestsLine({ table: [table[0]] }), 'Secondary tests: none ran.');
  });
});
