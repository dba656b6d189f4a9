/**
 * Reward of the synthetic RL task (docs/study.md "RL on synthetic tasks"): read the generated digits and
 * count the steps that continue a strictly ascending run (label 1) or strictly descending run
 * (label 0) from the first digit, stopping at the first break; reward = count / 4, so five digits
 * give {0, .25, .5, .75, 1}. Follows the authors' RL4LMs fork (diogo-cruz/RL4LMs d93a0ca,
 * `toy_reward.py` `AscendingDescendingReward.reward`).
 *
 * Decisions, each pinned by test/rl/toy_reward.test.ts:
 * - Equal neighbours break the run (strict comparison, as the original).
 * - Non-digit tokens (pad, unk, eos, any word) are skipped by default (`nonDigit: 'skip'`): the
 *   original decodes with `skip_special_tokens=True`, splits on whitespace and drops tokens that
 *   `int()` rejects before counting. `nonDigit: 'break'` ends the run at the first non-digit instead.
 * - No digits, or one digit, gives 0.
 * - The divisor is the constant 4 (the original's `min_tokens - 1`); nothing caps the count, so
 *   more than five digits could score above 1, as in the original. The toy generates at most five.
 * - The caller passes only the generated tokens (not the prompt). If generation stops at an EOS,
 *   pass the tokens before it; the toy vocabulary (digits + pad + unk) has no EOS.
 */

/** The original's divisor: `min_tokens - 1` with `min_tokens = 5`. */
export const TOY_REWARD_DIVISOR = 4;

/** What a token that is not a digit does to the run. */
export type NonDigitPolicy = 'skip' | 'break';

/** Options of the toy reward. */
export interface ToyRewardOptions {
  /** 'skip' (default, the authors' code) drops non-digits; 'break' ends the run at the first one. */
  readonly nonDigit?: NonDigitPolicy;
}

function checkLabel(label: number): void {
  if (label !== 0 && label !== 1) throw new Error(`label: ${label} is not allowed; expected 0 (descending) or 1 (ascending)`);
}

/**
 * Number of steps that keep the run strictly ascending (label 1) or strictly descending (label 0)
 * from the first number, stopping at the first break. `null` entries are non-digits.
 */
export function monotoneRunSteps(numbers: readonly (number | null)[], label: 0 | 1, options: ToyRewardOptions = {}): number {
  checkLabel(label);
  const nonDigit = options.nonDigit ?? 'skip';
  if (nonDigit !== 'skip' && nonDigit !== 'break') {
    throw new Error(`nonDigit: '${String(nonDigit)}' is not allowed; expected 'skip' or 'break'`);
  }
  let seq: readonly (number | null)[] = numbers;
  if (nonDigit === 'skip') {
    seq = numbers.filter((n) => n !== null);
  } else {
    const firstNull = numbers.indexOf(null);
    if (firstNull >= 0) seq = numbers.slice(0, firstNull);
  }
  let steps = 0;
  for (let i = 1; i < seq.length; i++) {
    const prev = seq[i - 1] as number;
    const cur = seq[i] as number;
    if (label === 1 ? cur > prev : cur < prev) steps += 1;
    else break;
  }
  return steps;
}

/** Toy reward from digits already read (`null` = a non-digit token): steps / 4. */
export function toyRewardFromDigits(digits: readonly (number | null)[], label: 0 | 1, options: ToyRewardOptions = {}): number {
  return monotoneRunSteps(digits, label, options) / TOY_REWARD_DIVISOR;
}

/**
 * Toy reward from generated token ids; `digitOf` maps an id to its digit 0..9, or null for
 * pad/unk/eos and anything else.
 * @param ids the generated tokens only, in order
 */
export function toyRewardFromTokenIds(
  ids: ArrayLike<number>,
  label: 0 | 1,
  digitOf: (id: number) => number | null,
  options: ToyRewardOptions = {},
): number {
  const digits: (number | null)[] = [];
  for (let i = 0; i < ids.length; i++) digits.push(digitOf(ids[i]));
  return toyRewardFromDigits(digits, label, options);
}

// Python int() on one whitespace-free word: optional sign, ASCII digits, single underscores between
// digit groups. (Python also accepts non-ASCII decimal digits; those count as non-digits here.)
const INT_WORD = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/**
 * Toy reward from decoded text, as the original: split on whitespace, read each word that parses
 * as an integer (so "12" is the number 12), and treat other words as non-digits.
 * @param text the decoded generated text (special tokens already removed, as RL4LMs decodes)
 */
export function toyRewardFromText(text: string, label: 0 | 1, options: ToyRewardOptions = {}): number {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const numbers = words.map((w) => (INT_WORD.test(w) ? Number(w.replace(/_/g, '')) : null));
  return toyRewardFromDigits(numbers, label, options);
}
