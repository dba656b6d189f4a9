/**
 * The study's closing comparison (notebook 08): H1 and H2 for the synthetic and the natural-
 * language tasks, for RL and for the supervised (Lovering) baseline, one row each. Pure functions
 * from results already loaded; `syntheticHypotheses` reads the synthetic result stores of a preset
 * (notebooks 02-04) without computing anything.
 */
import { ConfigError } from '../util/assert';
import { h1Correlations, h1Points, h2Correlations, h2Rows, type CorrelationRow, type H2Row } from './toy_hypotheses';
import { TOY_HYPOTHESES_PARAMS } from './toy_hypotheses_params';
import { loadToyMdlResults, toyExtractabilityTable, type ToyExtractabilityRow } from './toy_mdl_grid';
import { loadToyRlResults, toyRlFeatureUse } from './toy_rl_grid';
import { loadToySftResults, toySftFeatureUse, toySftH2Rows } from './toy_sft_grid';
import { resolveParams } from './params';
import type { PresetName } from './presets';

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
export function hypothesisTests(extractability: readonly ToyExtractabilityRow[], use: readonly { task: number; score: number; sem: number; n: number }[], h2: readonly H2Row[]): HypothesisTests {
  return { h1: h1Correlations(h1Points(extractability, use)), h2: h2Correlations(h2) };
}

/**
 * The synthetic half of the closing table for `preset`: reads the stored MDL, RL and SFT runs of
 * notebooks 02-04 (their preset parameters, without overrides); null where a store is incomplete,
 * with the reason.
 */
export function syntheticHypotheses(preset: PresetName): { rl: HypothesisTests | null; sft: HypothesisTests | null; missing: string[] } {
  const p = resolveParams(TOY_HYPOTHESES_PARAMS, { preset, env: {} });
  const missing: string[] = [];
  const attempt = <T>(what: string, f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ConfigError) && !(e instanceof Error)) throw e;
      missing.push(`${what}: ${(e as Error).message}`);
      return null;
    }
  };
  const mdl = attempt('synthetic MDL (notebook 02)', () => loadToyMdlResults(preset, p));
  const rl = attempt('synthetic RL (notebook 03)', () => loadToyRlResults(p));
  const sft = attempt('synthetic SFT (notebook 04)', () => loadToySftResults(p));
  const rate0 = Math.min(...p.rlRates);
  const extractability = mdl ? toyExtractabilityTable(mdl) : null;
  return {
    rl: extractability && rl ? hypothesisTests(extractability, toyRlFeatureUse(rl, rate0), h2Rows(rl)) : null,
    sft: extractability && sft ? hypothesisTests(extractability, toySftFeatureUse(sft, rate0), toySftH2Rows(sft)) : null,
    missing,
  };
}
