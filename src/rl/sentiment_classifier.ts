/**
 * The reward model of the natural-language experiments: a small sentiment classifier trained on
 * lexicon-labelled passages, standing in for the study's DistilBERT IMDB classifier (which cannot
 * be downloaded). Like DistilBERT's POSITIVE logit, its output is a graded log-odds for ANY text,
 * so every response gets a reward signal; VADER (`sentiment_reward.ts`) scores 0 whenever no
 * lexicon word occurs, which is most of what a small model pre-trained on Brown writes.
 *
 * Model: L2-regularised logistic regression on word presence (lowercased words seen in at least
 * `minCount` training passages), fitted by full-batch gradient descent with class-balanced
 * weights, deterministic (no random state). Labels: a passage's own sentiment where the corpus has
 * one (IMDB reviews, as DistilBERT was trained), else VADER's compound score of the passage
 * (>= +threshold positive, <= -threshold negative, passages in between left out).
 */
import { sha256Hex } from '../io/manifest';
import type { Label } from '../tasks/types';
import { ConfigError, checkInt, checkRange } from '../util/assert';
import { sentimentScore } from './sentiment_reward';

/** Training settings of the classifier. */
export interface SentimentClassifierConfig {
  /** A word enters the vocabulary when it occurs in at least this many training passages (5). */
  readonly minCount: number;
  /** L2 penalty on the word weights, per example (1e-4). */
  readonly l2: number;
  /** Full-batch gradient-descent iterations (300). */
  readonly iterations: number;
  /** Gradient-descent step size (1). */
  readonly learningRate: number;
  /** |VADER compound| needed to label an unlabelled passage (0.5); passages below it are left out. */
  readonly labelThreshold: number;
  /** Quantile of |logit| over the validation passages used as the reward scale (0.95). */
  readonly scaleQuantile: number;
}

/** The defaults (our choices; the study's classifier was a fine-tuned DistilBERT). */
export const DEFAULT_SENTIMENT_CLASSIFIER: SentimentClassifierConfig = Object.freeze({
  minCount: 5,
  l2: 1e-4,
  iterations: 300,
  learningRate: 1,
  labelThreshold: 0.5,
  scaleQuantile: 0.95,
});

/** A trained classifier (plain numbers: JSON-serialisable). */
export interface SentimentClassifier {
  readonly config: SentimentClassifierConfig;
  /** Vocabulary words, index = weight position. */
  readonly words: readonly string[];
  /** Log-odds weight per word (present in the text or not). */
  readonly weights: readonly number[];
  readonly bias: number;
  /**
   * Reward scale: the `scaleQuantile` quantile of |logit| on the validation passages. Scores are
   * normalised as (R + scale) / (2 scale), the study's (R + 2.8) / 5.6 for DistilBERT logits.
   */
  readonly scale: number;
  /** Counts and accuracy of the fit. */
  readonly stats: { trainPositive: number; trainNegative: number; validationExamples: number; validationAccuracy: number; trainAccuracy: number };
  /** sha256 of words, weights and bias: the identity a cached RL run records. */
  readonly sha256: string;
}

/**
 * A passage the classifier learns from: its text and, where the source has one (IMDB), its own
 * sentiment label (null: label it with VADER). The corpus's `Passage` fits; the caller passes them in.
 */
export interface SentimentPassage {
  readonly text: string;
  readonly sentiment: Label | null;
}

/** Lowercased words of `text` (letters and inner apostrophes). */
export function textWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
}

/** Labelled passages: own sentiment where present, else VADER's sign beyond `threshold`; others dropped. */
export function lexiconLabels(passages: readonly SentimentPassage[], threshold: number): { text: string; label: Label }[] {
  checkRange('labelThreshold', threshold, 0, 1);
  const out: { text: string; label: Label }[] = [];
  for (const p of passages) {
    if (p.sentiment !== null) {
      out.push({ text: p.text, label: p.sentiment });
      continue;
    }
    const s = sentimentScore(p.text);
    if (s >= threshold) out.push({ text: p.text, label: 1 });
    else if (s <= -threshold) out.push({ text: p.text, label: 0 });
  }
  return out;
}

function featureRows(texts: readonly string[], index: ReadonlyMap<string, number>): Int32Array[] {
  return texts.map((t) => Int32Array.from(new Set(textWords(t).flatMap((w) => (index.has(w) ? [index.get(w) as number] : [])))));
}

/** The classifier's log-odds of positive sentiment for `text` (bias + sum of the weights of the words present). */
export function classifierLogit(model: Pick<SentimentClassifier, 'words' | 'weights' | 'bias'>, text: string, index?: ReadonlyMap<string, number>): number {
  const idx = index ?? new Map(model.words.map((w, i) => [w, i]));
  let z = model.bias;
  for (const w of new Set(textWords(text))) {
    const i = idx.get(w);
    if (i !== undefined) z += model.weights[i];
  }
  return z;
}

/** A scorer bound to `model` (the word index built once). */
export function classifierScorer(model: SentimentClassifier): (text: string) => number {
  const index = new Map(model.words.map((w, i) => [w, i]));
  return (text) => classifierLogit(model, text, index);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Fits the classifier on `train` and measures it on `validation` (labelled with the same rule).
 * Minimises the class-balanced mean logistic loss + l2/2 ||w||^2 by full-batch gradient descent.
 */
export function trainSentimentClassifier(train: readonly SentimentPassage[], validation: readonly SentimentPassage[], config: Partial<SentimentClassifierConfig> = {}): SentimentClassifier {
  const cfg: SentimentClassifierConfig = { ...DEFAULT_SENTIMENT_CLASSIFIER, ...config };
  checkInt('minCount', cfg.minCount, 1);
  checkRange('l2', cfg.l2, 0, 1e6);
  checkInt('iterations', cfg.iterations, 1);
  checkRange('learningRate', cfg.learningRate, 1e-9, 1e6);
  checkRange('scaleQuantile', cfg.scaleQuantile, 0, 1);
  const labelled = lexiconLabels(train, cfg.labelThreshold);
  const nPos = labelled.filter((e) => e.label === 1).length;
  const nNeg = labelled.length - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new ConfigError(`train: ${nPos} positive and ${nNeg} negative passages after labelling (threshold ${cfg.labelThreshold}); expected both classes`);
  }
  // Vocabulary: words in at least minCount passages, sorted for a deterministic order.
  const docFreq = new Map<string, number>();
  for (const e of labelled) for (const w of new Set(textWords(e.text))) docFreq.set(w, (docFreq.get(w) ?? 0) + 1);
  const words = [...docFreq.entries()].filter(([, c]) => c >= cfg.minCount).map(([w]) => w).sort();
  const index = new Map(words.map((w, i) => [w, i]));
  const rows = featureRows(labelled.map((e) => e.text), index);
  const y = labelled.map((e) => e.label);
  // Class-balanced weights: each class contributes half of the mean loss.
  const sampleWeight = y.map((l) => (l === 1 ? 0.5 / nPos : 0.5 / nNeg));
  const w = new Float64Array(words.length);
  let b = 0;
  const grad = new Float64Array(words.length);
  for (let it = 0; it < cfg.iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let n = 0; n < rows.length; n++) {
      let z = b;
      const row = rows[n];
      for (let k = 0; k < row.length; k++) z += w[row[k]];
      const g = (1 / (1 + Math.exp(-z)) - y[n]) * sampleWeight[n]; // d loss / d z
      gb += g;
      for (let k = 0; k < row.length; k++) grad[row[k]] += g;
    }
    for (let j = 0; j < w.length; j++) w[j] -= cfg.learningRate * (grad[j] + cfg.l2 * w[j]);
    b -= cfg.learningRate * gb;
  }
  const weights = Array.from(w);
  const model = { words, weights, bias: b };
  const score = (texts: readonly { text: string; label: Label }[]) => {
    const logits = texts.map((e) => classifierLogit(model, e.text, index));
    const correct = logits.filter((z, i) => (z > 0 ? 1 : 0) === texts[i].label).length;
    return { logits, accuracy: texts.length ? correct / texts.length : NaN };
  };
  const valLabelled = lexiconLabels(validation, cfg.labelThreshold);
  const val = score(valLabelled);
  const scale = quantile(val.logits.map(Math.abs).sort((a, c) => a - c), cfg.scaleQuantile);
  return {
    config: cfg,
    words,
    weights,
    bias: b,
    scale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    stats: { trainPositive: nPos, trainNegative: nNeg, validationExamples: valLabelled.length, validationAccuracy: val.accuracy, trainAccuracy: score(labelled).accuracy },
    sha256: sha256Hex(JSON.stringify({ words, weights, bias: b })),
  };
}

/** The words with the largest positive and negative weights, for display. */
export function topWords(model: Pick<SentimentClassifier, 'words' | 'weights'>, k = 10): { positive: { word: string; weight: number }[]; negative: { word: string; weight: number }[] } {
  const all = model.words.map((word, i) => ({ word, weight: model.weights[i] }));
  const byWeight = [...all].sort((a, c) => c.weight - a.weight || a.word.localeCompare(c.word));
  return { positive: byWeight.slice(0, k), negative: byWeight.slice(-k).reverse() };
}
