/**
 * Shared helpers for the language experiment tests (not a test file): a small slice of the Brown
 * corpus, a 300-token BPE learned on it, and a tiny GPT built in the test (never the cached LM).
 */
import { GPT, type GPTConfig } from '../../src/models/gpt';
import type { BpeTokenizer } from '../../src/tokenizer/bpe_tokenizer';
import { trainBpeTokenizer } from '../../src/tokenizer/bpe_tokenizer';
import type { LanguageModelInputs } from '../../src/study/pretraining/model_inputs';
import { loadCorpus, type Corpus } from '../../src/tasks/language/corpus';
import { createRng } from '../../src/util/rng';

let shared: { corpus: Corpus; tokenizer: BpeTokenizer } | undefined;

/** 400 train and 100 validation passages of Brown and a 300-token BPE learned on them (built once per process, ~0.6 s). */
export function tinyCorpusAndTokenizer(): { corpus: Corpus; tokenizer: BpeTokenizer } {
  if (!shared) {
    const full = loadCorpus();
    const corpus: Corpus = { config: full.config, train: full.train.slice(0, 400), validation: full.validation.slice(0, 100) };
    shared = { corpus, tokenizer: trainBpeTokenizer(corpus.train.map((p) => p.text), { vocabSize: 300 }) };
  }
  return shared;
}

/** A 1-layer, width-16 GPT over the tiny tokenizer, 20 positions (prompts have at most 16 tokens), dropout 0.1. */
export function tinyLanguageGptConfig(vocabSize: number): GPTConfig {
  return { vocabSize, nPositions: 20, dModel: 16, nLayer: 1, nHead: 2, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 };
}

/** The tiny inputs of a language run; `modelSeed` draws the GPT's weights. The caller disposes `model`. */
export function tinyLanguageInputs(modelSeed = 0): LanguageModelInputs & { model: GPT } {
  const { corpus, tokenizer } = tinyCorpusAndTokenizer();
  return { corpus, tokenizer, model: GPT.init(tinyLanguageGptConfig(tokenizer.vocabSize), createRng(modelSeed).child('tiny-lm')) };
}
