/**
 * Descriptive statistics for reporting scores: mean, median, sample variance and standard deviation
 * (n - 1 denominator, numpy `ddof=1`) and the standard error of the mean (scipy.stats.sem default).
 */
import { checkSample } from './sample_checks';

/** Arithmetic mean of at least one finite value. */
export function mean(values: readonly number[]): number {
  checkSample('values', values, 1);
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median of `xs` (mean of the middle two for an even count, as numpy.median); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Sample variance with the n - 1 (Bessel) denominator; needs at least 2 values. */
export function sampleVariance(values: readonly number[]): number {
  checkSample('values', values, 2);
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (values.length - 1);
}

/** Sample standard deviation, sqrt of `sampleVariance` (n - 1 denominator). */
export function sampleStd(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Standard error of the mean, sample std (n - 1) / sqrt(n), as scipy.stats.sem(values, ddof=1). */
export function sem(values: readonly number[]): number {
  return sampleStd(values) / Math.sqrt(values.length);
}
