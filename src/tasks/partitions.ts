/**
 * The four partitions of Lovering et al. (2021, section 3) and their labels: the label is t,
 * so both -> 1, t_only -> 1, neither -> 0, s_only -> 0 (s_only is where relying on s misleads).
 */
import type { Label, Partition } from './types';

/** The partitions in a fixed order (files, tables and rng streams follow it). */
export const PARTITIONS: readonly Partition[] = ['both', 'neither', 's_only', 't_only'];

/** Whether examples of `partition` have the target feature t. */
export function hasTarget(partition: Partition): boolean {
  return partition === 'both' || partition === 't_only';
}

/** Whether examples of `partition` have the spurious feature s. */
export function hasSpurious(partition: Partition): boolean {
  return partition === 'both' || partition === 's_only';
}

/** The task label of `partition`: 1 iff t holds (both, t_only), else 0 (neither, s_only). */
export function partitionLabel(partition: Partition): Label {
  return hasTarget(partition) ? 1 : 0;
}

/** The partition of an example with (`t`, `s`) present or absent. */
export function partitionOf(t: boolean, s: boolean): Partition {
  if (t) return s ? 'both' : 't_only';
  return s ? 's_only' : 'neither';
}

/** A count per partition, e.g. the composition of a training set. */
export type PartitionCounts = Record<Partition, number>;

/** Counts of each partition in `examples` (every partition present, zeros included). */
export function countPartitions(examples: readonly { partition: Partition }[]): PartitionCounts {
  const counts: PartitionCounts = { both: 0, neither: 0, s_only: 0, t_only: 0 };
  for (const ex of examples) counts[ex.partition]++;
  return counts;
}
