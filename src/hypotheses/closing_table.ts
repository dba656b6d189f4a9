/**
 * The study's closing comparison (notebook 08): H1 and H2 for the synthetic and the natural-
 * language tasks, for RL and for the supervised (Lovering) baseline, one row each. Pure functions
 * from results already loaded; `syntheticHypotheses` reads the synthetic result stores of a preset
 * (notebooks 02-04) without computing anything.
 */
import { createRng } from '../util/rng';
import { h1Correlations, h1Points, type CorrelationRow } from './h1';
import { h2Correlations, type H2Row } from './h2';
import { h2StratifiedTest, h2TestSummary } from './h2_stratified';
import { type TaskExtractabilityRow } from './runs';

/** The declared H2 test (notebooks 04 and 08): mean within-task Spearman rho of rate and t-only score, stratified permutation p. */
export interface DeclaredH2 {
  readonly statistic: number;
  readonly pValue: number;
  /** Runs in tasks with two or more rates. */
  readonly n: number;
  readonly method: string;
}

/** H1 and H2 tests of one (task family, method). */
export interface HypothesisTests {
  /** Correlations of feature use with log relative extractability, one point per task. */
  readonly h1: readonly CorrelationRow[];
  /** Correlations of the s-only and t-only scores with the rate (pooled and per task): the study's H2 measure is the pooled s-only one. */
  readonly h2: readonly (CorrelationRow & { scope: string; partition: 's_only' | 't_only' })[];
  /** The declared H2 test on the same runs; absent or null where it could not run. */
  readonly h2Declared?: DeclaredH2 | null;
}

/**
 * The declared H2 test on `rows`, seeded by a fixed label so the closing table is the same on
 * every run (9999 permutations, as the declared analyses); null with too few runs or a constant score.
 */
export function declaredH2(rows: readonly H2Row[]): DeclaredH2 | null {
  const t = h2StratifiedTest(rows, 't_only', createRng('closing/h2-declared'));
  return t && h2TestSummary(t);
}

/** One row of the closing table (a type alias so it passes to `showTable`). */
export type ClosingRow = {
  tasks: string;
  method: string;
  'H1 Spearman rho': number;
  'H1 p': number;
  'H1 tasks': number;
  'H2 (declared) within-task rho, t-only': number;
  'H2 (declared) p': number;
  "H2 (study's) pooled rho, s-only": number;
  "H2 (study's) p": number;
  'H2 runs': number;
  method_of_p: string;
};

const spearmanOf = (rows: readonly CorrelationRow[]) => rows.find((r) => r.test === 'Spearman rho');

/**
 * The row of `tests`: Spearman H1; H2 twice, the declared test (within-task rho of the t-only score,
 * stratified permutation p) and the study's measure (Spearman of the rate with the s-only score,
 * pooled over tasks, which rises with the share of label-0 prompts alone; notebook 04); NaN where no
 * test exists.
 */
export function closingRow(tasks: string, method: string, tests: HypothesisTests | null): ClosingRow {
  const h1 = tests ? spearmanOf(tests.h1) : undefined;
  const h2 = tests ? tests.h2.find((r) => r.scope === 'pooled' && r.partition === 's_only' && r.test === 'Spearman rho') : undefined;
  const d = tests?.h2Declared ?? undefined;
  return {
    tasks,
    method,
    'H1 Spearman rho': h1?.statistic ?? NaN,
    'H1 p': h1?.pValue ?? NaN,
    'H1 tasks': h1?.n ?? 0,
    'H2 (declared) within-task rho, t-only': d?.statistic ?? NaN,
    'H2 (declared) p': d?.pValue ?? NaN,
    "H2 (study's) pooled rho, s-only": h2?.statistic ?? NaN,
    "H2 (study's) p": h2?.pValue ?? NaN,
    'H2 runs': h2?.n ?? d?.n ?? 0,
    method_of_p: [h1?.method, d?.method, h2?.method].filter((m): m is string => m !== undefined).join('; ') || (tests ? 'no test (too few points)' : 'results missing'),
  };
}

/** H1 and H2 tests (the declared and the study's H2) from extractability rows, feature use at the lowest rate, and H2 rows. */
export function hypothesisTests(extractability: readonly TaskExtractabilityRow[], use: readonly { task: number; score: number; sem: number; n: number }[], h2: readonly H2Row[]): HypothesisTests {
  return { h1: h1Correlations(h1Points(extractability, use)), h2: h2Correlations(h2), h2Declared: declaredH2(h2) };
}
