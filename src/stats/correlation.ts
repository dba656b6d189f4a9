/**
 * Pearson's r, Spearman's rho and Kendall's tau-b with two-sided p-values: the hypothesis tests of
 * H1 (feature use against relative extractability) and H2 (against the s-only rate).
 * By default each matches scipy 1.17.1 (pearsonr, spearmanr, kendalltau with method='auto');
 * a seeded permutation test, and exact Spearman for n <= 9, are available on request.
 */
import type { Rng } from '../util/rng';
import { ConfigError, oneOf } from '../util/assert';
import { normalCdf, incompleteBetaTails } from './distributions';
import { kendallExactPValue, pearsonBetaPValue, spearmanExactPValue } from './exact_p';
import { DEFAULT_N_PERMUTATIONS, permutationPValue } from './permutation';
import { averageRanks, tieGroupSizes } from './ranks';
import { checkNotConstant, checkPaired } from './sample_checks';

/** How a p-value was obtained. */
export type CorrelationMethod = 'exact' | 'asymptotic' | 'permutation';

/** Options of `pearson`, `spearman` and `kendall`. */
export interface CorrelationOptions {
  /** p-value method; default 'auto' = scipy 1.17's default for that test (see each function). */
  readonly method?: 'auto' | CorrelationMethod;
  /** Random re-pairings for method 'permutation'; default 9999 (scipy PermutationMethod default). */
  readonly nPermutations?: number;
  /** Random stream for method 'permutation' (required there, ignored otherwise). */
  readonly rng?: Rng;
}

/** A correlation coefficient with its two-sided p-value. */
export interface CorrelationResult {
  /** Pearson's r, Spearman's rho or Kendall's tau-b, in [-1, 1]. */
  readonly statistic: number;
  /** Two-sided p-value for the null of no association. */
  readonly pValue: number;
  /** Number of pairs. */
  readonly n: number;
  /** Which method produced `pValue`. */
  readonly method: CorrelationMethod;
  /** The null distribution behind `pValue`, in words (states the assumption of Pearson's 'exact'). */
  readonly nullDistribution: string;
  /** Number of random re-pairings, only for method 'permutation'. */
  readonly nPermutations?: number;
}

const MIN_N = 3;

/** Rounding allowance of `snapUnit`, in units of n * Number.EPSILON (2.2e-16). */
export const UNIT_SNAP_ULPS = 4;

/**
 * Clips r to [-1, 1] and returns exactly +-1 when |r| is within 4 n eps of 1: the rounding error of
 * a normalised dot product of n terms. Without it exactly collinear data give r = -0.9999999999999998
 * (n = 3) and, through the t and beta tails, p = 1.3e-8 instead of 0.
 */
export function snapUnit(r: number, n: number): number {
  if (Math.abs(r) >= 1 - UNIT_SNAP_ULPS * Math.max(n, 1) * Number.EPSILON) return Math.sign(r);
  return r;
}

/** Pearson's r of finite, non-constant, paired samples (no checks; scipy's scaled-norm formula). */
export function pearsonR(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let maxX = 0;
  let maxY = 0;
  for (let i = 0; i < n; i++) {
    maxX = Math.max(maxX, Math.abs(x[i] - mx));
    maxY = Math.max(maxY, Math.abs(y[i] - my));
  }
  // Scale by the largest deviation before squaring so that huge values cannot overflow (as scipy).
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += ((x[i] - mx) / maxX) ** 2;
    syy += ((y[i] - my) / maxY) ** 2;
  }
  const normX = maxX * Math.sqrt(sxx);
  const normY = maxY * Math.sqrt(syy);
  let r = 0;
  for (let i = 0; i < n; i++) r += ((x[i] - mx) / normX) * ((y[i] - my) / normY);
  return snapUnit(r, n);
}

/**
 * Spearman's rho: Pearson's r of the average ranks (no checks), computed on the doubled centred
 * ranks 2 r_i - (n + 1), which are integers, so the sums are exact and a perfect ranking gives
 * exactly +-1 (scipy 1.17's spearmanr, via np.corrcoef, gives 0.9999999999999999 at n = 5).
 */
export function spearmanRho(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const a = 2 * rx[i] - (n + 1);
    const b = 2 * ry[i] - (n + 1);
    sab += a * b;
    saa += a * a;
    sbb += b * b;
  }
  // saa sbb is exact below 2^53 (n up to ~400); beyond, two roots (a few ulp, then snapped).
  const den = saa * sbb <= Number.MAX_SAFE_INTEGER ? Math.sqrt(saa * sbb) : Math.sqrt(saa) * Math.sqrt(sbb);
  return snapUnit(sab / den, n);
}

/** Pair counts behind Kendall's tau. */
interface KendallCounts {
  /** Concordant minus discordant pairs. */
  readonly conMinusDis: number;
  /** Discordant pairs. */
  readonly discordant: number;
  /** Pairs tied in x (including pairs tied in both). */
  readonly xTies: number;
  /** Pairs tied in y (including pairs tied in both). */
  readonly yTies: number;
}

function kendallCounts(x: readonly number[], y: readonly number[]): KendallCounts {
  let con = 0;
  let dis = 0;
  let xTies = 0;
  let yTies = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(x[i] - x[j]);
      const sy = Math.sign(y[i] - y[j]);
      if (sx === 0) xTies++;
      if (sy === 0) yTies++;
      if (sx * sy > 0) con++;
      else if (sx * sy < 0) dis++;
    }
  }
  return { conMinusDis: con - dis, discordant: dis, xTies, yTies };
}

function tauB(counts: KendallCounts, n: number): number {
  const total = (n * (n - 1)) / 2;
  // One root of the (integer) product: a perfect ranking gives exactly +-1 (two roots can miss by an ulp).
  const tau = counts.conMinusDis / Math.sqrt((total - counts.xTies) * (total - counts.yTies));
  return snapUnit(tau, n);
}

/** Kendall's tau-b (ties corrected in both variables) of paired samples (no checks). */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  return tauB(kendallCounts(x, y), x.length);
}

function checkInputs(x: readonly number[], y: readonly number[]): void {
  checkPaired(x, y, MIN_N);
  checkNotConstant('x', x);
  checkNotConstant('y', y);
}

function resolveMethod(test: string, opts: CorrelationOptions, allowed: readonly ('auto' | CorrelationMethod)[]): 'auto' | CorrelationMethod {
  return oneOf(`${test} method`, opts.method ?? 'auto', allowed);
}

function permutationResult(
  x: readonly number[],
  y: readonly number[],
  statistic: (a: readonly number[], b: readonly number[]) => number,
  opts: CorrelationOptions,
): CorrelationResult {
  if (opts.rng === undefined) throw new ConfigError("rng: missing; method 'permutation' needs a seeded Rng");
  const nPermutations = opts.nPermutations ?? DEFAULT_N_PERMUTATIONS;
  const res = permutationPValue(x, y, statistic, nPermutations, opts.rng);
  return {
    statistic: res.observed,
    pValue: res.pValue,
    n: x.length,
    method: 'permutation',
    nullDistribution: `${nPermutations} random re-pairings of y (seeded), scipy permutation_test conventions`,
    nPermutations,
  };
}

/**
 * Pearson's r with a two-sided p-value. Default ('auto' = 'exact'): the beta null distribution of
 * scipy.stats.pearsonr, exact if x and y are independent and normal (not distribution-free;
 * use method 'permutation' for that). Throws on length mismatch, n < 3, non-finite or constant input.
 */
export function pearson(x: readonly number[], y: readonly number[], opts: CorrelationOptions = {}): CorrelationResult {
  checkInputs(x, y);
  const method = resolveMethod('pearson', opts, ['auto', 'exact', 'permutation']);
  if (method === 'permutation') return permutationResult(x, y, pearsonR, opts);
  const r = pearsonR(x, y);
  const n = x.length;
  return {
    statistic: r,
    pValue: pearsonBetaPValue(r, n),
    n,
    method: 'exact',
    nullDistribution: `Beta(${n / 2 - 1}, ${n / 2 - 1}) on [-1, 1]: exact under bivariate normality (scipy.stats.pearsonr)`,
  };
}

/** Two-sided p-value of rho from t = rho sqrt((n - 2) / (1 - rho^2)) with n - 2 df (scipy.stats.spearmanr). */
function spearmanTPValue(rho: number, n: number): number {
  // 2 P(T > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2), and df / (df + t^2) = (1 - rho)(1 + rho).
  const df = n - 2;
  return incompleteBetaTails((1 - rho) * (1 + rho), df / 2, 0.5).lower;
}

/**
 * Spearman's rho (average ranks for ties) with a two-sided p-value. Default ('auto' =
 * 'asymptotic'): Student t with n - 2 df, as scipy.stats.spearmanr. 'exact': all n! pairings of
 * the ranks, n <= 9. 'permutation': seeded Monte Carlo re-pairings.
 */
export function spearman(x: readonly number[], y: readonly number[], opts: CorrelationOptions = {}): CorrelationResult {
  checkInputs(x, y);
  const method = resolveMethod('spearman', opts, ['auto', 'exact', 'asymptotic', 'permutation']);
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  if (method === 'permutation') return permutationResult(rx, ry, pearsonR, opts);
  const rho = spearmanRho(x, y);
  const n = x.length;
  if (method === 'exact') {
    return {
      statistic: rho,
      pValue: spearmanExactPValue(rx, ry),
      n,
      method: 'exact',
      nullDistribution: `all ${n}! pairings of the ranks enumerated`,
    };
  }
  return {
    statistic: rho,
    pValue: spearmanTPValue(rho, n),
    n,
    method: 'asymptotic',
    nullDistribution: `Student t with ${n - 2} df on rho sqrt((n-2)/(1-rho^2)) (scipy.stats.spearmanr)`,
  };
}

/** Largest n for which 'auto' uses Kendall's exact test (scipy.stats.kendalltau 1.17). */
export const KENDALL_AUTO_EXACT_MAX_N = 33;

/**
 * Kendall's tau-b with a two-sided p-value. Default 'auto' follows scipy.stats.kendalltau 1.17:
 * 'exact' when there are no ties and (n <= 33 or at most one pair is discordant, or concordant),
 * else 'asymptotic' (normal, tie-corrected variance). 'exact' with ties throws.
 */
export function kendall(x: readonly number[], y: readonly number[], opts: CorrelationOptions = {}): CorrelationResult {
  checkInputs(x, y);
  const requested = resolveMethod('kendall', opts, ['auto', 'exact', 'asymptotic', 'permutation']);
  if (requested === 'permutation') return permutationResult(x, y, kendallTauB, opts);
  const n = x.length;
  const counts = kendallCounts(x, y);
  const total = (n * (n - 1)) / 2;
  const untied = counts.xTies === 0 && counts.yTies === 0;
  if (requested === 'exact' && !untied) {
    throw new ConfigError("kendall method: 'exact' needs data without ties; use 'asymptotic' or 'permutation'");
  }
  const method =
    requested === 'auto'
      ? untied && (n <= KENDALL_AUTO_EXACT_MAX_N || Math.min(counts.discordant, total - counts.discordant) <= 1)
        ? 'exact'
        : 'asymptotic'
      : requested;
  const tau = tauB(counts, n);
  if (method === 'exact') {
    return {
      statistic: tau,
      pValue: kendallExactPValue(n, total - counts.discordant),
      n,
      method: 'exact',
      nullDistribution: `exact distribution of concordant pairs over all ${n}! orderings (no ties)`,
    };
  }
  // Variance of con - dis under independence with ties (Kendall 1970; scipy.stats.kendalltau).
  const stats = (sizes: number[]) => ({
    t0: sizes.reduce((s, t) => s + t * (t - 1) * (t - 2), 0),
    t1: sizes.reduce((s, t) => s + t * (t - 1) * (2 * t + 5), 0),
  });
  const xs = stats(tieGroupSizes(x));
  const ys = stats(tieGroupSizes(y));
  const m = n * (n - 1);
  const variance =
    (m * (2 * n + 5) - xs.t1 - ys.t1) / 18 + (2 * counts.xTies * counts.yTies) / m + (xs.t0 * ys.t0) / (9 * m * (n - 2));
  const z = counts.conMinusDis / Math.sqrt(variance);
  return {
    statistic: tau,
    pValue: 2 * normalCdf(-Math.abs(z)),
    n,
    method: 'asymptotic',
    nullDistribution: 'normal approximation of concordant minus discordant pairs, tie-corrected variance (scipy.stats.kendalltau)',
  };
}
