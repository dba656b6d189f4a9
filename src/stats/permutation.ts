/**
 * Monte Carlo permutation test of independence for a paired statistic: y is shuffled against x,
 * with the conventions of scipy.stats.permutation_test 1.17 (permutation_type='pairings'):
 * p = (count + 1) / (B + 1) per tail, ties within 100 ulp of the observed value count as extreme,
 * and two-sided p = min(1, 2 min(p_less, p_greater)).
 */
import type { Rng } from '../util/rng';
import { checkInt } from '../util/assert';

/** A statistic of paired samples of equal length. */
export type PairedStatistic = (x: readonly number[], y: readonly number[]) => number;

/** Result of `permutationPValue`. */
export interface PermutationTestResult {
  /** The statistic on the observed pairing. */
  readonly observed: number;
  /** Two-sided Monte Carlo p-value in (0, 1]. */
  readonly pValue: number;
  /** Number of random permutations B. */
  readonly nPermutations: number;
}

/** Default number of permutations, scipy.stats.PermutationMethod's n_resamples default. */
export const DEFAULT_N_PERMUTATIONS = 9999;

/**
 * Two-sided permutation p-value of `statistic(x, y)` against `nPermutations` random re-pairings
 * of y (seeded by `rng`); the observed pairing counts once in each tail, as scipy does for
 * randomised (non-exhaustive) tests.
 */
export function permutationPValue(
  x: readonly number[],
  y: readonly number[],
  statistic: PairedStatistic,
  nPermutations: number,
  rng: Rng,
): PermutationTestResult {
  checkInt('nPermutations', nPermutations, 1);
  const observed = statistic(x, y);
  const gamma = Math.abs(observed) * 100 * Number.EPSILON; // scipy: eps * 100 relative tolerance
  let nLess = 0;
  let nGreater = 0;
  for (let b = 0; b < nPermutations; b++) {
    const value = statistic(x, rng.shuffled(y));
    if (value <= observed + gamma) nLess++;
    if (value >= observed - gamma) nGreater++;
  }
  const pLess = (nLess + 1) / (nPermutations + 1);
  const pGreater = (nGreater + 1) / (nPermutations + 1);
  return { observed, pValue: Math.min(1, 2 * Math.min(pLess, pGreater)), nPermutations };
}
