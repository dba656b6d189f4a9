/**
 * Confidence interval for a correlation by Fisher's z = atanh(r), which is roughly normal with
 * standard error 1 / sqrt(n - 3) for Pearson's r under bivariate normality (matches
 * scipy.stats.pearsonr(...).confidence_interval() 1.17). For Spearman's rho that standard error is
 * too small; Bonett & Wright (2000) use sqrt((1 + rho^2 / 2) / (n - 3)), offered as 'bonettWright'.
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
import { normalQuantile } from './distributions';

/** Options of `fisherZInterval`. */
export interface FisherZOptions {
  /** Two-sided coverage in (0, 1); default 0.95 (scipy default). */
  readonly confidenceLevel?: number;
  /** Standard error of z: 'fisher' = 1/sqrt(n-3) (Pearson, default), 'bonettWright' = sqrt((1+r^2/2)/(n-3)) (Spearman). */
  readonly standardError?: 'fisher' | 'bonettWright';
}

/** A confidence interval for a correlation coefficient. */
export interface CorrelationInterval {
  /** Lower end, in [-1, 1]. */
  readonly low: number;
  /** Upper end, in [-1, 1]. */
  readonly high: number;
  /** Two-sided coverage. */
  readonly confidenceLevel: number;
}

/**
 * Two-sided interval tanh(atanh(r) -/+ z_{(1+level)/2} se) for a correlation `r` from `n` pairs
 * (n >= 4). |r| = 1 gives the degenerate interval [r, r].
 */
export function fisherZInterval(r: number, n: number, opts: FisherZOptions = {}): CorrelationInterval {
  checkRange('r', r, -1, 1);
  checkInt('n', n, 4);
  const confidenceLevel = opts.confidenceLevel ?? 0.95;
  checkRange('confidenceLevel', confidenceLevel, 0, 1);
  if (confidenceLevel === 0 || confidenceLevel === 1) {
    throw new ConfigError(`confidenceLevel: ${confidenceLevel} is not strictly between 0 and 1`);
  }
  const kind = oneOf('standardError', opts.standardError ?? 'fisher', ['fisher', 'bonettWright']);
  const variance = kind === 'fisher' ? 1 / (n - 3) : (1 + (r * r) / 2) / (n - 3);
  const h = normalQuantile(0.5 + confidenceLevel / 2) * Math.sqrt(variance);
  const z = Math.atanh(r);
  return { low: Math.tanh(z - h), high: Math.tanh(z + h), confidenceLevel };
}
