/**
 * The pre-trained language model as a sequence classifier (docs/study.md "Natural-language tasks", MDL
 * probe; HF `GPT2ForSequenceClassification`): a fresh copy of the LM's weights, a new linear head on
 * the last non-pad token, every weight trained. Used by the language MDL probes (notebook 06) and
 * the supervised (Lovering) baseline. Also the identity of the LM that cached results record, so
 * results of another model (retrained, re-imported) are never reused.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { canonicalJson, sha256Hex } from '../../io/manifest';
import type { GPT, GPTConfig } from '../../models/gpt';
import { ClassificationHead, GPTClassifier } from '../../models/heads';
import type { TrainableClassifier } from '../../probing/probe_training';
import type { Corpus } from '../../tasks/language/corpus';
import { corpusManifest, type DataTokenizer } from '../../tasks/language/language_dataset';
import { ConfigError } from '../../util/assert';
import type { Rng } from '../../util/rng';
import type { LanguageModelParamValues } from './schema';
import { loadOrTrainLanguageModel, type LanguageModelDirs } from './model';

/** Classes of every language probe and classifier (feature present or not; label = t). */
export const LANGUAGE_CLASSES = 2;

/** A tokenizer the classifiers can use: prompt encoding, a pad id and a fingerprint (`BpeTokenizer` has them all). */
export interface ClassifierTokenizer extends DataTokenizer {
  /** Id that left-pads prompts of different token lengths (masked out). */
  readonly padId: number;
}

/** What a language run needs: the pre-trained model, its tokenizer and the corpus (`loadOrTrainLanguageModel` returns all three). */
export interface LanguageModelInputs {
  /** The pre-trained LM; copied for every classifier, never changed. */
  readonly model: GPT;
  readonly tokenizer: ClassifierTokenizer;
  readonly corpus: Corpus;
}

/** Which pre-trained model a cached result came from (recorded in every cell configuration). */
export interface LanguageModelIdentity {
  /** sha256 over every weight's name, shape and float32 bytes, in checkpoint order. */
  readonly weightsSha256: string;
  /** The tokenizer's fingerprint (`BpeTokenizer.fingerprint()`). */
  readonly tokenizerSha256: string;
  /** The architecture (dropout included: the classifiers train with it). */
  readonly model: GPTConfig;
}

const identities = new WeakMap<GPT, string>();

/** sha256 of the model's weights (name, shape, bytes); computed once per model object (the LM is never changed). */
export function weightsSha256(model: GPT): string {
  const cached = identities.get(model);
  if (cached) return cached;
  const parts: string[] = [];
  for (const [name, v] of model.namedWeights()) {
    const data = v.dataSync() as Float32Array; // sync: once per model and weight
    parts.push(`${name} [${v.shape.join(',')}] ${sha256Hex(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))}`);
  }
  const digest = sha256Hex(parts.join('\n'));
  identities.set(model, digest);
  return digest;
}

/** The identity of `inputs`' model and tokenizer. */
export function languageModelIdentity(inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer'>): LanguageModelIdentity {
  return { weightsSha256: weightsSha256(inputs.model), tokenizerSha256: inputs.tokenizer.fingerprint(), model: { ...inputs.model.config } };
}

/** A short tag of an identity for tables and file names: the first 12 hex digits of its hash. */
export function identityTag(identity: LanguageModelIdentity): string {
  return sha256Hex(canonicalJson(identity)).slice(0, 12);
}

/** Throws unless `inputs` are the model, tokenizer and corpus that `cfg` records. */
export function checkLanguageInputs(cfg: { readonly lm: LanguageModelIdentity; readonly data: { readonly corpus: { readonly sha256: string }; readonly tokenizer: { readonly sha256: string } } }, inputs: LanguageModelInputs): void {
  const id = languageModelIdentity(inputs);
  if (id.weightsSha256 !== cfg.lm.weightsSha256) throw new ConfigError(`lm: weights sha256 ${id.weightsSha256.slice(0, 12)}… differ from the configuration's ${cfg.lm.weightsSha256.slice(0, 12)}…; expected the same pre-trained model`);
  if (id.tokenizerSha256 !== cfg.data.tokenizer.sha256) throw new ConfigError(`tokenizer: fingerprint ${id.tokenizerSha256.slice(0, 12)}… differs from the configuration's; expected the LM's tokenizer`);
  const corpusSha = corpusManifest(inputs.corpus).sha256;
  if (corpusSha !== cfg.data.corpus.sha256) throw new ConfigError(`corpus: sha256 ${corpusSha.slice(0, 12)}… differs from the configuration's ${cfg.data.corpus.sha256.slice(0, 12)}…; expected the same corpus`);
}

/**
 * A fresh classifier: a trainable copy of `lm` (its own Variables; `lm` is untouched) and a
 * `ClassificationHead` drawn from `rng.child('head')` (HF init: normal(0, 0.02)), seen as a
 * `TrainableClassifier`. Logits come from each row's last real token (the attention mask of a
 * padded batch; without one, the last position); dropout is the LM config's, only while training,
 * seeded from `rng.child('dropout')`. The caller disposes it.
 */
export function buildLanguageClassifier(lm: GPT, rng: Rng): TrainableClassifier {
  const head = ClassificationHead.init(lm.config.dModel, LANGUAGE_CLASSES, rng.child('head'));
  const classifier = new GPTClassifier(lm.copy(true), head);
  const dropoutRng = rng.child('dropout');
  return {
    logits: (ids: tf.Tensor2D, training: boolean, attentionMask?: tf.Tensor2D) => classifier.forward(ids, attentionMask, training, dropoutRng), // [batch, classes]
    trainableVariables: classifier.trainableVariables,
    dispose: () => classifier.dispose(),
  };
}

/** Where {@link withLanguageModel} takes the model from: one already loaded, or the folders `loadOrTrainLanguageModel` uses. */
export interface LanguageModelSource {
  /** A loaded model (the caller keeps and disposes it). */
  readonly lm?: LanguageModelInputs;
  /** Model and tokenizer folders; default `datasets/models/<preset>/{lm,tokenizer}`. */
  readonly dirs?: LanguageModelDirs;
}

/**
 * Calls `body` with `source.lm`, or with the pre-trained model of `p` loaded now by
 * `loadOrTrainLanguageModel` (trained first when no cached model matches) and disposed after.
 */
export async function withLanguageModel<T>(p: LanguageModelParamValues, source: LanguageModelSource, body: (lm: LanguageModelInputs) => Promise<T> | T): Promise<T> {
  if (source.lm) return body(source.lm);
  const loaded = await loadOrTrainLanguageModel(p, {}, source.dirs);
  try {
    return await body(loaded);
  } finally {
    loaded.model.dispose();
  }
}

/** The model and tokenizer folders under `modelsDir` (`<modelsDir>/lm`, `<modelsDir>/tokenizer`), or the preset's defaults. */
export function modelDirs(modelsDir: unknown): LanguageModelDirs | undefined {
  if (modelsDir === undefined) return undefined;
  if (typeof modelsDir !== 'string' || modelsDir === '') throw new ConfigError(`modelsDir: ${JSON.stringify(modelsDir)} is not allowed; expected a folder path`);
  return { modelDir: path.join(modelsDir, 'lm'), tokenizerDir: path.join(modelsDir, 'tokenizer') };
}
