/**
 * BERT's WordPiece tokenizer (Devlin et al. 2019; Wu et al. 2016), the tokenizer of DistilBERT and so
 * of the study's reward model lvwerra/distilbert-imdb. Matches transformers 5.18 `BertTokenizerLegacy`
 * (`BasicTokenizer` then `WordpieceTokenizer`) and its Rust twin `BertTokenizer` (tokenizers 0.23):
 * clean text, space around CJK ideographs, NFC, whitespace split, lower-case, strip accents (NFD, drop
 * Mn), split punctuation, then greedy longest-match-first pieces with `##` continuations.
 * Not handled: special tokens written literally in the text (`[CLS]` in a review is split like words).
 */
import * as fs from 'fs';
import { ConfigError } from '../util/assert';

/** Options of the basic tokenizer, named as in HF `tokenizer_config.json`. */
export interface WordPieceOptions {
  /** Lower-case before WordPiece; default true (the `-uncased` checkpoints, distilbert-imdb included). */
  readonly doLowerCase: boolean;
  /** Strip accents; undefined (HF's null) follows `doLowerCase`. */
  readonly stripAccents?: boolean;
  /** Put spaces around CJK ideographs so each is its own word; default true. */
  readonly tokenizeChineseChars: boolean;
  /** Longest sequence the model takes, [CLS] and [SEP] included; HF `model_max_length` (512 for DistilBERT). */
  readonly maxLength: number;
  /** Words longer than this (in code points) become [UNK] whole; HF default 100. */
  readonly maxInputCharsPerWord: number;
}

/** HF defaults for `DistilBertTokenizer` (distilbert-base-uncased). */
export const DEFAULT_WORDPIECE_OPTIONS: WordPieceOptions = Object.freeze({
  doLowerCase: true,
  stripAccents: undefined,
  tokenizeChineseChars: true,
  maxLength: 512,
  maxInputCharsPerWord: 100,
});

/** A batch of encoded texts, right-padded with [PAD]. */
export interface WordPieceBatch {
  /** [batch, seq] token ids, [CLS] first and [SEP] last of each text. */
  readonly inputIds: number[][];
  /** [batch, seq] 1 on real tokens (including [CLS]/[SEP]), 0 on padding. */
  readonly attentionMask: number[][];
}

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/**
 * The tokens of a HF `vocab.txt`: one token per line, id = line number (0-based); a final newline
 * does not start another token. Trailing spaces are part of a token, as in HF `load_vocab`.
 */
export function parseVocabTxt(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** True for the ideographs that BERT splits one per word (HF `_is_chinese_char`). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** HF `_is_whitespace`: space, tab, newline, carriage return or a Zs character (U+00A0, U+3000, ...). */
function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || /^\p{Zs}$/u.test(ch);
}

/** HF `_is_control`: a C* category character other than tab, newline and carriage return. */
function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return /^\p{C}$/u.test(ch);
}

/** HF `_is_punctuation`: every non-alphanumeric ASCII symbol ($, ^, `, ...) or a P* category character. */
function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(ch);
}

/** Drops NUL, U+FFFD and control characters; turns whitespace into spaces (HF `_clean_text`). */
function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    out += isWhitespace(ch) ? ' ' : ch;
  }
  return out;
}

function stripAccents(word: string): string {
  return word.normalize('NFD').replace(/\p{Mn}/gu, '');
}

/** Splits a word into runs of non-punctuation and single punctuation characters. */
function splitOnPunctuation(word: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** JS `\s` covers the whitespace Python's `str.split()` splits on once `cleanText` has run. */
function splitWhitespace(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/**
 * BERT's basic tokenization: the words (and single punctuation marks) that WordPiece then splits.
 * Pure; `opts` as in {@link WordPieceOptions}.
 */
export function basicTokenize(text: string, opts: Pick<WordPieceOptions, 'doLowerCase' | 'stripAccents' | 'tokenizeChineseChars'>): string[] {
  let cleaned = cleanText(text);
  if (opts.tokenizeChineseChars) {
    let spaced = '';
    for (const ch of cleaned) spaced += isCjkIdeograph(ch.codePointAt(0) as number) ? ` ${ch} ` : ch;
    cleaned = spaced;
  }
  const strip = opts.stripAccents ?? opts.doLowerCase;
  const out: string[] = [];
  for (let word of splitWhitespace(cleaned.normalize('NFC'))) {
    // HF lower-cases before stripping accents (the Rust tokenizer strips first; the ids agree on the fixture texts).
    if (opts.doLowerCase) word = word.toLowerCase();
    if (strip) word = stripAccents(word);
    out.push(...splitOnPunctuation(word));
  }
  return out;
}

/** A BERT WordPiece tokenizer over a fixed vocabulary (HF `BertTokenizer`, `DistilBertTokenizer`). */
export class WordPieceTokenizer {
  /** id -> token. */
  readonly vocab: readonly string[];
  readonly options: WordPieceOptions;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  private readonly ids: Map<string, number>;

  /** `vocab` in id order (as `parseVocabTxt` returns); must contain [PAD], [UNK], [CLS] and [SEP]. */
  constructor(vocab: readonly string[], options: Partial<WordPieceOptions> = {}) {
    this.vocab = vocab;
    this.options = { ...DEFAULT_WORDPIECE_OPTIONS, ...options };
    this.ids = new Map();
    vocab.forEach((token, id) => this.ids.set(token, id)); // a repeated token keeps its last id, as HF's dict does
    const idOf = (token: string) => {
      const id = this.ids.get(token);
      if (id === undefined) throw new ConfigError(`vocab.txt: no '${token}' token; expected BERT's special tokens ${SPECIAL_TOKENS.join(', ')}`);
      return id;
    };
    [this.padId, this.unkId, this.clsId, this.sepId] = SPECIAL_TOKENS.map(idOf);
    if (!Number.isInteger(this.options.maxLength) || this.options.maxLength < 2) {
      throw new ConfigError(`maxLength: ${this.options.maxLength} is not allowed; expected an integer >= 2 (room for [CLS] and [SEP])`);
    }
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Greedy longest-match-first pieces of one basic-tokenized word; [UNK] if any part has no piece. */
  wordPieces(word: string): string[] {
    const chars = Array.from(word); // code points, as Python's list(str)
    if (chars.length > this.options.maxInputCharsPerWord) return ['[UNK]'];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (this.ids.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === undefined) return ['[UNK]'];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** The WordPiece tokens of `text`, without [CLS]/[SEP] (HF `tokenizer.tokenize`). */
  tokenize(text: string): string[] {
    return basicTokenize(text, this.options).flatMap((w) => this.wordPieces(w));
  }

  /** `[CLS] pieces [SEP]` ids, the pieces cut to `maxLength - 2` (HF `truncation=True`). */
  encode(text: string, maxLength = this.options.maxLength): number[] {
    const ids = this.tokenize(text).map((t) => this.ids.get(t) ?? this.unkId);
    return [this.clsId, ...ids.slice(0, Math.max(0, maxLength - 2)), this.sepId];
  }

  /**
   * Encodes a batch, right-padded with [PAD] to its longest text (or to `maxLength` with
   * `padToMaxLength`), as HF `tokenizer(texts, padding=True, truncation=True)`.
   */
  encodeBatch(texts: readonly string[], opts: { maxLength?: number; padToMaxLength?: boolean } = {}): WordPieceBatch {
    const maxLength = opts.maxLength ?? this.options.maxLength;
    const rows = texts.map((t) => this.encode(t, maxLength));
    const seqLen = opts.padToMaxLength ? maxLength : Math.max(0, ...rows.map((r) => r.length));
    return {
      inputIds: rows.map((r) => [...r, ...new Array<number>(seqLen - r.length).fill(this.padId)]),
      attentionMask: rows.map((r) => [...new Array<number>(r.length).fill(1), ...new Array<number>(seqLen - r.length).fill(0)]),
    };
  }
}

/** Reads a HF `vocab.txt`; throws a ConfigError naming the file when it is missing. */
export function loadVocabTxt(file: string): string[] {
  if (!fs.existsSync(file)) throw new ConfigError(`vocab.txt: ${file} does not exist; expected the BERT WordPiece vocabulary (one token per line) saved with the model`);
  return parseVocabTxt(fs.readFileSync(file, 'utf8'));
}
