/**
 * Training sets at s-only rate p (Lovering et al. 2021, section 3; docs/study.md "Rate"): a share p
 * of s_only examples (label 0, evidence against s), the rest split between both and neither,
 * and never t_only, so at p = 0 the two features are perfectly confounded. The label-balanced variant
 * (ours, issue 15) keeps the label-1 share at 50 % for every rate: s-only examples replace neither
 * examples only, so "more evidence against s" is not also "more label-0 prompts".
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
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
 * How the labels of a training set depend on the rate. `study`: the papers' sets, where s-only
 * examples (label 0) take their share from both and neither alike, so the label-1 share is
 * (1 - p) / 2 (25 % at p = 0.5). `balanced`: both (label 1) stays at half the set for every rate and
 * the s-only examples replace neither examples, so the label-1 share is 50 % at every rate.
 */
export const LABEL_BALANCES = ['study', 'balanced'] as const;
export type LabelBalance = (typeof LABEL_BALANCES)[number];

/**
 * The composition of a training set of `trainSize` examples at rate `rate`:
 * s_only = ceil(N p), t_only = 0, and with `labelBalance` 'study' (default) both = ceil(rest / 2),
 * neither = floor(rest / 2) with rest = N - s_only (both takes the odd example); with 'balanced'
 * both = ceil(N / 2), neither = N - both - s_only (needs s_only <= floor(N / 2), i.e. p <= 1/2).
 * At p = 0 both give the same counts.
 */
export function trainingCounts(trainSize: number, rate: number, labelBalance: LabelBalance = 'study'): PartitionCounts {
  const n = checkInt('trainSize', trainSize, 0);
  const p = checkRange('rate', rate, 0, 1);
  const balance = oneOf('labelBalance', labelBalance, LABEL_BALANCES);
  const sOnly = ceilExact(n * p);
  if (balance === 'balanced') {
    const both = Math.ceil(n / 2);
    if (sOnly > n - both) {
      throw new ConfigError(`rate: ${p} needs ${sOnly} s-only examples but a label-balanced set of ${n} has ${n - both} label-0 places; expected a rate with ceil(N p) <= floor(N / 2)`);
    }
    return { both, neither: n - both - sOnly, s_only: sOnly, t_only: 0 };
  }
  const rest = n - sOnly;
  return { both: Math.ceil(rest / 2), neither: Math.floor(rest / 2), s_only: sOnly, t_only: 0 };
}

/**
 * A shuffled training set with exactly the counts of `trainSize`/`rate`/`labelBalance` (see
 * `trainingCounts`). Each partition draws from its own stream (`rng.child('both')`, ...), the order
 * from `rng.child('shuffle')`; equal counts give the same set whatever the label balance.
 */
export function buildTrainingSet(task: ToyTask, trainSize: number, rate: number, rng: Rng, labelBalance: LabelBalance = 'study'): Example[] {
  const counts = trainingCounts(trainSize, rate, labelBalance);
  const examples = [
    ...generateExamples(task, 'both', counts.both, rng.child('both')),
    ...generateExamples(task, 'neither', counts.neither, rng.child('neither')),
    ...generateExamples(task, 's_only', counts.s_only, rng.child('s_only')),
  ];
  return rng.child('shuffle').shuffled(examples);
}
