/**
 * Feature rules of the synthetic tasks (Lovering et al. 2021, section 4; docs/study.md "Synthetic
 * tasks"): a checker `holds(seq)` and an `insert` that makes the rule hold by splicing in its
 * pattern. Insertions follow the toy generator of the authors' code (`toy.py`, `get_one`,
 * `get_first_and_last_duplicate`, `get_prefix_duplicate`, `get_contains_first`, `get_duplicate`).
 */
import { ConfigError } from '../util/assert';
import type { Rng } from '../util/rng';
import type { PatternRuleName, RuleName } from './types';

/** A binary feature of a symbol sequence, with the means to make it hold. */
export interface FeatureRule {
  /** The rule's name, e.g. `contains-2` or `first-last`. */
  readonly name: RuleName;
  /** One line for tables: what must be true of the sequence. */
  readonly description: string;
  /** Symbols the rule owns: they never appear as filler, only through `insert` (contains-k reserves k). */
  readonly reserved: readonly number[];
  /** Tokens that `insert` adds; also the shortest sequence for which the rule can hold. */
  readonly minLength: number;
  /** Rules that hold whenever this one holds (prefix-duplicate implies adjacent-duplicate). */
  readonly implies: readonly RuleName[];
  /** Whether the rule holds for `seq` (symbol ids). */
  holds(seq: readonly number[]): boolean;
  /**
   * A new sequence, `minLength` tokens longer than `seq`, in which the rule holds: its pattern is
   * spliced in, using a fresh symbol x drawn uniformly from `freeSymbols` (symbols reserved by
   * neither rule of the task) where the pattern needs one. Does not modify `seq`.
   */
  insert(seq: readonly number[], freeSymbols: readonly number[], rng: Rng): number[];
}

/** The rules with a fixed pattern, in task-id order (task 2..5). */
export const PATTERN_RULE_NAMES: readonly PatternRuleName[] = ['first-last', 'prefix-duplicate', 'contains-first', 'adjacent-duplicate'];

const CONTAINS = /^contains-(0|[1-9][0-9]{0,8})$/;

/** What a rule name may be, for error messages. */
const ALLOWED_RULES = `'contains-<k>' (k = 0, 1, 2, ...), ${PATTERN_RULE_NAMES.map((n) => `'${n}'`).join(', ')}`;

/** Checks that `value` names a rule; `field` names the argument in the error (`target`, `spurious`). */
export function parseRuleName(field: string, value: unknown): RuleName {
  if (typeof value === 'string' && (CONTAINS.test(value) || (PATTERN_RULE_NAMES as readonly string[]).includes(value))) {
    return value as RuleName;
  }
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  throw new ConfigError(`${field}: ${shown} is not allowed; expected one of ${ALLOWED_RULES}`);
}

/** The rule called `name` (checked with `parseRuleName`). */
export function getRule(name: RuleName): FeatureRule {
  const match = CONTAINS.exec(name);
  if (match) return containsSymbol(Number(match[1]));
  switch (parseRuleName('rule', name) as PatternRuleName) {
    case 'first-last':
      return FIRST_LAST;
    case 'prefix-duplicate':
      return PREFIX_DUPLICATE;
    case 'contains-first':
      return CONTAINS_FIRST;
    case 'adjacent-duplicate':
      return ADJACENT_DUPLICATE;
  }
}

/** `contains-k`: symbol k occurs. Insert: k at a uniformly random position (`get_one`, `get_random_sent`). */
export function containsSymbol(k: number): FeatureRule {
  return {
    name: `contains-${k}`,
    description: `symbol ${k} occurs`,
    reserved: [k],
    minLength: 1,
    implies: [],
    holds: (seq) => seq.includes(k),
    insert(seq, _freeSymbols, rng) {
      const out = seq.slice();
      out.splice(rng.int(seq.length + 1), 0, k);
      return out;
    },
  };
}

/** first-last: the first token equals the last. Insert: x prepended and appended. */
const FIRST_LAST: FeatureRule = {
  name: 'first-last',
  description: 'first token equals last token',
  reserved: [],
  minLength: 2,
  implies: ['contains-first'],
  holds: (seq) => seq.length >= 2 && seq[0] === seq[seq.length - 1],
  insert(seq, freeSymbols, rng) {
    const x = rng.choice(freeSymbols);
    return [x, ...seq, x];
  },
};

/** prefix-duplicate: the first two tokens are equal. Insert: x x prepended. */
const PREFIX_DUPLICATE: FeatureRule = {
  name: 'prefix-duplicate',
  description: 'first two tokens are equal',
  reserved: [],
  minLength: 2,
  implies: ['adjacent-duplicate', 'contains-first'],
  holds: (seq) => seq.length >= 2 && seq[0] === seq[1],
  insert(seq, freeSymbols, rng) {
    const x = rng.choice(freeSymbols);
    return [x, x, ...seq];
  },
};

/** contains-first: the first token occurs again later. Insert: x prepended, then x again at a random index. */
const CONTAINS_FIRST: FeatureRule = {
  name: 'contains-first',
  description: 'first token occurs again later',
  reserved: [],
  minLength: 2,
  implies: [],
  holds: (seq) => seq.length >= 2 && seq.indexOf(seq[0], 1) !== -1,
  insert(seq, freeSymbols, rng) {
    const x = rng.choice(freeSymbols);
    const out = [x, ...seq];
    // As `get_contains_first`: the second x goes to index 0..len of the prepended list, so index 0
    // and 1 both give `x x ...`; kept so the distribution matches the original.
    out.splice(rng.int(out.length + 1), 0, x);
    return out;
  },
};

/** adjacent-duplicate: some token equals its right neighbour. Insert: x x at a random position. */
const ADJACENT_DUPLICATE: FeatureRule = {
  name: 'adjacent-duplicate',
  description: 'some token equals its right neighbour',
  reserved: [],
  minLength: 2,
  implies: [],
  holds(seq) {
    for (let i = 1; i < seq.length; i++) if (seq[i] === seq[i - 1]) return true;
    return false;
  },
  insert(seq, freeSymbols, rng) {
    const x = rng.choice(freeSymbols);
    const out = seq.slice();
    out.splice(rng.int(seq.length + 1), 0, x, x);
    return out;
  },
};
