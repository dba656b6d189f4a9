/**
 * Shared helpers for the model tests (not a test file): tiny configs, host comparisons, random ids.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../../src/models/gpt';
import type { Rng } from '../../src/util/rng';

/** A 2-layer, width-32 GPT with untied output embedding and dropout 0.1 (off unless training). */
export const TINY: GPTConfig = { vocabSize: 13, nPositions: 16, dModel: 32, nLayer: 2, nHead: 2, dropout: 0.1, tiedEmbeddings: false, layerNormEps: 1e-5 };

/** Largest absolute elementwise difference of two same-shaped tensors, read on the host. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** [batch, seq] int32 ids uniform in [lo, vocab). */
export function randomIds(batchSize: number, seqLen: number, vocabSize: number, rng: Rng, lo = 0): tf.Tensor2D {
  const ids = Array.from({ length: batchSize * seqLen }, () => lo + rng.int(vocabSize - lo));
  return tf.tensor2d(ids, [batchSize, seqLen], 'int32');
}

/** Nested number arrays from a tensor (host read). */
export function toArray(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}
