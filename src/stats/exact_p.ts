/**
 * Exact two-sided p-values of the correlation tests: Pearson's r under the bivariate-normal null
 * (a beta distribution, scipy.stats.pearsonr 1.17), Kendall's tau without ties (Kendall 1970,
 * the recurrence of scipy.stats._mstats_basic._kendall_p_exact), and Spearman's rho by enumerating
 * all n! pairings (scipy.stats.permutation_test with n_resamples=inf, 'pairings').
 */
import { incompleteBetaTails } from './distributions';
import { ConfigError } from '../util/assert';

/** Largest n for which `spearmanExactPValue` enumerates all n! pairings (9! = 362,880). */
export const SPEARMAN_EXACT_MAX_N = 9;

/**
 * Two-sided p-value of Pearson's r: under independent normal x and y, r ~ Beta(n/2 - 1, n/2 - 1)
 * on [-1, 1], so p = 2 I_{(1 - |r|)/2}(n/2 - 1, n/2 - 1). Exact under normality only; it equals
 * the t-test on t = r sqrt((n - 2) / (1 - r^2)) with n - 2 df. n >= 3.
 */
export function pearsonBetaPValue(r: number, n: number): number {
  if (!(n >= 3)) throw new ConfigError(`n: ${n} is too small; the Pearson p-value needs n >= 3`);
  const ab = n / 2 - 1;
  const p = 2 * incompleteBetaTails((1 - Math.abs(r)) / 2, ab, ab).lower;
  return Math.min(1, Math.max(0, p));
}

/**
 * Two-sided exact p-value of Kendall's tau for n untied pairs with `concordant` concordant pairs:
 * twice the probability, over the n! equally likely orderings, of at most min(C, n(n-1)/2 - C)
 * concordant pairs, i.e. the Mahonian distribution of inversion counts; clipped to [0, 1].
 */
export function kendallExactPValue(n: number, concordant: number): number {
  const total = (n * (n - 1)) / 2;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`n: ${n} is not a positive integer`);
  if (!Number.isInteger(concordant) || concordant < 0 || concordant > total) {
    throw new ConfigError(`concordant: ${concordant} is outside [0, ${total}] for n = ${n}`);
  }
  const c = Math.min(concordant, total - concordant);
  if (n <= 2 || 4 * c === n * (n - 1)) return 1;
  // dist[k] = P(k inversions) / 2 among orderings of j elements, k <= c; start at j = 2: {0: 1/2, 1: 1/2}.
  // Adding element j spreads each count over k..k+j-1: a running window sum of width j, divided by j.
  let dist = new Float64Array(c + 1);
  dist[0] = 0.5;
  if (c >= 1) dist[1] = 0.5;
  for (let j = 3; j <= n; j++) {
    const cumsum = new Float64Array(c + 1);
    let run = 0;
    for (let k = 0; k <= c; k++) {
      run += dist[k];
      cumsum[k] = run;
    }
    const next = new Float64Array(c + 1);
    for (let k = 0; k <= c; k++) next[k] = (cumsum[k] - (k >= j ? cumsum[k - j] : 0)) / j;
    dist = next;
  }
  let p = 0;
  for (let k = 0; k <= c; k++) p += dist[k];
  return Math.min(1, Math.max(0, 2 * p));
}

/**
 * Two-sided exact permutation p-value of Spearman's rho from the ranks `rx`, `ry` (average ranks;
 * ties allowed, the test is then conditional on them): all n! pairings are enumerated and
 * p = min(1, 2 min(P(rho* <= rho), P(rho* >= rho))), scipy's two-sided convention. n <= 9.
 */
export function spearmanExactPValue(rx: readonly number[], ry: readonly number[]): number {
  const n = rx.length;
  if (ry.length !== n) throw new ConfigError(`ry: length ${ry.length} does not match rx (length ${n})`);
  if (n > SPEARMAN_EXACT_MAX_N) {
    throw new ConfigError(`n: ${n} is too large for exact enumeration; expected n <= ${SPEARMAN_EXACT_MAX_N} (use method 'permutation')`);
  }
  // rho is increasing in S = sum_i rx_i ry_pi(i), since the rank variances do not change under
  // permutation. Average ranks are multiples of 1/2, so S is a multiple of 1/4 and exact in doubles.
  const perm = ry.slice();
  let s = 0;
  for (let i = 0; i < n; i++) s += rx[i] * perm[i];
  const observed = s;
  let nLess = 0;
  let nGreater = 0;
  let nTotal = 0;
  const visit = () => {
    nTotal++;
    if (s <= observed) nLess++;
    if (s >= observed) nGreater++;
  };
  const swap = (i: number, j: number) => {
    s += (rx[i] - rx[j]) * (perm[j] - perm[i]);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  };
  // Heap's algorithm: each permutation from the previous by one swap.
  const counter = new Array<number>(n).fill(0);
  visit();
  let i = 1;
  while (i < n) {
    if (counter[i] < i) {
      swap(i % 2 === 0 ? 0 : counter[i], i);
      visit();
      counter[i]++;
      i = 1;
    } else {
      counter[i] = 0;
      i++;
    }
  }
  return Math.min(1, (2 * Math.min(nLess, nGreater)) / nTotal);
}

/**
 * Smallest two-sided exact p-value that Spearman's rho (or Kendall's tau) can reach over n untied
 * points: only the observed ranking and its reverse are as extreme as a perfect one, so 2 / n!
 * (n = 4: 0.083, n = 5: 0.0167). With ties the smallest attainable p is larger. This is the
 * design's power floor: with fewer points no result can reach a level below it.
 */
export function minExactRankPValue(n: number): number {
  if (!Number.isInteger(n) || n < 2) throw new ConfigError(`n: ${n} is not an integer >= 2; a rank correlation needs at least 2 points`);
  let p = 2;
  for (let k = 2; k <= n && p > 0; k++) p /= k;
  return Math.min(1, p);
}

/** Fewest untied points for which a rank correlation's exact two-sided p can reach `alpha` (0.05 gives 5). */
export function minPointsForExactRankPValue(alpha: number): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) throw new ConfigError(`alpha: ${String(alpha)} is outside (0, 1]`);
  let n = 2;
  while (minExactRankPValue(n) > alpha) n++;
  return n;
}
