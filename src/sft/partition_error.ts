/**
 * Lovering et al.'s measures of a fine-tuned classifier (docs/study.md "Measures of feature use"):
 * error per held-out partition (s-only error = use of the spurious feature; t-only error = failure
 * to use t alone), test accuracy over all partitions, and the smallest rate whose test accuracy
 * exceeds 0.99.
 */
import { PARTITIONS } from '../tasks/partitions';
import type { Partition } from '../tasks/types';

/** Error rate per partition from per-example correctness. */
export function partitionErrors(correct: Readonly<Record<Partition, readonly boolean[]>>): Record<Partition, number> {
  const out = {} as Record<Partition, number>;
  for (const p of PARTITIONS) {
    const c = correct[p];
    out[p] = c.length === 0 ? NaN : c.filter((x) => !x).length / c.length;
  }
  return out;
}

/** Accuracy over the union of the partitions (each example weighs the same). */
export function testAccuracy(correct: Readonly<Record<Partition, readonly boolean[]>>): number {
  const all = PARTITIONS.flatMap((p) => correct[p]);
  return all.filter((x) => x).length / all.length;
}

/** Lovering's threshold for "learned the task". */
export const LOVERING_ACCURACY_THRESHOLD = 0.99;

/** The smallest rate whose accuracy (mean over seeds) exceeds `threshold`; null when none does. */
export function smallestRateAbove(rows: readonly { rate: number; accuracy: number }[], threshold = LOVERING_ACCURACY_THRESHOLD): number | null {
  const rates = [...new Set(rows.map((r) => r.rate))].sort((a, b) => a - b);
  for (const rate of rates) {
    const xs = rows.filter((r) => r.rate === rate).map((r) => r.accuracy);
    if (xs.reduce((a, b) => a + b, 0) / xs.length > threshold) return rate;
  }
  return null;
}
