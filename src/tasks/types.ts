/**
 * Types shared by the task generators: the four partitions of Lovering et al. (2021, section 3),
 * the feature rules of the synthetic tasks, and one labelled example as it is written to disk.
 */

/**
 * Which features an example has: `both` (t and s), `neither`, `s_only` (s without t; "weak" in
 * the original code), `t_only` (t without s; "strong" in the original code).
 */
export type Partition = 'both' | 'neither' | 's_only' | 't_only';

/** A binary label: 1 iff the target feature holds (task sets), or the probe's class (probing sets). */
export type Label = 0 | 1;

/**
 * One labelled example, in the key order of the JSON-lines files:
 * `{"text": "3 5 1 ...", "label": 1, "partition": "both"}`.
 */
export interface Example {
  /** Space-separated symbols, e.g. `3 5 1 0 7 2 9 4 8 6`. */
  readonly text: string;
  /** Task sets: 1 iff t holds. Probing sets: the probe's class (see `probing_sets.ts`). */
  readonly label: Label;
  /** The partition the example was drawn from. */
  readonly partition: Partition;
}

/** Rules with a fixed pattern; `contains-<k>` ("symbol k occurs") is the parametric one. */
export type PatternRuleName = 'first-last' | 'prefix-duplicate' | 'contains-first' | 'adjacent-duplicate';

/** A feature rule over a symbol sequence: `contains-<k>` for a symbol k >= 0, or a pattern rule. */
export type RuleName = PatternRuleName | `contains-${number}`;

/** A task: the target feature t (label 1 iff t holds) and the spurious feature s correlated with it in training. */
export interface TaskPair {
  /** Target rule t, e.g. `first-last`. */
  readonly target: RuleName;
  /** Spurious rule s; the study's is `contains-2` (symbol 2 occurs). */
  readonly spurious: RuleName;
}

/** A synthetic task: a rule pair over sequences of `length` symbols from 0..vocab-1. */
export interface ToyTaskSpec extends TaskPair {
  /** Vocabulary size V: symbols 0..V-1 (RL study 10, Lovering 50,000). */
  readonly vocab: number;
  /** Sequence length L in tokens (both studies 10). */
  readonly length: number;
}
