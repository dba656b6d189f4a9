/**
 * Causal-LM training data as one packed token stream (GPT-2's pre-training recipe, nanoGPT
 * `prepare.py`): every passage is encoded and followed by the tokenizer's EOS, the passages are
 * concatenated, and training windows of `seq + 1` tokens are cut at random offsets, so a window
 * can span a passage boundary and learns that EOS starts a new text. No padding, so every
 * position carries a next-token target.
 */
import { ConfigError, checkInt } from '../util/assert';
import type { Rng } from '../util/rng';

/** What packing needs from a tokenizer. */
export interface StreamTokenizer {
  encode(text: string): number[];
  readonly eosId: number;
}

/** Encodes `texts` in order, each followed by EOS, into one int32 stream. */
export function packTexts(texts: readonly string[], tokenizer: StreamTokenizer): Int32Array {
  const pieces: number[][] = [];
  let n = 0;
  for (const text of texts) {
    const ids = tokenizer.encode(text);
    pieces.push(ids);
    n += ids.length + 1;
  }
  const out = new Int32Array(n);
  let at = 0;
  for (const ids of pieces) {
    out.set(ids, at);
    at += ids.length;
    out[at++] = tokenizer.eosId;
  }
  return out;
}

function checkStream(stream: Int32Array, windowLen: number): void {
  checkInt('windowLen', windowLen, 2);
  if (stream.length < windowLen) {
    throw new ConfigError(`stream: ${stream.length} tokens is shorter than one window of ${windowLen}; expected more text or a shorter context`);
  }
}

/**
 * `batchSize` windows of `windowLen` tokens (context + 1 for the shifted targets) at uniform random
 * offsets in [0, stream.length - windowLen], drawn from `rng` (one draw per row).
 * @returns [batch * windowLen] int32, row-major ([batch, windowLen])
 */
export function sampleWindows(stream: Int32Array, batchSize: number, windowLen: number, rng: Rng): Int32Array {
  checkStream(stream, windowLen);
  checkInt('batchSize', batchSize, 1);
  const out = new Int32Array(batchSize * windowLen);
  const nStarts = stream.length - windowLen + 1;
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(nStarts);
    out.set(stream.subarray(start, start + windowLen), b * windowLen);
  }
  return out;
}

/**
 * The first `maxWindows` consecutive, non-overlapping windows of the stream (fewer when it is
 * short): a fixed evaluation set, so validation losses of different steps are comparable.
 * Consecutive windows share one token (window k ends where k + 1 starts), so every token of the
 * covered span is predicted once.
 * @returns [nWindows * windowLen] int32 and the number of windows
 */
export function fixedWindows(stream: Int32Array, windowLen: number, maxWindows: number): { ids: Int32Array; nWindows: number } {
  checkStream(stream, windowLen);
  checkInt('maxWindows', maxWindows, 1);
  const stride = windowLen - 1;
  const nWindows = Math.min(maxWindows, Math.floor((stream.length - 1) / stride));
  const ids = new Int32Array(nWindows * windowLen);
  for (let k = 0; k < nWindows; k++) ids.set(stream.subarray(k * stride, k * stride + windowLen), k * windowLen);
  return { ids, nWindows };
}
