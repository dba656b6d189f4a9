/**
 * The WordPiece tokenizer against transformers 5.18's BertTokenizerLegacy (Python) and BertTokenizer
 * (Rust tokenizers 0.23): token ids of tricky texts under five option sets, from
 * test/reference/gen_distilbert_fixture.py; plus hand-worked WordPiece splits and error messages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { basicTokenize, loadVocabTxt, parseVocabTxt, WordPieceTokenizer, type WordPieceOptions } from '../../src/tokenizer/wordpiece';

const DIR = path.join(__dirname, '..', 'fixtures', 'models', 'tiny_distilbert');

interface TokenCase {
  options: string;
  text: string;
  slow_tokens: string[];
  slow_ids: number[];
  fast_ids: number[];
}
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  tokenizer_cases: TokenCase[];
  texts: { texts: string[]; input_ids: number[][]; attention_mask: number[][] };
  truncated: { max_length: number; input_ids: number[][]; attention_mask: number[][] };
};

const OPTIONS: Record<string, Partial<WordPieceOptions>> = {
  uncased: { doLowerCase: true },
  cased: { doLowerCase: false },
  uncased_keep_accents: { doLowerCase: true, stripAccents: false },
  cased_strip_accents: { doLowerCase: false, stripAccents: true },
  no_cjk_split: { doLowerCase: true, tokenizeChineseChars: false },
};

describe('WordPiece tokenizer vs Hugging Face BERT tokenizers', () => {
  const vocab = loadVocabTxt(path.join(DIR, 'vocab.txt'));

  it('covers every option set of the fixture, with the Python and Rust tokenizers agreeing', () => {
    assert.deepEqual([...new Set(expected.tokenizer_cases.map((c) => c.options))].sort(), Object.keys(OPTIONS).sort());
    for (const c of expected.tokenizer_cases) assert.deepEqual(c.fast_ids, c.slow_ids, `${c.options} ${JSON.stringify(c.text)}`);
  });

  for (const c of expected.tokenizer_cases) {
    it(`gives HF's tokens and ids (${c.options}): ${JSON.stringify(c.text.length > 40 ? c.text.slice(0, 40) + '...' : c.text)}`, () => {
      const tok = new WordPieceTokenizer(vocab, OPTIONS[c.options]);
      assert.deepEqual(tok.tokenize(c.text), c.slow_tokens);
      assert.deepEqual(tok.encode(c.text), c.slow_ids);
    });
  }

  it('pads a batch on the right to its longest text, as HF padding=True', () => {
    const tok = new WordPieceTokenizer(vocab, { maxLength: 24 });
    const batch = tok.encodeBatch(expected.texts.texts);
    assert.deepEqual(batch.inputIds, expected.texts.input_ids);
    assert.deepEqual(batch.attentionMask, expected.texts.attention_mask);
  });

  it('truncates to max_length and pads to it, as HF truncation=True, padding="max_length"', () => {
    const tok = new WordPieceTokenizer(vocab);
    const batch = tok.encodeBatch(expected.texts.texts, { maxLength: expected.truncated.max_length, padToMaxLength: true });
    assert.deepEqual(batch.inputIds, expected.truncated.input_ids);
    assert.deepEqual(batch.attentionMask, expected.truncated.attention_mask);
  });
});

describe('WordPiece (hand-worked)', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', 'unaff', '##aff', '##able', '##a', 'a', 'runn', '##ing', 'run', '!'];

  it('takes the longest prefix first, then the longest ## continuation', () => {
    const tok = new WordPieceTokenizer(vocab);
    assert.deepEqual(tok.wordPieces('unaffable'), ['unaff', '##able']);
    assert.deepEqual(tok.wordPieces('running'), ['runn', '##ing']);
    assert.deepEqual(tok.wordPieces('aaa'), ['a', '##a', '##a']);
  });

  it('makes the whole word [UNK] when any remainder has no piece (no partial output)', () => {
    const tok = new WordPieceTokenizer(vocab);
    assert.deepEqual(tok.wordPieces('unx'), ['[UNK]']);
    assert.deepEqual(tok.tokenize('run unx!'), ['run', '[UNK]', '!']);
  });

  it('counts word length in code points (an astral character is one), [UNK] past maxInputCharsPerWord', () => {
    const tok = new WordPieceTokenizer(vocab, { maxInputCharsPerWord: 3 });
    assert.deepEqual(tok.wordPieces('aaa'), ['a', '##a', '##a']);
    assert.deepEqual(tok.wordPieces('aaaa'), ['[UNK]']);
    assert.deepEqual(basicTokenize('a\u{1F600}b', { doLowerCase: true, tokenizeChineseChars: true }), ['a\u{1F600}b']);
  });

  it('splits punctuation, lower-cases, strips accents and spaces CJK ideographs', () => {
    const opts = { doLowerCase: true, tokenizeChineseChars: true };
    assert.deepEqual(basicTokenize("Don't STOP—Café!", opts), ['don', "'", 't', 'stop', '—', 'cafe', '!']);
    assert.deepEqual(basicTokenize('好a\u00a0b\u3000c', opts), ['好', 'a', 'b', 'c']);
  });

  it('reads vocab.txt with one token per line and no token after the final newline', () => {
    assert.deepEqual(parseVocabTxt('[PAD]\na\n##b\n'), ['[PAD]', 'a', '##b']);
    assert.deepEqual(parseVocabTxt('[PAD]\na'), ['[PAD]', 'a']);
  });

  it('names the missing special token and the missing vocab file', () => {
    assert.throws(() => new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', 'a']), /vocab\.txt: no '\[SEP\]' token; expected BERT's special tokens \[PAD\], \[UNK\], \[CLS\], \[SEP\]/);
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wp-')), 'vocab.txt');
    assert.throws(() => loadVocabTxt(missing), new RegExp(`vocab.txt: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`));
    assert.throws(() => new WordPieceTokenizer(vocab, { maxLength: 1 }), /maxLength: 1 is not allowed; expected an integer >= 2/);
  });
});
