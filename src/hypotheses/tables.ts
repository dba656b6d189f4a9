/**
 * Tables that put RL beside SFT: the test statistics of each analysis side by side, and the
 * feature-use score per task with its extractability.
 */
import { NO_TEST, type CorrelationRow, type H1Point } from './h1';
import type { FeatureUse } from './feature_use';
import type { TaskExtractabilityRow } from './runs';

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

/** One task of the RL-vs-SFT feature-use table. */
export type FeatureUseRow = { task: string; design: string; 'MDL(s)/MDL(t)': number; 'RL use': number; 'RL sem': number; 'RL runs': number; 'SFT use': number; 'SFT sem': number; 'SFT runs': number };

/**
 * Relative extractability and both methods' feature use per task (tasks with an MDL row; NaN
 * where a method has no run), ordered by relative extractability.
 */
export function featureUseTable(
  extractability: readonly TaskExtractabilityRow[],
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
