import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BpeTokenizer,
  DEFAULT_VOCAB_SIZE,
  EOS_TOKEN,
  PAD_TOKEN,
  bytesToUnicode,
  loadBpeTokenizer,
  preTokenize,
  saveBpeTokenizer,
  toByteChars,
  trainBpe,
  trainBpeTokenizer,
} from '../../src/tokenizer/bpe_tokenizer';
import { loadBrownPassages } from '../../src/tasks/language/corpus';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'language', 'bpe_small');
// Must match test/reference/gen_bpe_small_tokenizer.ts.
const SMALL_PASSAGES = 400;
const SMALL_VOCAB = 700;
const brownSmall = loadBrownPassages().slice(0, SMALL_PASSAGES).map((p) => p.text);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpe-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface HfReference {
  script: string;
  versions: Record<string, string>;
  vocab_size: number;
  texts: string[];
  ids: number[][];
  decoded: string[];
}

describe('bytesToUnicode', () => {
  it('maps the 256 bytes one-to-one to characters, in GPT-2 id order', () => {
    const table = bytesToUnicode();
    assert.equal(table.length, 256);
    assert.equal(new Set(table.map((e) => e.byte)).size, 256);
    assert.equal(new Set(table.map((e) => e.char)).size, 256);
    // GPT-2 encoder.json: id 0 is '!', id 94 is '~', id 188 is 'Ā' (byte 0), space is 'Ġ' (id 220).
    assert.deepEqual(table[0], { byte: 0x21, char: '!' });
    assert.deepEqual(table[93], { byte: 0x7e, char: '~' });
    assert.deepEqual(table[188], { byte: 0, char: 'Ā' });
    assert.deepEqual(table[220], { byte: 0x20, char: 'Ġ' });
    assert.equal(toByteChars(' the\n'), 'ĠtheĊ');
  });
});

describe('preTokenize', () => {
  it("cuts text as GPT-2's regex does, and the pieces rejoin to the text", () => {
    assert.deepEqual(preTokenize("Hello  world's 42!!  \n x"), ['Hello', ' ', ' world', "'s", ' 42', '!!', '  \n', ' x']);
    assert.deepEqual(preTokenize('   .Since'), ['  ', ' .', 'Since']);
    const s = 'naïve café 😀👍🏽 日本語\t\tx  ';
    assert.equal(preTokenize(s).join(''), s);
  });
});

describe('trainBpe', () => {
  it('learns the hand-computed merges of a frequency example', () => {
    // Pieces 'ab', ' ab', ' abc': pairs (a,b) x3, (Ġ,a) x2, (b,c) x1 -> merge a+b;
    // then (Ġ,ab) x2, (ab,c) x1 -> merge Ġ+ab; then only (Ġab,c) x1 is left, below minPairFrequency 2.
    assert.deepEqual(trainBpe(['ab ab abc'], { vocabSize: 300 }).merges, [
      ['a', 'b'],
      ['Ġ', 'ab'],
    ]);
    assert.deepEqual(trainBpe(['ab ab abc'], { vocabSize: 300, minPairFrequency: 1 }).merges, [
      ['a', 'b'],
      ['Ġ', 'ab'],
      ['Ġab', 'c'],
    ]);
  });

  it('breaks count ties by the left token, then the right token, in string order', () => {
    // 'ab', ' cd': (a,b), (Ġ,c), (c,d) all once; 'a' < 'c' < 'Ġ' (U+0120), so a+b, then c+d, then Ġ+cd.
    assert.deepEqual(trainBpe(['ab cd'], { vocabSize: 300, minPairFrequency: 1 }).merges, [
      ['a', 'b'],
      ['c', 'd'],
      ['Ġ', 'cd'],
    ]);
    // Same left token: right token decides ('x' < 'y').
    assert.deepEqual(trainBpe(['ay ax'], { vocabSize: 259, minPairFrequency: 1 }).merges, [['a', 'x']]);
  });

  it('counts overlapping occurrences of a pair, as GPT-2 and Hugging Face do', () => {
    // 'aaa' holds (a,a) twice, so the pair reaches minPairFrequency 2 from one word.
    const tok = new BpeTokenizer(trainBpe(['aaa'], { vocabSize: 300 }));
    assert.deepEqual(tok.merges, [['a', 'a']]);
    assert.deepEqual(tok.encode('aaaa').map((id) => tok.idToTokenString(id)), ['aa', 'aa']);
    assert.deepEqual(tok.encode('aaa').map((id) => tok.idToTokenString(id)), ['aa', 'a']);
  });

  it('stops at vocabSize: 256 bytes + merges + 2 special tokens', () => {
    const tok = trainBpeTokenizer(brownSmall, { vocabSize: 300 });
    assert.equal(tok.merges.length, 42);
    assert.equal(tok.vocabSize, 300);
    assert.equal(tok.eosId, 298);
    assert.equal(tok.padId, 299);
    assert.equal(DEFAULT_VOCAB_SIZE, 4096);
  });

  it('rejects a vocabulary too small for the bytes and special tokens', () => {
    assert.throws(
      () => trainBpe(['x'], { vocabSize: 100 }),
      (e: unknown) => e instanceof ConfigError && e.message === 'vocabSize: 100 is outside [258, 1048576]',
    );
  });

  it('is deterministic: the same corpus and size give a byte-identical file, another size a different one', () => {
    const a = trainBpeTokenizer(brownSmall, { vocabSize: SMALL_VOCAB });
    const b = trainBpeTokenizer(brownSmall.slice(), { vocabSize: SMALL_VOCAB });
    assert.equal(a.serialize(), b.serialize());
    assert.equal(a.fingerprint(), b.fingerprint());
    assert.notEqual(trainBpeTokenizer(brownSmall, { vocabSize: SMALL_VOCAB - 1 }).fingerprint(), a.fingerprint());
  });

  it('reproduces the committed reference tokenizer from the same passages', () => {
    const tok = trainBpeTokenizer(brownSmall, { vocabSize: SMALL_VOCAB });
    assert.equal(tok.serialize(), fs.readFileSync(path.join(FIXTURE_DIR, 'tokenizer.json'), 'utf8'));
  });
});

describe('BpeTokenizer', () => {
  const tok = loadBpeTokenizer(path.join(FIXTURE_DIR, 'tokenizer.json'));
  const ref = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'hf_reference.json'), 'utf8')) as HfReference;

  it('encodes and decodes exactly as Hugging Face tokenizers does with the same tokenizer.json', () => {
    assert.equal(ref.vocab_size, tok.vocabSize);
    assert.ok(ref.texts.length >= 90);
    ref.texts.forEach((text, i) => {
      const ids = tok.encode(text);
      assert.deepEqual(ids, ref.ids[i], `ids of ${JSON.stringify(text)}`);
      assert.equal(tok.decode(ids), ref.decoded[i], `decode of ${JSON.stringify(text)}`);
    });
  });

  it('round-trips arbitrary text: unicode, emoji, whitespace runs, control characters', () => {
    const rng = createRng('bpe-roundtrip');
    const pieces = [' ', '   ', '\n', '\r\n', '\t', 'x', 'The', ' the', 'é', 'ñ', '日本語', '😀', '👍🏽', '👨‍👩‍👧', '\u0000', '\u00a0', '\u2028', '$', '#', "'ll", '...'];
    for (let k = 0; k < 300; k++) {
      const s = Array.from({ length: rng.int(20) }, () => rng.choice(pieces)).join('');
      assert.equal(tok.decode(tok.encode(s)), s, JSON.stringify(s));
      assert.equal(tok.decode(tok.encodeOrdinary(s)), s, JSON.stringify(s));
    }
  });

  it('gives the special tokens their own ids, after the merges, and PAD differs from EOS', () => {
    assert.equal(tok.eosId, 256 + tok.merges.length);
    assert.equal(tok.padId, tok.eosId + 1);
    assert.notEqual(tok.padId, tok.eosId);
    assert.deepEqual(tok.encode(`a${EOS_TOKEN}b${PAD_TOKEN}`).filter((id) => id >= tok.eosId), [tok.eosId, tok.padId]);
    assert.ok(tok.encodeOrdinary(EOS_TOKEN).every((id) => id < tok.eosId), 'encodeOrdinary treats special strings as text');
    assert.equal(tok.decode([...tok.encode('hi'), tok.eosId, tok.padId], { skipSpecialTokens: true }), 'hi');
    assert.equal(tok.decode([tok.eosId, tok.padId]), EOS_TOKEN + PAD_TOKEN);
  });

  it('decodes a sequence cut inside a multi-byte character to U+FFFD, as Hugging Face does', () => {
    const ids = tok.encode('😀');
    assert.ok(ids.length > 1, 'an emoji is several byte tokens in a small vocabulary');
    assert.equal(tok.decode(ids.slice(0, 1)), '\ufffd');
  });

  it('saves and loads to an identical tokenizer in the Hugging Face tokenizer.json layout', () => {
    const file = path.join(tmp, 'tokenizer.json');
    saveBpeTokenizer(file, tok);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(json.model.type, 'BPE');
    assert.equal(json.pre_tokenizer.type, 'ByteLevel');
    assert.equal(json.model.merges[0], tok.merges[0].join(' '));
    assert.deepEqual(
      json.added_tokens.map((t: { id: number; content: string }) => [t.id, t.content]),
      [
        [tok.eosId, EOS_TOKEN],
        [tok.padId, PAD_TOKEN],
      ],
    );
    const back = loadBpeTokenizer(file);
    assert.equal(back.serialize(), tok.serialize());
    assert.deepEqual(back.encode('A film review: 9/10'), tok.encode('A film review: 9/10'));
  });

  it('rejects a file whose vocabulary does not follow from its merges', () => {
    const json = tok.toJSON();
    const [first] = Object.keys(json.model.vocab).filter((t) => json.model.vocab[t] === 256);
    json.model.vocab[first] = 257;
    assert.throws(() => BpeTokenizer.fromJSON(json), (e: unknown) => e instanceof ConfigError && /^vocab: /.test(e.message));
    const noPad = tok.toJSON();
    noPad.added_tokens = noPad.added_tokens.slice(0, 1);
    assert.throws(() => BpeTokenizer.fromJSON(noPad), (e: unknown) => e instanceof ConfigError && /^added_tokens: /.test(e.message));
  });
});
