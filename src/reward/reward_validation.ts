/**
 * Validation of a language reward model (issue 16): its accuracy and Cohen's kappa on the
 * hand-written sentences (sentiment_sentences.ts, which no scorer was fitted to), its sign agreement
 * with an independent lexicon scorer (AFINN-165) on held-out corpus passages, and what its
 * normalisation scale means for the run filter's 0.7 threshold. Pure: scores in, table rows out.
 */
import { afinnScore } from './afinn_scorer';
import { rewardAgreement, signAgreement } from './reward_agreement';
import { labelledSentimentSentences, type LabelledSentence } from './sentiment_sentences';
import { median } from '../stats/describe';

/** One row of the validation table (a type alias so rows pass to `showTable`). */
export type RewardValidationRow = { check: string; n: number; accuracy: number; 'balanced accuracy': number; 'Cohen kappa': number; note: string };

/** The scale row: the reward scale and what the filter threshold asks of a run's mean signed reward. */
export type RewardScaleRow = {
  /** The scale S of the normalisation (R + S) / (2 S). */
  scale: number;
  /** The signed reward a normalised score of `threshold` needs: (2 threshold - 1) S. */
  'signed reward at the threshold': number;
  /** Share of held-out passages whose |score| exceeds S (normalised score outside [0, 1]). */
  'share |score| > scale': number;
  /** Median |score| over held-out passages. */
  'median |score|': number;
};

/**
 * The validation table of a reward model `score` (one number per text; > 0 positive): accuracy,
 * balanced accuracy and kappa on `sentences`, and the sign agreement with AFINN on `heldOut` passages
 * (passages AFINN scores 0 are left out and counted in the note).
 */
export function rewardValidationRows(score: (texts: readonly string[]) => number[], heldOut: readonly string[], sentences: readonly LabelledSentence[] = labelledSentimentSentences()): RewardValidationRow[] {
  const hand = rewardAgreement(score(sentences.map((s) => s.text)), sentences.map((s) => s.label));
  const rows: RewardValidationRow[] = [
    { check: 'hand-written sentences (labels by hand)', n: hand.n, accuracy: hand.accuracy, 'balanced accuracy': hand.balancedAccuracy, 'Cohen kappa': hand.cohenKappa, note: `${hand.confusion.tp} of ${hand.confusion.tp + hand.confusion.fn} positive and ${hand.confusion.tn} of ${hand.confusion.tn + hand.confusion.fp} negative right` },
  ];
  const afinn = heldOut.map(afinnScore);
  if (afinn.some((a) => a !== 0)) {
    const sign = signAgreement(score(heldOut), afinn);
    rows.push({ check: 'sign agreement with AFINN-165 on held-out passages', n: sign.n, accuracy: sign.accuracy, 'balanced accuracy': sign.balancedAccuracy, 'Cohen kappa': sign.cohenKappa, note: `${sign.nNeutral} of ${heldOut.length} passages left out (AFINN score 0)` });
  }
  return rows;
}


/**
 * What the normalisation scale `scale` means on held-out scores: a run passes the 0.7 threshold
 * on a partition when its mean signed reward there is at least (2 * 0.7 - 1) * scale = 0.4 * scale.
 */
export function rewardScaleRow(heldOutScores: readonly number[], scale: number, threshold = 0.7): RewardScaleRow {
  const abs = heldOutScores.map(Math.abs);
  return {
    scale,
    'signed reward at the threshold': (2 * threshold - 1) * scale,
    'share |score| > scale': abs.length ? abs.filter((a) => a > scale).length / abs.length : NaN,
    'median |score|': median(abs),
  };
}
