import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promptIds, samplePrompts, toyScores, toyVocab } from '../../src/rl/toy_env';
import { createRng } from '../../src/util/rng';
import type { Example } from '../../src/tasks/types';

describe('toy environment', () => {
  it('maps the 10 digits to ids 0..9 and adds pad and unk (12 tokens, STUDY.md)', () => {
    assert.deepEqual(toyVocab(10), { symbols: 10, padId: 10, unkId: 11, size: 12 });
    assert.deepEqual(promptIds({ text: '3 5 1 0 9' }), [3, 5, 1, 0, 9]);
  });

  it('scores ascending runs for label 1 and descending runs for label 0, skipping pad/unk', () => {
    const responses = [Int32Array.from([1, 2, 3, 4, 5]), Int32Array.from([9, 7, 5, 3, 1]), Int32Array.from([1, 2, 3, 4, 5]), Int32Array.from([10, 1, 11, 2, 3])];
    assert.deepEqual(toyScores(responses, [1, 0, 0, 1]), [1, 1, 0, 0.5]);
  });

  it('draws prompts with replacement, reproducibly by seed', () => {
    const pool: Example[] = Array.from({ length: 5 }, (_, i) => ({ text: String(i), label: 0, partition: 'neither' }));
    const a = samplePrompts(pool, 50, createRng(1)).map((e) => e.text);
    assert.deepEqual(a, samplePrompts(pool, 50, createRng(1)).map((e) => e.text));
    assert.equal(new Set(a).size, 5);
    assert.throws(() => samplePrompts([], 1, createRng(1)), /prompt pool is empty/);
  });
});
