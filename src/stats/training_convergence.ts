/**
 * Convergence criterion for a training curve: the least-squares slope of the training reward per
 * iteration over the last fifth of the iterations. A run counts as converged when |slope| is at most
 * a named threshold, i.e. the reward has reached a plateau (neither still rising nor collapsing), so
 * that "feature use" at the end measures what was learned rather than how fast.
 */
import { ConfigError, checkRange } from '../util/assert';
import { checkSample } from './sample_checks';

/** Share of the iterations, counted from the end, that the slope is fitted on. */
export const CONVERGENCE_WINDOW_FRACTION = 0.2;

/**
 * Largest |slope| of a plateau, in reward units per iteration: 0.001 is a change of 0.02 over the
 * 20 iterations of a 100-iteration run's window, small against rewards in [0, 1].
 */
export const CONVERGENCE_MAX_SLOPE_PER_ITERATION = 1e-3;

/** Options of `trainingConvergence`. */
export interface ConvergenceOptions {
  /** Fraction of the curve, from the end, to fit; default CONVERGENCE_WINDOW_FRACTION (0.2). */
  readonly windowFraction?: number;
  /** Threshold on |slope| (reward per iteration); default CONVERGENCE_MAX_SLOPE_PER_ITERATION (1e-3). */
  readonly maxSlopePerIteration?: number;
}

/** Verdict of `trainingConvergence`. */
export interface ConvergenceResult {
  /** Least-squares slope of reward against iteration index over the window (reward per iteration). */
  readonly slopePerIteration: number;
  /** |slope| <= maxSlopePerIteration. */
  readonly converged: boolean;
  /** Number of iterations in the window: max(2, ceil(windowFraction * n)). */
  readonly windowLength: number;
  /** The threshold used. */
  readonly maxSlopePerIteration: number;
}

/** Ordinary least-squares slope of `values` against 0, 1, ..., m - 1 (m >= 2). */
export function leastSquaresSlope(values: readonly number[]): number {
  const m = values.length;
  const meanIndex = (m - 1) / 2;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= m;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < m; i++) {
    sxy += (i - meanIndex) * (values[i] - mean);
    sxx += (i - meanIndex) ** 2;
  }
  return sxy / sxx;
}

/**
 * Slope of the training reward (one value per iteration, in order) over its last fifth and the
 * converged/not verdict. Needs at least 2 values; the window is never shorter than 2.
 */
export function trainingConvergence(rewardPerIteration: readonly number[], opts: ConvergenceOptions = {}): ConvergenceResult {
  checkSample('rewardPerIteration', rewardPerIteration, 2);
  const windowFraction = checkRange('windowFraction', opts.windowFraction ?? CONVERGENCE_WINDOW_FRACTION, 0, 1);
  if (windowFraction === 0) throw new ConfigError('windowFraction: 0 is outside (0, 1]; the window needs at least 2 iterations');
  const maxSlopePerIteration = checkRange('maxSlopePerIteration', opts.maxSlopePerIteration ?? CONVERGENCE_MAX_SLOPE_PER_ITERATION, 0, Infinity);
  const n = rewardPerIteration.length;
  // The small epsilon keeps 0.2 * 10 = 2.0000000000000004 from rounding up to a window of 3.
  const windowLength = Math.min(n, Math.max(2, Math.ceil(windowFraction * n - 1e-9)));
  const slopePerIteration = leastSquaresSlope(rewardPerIteration.slice(n - windowLength));
  return { slopePerIteration, converged: Math.abs(slopePerIteration) <= maxSlopePerIteration, windowLength, maxSlopePerIteration };
}
