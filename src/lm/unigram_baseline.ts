/**
 * A yardstick for the language model's validation loss: the cross-entropy of a unigram model
 * (token frequencies of the training stream, add-one smoothed over the vocabulary) on the
 * validation stream. A model that learned nothing about context cannot beat it; uniform guessing
 * costs ln(vocab).
 */
import { checkInt } from '../util/assert';

/** Mean -ln p_unigram(token) in nats over `validation`, with p estimated from `train` plus one count per vocabulary entry. */
export function unigramCrossEntropyNats(train: Int32Array, validation: Int32Array, vocabSize: number): number {
  checkInt('vocabSize', vocabSize, 1);
  const counts = new Float64Array(vocabSize).fill(1);
  for (const id of train) counts[id] += 1;
  const total = train.length + vocabSize;
  let nats = 0;
  for (const id of validation) nats -= Math.log(counts[id] / total);
  return validation.length > 0 ? nats / validation.length : NaN;
}
