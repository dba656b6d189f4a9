/**
 * How well a sentiment reward model's scores agree with binary labels (hand-labelled sentences) or
 * with the sign of another scorer (e.g. AFINN): accuracy, balanced accuracy (mean per-class recall,
 * as sklearn 1.5 `balanced_accuracy_score`) and Cohen's kappa (Cohen 1960; sklearn `cohen_kappa_score`),
 * where a score above `threshold` (default 0, the sign of a logit) predicts label 1.
 */
import { ConfigError } from '../util/assert';

/** Agreement of thresholded scores with 0/1 labels. */
export interface RewardAgreement {
  /** Pairs compared. */
  readonly n: number;
  /** Share of pairs where (score > threshold) equals the label, in [0, 1]. */
  readonly accuracy: number;
  /** Mean of the recall of each class present in the labels, in [0, 1]; 0.5 is chance. */
  readonly balancedAccuracy: number;
  /** (p_o - p_e) / (1 - p_e), p_e the agreement expected from the marginals; NaN when p_e = 1 (one class only on both sides). */
  readonly cohenKappa: number;
  /** Counts: tp (label 1, predicted 1), fn (1, 0), fp (0, 1), tn (0, 0). */
  readonly confusion: { readonly tp: number; readonly fn: number; readonly fp: number; readonly tn: number };
}

/**
 * Agreement of `scores` (predicted label 1 where score > threshold) with `labels`.
 * Throws a ConfigError naming the argument when lengths differ, a label is not 0/1, a score is not
 * finite, or there are no pairs.
 */
export function rewardAgreement(scores: readonly number[], labels: readonly (0 | 1)[], threshold = 0): RewardAgreement {
  if (scores.length !== labels.length) throw new ConfigError(`labels: ${labels.length} labels for ${scores.length} scores; expected one label per score`);
  if (scores.length === 0) throw new ConfigError('scores: empty; expected at least one score');
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) throw new ConfigError(`scores[${i}]: ${s} is not a finite number`);
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ConfigError(`labels[${i}]: ${JSON.stringify(y)} is not allowed; expected 0 or 1`);
    const predicted = s > threshold;
    if (y === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  });
  const n = scores.length;
  const accuracy = (tp + tn) / n;
  const recalls = [tp + fn > 0 ? tp / (tp + fn) : null, tn + fp > 0 ? tn / (tn + fp) : null].filter((r): r is number => r !== null);
  const balancedAccuracy = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  const expected = ((tp + fn) / n) * ((tp + fp) / n) + ((tn + fp) / n) * ((tn + fn) / n); // p_e from the label and prediction marginals
  const cohenKappa = expected === 1 ? NaN : (accuracy - expected) / (1 - expected);
  return { n, accuracy, balancedAccuracy, cohenKappa, confusion: { tp, fn, fp, tn } };
}

/** Agreement of a scorer's sign with another scorer's sign, with the pairs the other left neutral. */
export interface SignAgreement extends RewardAgreement {
  /** Pairs left out because the reference score was exactly 0 (a lexicon that found no sentiment word). */
  readonly nNeutral: number;
}

/**
 * Agreement of `scores` with the sign of `referenceScores` (e.g. AFINN sums): reference > 0 is label 1,
 * < 0 label 0, and pairs where the reference is exactly 0 are left out (counted in `nNeutral`).
 * Throws as {@link rewardAgreement}, and when every reference score is 0.
 */
export function signAgreement(scores: readonly number[], referenceScores: readonly number[], threshold = 0): SignAgreement {
  if (scores.length !== referenceScores.length) {
    throw new ConfigError(`referenceScores: ${referenceScores.length} scores for ${scores.length} scores; expected one per score`);
  }
  const kept: number[] = [];
  const labels: (0 | 1)[] = [];
  referenceScores.forEach((r, i) => {
    if (!Number.isFinite(r)) throw new ConfigError(`referenceScores[${i}]: ${r} is not a finite number`);
    if (r === 0) return;
    kept.push(scores[i]);
    labels.push(r > 0 ? 1 : 0);
  });
  if (kept.length === 0) throw new ConfigError('referenceScores: all 0 (neutral); expected at least one non-zero reference score');
  return { ...rewardAgreement(kept, labels, threshold), nNeutral: scores.length - kept.length };
}
