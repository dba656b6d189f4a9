/**
 * Stratified permutation test of association: x is permuted only within strata (e.g. the rates
 * within each task, H2's pooled test), so differences between strata never count as evidence.
 * The statistic is Spearman's rho or Pearson's r, either the MEAN OF THE WITHIN-STRATUM
 * correlations (default: each task weighs the same and task-level offsets of y cancel) or the
 * POOLED correlation of all points. Conventions of scipy.stats.permutation_test 1.17: exact
 * enumeration when the within-stratum permutations number at most `nPermutations`, else
 * Monte Carlo with p = (k + 1) / (B + 1); two-sided p = min(1, 2 min(p_less, p_greater)).
 */
import type { Rng } from '../util/rng';
import { ConfigError, checkInt, oneOf } from '../util/assert';
import type { Stratum } from './bootstrap';
import { DEFAULT_N_PERMUTATIONS } from './permutation';
import { averageRanks } from './ranks';
import { checkNotConstant, checkPaired } from './sample_checks';

/** Alternative hypothesis: 'greater' = positive association, 'less' = negative (scipy's names). */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Options of `stratifiedPermutationTest`. */
export interface StratifiedPermutationOptions {
  /** Correlation inside the statistic; default 'spearman' (average ranks, within each stratum for 'mean-within'). */
  readonly correlation?: 'spearman' | 'pearson';
  /** How strata combine; default 'mean-within' (mean of per-stratum correlations); 'pooled' = one correlation of all points. */
  readonly pooling?: 'mean-within' | 'pooled';
  /** Alternative hypothesis; default 'two-sided'. */
  readonly alternative?: Alternative;
  /** Random permutations B, and the largest count enumerated exactly; default 9999 (scipy). */
  readonly nPermutations?: number;
}

/** One stratum's share of the statistic. */
export interface StratumCorrelation {
  /** The stratum label. */
  readonly stratum: Stratum;
  /** Points in the stratum. */
  readonly n: number;
  /** The stratum's own correlation; null when undefined (fewer than 2 points, or x or y constant in it). */
  readonly statistic: number | null;
}

/** Result of `stratifiedPermutationTest`. */
export interface StratifiedPermutationResult {
  /** The statistic on the observed data (mean within-stratum or pooled correlation). */
  readonly statistic: number;
  /** p-value for `alternative`, in (0, 1]. */
  readonly pValue: number;
  readonly alternative: Alternative;
  /** 'exact': every within-stratum permutation enumerated; 'monte-carlo': `nPermutations` random ones. */
  readonly method: 'exact' | 'monte-carlo';
  /** Permutations evaluated: all of them ('exact') or B ('monte-carlo'). */
  readonly nPermutations: number;
  /** Product of the strata's n_s! (the size of the permutation distribution; may be Infinity). */
  readonly nDistinctPermutations: number;
  readonly correlation: 'spearman' | 'pearson';
  readonly pooling: 'mean-within' | 'pooled';
  /** Every stratum in order of first appearance; for 'mean-within' those with null statistic are left out of the mean. */
  readonly strata: readonly StratumCorrelation[];
  /** Strata that enter the statistic (for 'pooled': all). */
  readonly nStrataUsed: number;
}

/**
 * One stratum as the test sees it: centred values, so that the statistic is
 * (sum_s dot_s / denom_s) / divisor with dot_s = sum_i cx_s[perm_s[i]] cy_s[i]; a permutation
 * only reorders cx_s. Dividing (never multiplying by a reciprocal) keeps a perfect ranking at exactly 1.
 */
interface StratumTerms {
  readonly cx: readonly number[];
  readonly cy: readonly number[];
  readonly denom: number;
}

function centred(values: readonly number[], centre: number): number[] {
  return values.map((v) => v - centre);
}

function meanOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** |cx| |cy| as sqrt(sum cx^2 sum cy^2): exact for centred ranks (multiples of 1/2), so a perfect ranking gives exactly 1. */
function normProduct(cx: readonly number[], cy: readonly number[]): number {
  let sxx = 0;
  let syy = 0;
  for (const v of cx) sxx += v * v;
  for (const v of cy) syy += v * v;
  return Math.sqrt(sxx * syy);
}

function groupRows(strata: readonly Stratum[]): { labels: Stratum[]; rows: number[][] } {
  const index = new Map<Stratum, number>();
  const labels: Stratum[] = [];
  const rows: number[][] = [];
  strata.forEach((s, i) => {
    let g = index.get(s);
    if (g === undefined) {
      g = labels.length;
      index.set(s, g);
      labels.push(s);
      rows.push([]);
    }
    rows[g].push(i);
  });
  return { labels, rows };
}

function dot(cx: readonly number[], cy: readonly number[], perm: readonly number[] | null): number {
  let s = 0;
  for (let i = 0; i < cy.length; i++) s += cx[perm === null ? i : perm[i]] * cy[i];
  return s;
}

/** All permutations of 0..n-1 (n! index arrays; the identity first). */
function allPermutations(n: number): number[][] {
  if (n <= 1) return [Array.from({ length: n }, (_, i) => i)];
  const out: number[][] = [];
  for (const rest of allPermutations(n - 1)) {
    for (let k = rest.length; k >= 0; k--) out.push([...rest.slice(0, k), n - 1, ...rest.slice(k)]);
  }
  return out;
}

function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/**
 * Permutation test of the association of x with y, x permuted within strata (`strata[i]` is the
 * stratum of point i). Exact when prod_s n_s! <= nPermutations, else seeded Monte Carlo from `rng`.
 * Throws, naming the argument, on mismatched lengths, non-finite values, or a statistic that is
 * undefined on the data (no stratum with varying x and y for 'mean-within'; constant x or y for 'pooled').
 */
export function stratifiedPermutationTest(
  x: readonly number[],
  y: readonly number[],
  strata: readonly Stratum[],
  opts: StratifiedPermutationOptions,
  rng: Rng,
): StratifiedPermutationResult {
  checkPaired(x, y, 2);
  if (!Array.isArray(strata) || strata.length !== x.length) {
    throw new ConfigError(`strata: length ${strata?.length} does not match x (length ${x.length}); expected one stratum label per point`);
  }
  const correlation = oneOf('correlation', opts.correlation ?? 'spearman', ['spearman', 'pearson']);
  const pooling = oneOf('pooling', opts.pooling ?? 'mean-within', ['mean-within', 'pooled']);
  const alternative = oneOf('alternative', opts.alternative ?? 'two-sided', ['two-sided', 'greater', 'less']);
  const nPermutations = checkInt('nPermutations', opts.nPermutations ?? DEFAULT_N_PERMUTATIONS, 1);
  const { labels, rows } = groupRows(strata);

  const terms: StratumTerms[] = [];
  const perStratum: StratumCorrelation[] = [];
  let divisor: number;
  if (pooling === 'pooled') {
    checkNotConstant('x', x);
    checkNotConstant('y', y);
    const tx = correlation === 'spearman' ? averageRanks(x) : x.slice();
    const ty = correlation === 'spearman' ? averageRanks(y) : y.slice();
    const cxAll = centred(tx, meanOf(tx));
    const cyAll = centred(ty, meanOf(ty));
    divisor = normProduct(cxAll, cyAll);
    rows.forEach((r, g) => {
      const cx = r.map((i) => cxAll[i]);
      const cy = r.map((i) => cyAll[i]);
      terms.push({ cx, cy, denom: 1 });
      perStratum.push({ stratum: labels[g], n: r.length, statistic: withinCorrelation(r, x, y, correlation) });
    });
  } else {
    rows.forEach((r, g) => {
      const statistic = withinCorrelation(r, x, y, correlation);
      perStratum.push({ stratum: labels[g], n: r.length, statistic });
      if (statistic === null) return;
      const tx = transform(r.map((i) => x[i]), correlation);
      const ty = transform(r.map((i) => y[i]), correlation);
      const cx = centred(tx, meanOf(tx));
      const cy = centred(ty, meanOf(ty));
      terms.push({ cx, cy, denom: normProduct(cx, cy) });
    });
    if (terms.length === 0) {
      throw new ConfigError('strata: no stratum has 2 or more points with varying x and y; the within-stratum correlation is undefined');
    }
    divisor = terms.length;
  }

  const statisticOf = (perms: readonly (readonly number[] | null)[]) => {
    let t = 0;
    terms.forEach((term, s) => (t += dot(term.cx, term.cy, perms[s]) / term.denom));
    return t / divisor;
  };
  const observed = statisticOf(terms.map(() => null));
  // Correlations live on a unit scale: values within 100 ulp of the observed one are ties (scipy uses
  // 100 eps |observed|; the floor at 1 keeps theoretical ties at an observed 0 from splitting).
  const gamma = 100 * Number.EPSILON * Math.max(1, Math.abs(observed));
  const nDistinctPermutations = terms.reduce((p, term) => p * factorial(term.cx.length), 1);

  let nLess = 0;
  let nGreater = 0;
  const tally = (t: number) => {
    if (t <= observed + gamma) nLess++;
    if (t >= observed - gamma) nGreater++;
  };
  let method: 'exact' | 'monte-carlo';
  let nEvaluated: number;
  let pLess: number;
  let pGreater: number;
  if (nDistinctPermutations <= nPermutations) {
    method = 'exact';
    // Each stratum's dot_s / denom_s over its own permutations; a combination's statistic is their sum / divisor.
    const parts = terms.map((term) => allPermutations(term.cx.length).map((p) => dot(term.cx, term.cy, p) / term.denom));
    const digit = new Array<number>(parts.length).fill(0);
    nEvaluated = 0;
    for (;;) {
      let t = 0;
      for (let s = 0; s < parts.length; s++) t += parts[s][digit[s]];
      tally(t / divisor);
      nEvaluated++;
      let s = 0;
      while (s < parts.length && ++digit[s] === parts[s].length) digit[s++] = 0;
      if (s === parts.length) break;
    }
    pLess = nLess / nEvaluated;
    pGreater = nGreater / nEvaluated;
  } else {
    method = 'monte-carlo';
    nEvaluated = nPermutations;
    const identities = terms.map((term) => term.cx.map((_, i) => i));
    for (let b = 0; b < nPermutations; b++) tally(statisticOf(identities.map((ids) => rng.shuffled(ids))));
    // The observed arrangement counts once in each tail (scipy, randomised tests).
    pLess = (nLess + 1) / (nPermutations + 1);
    pGreater = (nGreater + 1) / (nPermutations + 1);
  }
  const pValue =
    alternative === 'greater' ? pGreater : alternative === 'less' ? pLess : Math.min(1, 2 * Math.min(pLess, pGreater));
  return {
    statistic: Math.min(1, Math.max(-1, observed)),
    pValue,
    alternative,
    method,
    nPermutations: nEvaluated,
    nDistinctPermutations,
    correlation,
    pooling,
    strata: perStratum,
    nStrataUsed: terms.length,
  };
}

function transform(values: readonly number[], correlation: 'spearman' | 'pearson'): number[] {
  return correlation === 'spearman' ? averageRanks(values) : values.slice();
}

/** The correlation of the points `rows`, or null when it is undefined there. */
function withinCorrelation(rows: readonly number[], x: readonly number[], y: readonly number[], correlation: 'spearman' | 'pearson'): number | null {
  const xs = rows.map((i) => x[i]);
  const ys = rows.map((i) => y[i]);
  if (rows.length < 2 || xs.every((v) => v === xs[0]) || ys.every((v) => v === ys[0])) return null;
  const tx = transform(xs, correlation);
  const ty = transform(ys, correlation);
  const cx = centred(tx, meanOf(tx));
  const cy = centred(ty, meanOf(ty));
  const r = dot(cx, cy, null) / normProduct(cx, cy);
  return Math.min(1, Math.max(-1, r));
}
