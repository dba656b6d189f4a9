/**
 * Held-out perplexity of the pre-trained language model (issue 16): exp of the validation
 * cross-entropy in nats per token, before training, after it, and of the unigram baseline (a model
 * that ignores context), so notebook 05 reports how much English the model learned.
 */

/** What the table reads: validation losses in nats per token (a `LanguageModelHistory` has them). */
export interface ValidationLosses {
  readonly initialValLossNats: number;
  readonly finalValLossNats: number;
  readonly unigramValLossNats: number;
  readonly valTokens: number;
}

/** One row per model (a type alias so rows pass to `showTable`). */
export type PerplexityRow = { model: string; 'loss (nats/token)': number; perplexity: number; 'validation tokens': number };

/** Perplexity = exp(cross-entropy in nats per token) of the untrained model, the unigram baseline and the pre-trained model. */
export function heldOutPerplexityRows(h: ValidationLosses): PerplexityRow[] {
  const row = (model: string, nats: number): PerplexityRow => ({ model, 'loss (nats/token)': nats, perplexity: Math.exp(nats), 'validation tokens': h.valTokens });
  return [row('untrained (initialisation)', h.initialValLossNats), row('unigram (token frequencies, no context)', h.unigramValLossNats), row('pre-trained', h.finalValLossNats)];
}
