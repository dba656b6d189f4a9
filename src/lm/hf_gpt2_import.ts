/**
 * A pre-trained Hugging Face GPT-2 (e.g. lvwerra/gpt2-imdb, the study's policy) as the language
 * model of the language notebooks: weights through `importHfGpt2`, the tokenizer rebuilt from the
 * folder's `merges.txt`. Our byte-level BPE numbers tokens as GPT-2 does (256 bytes in GPT-2's
 * byte order, merges in rank order, then `<|endoftext|>` = 50,256), so GPT-2's merges give GPT-2's
 * ids; `vocab.json`, when present, is checked id for id. Our tokenizer adds `<|pad|>` after EOS
 * (the study padded with EOS, a defect docs/study.md lists), so the embedding gets one extra row, as
 * Hugging Face `resize_token_embeddings` does after `add_special_tokens({'pad_token': ...})`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { importHfGpt2 } from './checkpoint';
import { BpeTokenizer } from '../tokenizer/bpe_tokenizer';
import { GPT } from '../models/gpt';
import { ConfigError } from '../util/assert';

/** GPT-2's merges file (`save_pretrained` of GPT2Tokenizer). */
export const HF_MERGES_FILE = 'merges.txt';
/** GPT-2's token -> id map. */
export const HF_VOCAB_FILE = 'vocab.json';

/** The merges of a `merges.txt` (a `#version` header line, then `left right` per line). */
export function parseMergesTxt(text: string): [string, string][] {
  const out: [string, string][] = [];
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('#version') || line.trim() === '') return;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new ConfigError(`${HF_MERGES_FILE} line ${i + 1}: ${JSON.stringify(line)} is not a pair; expected 'left right'`);
    out.push([parts[0], parts[1]]);
  });
  return out;
}

/**
 * The tokenizer of a Hugging Face GPT-2 folder, from `merges.txt`; checks `vocab.json` (if present)
 * against the rebuilt ids. Throws a ConfigError naming the folder when the files are missing.
 */
export function loadHfGpt2Tokenizer(dir: string): BpeTokenizer {
  const mergesFile = path.join(dir, HF_MERGES_FILE);
  if (!fs.existsSync(mergesFile)) {
    throw new ConfigError(`hfModelDir: ${dir} has no ${HF_MERGES_FILE}; expected a GPT-2 folder saved with its tokenizer (GPT2Tokenizer.save_pretrained), because the GPT-2 tokenizer is not bundled with this project`);
  }
  const tok = new BpeTokenizer({ merges: parseMergesTxt(fs.readFileSync(mergesFile, 'utf8')) });
  const vocabFile = path.join(dir, HF_VOCAB_FILE);
  if (fs.existsSync(vocabFile)) {
    const vocab = JSON.parse(fs.readFileSync(vocabFile, 'utf8')) as Record<string, number>;
    for (const [token, id] of Object.entries(vocab)) {
      const ours = id < tok.vocabSize ? tok.idToTokenString(id) : undefined;
      if (ours !== token) throw new ConfigError(`${HF_VOCAB_FILE}: '${token}' has id ${id}, but the merges give that id to ${JSON.stringify(ours ?? null)}; expected GPT-2's layout (bytes, merges, <|endoftext|>)`);
    }
  }
  return tok;
}

/**
 * A copy of `model` with `extra` more vocabulary rows (new tokens such as `<|pad|>`): each new row of
 * `wte` (and of an untied `lm_head`) is the mean of the existing rows (transformers >= 4.46's
 * default for `resize_token_embeddings`), so the new token starts as an average token.
 * The caller keeps `model` (and disposes it).
 */
export function withExtraTokenRows(model: GPT, extra: number): GPT {
  const cfg = { ...model.config, vocabSize: model.config.vocabSize + extra };
  const grown = new Map<string, tf.Tensor>();
  for (const [name, v] of model.namedWeights()) {
    if (name === 'wte.weight' || name === 'lm_head.weight') {
      grown.set(name, tf.tidy('lm/withExtraTokenRows', () => {
        const mean = tf.mean(v, 0, true); // [1, d_model]
        return tf.concat([v, tf.tile(mean, [extra, 1])], 0); // [vocab + extra, d_model]
      }));
    } else grown.set(name, v);
  }
  try {
    return GPT.fromTensors(cfg, grown, true);
  } finally {
    for (const [name, t] of grown) if (name === 'wte.weight' || name === 'lm_head.weight') t.dispose();
  }
}

/**
 * Loads a Hugging Face GPT-2 folder as a language model and its tokenizer: the model's vocabulary
 * must end with EOS at the tokenizer's `eosId`; it is grown by the `<|pad|>` row.
 */
export function loadHfLanguageModel(dir: string): { model: GPT; tokenizer: BpeTokenizer } {
  const tokenizer = loadHfGpt2Tokenizer(dir);
  const hf = importHfGpt2(dir, true);
  try {
    if (hf.config.vocabSize !== tokenizer.eosId + 1) {
      throw new ConfigError(`hfModelDir: the model has ${hf.config.vocabSize} token rows, but ${HF_MERGES_FILE} makes ${tokenizer.eosId + 1} tokens with <|endoftext|>; expected the model's own tokenizer files`);
    }
    return { model: withExtraTokenRows(hf, tokenizer.vocabSize - hf.config.vocabSize), tokenizer };
  } finally {
    hf.dispose();
  }
}
