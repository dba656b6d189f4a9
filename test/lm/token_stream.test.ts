import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedWindows, packTexts, sampleWindows } from '../../src/lm/token_stream';
import { unigramCrossEntropyNats } from '../../src/lm/unigram_baseline';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

/** A toy tokenizer: one id per character code minus 96 ('a' = 1), EOS 0. */
const CHARS = { eosId: 0, encode: (t: string) => [...t].map((c) => c.charCodeAt(0) - 96) };

describe('packTexts', () => {
  it('concatenates the encoded passages with EOS after each one', () => {
    assert.deepEqual([...packTexts(['ab', 'c', ''], CHARS)], [1, 2, 0, 3, 0, 0]);
  });
});

describe('sampleWindows', () => {
  const stream = Int32Array.from({ length: 50 }, (_, i) => i);
  it('cuts contiguous windows of the stream, every one inside it', () => {
    const w = sampleWindows(stream, 20, 6, createRng(1));
    for (let b = 0; b < 20; b++) {
      const row = [...w.subarray(b * 6, b * 6 + 6)];
      assert.ok(row[0] >= 0 && row[5] <= 49);
      row.forEach((v, i) => assert.equal(v, row[0] + i));
    }
  });
  it('gives the same windows for the same seed and other windows for another', () => {
    assert.deepEqual(sampleWindows(stream, 8, 5, createRng(3)), sampleWindows(stream, 8, 5, createRng(3)));
    assert.notDeepEqual(sampleWindows(stream, 8, 5, createRng(3)), sampleWindows(stream, 8, 5, createRng(4)));
  });
  it('reaches the last window of the stream', () => {
    const w = sampleWindows(Int32Array.from([7, 8, 9]), 40, 2, createRng(0));
    assert.ok([...w].includes(9));
  });
  it('rejects a stream shorter than one window, naming it', () => {
    assert.throws(() => sampleWindows(Int32Array.from([1, 2]), 1, 3, createRng(0)), (e: Error) => e instanceof ConfigError && /^stream: 2 tokens/.test(e.message));
  });
});

describe('fixedWindows', () => {
  it('tiles the stream so that every covered token is predicted exactly once', () => {
    const { ids, nWindows } = fixedWindows(Int32Array.from({ length: 10 }, (_, i) => i), 4, 100);
    assert.equal(nWindows, 3);
    assert.deepEqual([...ids], [0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9]);
  });
  it('stops at maxWindows', () => {
    assert.equal(fixedWindows(new Int32Array(100), 5, 2).nWindows, 2);
  });
});

describe('unigramCrossEntropyNats', () => {
  it('matches the add-one estimate worked by hand', () => {
    // train counts [3, 1, 0] + 1 each = [4, 2, 1] of 7; validation [0, 2]: -(ln 4/7 + ln 1/7) / 2
    const expected = -(Math.log(4 / 7) + Math.log(1 / 7)) / 2;
    assert.ok(Math.abs(unigramCrossEntropyNats(Int32Array.from([0, 0, 1, 0]), Int32Array.from([0, 2]), 3) - expected) < 1e-12);
  });
});
