/**
 * Byte-level BPE tokenizer in the style of GPT-2 (Radford et al. 2019, section 2.2; OpenAI
 * `encoder.py`): text -> UTF-8 bytes -> printable stand-in characters (`bytesToUnicode`), split by
 * GPT-2's pre-tokenisation regex, then merges applied by rank. The study used GPT-2's own
 * 50,257-token vocabulary; here the merges are learned from our corpus (a few thousand), greedily
 * by pair frequency with a fixed tie-break, with incremental pair counts over a word-frequency
 * table. Special tokens: `<|endoftext|>` (EOS, as GPT-2) and a separate `<|pad|>` (the study set
 * pad = eos, a defect we do not copy). Saved in the layout of Hugging Face `tokenizer.json`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { writeFileAtomic } from '../io/atomic_write';
import { ConfigError, checkInt } from '../util/assert';

/** GPT-2's end-of-text token, used as EOS. */
export const EOS_TOKEN = '<|endoftext|>';
/** The padding token (distinct from EOS). */
export const PAD_TOKEN = '<|pad|>';
/** Default vocabulary size: 256 bytes + 3,838 merges + 2 special tokens. */
export const DEFAULT_VOCAB_SIZE = 4096;
/** Default least count a pair needs to be merged. */
export const DEFAULT_MIN_PAIR_FREQUENCY = 2;

/**
 * GPT-2's pre-tokenisation regex (`encoder.py`; Hugging Face ByteLevel with `use_regex`):
 * contractions, letter runs, digit runs and other-symbol runs each with at most one leading
 * space, then whitespace (a run before a non-space keeps its last space for the next piece).
 * Whitespace is `\p{White_Space}`, which is what `\s` means in the Python `regex` module that
 * encoder.py uses (U+0009-000D, U+0020, U+0085, U+00A0, U+1680, U+2000-200A, U+2028-2029,
 * U+202F, U+205F, U+3000); don't "simplify" it to JavaScript's `\s`, which adds U+FEFF and
 * drops U+0085, so texts with either would get other token ids (test/reference/gen_gpt2_whitespace.py).
 */
export const GPT2_SPLIT_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * GPT-2's reversible map from the 256 byte values to printable characters: printable Latin-1
 * bytes map to themselves, the others to U+0100 onwards (space -> `Ġ`, newline -> `Ċ`).
 * Returned in GPT-2's id order: element i is the byte whose token id is i.
 */
export function bytesToUnicode(): { byte: number; char: string }[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return bs.map((byte, i) => ({ byte, char: String.fromCharCode(cs[i]) }));
}

const BYTE_TABLE = bytesToUnicode();
/** byte value -> stand-in character. */
const BYTE_TO_CHAR: string[] = new Array<string>(256);
/** stand-in character -> byte value. */
const CHAR_TO_BYTE = new Map<string, number>();
for (const { byte, char } of BYTE_TABLE) {
  BYTE_TO_CHAR[byte] = char;
  CHAR_TO_BYTE.set(char, byte);
}
const UTF8 = new TextEncoder();

/** The pieces GPT-2's regex cuts `text` into (their concatenation is `text`). */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_SPLIT_PATTERN) ?? [];
}

/** A piece as its UTF-8 bytes in stand-in characters, e.g. ` the` -> `Ġthe`. */
export function toByteChars(piece: string): string {
  let out = '';
  for (const b of UTF8.encode(piece)) out += BYTE_TO_CHAR[b];
  return out;
}

/** Options of `trainBpe`. */
export interface BpeTrainConfig {
  /** Total vocabulary: 256 bytes + merges + 2 special tokens; default 4096 ("a few thousand"). */
  readonly vocabSize: number;
  /** A pair is merged only if it occurs at least this often; default 2 (a rarer pair only memorises a word). */
  readonly minPairFrequency: number;
}

/** Largest vocabulary accepted (pair keys pack two ids into one number). */
const MAX_VOCAB = 1 << 20;
const pairKey = (a: number, b: number): number => a * MAX_VOCAB + b;

/** A binary max-heap of pair candidates, ordered by count, then by the pair's strings (smaller first). */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];
  constructor(private readonly tokens: string[]) {}
  get size(): number {
    return this.keys.length;
  }
  /** Whether entry i should sit above entry j. */
  private above(i: number, j: number): boolean {
    if (this.counts[i] !== this.counts[j]) return this.counts[i] > this.counts[j];
    return comparePairs(this.tokens, this.keys[i], this.keys[j]) < 0;
  }
  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { count: number; key: number } {
    const top = { count: this.counts[0], key: this.keys[0] };
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.keys.length && this.above(l, best)) best = l;
      if (r < this.keys.length && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

/** Orders pairs by left token string, then right token string (JavaScript string order). */
function comparePairs(tokens: string[], keyA: number, keyB: number): number {
  const la = tokens[Math.floor(keyA / MAX_VOCAB)];
  const lb = tokens[Math.floor(keyB / MAX_VOCAB)];
  if (la !== lb) return la < lb ? -1 : 1;
  const ra = tokens[keyA % MAX_VOCAB];
  const rb = tokens[keyB % MAX_VOCAB];
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** What `trainBpe` learned: the merges in order (each a pair of token strings). */
export interface BpeModel {
  /** Merge k joins `merges[k][0]` and `merges[k][1]` into token 256 + k. */
  readonly merges: readonly (readonly [string, string])[];
}

/**
 * Learns merges from `texts`: counts the regex pieces of all texts (a word-frequency table), then
 * repeatedly merges the most frequent adjacent pair (overlapping occurrences counted, as GPT-2
 * and Hugging Face do); ties go to the pair whose left token, then right token, sorts first.
 * Counts are updated only in the words that hold the merged pair. Stops at `vocabSize` or when
 * no pair occurs `minPairFrequency` times.
 */
export function trainBpe(texts: Iterable<string>, cfg: Partial<BpeTrainConfig> = {}): BpeModel {
  const vocabSize = checkInt('vocabSize', cfg.vocabSize ?? DEFAULT_VOCAB_SIZE, 258, MAX_VOCAB);
  const minPairFrequency = checkInt('minPairFrequency', cfg.minPairFrequency ?? DEFAULT_MIN_PAIR_FREQUENCY, 1);
  const nMerges = vocabSize - 256 - 2;

  // Word-frequency table over the regex pieces.
  const pieceCounts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of preTokenize(text)) pieceCounts.set(piece, (pieceCounts.get(piece) ?? 0) + 1);
  }
  const tokens: string[] = BYTE_TABLE.map((e) => e.char); // id -> token string
  const byteId = new Map<string, number>(tokens.map((t, i) => [t, i]));
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [piece, count] of pieceCounts) {
    words.push(Array.from(toByteChars(piece), (c) => byteId.get(c) as number));
    freqs.push(count);
  }

  // Pair counts and, per pair, the words that may hold it (entries can go stale; merging skips them).
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: number, touched: Set<number> | null): void => {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = pairKey(word[i], word[i + 1]);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * freqs[w]);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
      if (touched) touched.add(key);
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1, null);
  const heap = new PairHeap(tokens);
  for (const [key, count] of pairCounts) heap.push(count, key);

  const merges: [string, string][] = [];
  while (merges.length < nMerges && heap.size > 0) {
    const { count, key } = heap.pop();
    if (pairCounts.get(key) !== count) continue; // stale entry: a newer one holds the current count
    if (count < minPairFrequency) break;
    const a = Math.floor(key / MAX_VOCAB);
    const b = key % MAX_VOCAB;
    const id = tokens.length;
    tokens.push(tokens[a] + tokens[b]);
    merges.push([tokens[a], tokens[b]]);
    const touched = new Set<number>();
    for (const w of pairWords.get(key) ?? []) {
      const word = words[w];
      let hit = false;
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === a && word[i + 1] === b) {
          hit = true;
          break;
        }
      }
      if (!hit) continue;
      addPairs(w, -1, touched);
      const merged: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(word[i]);
      }
      words[w] = merged;
      addPairs(w, 1, touched);
    }
    pairWords.delete(key);
    for (const k of touched) {
      const c = pairCounts.get(k) ?? 0;
      if (c > 0) heap.push(c, k);
      else pairCounts.delete(k);
    }
  }
  return { merges };
}

/** One special token of the saved file (`added_tokens` of Hugging Face `tokenizer.json`). */
interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The saved layout: Hugging Face `tokenizer.json` of a GPT-2-style byte-level BPE. */
export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: AddedToken[];
  normalizer: null;
  pre_tokenizer: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  post_processor: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  decoder: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: string;
    end_of_word_suffix: string;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

/** Most cached piece encodings kept before the cache is cleared. */
const CACHE_LIMIT = 200_000;

/**
 * A byte-level BPE tokenizer: ids 0..255 are the bytes (GPT-2's order), 256.. the merges in
 * order, then `<|endoftext|>` (EOS) and `<|pad|>`. Encoding splits out special-token strings,
 * cuts the rest with GPT-2's regex and applies merges by rank within each piece.
 */
export class BpeTokenizer {
  /** id -> token string (stand-in characters; special tokens as written). */
  private readonly idToToken: string[];
  private readonly tokenToId = new Map<string, number>();
  /** pair key -> merge rank. */
  private readonly ranks = new Map<number, number>();
  private readonly cache = new Map<string, number[]>();
  /** The merges, in rank order. */
  readonly merges: readonly (readonly [string, string])[];
  /** Id of `<|endoftext|>`: EOS (GPT-2's use). */
  readonly eosId: number;
  /** Id of `<|pad|>`: padding only, never EOS. */
  readonly padId: number;
  /** Special tokens: content -> id. */
  readonly specialTokens: ReadonlyMap<string, number>;

  /** Builds the tokenizer of `model`; special tokens get the two ids after the merges. */
  constructor(model: BpeModel) {
    this.merges = model.merges.map(([a, b]) => [a, b] as const);
    this.idToToken = BYTE_TABLE.map((e) => e.char);
    this.idToToken.forEach((t, i) => this.tokenToId.set(t, i));
    this.merges.forEach(([a, b], rank) => {
      const ia = this.tokenToId.get(a);
      const ib = this.tokenToId.get(b);
      if (ia === undefined || ib === undefined) {
        throw new ConfigError(`merges[${rank}]: '${a} ${b}' uses a token that no earlier merge or byte makes; expected merges in training order`);
      }
      const merged = a + b;
      if (this.tokenToId.has(merged)) throw new ConfigError(`merges[${rank}]: '${a} ${b}' makes '${merged}', which already exists; expected each merge to make a new token`);
      this.ranks.set(pairKey(ia, ib), rank);
      this.tokenToId.set(merged, this.idToToken.length);
      this.idToToken.push(merged);
    });
    this.eosId = this.idToToken.length;
    this.idToToken.push(EOS_TOKEN);
    this.padId = this.idToToken.length;
    this.idToToken.push(PAD_TOKEN);
    this.specialTokens = new Map([
      [EOS_TOKEN, this.eosId],
      [PAD_TOKEN, this.padId],
    ]);
  }

  /** Number of token ids (bytes + merges + special tokens). */
  get vocabSize(): number {
    return this.idToToken.length;
  }

  /** The token string of `id` (stand-in characters, e.g. `Ġthe`). */
  idToTokenString(id: number): string {
    const t = this.idToToken[id];
    if (t === undefined) throw new ConfigError(`id: ${id} is outside [0, ${this.vocabSize - 1}]`);
    return t;
  }

  /** The ids of one regex piece (cached). */
  private encodePiece(piece: string): number[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    let ids = Array.from(toByteChars(piece), (c) => this.tokenToId.get(c) as number);
    for (;;) {
      let bestRank = Infinity;
      let bestKey = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.ranks.get(pairKey(ids[i], ids[i + 1]));
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          bestKey = pairKey(ids[i], ids[i + 1]);
        }
      }
      if (bestKey < 0) break;
      const a = Math.floor(bestKey / MAX_VOCAB);
      const b = bestKey % MAX_VOCAB;
      const mergedId = 256 + bestRank;
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(mergedId);
          i++;
        } else next.push(ids[i]);
      }
      ids = next;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  /** Ids of `text` with no special-token handling (`<|endoftext|>` in the text is plain bytes). */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    for (const piece of preTokenize(text)) for (const id of this.encodePiece(piece)) out.push(id);
    return out;
  }

  /** Ids of `text`; occurrences of `<|endoftext|>` and `<|pad|>` become their special ids (Hugging Face's default). */
  encode(text: string): number[] {
    const out: number[] = [];
    let rest = text;
    for (;;) {
      let at = -1;
      let found = '';
      for (const s of this.specialTokens.keys()) {
        const i = rest.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          found = s;
        }
      }
      if (at < 0) break;
      for (const id of this.encodeOrdinary(rest.slice(0, at))) out.push(id);
      out.push(this.specialTokens.get(found) as number);
      rest = rest.slice(at + found.length);
    }
    for (const id of this.encodeOrdinary(rest)) out.push(id);
    return out;
  }

  /**
   * Text of `ids`: special tokens as written (or dropped with `skipSpecialTokens`), the rest as
   * UTF-8; a byte sequence cut mid-character decodes to U+FFFD, as Hugging Face does.
   */
  decode(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    let out = '';
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    };
    for (const id of ids) {
      const token = this.idToTokenString(id);
      if (id === this.eosId || id === this.padId) {
        flush();
        if (!opts.skipSpecialTokens) out += token;
        continue;
      }
      for (const c of token) bytes.push(CHAR_TO_BYTE.get(c) as number);
    }
    flush();
    return out;
  }

  /** The Hugging Face `tokenizer.json` object (GPT-2's layout, merges as `"a b"` strings). */
  toJSON(): TokenizerJson {
    const vocab: Record<string, number> = {};
    this.idToToken.forEach((t, i) => {
      if (i < this.eosId) vocab[t] = i;
    });
    const special = (id: number): AddedToken => ({ id, content: this.idToToken[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    const byteLevel = { type: 'ByteLevel' as const, add_prefix_space: false, trim_offsets: true, use_regex: true };
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(this.eosId), special(this.padId)],
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: this.merges.map(([a, b]) => `${a} ${b}`),
      },
    };
  }

  /** The saved text: `toJSON()` with 2-space indentation and a final newline (same tokenizer, same bytes). */
  serialize(): string {
    return JSON.stringify(this.toJSON(), null, 2) + '\n';
  }

  /** sha256 of `serialize()`, lowercase hex: names this exact tokenizer in data manifests. */
  fingerprint(): string {
    return createHash('sha256').update(this.serialize()).digest('hex');
  }

  /**
   * Reads a `tokenizer.json` written by `serialize`: merges must rebuild the vocabulary id for id,
   * and `added_tokens` must hold `<|endoftext|>` and `<|pad|>` right after it.
   */
  static fromJSON(json: unknown): BpeTokenizer {
    const j = json as Partial<TokenizerJson>;
    if (!j || typeof j !== 'object' || !j.model || j.model.type !== 'BPE' || !Array.isArray(j.model.merges) || typeof j.model.vocab !== 'object') {
      throw new ConfigError("tokenizer: not a BPE tokenizer.json; expected model.type 'BPE' with vocab and merges");
    }
    const merges = j.model.merges.map((m: unknown, k: number): [string, string] => {
      const parts = Array.isArray(m) ? m : typeof m === 'string' ? m.split(' ') : [];
      if (parts.length !== 2) throw new ConfigError(`merges[${k}]: ${JSON.stringify(m)} is not a pair; expected 'left right'`);
      return [String(parts[0]), String(parts[1])];
    });
    const tok = new BpeTokenizer({ merges });
    const nVocab = Object.keys(j.model.vocab).length;
    if (nVocab !== tok.eosId) throw new ConfigError(`vocab: ${nVocab} entries; expected ${tok.eosId} (256 bytes + ${merges.length} merges)`);
    for (const [token, id] of Object.entries(j.model.vocab)) {
      if (tok.idToToken[id] !== token) {
        throw new ConfigError(`vocab: '${token}' has id ${id}, but the bytes and merges give it ${tok.tokenToId.get(token) ?? 'no id'}; expected GPT-2 byte order then merges in order`);
      }
    }
    const added = new Map((j.added_tokens ?? []).map((t) => [t.content, t.id]));
    if (added.get(EOS_TOKEN) !== tok.eosId || added.get(PAD_TOKEN) !== tok.padId) {
      throw new ConfigError(`added_tokens: expected ${EOS_TOKEN} = ${tok.eosId} and ${PAD_TOKEN} = ${tok.padId}, got ${JSON.stringify(Object.fromEntries(added))}`);
    }
    return tok;
  }
}

/** Learns a tokenizer from `texts` (see `trainBpe`). */
export function trainBpeTokenizer(texts: Iterable<string>, cfg: Partial<BpeTrainConfig> = {}): BpeTokenizer {
  return new BpeTokenizer(trainBpe(texts, cfg));
}

/** Writes `tok` to `file` (Hugging Face `tokenizer.json` layout) atomically. */
export function saveBpeTokenizer(file: string, tok: BpeTokenizer): void {
  writeFileAtomic(file, tok.serialize());
}

/** Reads a tokenizer saved by `saveBpeTokenizer`. */
export function loadBpeTokenizer(file: string): BpeTokenizer {
  return BpeTokenizer.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
}
