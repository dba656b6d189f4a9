/**
 * The two probing sets of Lovering et al. (2021, section 3.2), whose MDL gives the
 * extractability of each feature: the s probe separates s_only (1) from neither (0); the t probe
 * separates both (1) from s_only (0), i.e. detects t in the presence of s.
 */
import { checkInt } from '../util/assert';
import type { Rng } from '../util/rng';
import { generateExamples, type ToyTask } from './toy_generator';
import type { Example, Partition } from './types';

/** Which feature a probe detects. */
export type ProbeFeature = 's' | 't';

/** The source partitions of each probe's classes. */
export const PROBE_PARTITIONS: Readonly<Record<ProbeFeature, { readonly positive: Partition; readonly negative: Partition }>> = Object.freeze({
  s: { positive: 's_only', negative: 'neither' },
  t: { positive: 'both', negative: 's_only' },
});

/** Class sizes of a probing set of `size`: positives ceil(size / 2), negatives floor(size / 2). */
export function probeCounts(size: number): { positive: number; negative: number } {
  const n = checkInt('probeSize', size, 2);
  return { positive: Math.ceil(n / 2), negative: Math.floor(n / 2) };
}

/**
 * A balanced, shuffled probing set for `feature`. In its examples `label` is the probe's class
 * (1 = the feature is present) and `partition` the source partition. Positives draw from
 * `rng.child('positive')`, negatives from `rng.child('negative')`, the order from `rng.child('shuffle')`.
 */
export function buildProbingSet(task: ToyTask, feature: ProbeFeature, size: number, rng: Rng): Example[] {
  const { positive, negative } = probeCounts(size);
  const source = PROBE_PARTITIONS[feature];
  const examples: Example[] = [
    ...generateExamples(task, source.positive, positive, rng.child('positive')).map((ex) => relabel(ex, 1)),
    ...generateExamples(task, source.negative, negative, rng.child('negative')).map((ex) => relabel(ex, 0)),
  ];
  return rng.child('shuffle').shuffled(examples);
}

function relabel(ex: Example, label: 0 | 1): Example {
  return { text: ex.text, label, partition: ex.partition };
}
