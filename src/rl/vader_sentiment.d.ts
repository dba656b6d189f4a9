/**
 * Minimal types for vader-sentiment 1.1.3 (the JavaScript port of Hutto & Gilbert's VADER; no
 * @types package exists), covering only what `sentiment_reward.ts` calls. The package's CommonJS
 * bundle exports `{ SentimentIntensityAnalyzer }`.
 */
declare module 'vader-sentiment' {
  /** VADER's four scores of one text; `compound` is the normalised sum in [-1, 1], rounded to 4 decimals. */
  export interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): PolarityScores;
  };
}
