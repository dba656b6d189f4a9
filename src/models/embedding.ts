/**
 * Token and position embedding lookup (GPT-2 `wte`/`wpe`): row `ids[i]` of a table. The forward pass
 * is a gather on every backend; the gradient is where backends differ (see `embedTokens`).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Looks up rows of `table` for integer `ids`, with a gradient that works on every backend.
 * The gradient of `tf.gather` is `UnsortedSegmentSum`, which the wasm backend (tfjs 4.22) lacks, so
 * the table gradient is written as `tf.scatterND(ids, dy, [vocab, d_model])`: ScatterNd exists on
 * wasm, cpu and tensorflow, sums the rows of repeated ids (bit-identical to UnsortedSegmentSum on
 * tensorflow, and deterministic), and costs O(rows x d_model). The textbook wasm workaround, a
 * one-hot matmul, would cost vocab x rows x d_model and materialise a [rows, vocab] one-hot
 * (3.3 GB for GPT-2's 50,257 tokens x 16k rows), so one path serves every backend.
 * @param ids [rows] int32 token (or position) ids in [0, table rows)
 * @param table [vocab, d_model] float32
 * @returns [rows, d_model]; new tensor, caller disposes
 */
export function embedTokens(ids: tf.Tensor1D, table: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy('models/embedTokens', () => {
    const [vocabSize, dModel] = table.shape;
    const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const t = args[0] as tf.Tensor;
      // ids must be saved, not captured: tensors of the forward tidy are gone by backward time.
      (args[1] as tf.GradSaveFunc)([ids]);
      return {
        value: tf.gather(t, ids), // [rows, d_model]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
          const rows = saved[0].shape[0];
          return tf.scatterND(saved[0].reshape([rows, 1]), dy, [vocabSize, dModel]); // [vocab, d_model], repeated ids summed
        },
      };
    });
    return lookup(table) as tf.Tensor2D;
  });
}

/** Re-exported: the one-hot lives with the other label lookups in tensor/. */
export { oneHotFloat } from '../tensor/one_hot';
