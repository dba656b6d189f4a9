// GPT-2's pre-tokenisation treats as whitespace exactly what `\s` matches in the Python `regex`
// module (encoder.py), the Unicode White_Space property; Hugging Face `tokenizers` agrees. The
// references are in test/fixtures/tokenizer/gpt2_whitespace.json (test/reference/gen_gpt2_whitespace.py).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { preTokenize } from '../../src/tokenizer/bpe_tokenizer';

interface WhitespaceFixture {
  white_space_ranges: [number, number][];
  texts: string[];
  regex_pieces: string[][];
  hf_pieces?: string[][];
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tokenizer', 'gpt2_whitespace.json'), 'utf8'),
) as WhitespaceFixture;

/** Whether the split pattern treats `c` as whitespace: only then is `a<c> ` cut into `a` and `<c> `. */
function splitsAsWhitespace(c: string): boolean {
  const pieces = preTokenize(`a${c} `);
  return pieces.length === 2 && pieces[1] === `${c} `;
}

describe('GPT-2 pre-tokenisation whitespace', () => {
  it('cuts U+0085 off as whitespace and keeps U+FEFF with the space before it, as GPT-2 does', () => {
    assert.deepEqual(preTokenize('a \u0085b'), ['a', ' ', '\u0085', 'b']);
    assert.deepEqual(preTokenize('a \ufeffb'), ['a', ' \ufeff', 'b']);
    assert.deepEqual(preTokenize('a \u00a0b'), ['a', ' ', '\u00a0', 'b']);
    assert.deepEqual(preTokenize('a \u200bb'), ['a', ' \u200b', 'b']);
  });

  it('treats as whitespace exactly the code points that Python regex `\\s` matches (all 0x110000)', () => {
    const expected = new Set<number>();
    for (const [lo, hi] of fixture.white_space_ranges) for (let cp = lo; cp <= hi; cp++) expected.add(cp);
    assert.equal(expected.size, 25, 'Unicode White_Space has 25 code points');
    const wrong: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (splitsAsWhitespace(String.fromCodePoint(cp)) !== expected.has(cp)) wrong.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('cuts every reference text into the pieces of Python regex and of Hugging Face tokenizers', () => {
    assert.equal(fixture.texts.length, 154);
    fixture.texts.forEach((text, i) => {
      assert.deepEqual(preTokenize(text), fixture.regex_pieces[i], JSON.stringify(text));
      if (fixture.hf_pieces) assert.deepEqual(preTokenize(text), fixture.hf_pieces[i], `tokenizers: ${JSON.stringify(text)}`);
    });
  });
});
