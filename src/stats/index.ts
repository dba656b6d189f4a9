/**
 * Public API of the statistics used for the hypothesis tests (H1: feature use against relative
 * extractability; H2: against the s-only rate): correlations with p-values, confidence intervals,
 * the fractional-logit curve of the scatter figure, and descriptive statistics.
 */
export { pearson, spearman, kendall, pearsonR, spearmanRho, kendallTauB, KENDALL_AUTO_EXACT_MAX_N } from './correlation';
export type { CorrelationMethod, CorrelationOptions, CorrelationResult } from './correlation';
export { pearsonBetaPValue, kendallExactPValue, spearmanExactPValue, SPEARMAN_EXACT_MAX_N } from './exact_p';
export { permutationPValue, DEFAULT_N_PERMUTATIONS } from './permutation';
export type { PairedStatistic, PermutationTestResult } from './permutation';
export { fisherZInterval } from './fisher_z';
export type { FisherZOptions, CorrelationInterval } from './fisher_z';
export {
  bootstrapCi,
  bootstrapCiPaired,
  bootstrapCiColumns,
  bootstrapDistribution,
  jackknifeValues,
  intervalFromDistribution,
  percentileOfScore,
  bcaBiasCorrection,
  jackknifeAcceleration,
  bcaLevels,
  quantileSorted,
} from './bootstrap';
export type { BootstrapOptions, BootstrapInterval, BootstrapPieces, ColumnsStatistic, Stratum } from './bootstrap';
export { fitBinomialGlm, predictBinomialGlm } from './glm';
export type { BinomialGlmOptions, BinomialGlmFit, BinomialGlmPrediction } from './glm';
export { mean, sampleVariance, sampleStd, sem } from './describe';
export { averageRanks, tieGroupSizes, hasTies } from './ranks';
export { normalCdf, normalQuantile, studentTSf, regularizedIncompleteBeta, logGamma } from './distributions';
