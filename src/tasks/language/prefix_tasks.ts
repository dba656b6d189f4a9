/**
 * The prefix tasks of the natural-language study (docs/study.md "Natural-language tasks"): each passage
 * yields one prompt per partition by prepending a prefix, and the prompt is cut to its first 16
 * tokens. Prefixes are those of the authors' `imdb_dataset_preprocessing.py` (EdoardoPona/
 * predicting-inductive-biases-RL, branch `13-LLM-finetuning` at 9bd63f2, `make_data_<k>`), read
 * for tasks 0, 1, 2, 5, 6, 8, 9, 12, 22 and 23. The authors used no checkers; ours define each
 * feature on the prompt text, and the generator keeps only prompts on which, after truncation,
 * t and s hold exactly as the partition says (so a passage that contains `$` never yields a
 * neither prompt of task 1). Tokens are our BPE's, not GPT-2's.
 */
import type { Rng } from '../../util/rng';
import { oneOf } from '../../util/assert';
import { PARTITIONS, hasSpurious, hasTarget } from '../partitions';
import type { Partition } from '../types';

/** What the prompt code needs of a tokenizer (`BpeTokenizer` satisfies it). */
export interface PromptTokenizer {
  /** Token ids of `text`. */
  encode(text: string): number[];
  /** Text of `ids`. */
  decode(ids: readonly number[]): string;
}

/** The study's prompt length in tokens (`trl_run.py --txt_in_len 16`; `imdb_generate.sh tokens=16`). */
export const DEFAULT_PROMPT_TOKENS = 16;
/** Tokens of the passage whose spaces the parity tasks count (`make_data_22`: n = 11). */
export const PARITY_WINDOW_TOKENS = 11;

/** A prefix task: the prefixes of its four partitions and the checkers of its two features. */
export interface PrefixTask {
  /** Task id of the authors' code. */
  readonly id: LanguageTaskId;
  /** The target feature t (label 1 iff it holds), in words. */
  readonly target: string;
  /** The spurious feature s, in words. */
  readonly spurious: string;
  /**
   * The prefix of each partition for `passage`. Random choices shared by the four prompts of one
   * passage (task 2's score, task 12's occupations) come from `rng`, as the authors drew one per review.
   */
  prefixes(passage: string, tok: PromptTokenizer, rng: Rng): Record<Partition, string>;
  /** Whether t holds on `prompt`. */
  hasTarget(prompt: string, tok: PromptTokenizer): boolean;
  /** Whether s holds on `prompt`. */
  hasSpurious(prompt: string, tok: PromptTokenizer): boolean;
}

/** The task ids implemented (the figures use 1, 2, 5, 22, 23). */
export const LANGUAGE_TASK_IDS = [0, 1, 2, 5, 6, 8, 9, 12, 22, 23] as const;
/** One of `LANGUAGE_TASK_IDS`. */
export type LanguageTaskId = (typeof LANGUAGE_TASK_IDS)[number];

/** Prefixes that do not depend on the passage or on a draw. */
const fixed = (p: Record<Partition, string>) => (): Record<Partition, string> => p;

/** `make_data_12`: 40 occupations of each status ('Manager' appears twice in the high list, as in the authors' list). */
export const HIGH_STATUS_OCCUPATIONS: readonly string[] = [
  'CEO', 'Surgeon', 'Lawyer', 'Banker', 'Scientist', 'Engineer', 'Architect', 'Doctor', 'Attorney', 'Academic',
  'Software Engineer', 'Professor', 'Pilot', 'Dentist', 'Financial Analyst', 'Manager', 'Pharmacist', 'Orthodontist',
  'Real Estate Developer', 'Veterinarian', 'Actuary', 'Accountant', 'Consultant', 'Anesthesiologist', 'Manager',
  'C-level executive', 'Chief Financial Officer', 'Venture Capitalist', 'Biologist', 'Mathematician', 'Chemist',
  'Artistic Director', 'Cybersecurity Expert', 'Ambassador', 'Translator', 'Physicist', 'PhD Student', 'Psychologist',
  'Psychiatrist', 'Logician',
];
/** `make_data_12`: the 40 low-status occupations. */
export const LOW_STATUS_OCCUPATIONS: readonly string[] = [
  'Fast food worker', 'Janitor', 'Telemarketer', 'Manual Laborer', 'Cashier', 'Shoe Shiner', 'Dishwasher',
  'Garbage Collector', 'Day Laborer', 'Farmhand', 'Street Vendor', 'Nanny', 'Delivery Driver', 'Busboy',
  'Grocery Bagger', 'Usher', 'Bellhop', 'Courier', 'Security Guard', 'Fisherman', 'Cleaner', 'Sewer Worker',
  'Call Center Representative', 'Toll Booth Operator', 'Parking Lot Attendant', 'Convenience Store Clerk',
  'Grave Digger', 'Ride Operator', 'Taxi Driver', 'Factory worker', 'Construction Worker', 'Roofer', 'Carpenter',
  'Welder', 'Mason', 'Gas Station Attendant', 'Cook', 'Waiter', 'Receptionist', 'Assembly Line Worker',
];

/** Number of `' '` characters in `text` (the authors' `str.count(' ')`; tabs and newlines do not count). */
export function countSpaces(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) n++;
  return n;
}

/** The prefix of a parity-task prompt: an optional hyphen, an optional ` So:`, then one space. */
const PARITY_PREFIX = /^-?(?: So:)? /;

/** Spaces in the first `PARITY_WINDOW_TOKENS` tokens of `text` tokenised on its own. */
export function windowSpaces(text: string, tok: PromptTokenizer): number {
  return countSpaces(tok.decode(tok.encode(text).slice(0, PARITY_WINDOW_TOKENS)));
}

/**
 * The count behind the parity feature of tasks 22/23 (`make_data_22`): the spaces of the prefix
 * (`' '`, `'- '`, `' So: '`, `'- So: '`) plus the spaces in the first 11 tokens of the rest,
 * tokenised on its own, as the authors counted `truncate(review, 11)` and then prepended the prefix.
 * A prompt without such a prefix counts the spaces of its own first 11 tokens.
 */
export function parityCount(prompt: string, tok: PromptTokenizer): number {
  const m = PARITY_PREFIX.exec(prompt);
  const prefix = m ? m[0] : '';
  return countSpaces(prefix) + windowSpaces(prompt.slice(prefix.length), tok);
}

/** The parity feature: `parityCount` is even (the authors' t of task 22: "number of words ... is even"). */
export function hasEvenParity(prompt: string, tok: PromptTokenizer): boolean {
  return parityCount(prompt, tok) % 2 === 0;
}

/**
 * The prefix of a parity-task prompt with (`hyphen`, `even`) for a passage whose first 11 tokens
 * hold `passageSpaces` spaces: `' '` or `' So: '` (1 or 2 spaces) picks the parity, `-` the hyphen.
 */
export function parityPrefix(hyphen: boolean, even: boolean, passageSpaces: number): string {
  const oneSpaceGivesEven = (1 + passageSpaces) % 2 === 0;
  return (hyphen ? '-' : '') + (oneSpaceGivesEven === even ? ' ' : ' So: ');
}

/** The four parity prefixes; `parityIsTarget` is true for task 22, false for task 23 (features swapped). */
function parityPrefixes(parityIsTarget: boolean) {
  return (passage: string, tok: PromptTokenizer): Record<Partition, string> => {
    const spaces = windowSpaces(passage, tok);
    const out = {} as Record<Partition, string>;
    for (const p of PARTITIONS) {
      const even = parityIsTarget ? hasTarget(p) : hasSpurious(p);
      const hyphen = parityIsTarget ? hasSpurious(p) : hasTarget(p);
      out[p] = parityPrefix(hyphen, even, spaces);
    }
    return out;
  };
}

const hasWord = (word: string) => {
  const re = new RegExp(`\\b${word}\\b`, 'i');
  return (prompt: string): boolean => re.test(prompt);
};
const includes = (s: string) => (prompt: string): boolean => prompt.includes(s);
const startsWith = (s: string) => (prompt: string): boolean => prompt.startsWith(s);
const startsWithHyphen = startsWith('-');

/** The leading `k/10` score of a prompt, or null. */
export function leadingScore(prompt: string): number | null {
  const m = /^(\d+)\/10/.exec(prompt);
  return m ? Number(m[1]) : null;
}

/** The occupation a task-12 prompt names (after an optional `Review by a `, before `: `), or null. */
export function promptOccupation(prompt: string): string | null {
  const rest = prompt.startsWith('Review by a ') ? prompt.slice('Review by a '.length) : prompt;
  let best: string | null = null;
  for (const o of [...HIGH_STATUS_OCCUPATIONS, ...LOW_STATUS_OCCUPATIONS]) {
    if (rest.startsWith(`${o}: `) && (best === null || o.length > best.length)) best = o;
  }
  return best;
}

/** The tasks, by the authors' ids. */
export const PREFIX_TASKS: Readonly<Record<LanguageTaskId, PrefixTask>> = Object.freeze({
  0: {
    id: 0,
    target: 'the word "film" (vs "movie")',
    spurious: 'a leading "A "',
    prefixes: fixed({ both: 'A film review: ', t_only: 'Film review: ', s_only: 'A movie review: ', neither: 'Movie review: ' }),
    hasTarget: hasWord('film'),
    hasSpurious: startsWith('A '),
  },
  1: {
    id: 1,
    target: '"$" present',
    spurious: '"#" present',
    prefixes: fixed({ both: '$ # ', t_only: '$ ', s_only: '# ', neither: '' }),
    hasTarget: includes('$'),
    hasSpurious: includes('#'),
  },
  2: {
    id: 2,
    target: 'a high score k/10, k in 7..10 (vs 1..4)',
    spurious: 'the word "review"',
    prefixes: (_passage: string, _tok: PromptTokenizer, rng: Rng) => {
      const low = 1 + rng.int(4); // np.random.randint(1, 5)
      const high = 11 - low;
      return { both: `${high}/10 review: `, t_only: `${high}/10: `, s_only: `${low}/10 review: `, neither: `${low}/10: ` };
    },
    hasTarget: (prompt: string) => {
      const k = leadingScore(prompt);
      return k !== null && k >= 7 && k <= 10;
    },
    hasSpurious: hasWord('review'),
  },
  5: {
    id: 5,
    target: '"$" present',
    spurious: '"#" present, before the "$" in both',
    // '# $' has no space after '$' in make_data_5 (kept as written).
    prefixes: fixed({ both: '# $', t_only: '$ ', s_only: '# ', neither: '' }),
    hasTarget: includes('$'),
    hasSpurious: includes('#'),
  },
  6: {
    id: 6,
    target: 'leading spaces (three)',
    spurious: 'a leading "." (after the spaces)',
    prefixes: fixed({ both: '   .', t_only: '   ', s_only: '.', neither: '' }),
    hasTarget: (prompt: string) => /^\s/.test(prompt),
    hasSpurious: (prompt: string) => /^\s*\./.test(prompt),
  },
  8: {
    id: 8,
    target: 'the score "9/10" (vs "1/10")',
    spurious: 'the word "review"',
    prefixes: fixed({ both: '9/10 review: ', t_only: '9/10: ', s_only: '1/10 review: ', neither: '1/10: ' }),
    hasTarget: startsWith('9/10'),
    hasSpurious: hasWord('review'),
  },
  9: {
    id: 9,
    target: 'a leading "So: "',
    spurious: '"My opinion is: "',
    prefixes: fixed({ both: 'So: My opinion is: ', t_only: 'So: ', s_only: 'My opinion is: ', neither: '' }),
    hasTarget: startsWith('So: '),
    hasSpurious: includes('My opinion is: '),
  },
  12: {
    id: 12,
    target: 'a high-status occupation',
    spurious: 'a leading "Review by a "',
    prefixes: (_passage: string, _tok: PromptTokenizer, rng: Rng) => {
      const high = rng.choice(HIGH_STATUS_OCCUPATIONS); // random.choices(words[0])
      const low = rng.choice(LOW_STATUS_OCCUPATIONS);
      return { both: `Review by a ${high}: `, t_only: `${high}: `, s_only: `Review by a ${low}: `, neither: `${low}: ` };
    },
    hasTarget: (prompt: string) => {
      const o = promptOccupation(prompt);
      return o !== null && HIGH_STATUS_OCCUPATIONS.includes(o);
    },
    hasSpurious: startsWith('Review by a '),
  },
  22: {
    id: 22,
    target: 'an even number of spaces in the prefix plus the first 11 passage tokens',
    spurious: 'a leading hyphen',
    prefixes: parityPrefixes(true),
    hasTarget: hasEvenParity,
    hasSpurious: startsWithHyphen,
  },
  23: {
    id: 23,
    target: 'a leading hyphen',
    spurious: 'an even number of spaces in the prefix plus the first 11 passage tokens',
    prefixes: parityPrefixes(false),
    hasTarget: startsWithHyphen,
    hasSpurious: hasEvenParity,
  },
} satisfies Record<LanguageTaskId, PrefixTask>);

/** The task `id` (a number or a numeric string); throws `task: 7 is not allowed; expected one of 0, 1, ...`. */
export function getPrefixTask(id: unknown): PrefixTask {
  const n = typeof id === 'string' && /^[0-9]+$/.test(id) ? Number(id) : id;
  return PREFIX_TASKS[oneOf('task', n, LANGUAGE_TASK_IDS)];
}

/** The first `maxTokens` tokens of `text`, decoded (the authors' `truncate`: encode, cut, decode). */
export function truncateToTokens(text: string, tok: PromptTokenizer, maxTokens: number): string {
  return tok.decode(tok.encode(text).slice(0, maxTokens));
}

/**
 * The finished prompt of `partition` from the full text `prefix + passage`, or null when it cannot
 * serve: the text has fewer than `maxTokens` tokens (the trainer drops short prompts, `trl_run.py`),
 * the cut text does not re-encode to exactly `maxTokens` tokens, or t and s on the cut text differ
 * from the partition's. `maxTokens` null keeps the whole text.
 */
export function finishPrompt(task: PrefixTask, fullText: string, partition: Partition, tok: PromptTokenizer, maxTokens: number | null): string | null {
  let prompt = fullText;
  if (maxTokens !== null) {
    const ids = tok.encode(fullText);
    if (ids.length < maxTokens) return null;
    prompt = tok.decode(ids.slice(0, maxTokens));
    if (tok.encode(prompt).length !== maxTokens) return null;
  }
  if (task.hasTarget(prompt, tok) !== hasTarget(partition)) return null;
  if (task.hasSpurious(prompt, tok) !== hasSpurious(partition)) return null;
  return prompt;
}

/** The prompt of one partition built from `passage` (one prefix draw from `rng`), or null (see `finishPrompt`). */
export function buildPrompt(task: PrefixTask, passage: string, partition: Partition, tok: PromptTokenizer, maxTokens: number | null, rng: Rng): string | null {
  return finishPrompt(task, task.prefixes(passage, tok, rng)[partition] + passage, partition, tok, maxTokens);
}

/**
 * The four prompts of `passage` from one prefix draw (as the authors built all four from review
 * i), or null when any of them fails `finishPrompt`.
 */
export function buildPromptSet(task: PrefixTask, passage: string, tok: PromptTokenizer, maxTokens: number | null, rng: Rng): Record<Partition, string> | null {
  const prefixes = task.prefixes(passage, tok, rng);
  const out = {} as Record<Partition, string>;
  for (const p of PARTITIONS) {
    const prompt = finishPrompt(task, prefixes[p] + passage, p, tok, maxTokens);
    if (prompt === null) return null;
    out[p] = prompt;
  }
  return out;
}
