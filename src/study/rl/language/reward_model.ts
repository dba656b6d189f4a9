/**
 * The reward model of the natural-language RL runs: `classifier` (the default; a word-presence
 * logistic regression trained on lexicon-labelled corpus passages, `rl/sentiment_classifier.ts`,
 * the stand-in for the study's DistilBERT IMDB classifier) or `vader` (the lexicon score itself),
 * with the scale that normalises its scores and an identity that cached runs record. The
 * classifier is cached on disk per corpus.
 */
import { readJsonIfExists, writeJsonAtomic } from '../../../io/atomic_write';
import { sha256Hex } from '../../../io/manifest';
import { classifierScorer, DEFAULT_SENTIMENT_CLASSIFIER, trainSentimentClassifier, type SentimentClassifier } from '../../../rl/sentiment_classifier';
import type { SentimentScorer } from '../../../rl/sentiment_env';
import { sentimentScore, STUDY_REWARD_SCALE, VADER_REWARD_SCALE } from '../../../rl/sentiment_reward';
import type { Corpus } from '../../../tasks/language/corpus';
import { corpusManifest } from '../../../tasks/language/language_dataset';
import { ConfigError, underParam } from '../../../util/assert';
import { datasetsPath } from '../../../io/paths';
import * as fs from 'fs';
import * as path from 'path';
import { distilBertScorer, loadDistilBertReward } from '../../../reward/distilbert_reward';

/**
 * The reward models: `classifier` (a word-presence logistic regression on lexicon-labelled passages,
 * the stand-in for the study's DistilBERT), `vader` (the lexicon score itself) or `distilbert` (the
 * study's own: the POSITIVE logit of a Hugging Face DistilBERT sentiment classifier folder).
 */
export const LANGUAGE_REWARD_KINDS = ['classifier', 'vader', 'distilbert'] as const;
export type LanguageRewardKind = (typeof LANGUAGE_REWARD_KINDS)[number];

/** The reward model of a run: its kind, scale (normalised score = (R + scale) / (2 scale)) and identity. */
export interface RewardSpec {
  readonly kind: LanguageRewardKind;
  /** The study's 2.8 for DistilBERT logits; VADER 1; the classifier's 95th percentile of |logit|. */
  readonly scale: number;
  /** sha256 of the classifier's weights (DistilBERT: of its model.safetensors file); null for VADER. */
  readonly sha256: string | null;
  /** DistilBERT only: the folder it was loaded from. */
  readonly dir?: string;
}

/** A reward model ready to score: its spec, its scorer, and the classifier when there is one. */
export interface RewardModel {
  readonly spec: RewardSpec;
  readonly score: SentimentScorer;
  readonly classifier: SentimentClassifier | null;
}

const rewardModels = new Map<string, RewardModel>();

/** Where the classifier of a corpus is cached: `datasets/models/reward/classifier-<corpus sha256, 12 digits>.json`. */
export function rewardClassifierFile(corpusSha256: string): string {
  return datasetsPath('models', 'reward', `classifier-${corpusSha256.slice(0, 12)}.json`);
}

/** A cached classifier, if its file records this corpus and the default training settings and its weights hash to its identity. */
function readCachedClassifier(file: string, corpusSha256: string): SentimentClassifier | null {
  const cached = readJsonIfExists<{ corpusSha256: string; classifier: SentimentClassifier }>(file);
  if (!cached || cached.corpusSha256 !== corpusSha256) return null;
  const c = cached.classifier;
  const intact = sha256Hex(JSON.stringify({ words: c.words, weights: c.weights, bias: c.bias })) === c.sha256;
  return intact && JSON.stringify(c.config) === JSON.stringify(DEFAULT_SENTIMENT_CLASSIFIER) ? c : null;
}

/**
 * The reward model `kind` for `corpus`. The classifier is trained on the corpus's train passages
 * (deterministic; about 10-20 s for Brown, most of it VADER labelling), cached in
 * {@link rewardClassifierFile} (atomic write) and kept for the life of the process.
 */
export function languageRewardModel(kind: LanguageRewardKind, corpus: Corpus, opts: { distilbertDir?: string | null } = {}): RewardModel {
  if (kind === 'vader') return { spec: { kind, scale: VADER_REWARD_SCALE, sha256: null }, score: sentimentScore, classifier: null };
  if (kind === 'distilbert') return distilBertRewardModel(opts.distilbertDir ?? null);
  if (kind !== 'classifier') throw new ConfigError(`reward: ${JSON.stringify(kind)} is not allowed; expected one of ${LANGUAGE_REWARD_KINDS.join(', ')}`);
  const key = corpusManifest(corpus).sha256;
  let model = rewardModels.get(key);
  if (!model) {
    const file = rewardClassifierFile(key);
    let classifier = readCachedClassifier(file, key);
    if (!classifier) {
      classifier = trainSentimentClassifier(corpus.train, corpus.validation);
      writeJsonAtomic(file, { corpusSha256: key, classifier });
    }
    model = { spec: { kind, scale: classifier.scale, sha256: classifier.sha256 }, score: classifierScorer(classifier), classifier };
    rewardModels.set(key, model);
  }
  return model;
}

/**
 * The study's reward: the POSITIVE logit of the DistilBERT classifier in `dir`, normalised with the
 * study's scale 2.8 and identified by the sha256 of its model.safetensors. Loaded once per folder and
 * kept for the life of the process (its weights are never disposed). Throws a ConfigError when `dir` is null.
 */
function distilBertRewardModel(dir: string | null): RewardModel {
  if (dir === null || dir === '') throw new ConfigError("lm.distilbertDir: not given; expected a Hugging Face DistilBertForSequenceClassification folder (lvwerra/distilbert-imdb) for languageRl.reward.kind 'distilbert'");
  const key = `distilbert:${path.resolve(dir)}`;
  let model = rewardModels.get(key);
  if (!model) {
    const rm = underParam({ distilbertDir: 'lm.distilbertDir' }, () => loadDistilBertReward(dir));
    const sha256 = sha256Hex(fs.readFileSync(path.join(dir, 'model.safetensors')));
    model = { spec: { kind: 'distilbert', scale: STUDY_REWARD_SCALE, sha256, dir: path.resolve(dir) }, score: distilBertScorer(rm), classifier: null };
    rewardModels.set(key, model);
  }
  return model;
}
