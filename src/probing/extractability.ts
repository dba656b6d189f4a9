/**
 * Relative extractability = MDL(s) / MDL(t) (Lovering et al. 2021, section 3; Cruz et al. 2023):
 * codelength of the spurious-feature probe over that of the target-feature probe. Above 1: t is
 * the easier feature. We take the ratio per probe seed (the s and t probes of one seed share the
 * seed) and report the mean of those ratios with its standard error, as Cruz et al.'s
 * read_mdl.py prints one weak/strong ratio per seed.
 */
import { ConfigError } from '../util/assert';

/** Relative extractability of one task, over probe seeds. */
export interface RelativeExtractability {
  /** MDL(s) / MDL(t) for each seed, in the order given. */
  readonly perSeed: readonly number[];
  /** Mean of `perSeed`: the task's relative extractability. */
  readonly mean: number;
  /** Standard error of `mean`: sample standard deviation (n - 1 denominator) / sqrt(n); null when n = 1. */
  readonly sem: number | null;
  /** Number of seeds. */
  readonly n: number;
  /** mean(MDL(s)) / mean(MDL(t)), for reference only (no SEM; differs from `mean` by Jensen's gap). */
  readonly ratioOfMeans: number;
}

/**
 * Relative extractability from per-seed codelengths (bits) of the s probe and the t probe,
 * paired by position (seed). Mean of ratios, not ratio of means: the pairing removes what a seed
 * shares between its two probes, and the per-seed ratio is the quantity whose spread we report.
 */
export function relativeExtractability(mdlSBits: readonly number[], mdlTBits: readonly number[]): RelativeExtractability {
  if (mdlSBits.length !== mdlTBits.length) {
    throw new ConfigError(`mdlTBits: has ${mdlTBits.length} seeds; expected ${mdlSBits.length}, one per seed of mdlSBits`);
  }
  if (mdlSBits.length === 0) throw new ConfigError('mdlSBits: is empty; expected at least one seed');
  const check = (name: string, xs: readonly number[]) =>
    xs.forEach((x, i) => {
      if (!(x > 0) || !Number.isFinite(x)) throw new ConfigError(`${name}[${i}]: ${x} is not allowed; expected a finite codelength > 0`);
    });
  check('mdlSBits', mdlSBits);
  check('mdlTBits', mdlTBits);
  const perSeed = mdlSBits.map((s, i) => s / mdlTBits[i]);
  const { mean, sem } = meanAndSem(perSeed);
  return { perSeed, mean, sem, n: perSeed.length, ratioOfMeans: meanAndSem(mdlSBits).mean / meanAndSem(mdlTBits).mean };
}

/** Mean and standard error of the mean (n - 1 denominator); sem is null for a single value. */
export function meanAndSem(xs: readonly number[]): { mean: number; sem: number | null } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { mean, sem: null };
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sem: Math.sqrt(ss / (n - 1) / n) };
}
