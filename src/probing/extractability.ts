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

/** One probe run's coordinates and numbers, whatever grid it came from. */
export interface ProbeRunSummary {
  readonly task: number;
  readonly feature: 's' | 't';
  readonly seed: number;
  readonly codelengthBits: number;
  readonly compression: number;
}

/** A task's extractability over probe seeds: MDL(s), MDL(t), compressions, and MDL(s)/MDL(t) with SEMs. */
export interface TaskExtractability {
  /** Probe seeds with both an s and a t run. */
  readonly seeds: number;
  readonly mdlSBits: number;
  readonly mdlSSem: number | null;
  readonly mdlTBits: number;
  readonly mdlTSem: number | null;
  readonly compressionS: number;
  readonly compressionT: number;
  readonly relMdl: number;
  readonly relMdlSem: number | null;
}

/**
 * The extractability of `task` from probe runs: s and t runs paired by seed (seeds with both,
 * ascending), then means with SEMs and {@link relativeExtractability}; null when no seed has both.
 */
export function taskExtractability(runs: readonly ProbeRunSummary[], task: number): TaskExtractability | null {
  const by = (feature: 's' | 't') => new Map(runs.filter((r) => r.task === task && r.feature === feature).map((r) => [r.seed, r]));
  const s = by('s');
  const t = by('t');
  const seeds = [...s.keys()].filter((k) => t.has(k)).sort((a, b) => a - b);
  if (seeds.length === 0) return null;
  const pick = (m: Map<number, ProbeRunSummary>, f: (r: ProbeRunSummary) => number) => seeds.map((k) => f(m.get(k) as ProbeRunSummary));
  const bitsS = pick(s, (r) => r.codelengthBits);
  const bitsT = pick(t, (r) => r.codelengthBits);
  const rel = relativeExtractability(bitsS, bitsT);
  const ms = meanAndSem(bitsS);
  const mt = meanAndSem(bitsT);
  return {
    seeds: seeds.length,
    mdlSBits: ms.mean,
    mdlSSem: ms.sem,
    mdlTBits: mt.mean,
    mdlTSem: mt.sem,
    compressionS: meanAndSem(pick(s, (r) => r.compression)).mean,
    compressionT: meanAndSem(pick(t, (r) => r.compression)).mean,
    relMdl: rel.mean,
    relMdlSem: rel.sem,
  };
}

/** One block of an online-code curve, averaged over probe seeds. */
export interface BlockCurvePoint {
  /** 1-based block index (the first non-empty block is sent uniformly). */
  readonly block: number;
  /** Examples in the block. */
  readonly size: number;
  /** Mean over seeds of the block's bits / size. */
  readonly bitsPerExample: number;
  /** Mean over seeds of the block probe's accuracy; null for the uniformly sent block. */
  readonly accuracy: number | null;
  readonly seeds: number;
}

/** The per-block curve of online codes of one task and feature over seeds (same block layout), skipping empty blocks. */
export function blockCurve(results: readonly { readonly blocks: readonly { readonly size: number; readonly bits: number; readonly accuracy: number | null }[] }[]): BlockCurvePoint[] {
  if (results.length === 0) return [];
  return results[0].blocks.flatMap((block, i) => {
    if (block.size === 0) return [];
    const perExample = results.map((res) => res.blocks[i].bits / res.blocks[i].size);
    const accuracies = results.map((res) => res.blocks[i].accuracy).filter((a): a is number => a !== null);
    return [{ block: i + 1, size: block.size, bitsPerExample: meanAndSem(perExample).mean, accuracy: accuracies.length ? meanAndSem(accuracies).mean : null, seeds: results.length }];
  });
}

/** Bars of a relative-extractability chart: ratio +- 1 SEM, the lower end kept above a tenth of the ratio for the log axis. */
export function extractabilityBar(relMdl: number, relMdlSem: number | null): { ratio: number; lo: number; hi: number } {
  const sem = relMdlSem ?? 0;
  return { ratio: relMdl, lo: Math.max(relMdl - sem, relMdl / 10), hi: relMdl + sem };
}
