/**
 * Imports a Hugging Face `DistilBertForSequenceClassification` folder (what `save_pretrained` writes:
 * config.json, model.safetensors, and the tokenizer's vocab.txt [+ tokenizer_config.json]), e.g. the
 * study's reward model lvwerra/distilbert-imdb. Weights keep their HF names (see `distilbert.ts`), so
 * this file is a lookup table plus checks; float16/bfloat16 files become float32.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensorsFile } from '../io/safetensors';
import { WordPieceTokenizer, loadVocabTxt, type WordPieceOptions } from '../tokenizer/wordpiece';
import { ConfigError } from '../util/assert';
import { DistilBertClassifier, type DistilBertConfig } from './distilbert';

/** The files of a DistilBERT folder this importer reads. */
export const DISTILBERT_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  vocab: 'vocab.txt',
  tokenizerConfig: 'tokenizer_config.json',
  tokenizerJson: 'tokenizer.json',
} as const;

/** A DistilBERT classifier loaded from a folder, with its tokenizer and label names. */
export interface HfDistilBert {
  readonly model: DistilBertClassifier;
  readonly tokenizer: WordPieceTokenizer;
  /** Class names by index, from `id2label` (`['NEGATIVE', 'POSITIVE']` for distilbert-imdb). */
  readonly labels: readonly string[];
}

function readJsonFile(file: string, what: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new ConfigError(`${path.basename(file)}: ${file} does not exist; expected ${what}`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${path.basename(file)}: ${file} is not valid JSON (${(e as Error).message})`);
  }
}

function checkDir(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ConfigError(`distilbertDir: ${dir} is not a folder; expected a Hugging Face DistilBertForSequenceClassification folder (${DISTILBERT_FILES.config}, ${DISTILBERT_FILES.weights}, ${DISTILBERT_FILES.vocab})`);
  }
}

/** Class names by index from a config's `id2label` (HF: num_labels = its size); LABEL_i where absent. */
export function labelsFromHfConfig(hf: Record<string, unknown>): string[] {
  const id2label = (hf.id2label ?? {}) as Record<string, string>;
  const n = Object.keys(id2label).length || ((hf.num_labels as number | undefined) ?? 2);
  return Array.from({ length: n }, (_, i) => id2label[String(i)] ?? `LABEL_${i}`);
}

/**
 * Translates a HF `DistilBertConfig` (config.json) to a {@link DistilBertConfig}; rejects what this
 * implementation does not compute (another model type or activation).
 */
export function distilBertConfigFromHf(hf: Record<string, unknown>): DistilBertConfig {
  const expect = (field: string, ok: boolean, allowed: string) => {
    if (!ok) throw new ConfigError(`config.json: ${field} = ${JSON.stringify(hf[field])} is not supported; expected ${allowed}`);
  };
  expect('model_type', hf.model_type === 'distilbert', "'distilbert'");
  expect('activation', hf.activation === undefined || hf.activation === 'gelu', "'gelu' (exact erf GELU)");
  for (const field of ['vocab_size', 'max_position_embeddings', 'dim', 'n_layers', 'n_heads', 'hidden_dim']) {
    expect(field, Number.isInteger(hf[field]) && (hf[field] as number) > 0, 'a positive integer');
  }
  return {
    vocabSize: hf.vocab_size as number,
    maxPositions: hf.max_position_embeddings as number,
    dModel: hf.dim as number,
    nLayer: hf.n_layers as number,
    nHead: hf.n_heads as number,
    dHidden: hf.hidden_dim as number,
    nClasses: labelsFromHfConfig(hf).length,
  };
}

/**
 * Imports the classifier of a HF DistilBertForSequenceClassification folder. Throws a ConfigError
 * naming the missing file (a `pytorch_model.bin`-only folder is told how to convert) or tensor.
 */
export function importHfDistilBert(dir: string): { model: DistilBertClassifier; labels: string[] } {
  checkDir(dir);
  const hf = readJsonFile(path.join(dir, DISTILBERT_FILES.config), 'the DistilBertConfig written by save_pretrained');
  const config = distilBertConfigFromHf(hf);
  const weightsFile = path.join(dir, DISTILBERT_FILES.weights);
  if (!fs.existsSync(weightsFile)) {
    const bin = fs.existsSync(path.join(dir, 'pytorch_model.bin'));
    throw new ConfigError(
      `${DISTILBERT_FILES.weights}: ${weightsFile} does not exist; expected the weights in safetensors format` +
        (bin ? ` (the folder has pytorch_model.bin: convert it in Python with AutoModelForSequenceClassification.from_pretrained(dir).save_pretrained(dir, safe_serialization=True))` : ''),
    );
  }
  const { tensors: host } = readSafetensorsFile(weightsFile);
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, t] of host) tensors.set(name, tf.tensor(t.data, [...t.shape], t.dtype));
  try {
    return { model: DistilBertClassifier.fromTensors(config, tensors), labels: labelsFromHfConfig(hf) };
  } catch (e) {
    throw new ConfigError(`${weightsFile}: ${(e as Error).message}`);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

/** The vocabulary of a `tokenizer.json` whose model is WordPiece, in id order; undefined otherwise. */
function vocabFromTokenizerJson(file: string): string[] | undefined {
  const model = (readJsonFile(file, 'a tokenizers file').model ?? {}) as { type?: string; vocab?: Record<string, number> };
  if (model.type !== 'WordPiece' || !model.vocab) return undefined;
  const vocab: string[] = [];
  for (const [token, id] of Object.entries(model.vocab)) vocab[id] = token;
  return vocab;
}

/**
 * The WordPiece tokenizer of a DistilBERT folder: `vocab.txt` (or, without it, the WordPiece vocab of
 * `tokenizer.json`) and the options of `tokenizer_config.json` when present (HF defaults otherwise).
 * `maxPositions` caps `model_max_length` (HF writes 1e30 when it is unset).
 */
export function loadHfDistilBertTokenizer(dir: string, maxPositions = 512): WordPieceTokenizer {
  checkDir(dir);
  const vocabFile = path.join(dir, DISTILBERT_FILES.vocab);
  const jsonFile = path.join(dir, DISTILBERT_FILES.tokenizerJson);
  let vocab: string[] | undefined;
  if (fs.existsSync(vocabFile)) vocab = loadVocabTxt(vocabFile);
  else if (fs.existsSync(jsonFile)) vocab = vocabFromTokenizerJson(jsonFile);
  if (!vocab) {
    throw new ConfigError(`${DISTILBERT_FILES.vocab}: ${vocabFile} does not exist; expected the WordPiece vocabulary saved with the model (tokenizer.save_pretrained(dir) writes it)`);
  }
  const opts: { -readonly [K in keyof WordPieceOptions]?: WordPieceOptions[K] } = { maxLength: maxPositions };
  const cfgFile = path.join(dir, DISTILBERT_FILES.tokenizerConfig);
  if (fs.existsSync(cfgFile)) {
    const c = readJsonFile(cfgFile, 'a tokenizer config');
    if (typeof c.do_lower_case === 'boolean') opts.doLowerCase = c.do_lower_case;
    if (typeof c.strip_accents === 'boolean') opts.stripAccents = c.strip_accents;
    if (typeof c.tokenize_chinese_chars === 'boolean') opts.tokenizeChineseChars = c.tokenize_chinese_chars;
    if (typeof c.model_max_length === 'number') opts.maxLength = Math.min(c.model_max_length, maxPositions);
  }
  return new WordPieceTokenizer(vocab, opts);
}

/** Loads a DistilBERT classifier folder: model, tokenizer and label names (see the two loaders above). */
export function loadHfDistilBert(dir: string): HfDistilBert {
  const tokenizer = loadHfDistilBertTokenizer(dir, Number.MAX_SAFE_INTEGER);
  const { model, labels } = importHfDistilBert(dir);
  if (tokenizer.vocabSize > model.config.vocabSize) {
    model.dispose();
    throw new ConfigError(`${DISTILBERT_FILES.vocab}: ${tokenizer.vocabSize} tokens, but the model has ${model.config.vocabSize} embedding rows; expected the model's own tokenizer files`);
  }
  const capped = new WordPieceTokenizer(tokenizer.vocab, { ...tokenizer.options, maxLength: Math.min(tokenizer.options.maxLength, model.config.maxPositions) });
  return { model, tokenizer: capped, labels };
}
