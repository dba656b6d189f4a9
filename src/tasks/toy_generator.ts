/**
 * Lovering's toy generator (Lovering et al. 2021, section 4; docs/study.md "Synthetic tasks"):
 * sequences of `length` symbols from 0..vocab-1 for a pair of rules (target t, spurious s).
 * Filler is uniform over the symbols that neither rule reserves; a present rule's pattern is
 * spliced in (s first, then t, as `toy.py` does); every example is resampled until t and s hold
 * exactly as its partition says, which also rejects negatives in which a checker fires by chance.
 */
import { ConfigError, checkInt, oneOf } from '../util/assert';
import type { Rng } from '../util/rng';
import { PARTITIONS, hasSpurious, hasTarget, partitionLabel } from './partitions';
import { getRule, parseRuleName, type FeatureRule } from './rules';
import type { Example, Partition, TaskPair, ToyTaskSpec } from './types';

/** The task ids of the studies (`--task`). */
export const TOY_TASK_IDS = [1, 2, 3, 4, 5] as const;
export type ToyTaskId = (typeof TOY_TASK_IDS)[number];

/** Task id -> rule pair; every study task has the spurious feature "symbol 2 occurs" (`toy.py`). */
export const TOY_TASKS: Readonly<Record<ToyTaskId, TaskPair>> = Object.freeze({
  1: { target: 'contains-1', spurious: 'contains-2' },
  2: { target: 'first-last', spurious: 'contains-2' },
  3: { target: 'prefix-duplicate', spurious: 'contains-2' },
  4: { target: 'contains-first', spurious: 'contains-2' },
  5: { target: 'adjacent-duplicate', spurious: 'contains-2' },
});

/** Vocabulary size of the RL study: the 10 digits (Lovering used 50,000). */
export const DEFAULT_VOCAB = 10;
/** Sequence length of both studies. */
export const DEFAULT_LENGTH = 10;
/** Largest vocabulary accepted (the free symbols are held in an array). */
export const MAX_VOCAB = 1_000_000;
/** Largest sequence length accepted. */
export const MAX_LENGTH = 10_000;
/** Draws per example before giving up on a partition the rules make (nearly) impossible. */
export const MAX_ATTEMPTS = 10_000;

/** A checked task, ready to sample from. */
export interface ToyTask {
  /** The checked specification. */
  readonly spec: ToyTaskSpec;
  /** Target rule t (label 1 iff it holds). */
  readonly target: FeatureRule;
  /** Spurious rule s. */
  readonly spurious: FeatureRule;
  /** Symbols reserved by neither rule, ascending: the filler and fresh pattern symbols. */
  readonly freeSymbols: readonly number[];
}

/** The rule pair of study task `task` (1..5); throws `task: 'foo' is not allowed; expected one of 1, 2, 3, 4, 5`. */
export function toyTaskPair(task: unknown): TaskPair {
  return TOY_TASKS[oneOf('task', task, TOY_TASK_IDS)];
}

/** The study task id of a pair, or null when the pair is not one of tasks 1..5. */
export function toyTaskIdOf(pair: TaskPair): ToyTaskId | null {
  const id = TOY_TASK_IDS.find((k) => TOY_TASKS[k].target === pair.target && TOY_TASKS[k].spurious === pair.spurious);
  return id ?? null;
}

/**
 * Checks that the pair can be generated at this size and returns the ready task. One
 * `ConfigError` names the first bad field: `target`/`spurious` (unknown, equal, or one implying
 * the other so that a partition cannot exist), `vocab` (reserved symbols must lie below it and
 * leave at least 2 free symbols), `length` (must fit both patterns).
 */
export function prepareToyTask(spec: { target: unknown; spurious: unknown; vocab?: unknown; length?: unknown }): ToyTask {
  const targetName = parseRuleName('target', spec.target);
  const spuriousName = parseRuleName('spurious', spec.spurious);
  const vocab = checkInt('vocab', spec.vocab ?? DEFAULT_VOCAB, 2, MAX_VOCAB);
  const length = checkInt('length', spec.length ?? DEFAULT_LENGTH, 1, MAX_LENGTH);
  const target = getRule(targetName);
  const spurious = getRule(spuriousName);
  const pairText = `target '${targetName}' with spurious '${spuriousName}'`;

  if (targetName === spuriousName) {
    throw new ConfigError(`spurious: '${spuriousName}' is also the target; expected a rule other than the target`);
  }
  if (target.implies.includes(spuriousName)) {
    throw new ConfigError(`spurious: '${spuriousName}' holds whenever target '${targetName}' does, so t_only examples cannot exist; expected a rule the target does not imply`);
  }
  if (spurious.implies.includes(targetName)) {
    throw new ConfigError(`spurious: '${spuriousName}' implies target '${targetName}', so s_only examples cannot exist; expected a rule that does not imply the target`);
  }

  const reserved = [...new Set([...target.reserved, ...spurious.reserved])].sort((a, b) => a - b);
  const minVocab = Math.max(reserved.length + 2, reserved.length > 0 ? reserved[reserved.length - 1] + 1 : 0);
  if (vocab < minVocab) {
    const why = reserved.length > 0 ? `reserved symbols ${reserved.join(', ')} must lie in 0..vocab-1 and leave` : 'the tasks need';
    throw new ConfigError(`vocab: ${vocab} is too small for ${pairText}; expected at least ${minVocab} (${why} at least 2 free symbols)`);
  }
  const minLength = target.minLength + spurious.minLength;
  if (length < minLength) {
    throw new ConfigError(`length: ${length} is too short for ${pairText}; expected at least ${minLength} (the patterns take ${target.minLength} + ${spurious.minLength} tokens)`);
  }

  const freeSymbols: number[] = [];
  for (let sym = 0; sym < vocab; sym++) if (!reserved.includes(sym)) freeSymbols.push(sym);
  return { spec: Object.freeze({ target: targetName, spurious: spuriousName, vocab, length }), target, spurious, freeSymbols };
}

/**
 * One sequence of `partition`: symbol ids, length `spec.length`, in which t holds iff the
 * partition has t and s holds iff it has s. Throws a `ConfigError` after `MAX_ATTEMPTS` draws
 * (a partition that the rules make impossible at this vocab and length).
 */
export function sampleSequence(task: ToyTask, partition: Partition, rng: Rng): number[] {
  const { target, spurious, freeSymbols } = task;
  const t = hasTarget(partition);
  const s = hasSpurious(partition);
  const fillerLength = task.spec.length - (t ? target.minLength : 0) - (s ? spurious.minLength : 0);
  const nFree = freeSymbols.length;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let seq: number[] = new Array<number>(fillerLength);
    for (let i = 0; i < fillerLength; i++) seq[i] = freeSymbols[rng.int(nFree)];
    if (s) seq = spurious.insert(seq, freeSymbols, rng);
    if (t) seq = target.insert(seq, freeSymbols, rng);
    if (target.holds(seq) === t && spurious.holds(seq) === s) return seq;
  }
  const { vocab, length } = task.spec;
  throw new ConfigError(
    `partition: '${partition}' cannot be generated for target '${target.name}' with spurious '${spurious.name}' at vocab ${vocab}, length ${length} (no valid sequence in ${MAX_ATTEMPTS} draws); expected a larger vocab or length`,
  );
}

/** One labelled example of `partition` (label = 1 iff the partition has t). */
export function generateExample(task: ToyTask, partition: Partition, rng: Rng): Example {
  return { text: sampleSequence(task, partition, rng).join(' '), label: partitionLabel(partition), partition };
}

/** `n` independent examples of `partition`, in draw order. */
export function generateExamples(task: ToyTask, partition: Partition, n: number, rng: Rng): Example[] {
  const out: Example[] = new Array<Example>(n);
  for (let i = 0; i < n; i++) out[i] = generateExample(task, partition, rng);
  return out;
}

/** `n` examples of each partition, each partition from its own stream `rng.child(partition)`. */
export function generatePartitionSets(task: ToyTask, n: number, rng: Rng): Record<Partition, Example[]> {
  const out = {} as Record<Partition, Example[]>;
  for (const p of PARTITIONS) out[p] = generateExamples(task, p, n, rng.child(p));
  return out;
}

/** The symbol ids of an example's text (`'3 5 1'` -> `[3, 5, 1]`). */
export function exampleTokens(example: Pick<Example, 'text'>): number[] {
  return example.text.split(' ').map(Number);
}
