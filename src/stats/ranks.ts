/**
 * Ranks with ties averaged (scipy.stats.rankdata, method 'average'), the input of Spearman's rho,
 * and tie-group sizes, which the Kendall tau-b variance and the exact-test rules need.
 */

/** 1-based ranks of `values`; a tie group spanning ranks i..j gets (i + j) / 2 for each member. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1; // mean of the 1-based ranks start+1 .. end+1
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Sizes of the groups of equal values that have more than one member (empty when there are no ties). */
export function tieGroupSizes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}

/** True when some value occurs more than once. */
export function hasTies(values: readonly number[]): boolean {
  return new Set(values).size < values.length;
}
