/**
 * Training sets at s-only rate p (Lovering et al. 2021, section 3; docs/study.md "Rate"): a share p
 * of s_only examples (label 0, evidence against s), the rest split between both and neither,
 * and never t_only, so at p = 0 the two features are perfectly confounded.
 */
import { checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import type { PartitionCounts } from './partitions';
import { generateExamples, type ToyTask } from './toy_generator';
import type { Example } from './types';

/** The s-only rates of the synthetic study (docs/study.md). */
export const TOY_RATES = [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5] as const;

/**
 * ceil(x), except that a product which is an integer up to float error counts as that integer:
 * 0.07 * 100 is 7.000000000000001 in float64, and its ceil must be 7, not 8.
 */
export function ceilExact(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : Math.ceil(x);
}

/**
 * The composition of a training set of `trainSize` examples at rate `rate`:
 * s_only = ceil(N p), both = ceil(rest / 2), neither = floor(rest / 2) with rest = N - s_only
 * (both takes the odd example), t_only = 0.
 */
export function trainingCounts(trainSize: number, rate: number): PartitionCounts {
  const n = checkInt('trainSize', trainSize, 0);
  const p = checkRange('rate', rate, 0, 1);
  const sOnly = ceilExact(n * p);
  const rest = n - sOnly;
  return { both: Math.ceil(rest / 2), neither: Math.floor(rest / 2), s_only: sOnly, t_only: 0 };
}

/**
 * A shuffled training set with exactly the counts of `trainSize`/`rate` (see `trainingCounts`).
 * Each partition draws from its own stream (`rng.child('both')`, ...), the order from `rng.child('shuffle')`.
 */
export function buildTrainingSet(task: ToyTask, trainSize: number, rate: number, rng: Rng): Example[] {
  const counts = trainingCounts(trainSize, rate);
  const examples = [
    ...generateExamples(task, 'both', counts.both, rng.child('both')),
    ...generateExamples(task, 'neither', counts.neither, rng.child('neither')),
    ...generateExamples(task, 's_only', counts.s_only, rng.child('s_only')),
  ];
  return rng.child('shuffle').shuffled(examples);
}
