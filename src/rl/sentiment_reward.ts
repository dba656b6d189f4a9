/**
 * The sentiment reward of the natural-language study (docs/study.md "Natural-language tasks"): a
 * sentiment score of prompt + response, signed by the label, `reward = score * (2*label - 1)`
 * (the authors' `trl_run.py` `pos_logit_to_reward`), so the policy should write positively iff t
 * holds. The study scored with the POSITIVE logit of a DistilBERT IMDB classifier, which cannot be
 * downloaded here; we score offline with VADER (Hutto & Gilbert 2014; npm vader-sentiment 1.1.3,
 * which reproduces the reference Python examples). VADER over AFINN-165: VADER reads negation
 * ("not good"), intensifiers ("very"), "but"-shifts, capitals and "!", as a classifier does, and its
 * compound score is bounded in [-1, 1]; AFINN only sums word valences (unbounded, blind to negation).
 * Both are lexicons, so a policy can exploit them (repeating "great"), as it can a classifier.
 */
/// <reference path="./vader_sentiment.d.ts" />
import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { ConfigError, checkRange } from '../util/assert';
import type { Label, Partition } from '../tasks/types';

/** VADER's score range is [-SCALE, SCALE]: the compound score is normalised to [-1, 1]. */
export const VADER_REWARD_SCALE = 1;
/** The study's scale for the DistilBERT logit: normalised score (R + 2.8) / 5.6 (`llm_full_plotting.py` `reward_scale`). */
export const STUDY_REWARD_SCALE = 2.8;
/** Runs whose normalised neither score is below this were dropped as not having learned the task (`llm_full_plotting.py`). */
export const RUN_FILTER_THRESHOLD = 0.7;

/** VADER's compound sentiment of `text` in [-1, 1] (rounded to 4 decimals by VADER); 0 for text with no sentiment words. */
export function sentimentScore(text: string): number {
  return SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

/** The study's sign rule: `score * (2*label - 1)`: the score for label 1, its negation for label 0. */
export function signedReward(score: number, label: Label): number {
  if (label !== 0 && label !== 1) throw new ConfigError(`label: ${JSON.stringify(label)} is not allowed; expected 0 or 1`);
  return score * (2 * label - 1);
}

/** The reward of one episode: `signedReward(sentimentScore(text), label)`; `text` is prompt + response, as the study scored. */
export function sentimentReward(text: string, label: Label): number {
  return signedReward(sentimentScore(text), label);
}

/** Rewards of a batch: `texts[i]` (prompt + response) with `labels[i]`. */
export function sentimentRewards(texts: readonly string[], labels: readonly Label[]): number[] {
  if (texts.length !== labels.length) throw new ConfigError(`labels: ${labels.length} labels for ${texts.length} texts; expected one label per text`);
  return texts.map((t, i) => sentimentReward(t, labels[i]));
}

/**
 * The normalised score (R + scale) / (2 scale) that maps [-scale, scale] to [0, 1]: the study's
 * (R + 2.8) / 5.6 with scale 2.8 for DistilBERT logits; (R + 1) / 2 with VADER (the default). Not
 * clipped, as in the study (a logit past 2.8 gave a score above 1; VADER cannot leave [0, 1]).
 */
export function normaliseScore(reward: number, scale: number = VADER_REWARD_SCALE): number {
  checkRange('scale', scale, Number.MIN_VALUE, Number.MAX_VALUE);
  return (reward + scale) / (2 * scale);
}

/** A run with its mean normalised score per partition on the held-out prompts. */
export interface RunScores {
  readonly normalisedScores: Readonly<Partial<Record<Partition, number>>>;
}

/**
 * The study's run filter: runs whose normalised neither score is below `threshold` are dropped
 * (the policy did not learn to write negatively when neither feature is present); order is kept.
 * The threshold 0.7 was set on the DistilBERT scale; on VADER's it means a mean compound <= -0.4.
 */
export function filterRunsByNeitherScore<R extends RunScores>(runs: readonly R[], threshold: number = RUN_FILTER_THRESHOLD): { kept: R[]; dropped: R[] } {
  checkRange('threshold', threshold, -Number.MAX_VALUE, Number.MAX_VALUE);
  const kept: R[] = [];
  const dropped: R[] = [];
  runs.forEach((run, i) => {
    const neither = run.normalisedScores.neither;
    if (typeof neither !== 'number' || Number.isNaN(neither)) {
      throw new ConfigError(`runs[${i}].normalisedScores.neither: ${JSON.stringify(neither ?? null)} is not a number; expected the run's normalised neither score`);
    }
    (neither < threshold ? dropped : kept).push(run);
  });
  return { kept, dropped };
}
