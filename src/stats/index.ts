/**
 * Public API of the statistics used for the hypothesis tests (H1: feature use against relative
 * extractability; H2: against the s-only rate): correlations with p-values, the stratified
 * permutation test, Holm adjustment, confidence intervals (over seeds too), the fractional-logit
 * curve of the scatter figure, the training-convergence criterion and descriptive statistics.
 */
export { pearson, spearman, kendall, pearsonR, spearmanRho, kendallTauB, snapUnit, KENDALL_AUTO_EXACT_MAX_N, UNIT_SNAP_ULPS } from './correlation';
export type { CorrelationMethod, CorrelationOptions, CorrelationResult } from './correlation';
export {
  pearsonBetaPValue,
  kendallExactPValue,
  spearmanExactPValue,
  minExactRankPValue,
  minPointsForExactRankPValue,
  SPEARMAN_EXACT_MAX_N,
} from './exact_p';
export { holmAdjustedPValues } from './holm';
export { stratifiedPermutationTest } from './stratified_permutation';
export type { Alternative, StratifiedPermutationOptions, StratifiedPermutationResult, StratumCorrelation } from './stratified_permutation';
export { seedMeanIntervals, seedMeanCorrelation, correlationDifferenceInterval } from './seed_bootstrap';
export type {
  SeedBootstrapOptions,
  TaskSeedValues,
  SeedMeanInterval,
  TaskCorrelation,
  CorrelationDifferenceOptions,
  CorrelationDifferenceInterval,
} from './seed_bootstrap';
export {
  trainingConvergence,
  leastSquaresSlope,
  CONVERGENCE_WINDOW_FRACTION,
  CONVERGENCE_MAX_SLOPE_PER_ITERATION,
} from './training_convergence';
export type { ConvergenceOptions, ConvergenceResult } from './training_convergence';
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
export { mean, median, sampleVariance, sampleStd, sem } from './describe';
export { averageRanks, tieGroupSizes, hasTies } from './ranks';
export { normalCdf, normalQuantile, studentTQuantile, studentTSf, regularizedIncompleteBeta, logGamma } from './distributions';
