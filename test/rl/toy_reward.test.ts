import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  TOY_REWARD_DIVISOR,
  monotoneRunSteps,
  toyRewardFromDigits,
  toyRewardFromText,
  toyRewardFromTokenIds,
} from '../../src/rl/toy_reward';

// Hand-worked table. `null` = a non-digit token (pad/unk/eos). Columns: digits, label, reward with
// nonDigit 'skip' (default, the authors' code), reward with nonDigit 'break'.
const TABLE: ReadonlyArray<readonly [readonly (number | null)[], 0 | 1, number, number, string]> = [
  [[1, 2, 3, 4, 5], 1, 1, 1, 'full ascending run'],
  [[9, 7, 4, 2, 0], 0, 1, 1, 'full descending run'],
  [[1, 2, 3, 4, 5], 0, 0, 0, 'ascending digits under label 0'],
  [[1, 2, 3, 0, 0], 1, 0.5, 0.5, 'breaks at the first descent'],
  [[1, 2, 3, 0, 0], 0, 0, 0, 'first step already ascends'],
  [[6, 5, 4, 3, 8], 0, 0.75, 0.75, 'breaks at the last step'],
  [[3, 3, 4, 5, 6], 1, 0, 0, 'a tie breaks the run at once'],
  [[1, 2, 2, 3, 4], 1, 0.25, 0.25, 'a tie in the middle breaks the run'],
  [[1, 5, 2, 6, 7], 1, 0.25, 0.25, 'a later ascent after the break does not count'],
  [[0, 9], 1, 0.25, 0.25, 'two digits'],
  [[7], 1, 0, 0, 'one digit'],
  [[], 1, 0, 0, 'empty output'],
  [[null, null], 0, 0, 0, 'only non-digits'],
  [[1, null, 2, 3, 4], 1, 0.75, 0, 'non-digit inside the run'],
  [[null, 8, 6, 4, 2], 0, 0.75, 0, 'non-digit first'],
  [[2, 4, 6, 8, null], 1, 0.75, 0.75, 'non-digit last (e.g. padding)'],
  [[1, 2, null, 1], 1, 0.25, 0.25, 'a break after a skipped non-digit'],
];

describe('toy reward: hand-worked table', () => {
  for (const [digits, label, skip, brk, what] of TABLE) {
    it(`${what}: [${digits.map((d) => (d === null ? '_' : d)).join(' ')}] label ${label} -> ${skip} (skip), ${brk} (break)`, () => {
      assert.equal(toyRewardFromDigits(digits, label), skip);
      assert.equal(toyRewardFromDigits(digits, label, { nonDigit: 'skip' }), skip);
      assert.equal(toyRewardFromDigits(digits, label, { nonDigit: 'break' }), brk);
    });
  }

  it('divides by 4, giving {0, .25, .5, .75, 1} for five digits', () => {
    assert.equal(TOY_REWARD_DIVISOR, 4);
    const seen = new Set<number>();
    for (let a = 0; a < 10; a += 3) for (let b = 0; b < 10; b += 2) for (let c = 0; c < 10; c += 4) seen.add(toyRewardFromDigits([a, b, c, 5, 9], 1));
    for (const r of seen) assert.ok([0, 0.25, 0.5, 0.75, 1].includes(r), `reward ${r}`);
  });

  it('counts steps without a cap, as the original (six ascending digits score 5/4)', () => {
    assert.equal(monotoneRunSteps([0, 1, 2, 3, 4, 5], 1), 5);
    assert.equal(toyRewardFromDigits([0, 1, 2, 3, 4, 5], 1), 1.25);
  });

  it('rejects a label other than 0 or 1 and an unknown nonDigit policy', () => {
    assert.throws(() => toyRewardFromDigits([1, 2], 2 as 0), /label: 2 is not allowed/);
    assert.throws(() => toyRewardFromDigits([1, 2], 1, { nonDigit: 'stop' as 'skip' }), /nonDigit: 'stop' is not allowed/);
  });
});

describe('toy reward from token ids and from text', () => {
  // A toy vocabulary: ids 0..9 are the digits, 10 = pad, 11 = unk.
  const digitOf = (id: number): number | null => (id >= 0 && id <= 9 ? id : null);

  it('reads token ids through digitOf; pad/unk are non-digits', () => {
    assert.equal(toyRewardFromTokenIds([1, 3, 5, 7, 9], 1, digitOf), 1);
    assert.equal(toyRewardFromTokenIds(Int32Array.from([1, 10, 3, 11, 5]), 1, digitOf), 0.5);
    assert.equal(toyRewardFromTokenIds([1, 10, 3, 11, 5], 1, digitOf, { nonDigit: 'break' }), 0);
  });

  it('reads text like the original: whitespace split, integer words, other words skipped', () => {
    assert.equal(toyRewardFromText('1 2 3 0 0', 1), 0.5);
    assert.equal(toyRewardFromText('6 5 4 3 8', 0), 0.75);
    assert.equal(toyRewardFromText('  9\t7\n5   3 1 ', 0), 1);
    assert.equal(toyRewardFromText('1 x 2 <unk> 3', 1), 0.5);
    assert.equal(toyRewardFromText('1 x 2 <unk> 3', 1, { nonDigit: 'break' }), 0);
    assert.equal(toyRewardFromText('', 1), 0);
    assert.equal(toyRewardFromText('1 12 +13 1_4', 1), 0.75); // Python int(): "12" is twelve, "+13", "1_4"
    assert.equal(toyRewardFromText('1 2.5 3', 1), 0.25); // "2.5" is not an integer word: skipped
  });
});
