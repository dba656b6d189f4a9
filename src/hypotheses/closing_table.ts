/**
 * The study's closing comparison (notebook 08): H1 and H2 for the synthetic and the natural-
 * language tasks, for RL and for the supervised (Lovering) baseline, one row each. Pure functions
 * from results already loaded; `syntheticHypotheses` reads the synthetic result stores of a preset
 * (notebooks 02-04) without computing anything.
 */
import { h1Correlations, h1Points, type CorrelationRow } from './h1';

import { h2Correlations, type H2Row } from './h2';
import { type TaskExtractabilityRow } from './runs';
/** H1 and H2 tests of one (task family, method). */
export interface HypothesisTests {
  /** Correlations of feature use with log relative extractability, one point per task. */
  readonly h1: readonly CorrelationRow[];
  /** Correlations of the s-only and t-only scores with the rate (pooled and per task). */
  readonly h2: readonly (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[];
}

/** One row of the closing table (a type alias so it passes to `showTable`). */
export type ClosingRow = {
  tasks: string;
  method: string;
  'H1 Spearman rho': number;
  'H1 p': number;
  'H1 tasks': number;
  'H2 Spearman rho (s-only)': number;
  'H2 p': number;
  'H2 runs': number;
  method_of_p: string;
};

const spearmanOf = (rows: readonly CorrelationRow[]) => rows.find((r) => r.test === 'Spearman rho');

/** The row of `tests`: Spearman H1, and Spearman H2 on the s-only score pooled over tasks; NaN where no test exists. */
export function closingRow(tasks: string, method: string, tests: HypothesisTests | null): ClosingRow {
  const h1 = tests ? spearmanOf(tests.h1) : undefined;
  const h2 = tests ? tests.h2.find((r) => r.scope === 'pooled' && r.partition === 's_only' && r.test === 'Spearman rho') : undefined;
  return {
    tasks,
    method,
    'H1 Spearman rho': h1?.statistic ?? NaN,
    'H1 p': h1?.pValue ?? NaN,
    'H1 tasks': h1?.n ?? 0,
    'H2 Spearman rho (s-only)': h2?.statistic ?? NaN,
    'H2 p': h2?.pValue ?? NaN,
    'H2 runs': h2?.n ?? 0,
    method_of_p: [h1?.method, h2?.method].filter((m): m is string => m !== undefined).join('; ') || (tests ? 'no test (too few points)' : 'results missing'),
  };
}

/** H1 and H2 tests from extractability rows, feature use at the lowest rate, and H2 rows. */
export function hypothesisTests(extractability: readonly TaskExtractabilityRow[], use: readonly { task: number; score: number; sem: number; n: number }[], h2: readonly H2Row[]): HypothesisTests {
  return { h1: h1Correlations(h1Points(extractability, use)), h2: h2Correlations(h2) };
}
