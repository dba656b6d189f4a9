/**
 * Holm(-Bonferroni) step-down adjusted p-values (Holm 1979), the multiplicity control over a
 * declared family of tests. Matches statsmodels 0.15 `multipletests(p, method='holm')[1]`:
 * sort ascending, p_adj(i) = max_{j <= i} min(1, (m - j + 1) p_(j)), back in input order.
 * A test is rejected at family-wise level alpha iff its adjusted p-value is <= alpha.
 */
import { ConfigError } from '../util/assert';

/**
 * Holm-adjusted p-values, in the order of `pValues`; each in [p, 1], monotone in the raw p-values.
 * An empty family gives an empty array. Throws on a value that is not a number in [0, 1].
 */
export function holmAdjustedPValues(pValues: readonly number[]): number[] {
  if (!Array.isArray(pValues)) throw new ConfigError(`pValues: expected an array of numbers in [0, 1], got ${typeof pValues}`);
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ConfigError(`pValues[${i}]: ${String(p)} is not a p-value; expected a number in [0, 1]`);
    }
  });
  const m = pValues.length;
  // Stable sort: equal p-values keep their input order (numpy's mergesort in statsmodels).
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const adjusted = new Array<number>(m);
  let running = 0; // max over the smaller p-values: the step-down never lowers a later bound
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]));
    adjusted[idx] = running;
  });
  return adjusted;
}
