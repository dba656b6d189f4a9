/**
 * Seeded bootstrap confidence intervals, percentile and BCa (Efron & Tibshirani 1993, ch. 14.3
 * and eq. 15.36), for any statistic of one sample or of paired columns, optionally resampling
 * within strata. The interval arithmetic follows scipy.stats.bootstrap 1.17.1 (`_bca_interval`,
 * `_percentile_of_score`, linear quantiles); only the random resamples differ.
 */
import type { Rng } from '../util/rng';
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
import { normalCdf, normalQuantile } from './distributions';
import { checkSample } from './sample_checks';

/** A stratum label. */
export type Stratum = string | number;

/**
 * A statistic of columns whose rows were resampled together (paired); `strata` holds the stratum
 * of each row in the same order, or is undefined when resampling is not stratified.
 */
export type ColumnsStatistic = (columns: readonly number[][], strata: readonly Stratum[] | undefined) => number;

/** Options of the bootstrap intervals. */
export interface BootstrapOptions {
  /** Interval method; default 'bca' (scipy.stats.bootstrap default 'BCa'). */
  readonly method?: 'percentile' | 'bca';
  /** Number of bootstrap resamples B; default 9999 (scipy default). */
  readonly nResamples?: number;
  /** Two-sided coverage in (0, 1); default 0.95 (scipy default). */
  readonly confidenceLevel?: number;
  /** Stratum label per row: rows are resampled within their stratum, sizes kept. Default: none. */
  readonly strata?: readonly Stratum[];
}

/** A bootstrap confidence interval. */
export interface BootstrapInterval {
  /** Lower end. */
  readonly low: number;
  /** Upper end. */
  readonly high: number;
  /** The statistic on the original data. */
  readonly estimate: number;
  /** Standard deviation (n - 1 denominator) of the bootstrap distribution. */
  readonly standardError: number;
  /** Interval method. */
  readonly method: 'percentile' | 'bca';
  /** Two-sided coverage. */
  readonly confidenceLevel: number;
  /** Number of resamples B. */
  readonly nResamples: number;
  /** Quantile levels of the bootstrap distribution taken as [low, high]. */
  readonly levels: readonly [number, number];
  /** BCa bias correction z0 = Phi^-1(share of resamples below the estimate); BCa only. */
  readonly biasCorrection?: number;
  /** BCa acceleration a from the jackknife; BCa only. */
  readonly acceleration?: number;
}

/** Linear-interpolation quantile of ascending `sorted` at level q in [0, 1] (numpy/scipy 'linear', Hyndman-Fan 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Share of `values` below `score`, ties counting one half (scipy `_percentile_of_score`, kind 'mean'). */
export function percentileOfScore(values: readonly number[], score: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const v of values) {
    if (v < score) below++;
    if (v <= score) atOrBelow++;
  }
  return (below + atOrBelow) / (2 * values.length);
}

/** BCa bias correction z0 = Phi^-1(percentileOfScore(bootstrap values, estimate)). */
export function bcaBiasCorrection(bootstrapValues: readonly number[], estimate: number): number {
  return normalQuantile(percentileOfScore(bootstrapValues, estimate));
}

/**
 * BCa acceleration from leave-one-out values, one array per stratum (one array when unstratified):
 * a = sum_j sum_i U_ji^3 / n_j^3 / (6 (sum_j sum_i U_ji^2 / n_j^2)^(3/2)), U_ji = (n_j - 1)(mean_j - theta_(ji)).
 */
export function jackknifeAcceleration(jackknifeByStratum: readonly (readonly number[])[]): number {
  let num = 0;
  let den = 0;
  for (const values of jackknifeByStratum) {
    const n = values.length;
    let m = 0;
    for (const v of values) m += v;
    m /= n;
    let s3 = 0;
    let s2 = 0;
    for (const v of values) {
      const u = (n - 1) * (m - v);
      s3 += u * u * u;
      s2 += u * u;
    }
    num += s3 / n ** 3;
    den += s2 / n ** 2;
  }
  return num / 6 / den ** 1.5;
}

/** BCa quantile levels [alpha1, alpha2] for tail probability `alpha` = (1 - level) / 2 (Efron & Tibshirani eq. 14.10). */
export function bcaLevels(biasCorrection: number, acceleration: number, alpha: number): [number, number] {
  const zAlpha = normalQuantile(alpha);
  const level = (z: number) => {
    const num = biasCorrection + z;
    return normalCdf(biasCorrection + num / (1 - acceleration * num));
  };
  return [level(zAlpha), level(-zAlpha)];
}

interface Layout {
  readonly n: number;
  /** Row indices of each stratum, strata in order of first appearance. */
  readonly groups: readonly (readonly number[])[];
  /** Index into `groups` of each row. */
  readonly groupOfRow: readonly number[];
}

function layoutOf(n: number, strata: readonly Stratum[] | undefined): Layout {
  if (strata === undefined) return { n, groups: [Array.from({ length: n }, (_, i) => i)], groupOfRow: new Array<number>(n).fill(0) };
  if (strata.length !== n) throw new ConfigError(`strata: length ${strata.length} does not match the data (length ${n})`);
  const index = new Map<Stratum, number>();
  const groups: number[][] = [];
  const groupOfRow = strata.map((s, i) => {
    let g = index.get(s);
    if (g === undefined) {
      g = groups.length;
      index.set(s, g);
      groups.push([]);
    }
    groups[g].push(i);
    return g;
  });
  return { n, groups, groupOfRow };
}

function evaluate(statistic: ColumnsStatistic, columns: readonly number[][], strata: readonly Stratum[] | undefined, where: string): number {
  const value = statistic(columns, strata);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`statistic: returned ${String(value)} on ${where}; it must return a finite number for every resample`);
  }
  return value;
}

/**
 * Bootstrap distribution: `nResamples` values of `statistic` on rows drawn with replacement
 * (all columns together; within its stratum when `strata` is given, so row i always comes from
 * the stratum of row i). Draws n indices per resample from `rng`, in row order.
 */
export function bootstrapDistribution(
  columns: readonly (readonly number[])[],
  statistic: ColumnsStatistic,
  nResamples: number,
  strata: readonly Stratum[] | undefined,
  rng: Rng,
): number[] {
  const n = columns[0].length;
  const { groups, groupOfRow } = layoutOf(n, strata);
  const values = new Array<number>(nResamples);
  for (let b = 0; b < nResamples; b++) {
    const resampled = columns.map(() => new Array<number>(n)); // fresh: the statistic may keep or sort them
    for (let i = 0; i < n; i++) {
      const members = groups[groupOfRow[i]];
      const src = members[rng.int(members.length)];
      for (let c = 0; c < columns.length; c++) resampled[c][i] = columns[c][src];
    }
    values[b] = evaluate(statistic, resampled, strata, `bootstrap resample ${b}`);
  }
  return values;
}

/** Leave-one-row-out values of `statistic`, grouped by stratum (one group when `strata` is undefined). */
export function jackknifeValues(
  columns: readonly (readonly number[])[],
  statistic: ColumnsStatistic,
  strata: readonly Stratum[] | undefined,
): number[][] {
  const n = columns[0].length;
  const { groups } = layoutOf(n, strata);
  return groups.map((members) =>
    members.map((left) => {
      const kept = columns.map((col) => col.filter((_, i) => i !== left));
      const keptStrata = strata?.filter((_, i) => i !== left);
      return evaluate(statistic, kept, keptStrata, `the jackknife sample without row ${left}`);
    }),
  );
}

/** Inputs of `intervalFromDistribution`: the estimate, its bootstrap values and (for BCa) jackknife values. */
export interface BootstrapPieces {
  /** The statistic on the original data. */
  readonly estimate: number;
  /** Bootstrap values of the statistic (any order). */
  readonly bootstrapValues: readonly number[];
  /** Leave-one-out values per stratum; required for BCa. */
  readonly jackknife?: readonly (readonly number[])[];
  /** Interval method. */
  readonly method: 'percentile' | 'bca';
  /** Two-sided coverage in (0, 1). */
  readonly confidenceLevel: number;
}

/** The percentile or BCa interval from a given bootstrap distribution; deterministic (no resampling). */
export function intervalFromDistribution(pieces: BootstrapPieces): BootstrapInterval {
  const { estimate, bootstrapValues, method, confidenceLevel } = pieces;
  if (bootstrapValues.length < 2) throw new ConfigError(`bootstrapValues: ${bootstrapValues.length} values; expected at least 2`);
  const alpha = (1 - confidenceLevel) / 2;
  const sorted = bootstrapValues.slice().sort((a, b) => a - b);
  const nResamples = sorted.length;
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= nResamples;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const standardError = Math.sqrt(ss / (nResamples - 1));
  const common = { estimate, standardError, method, confidenceLevel, nResamples };
  if (method === 'percentile') {
    const levels: [number, number] = [alpha, 1 - alpha];
    return { low: quantileSorted(sorted, levels[0]), high: quantileSorted(sorted, levels[1]), levels, ...common };
  }
  if (pieces.jackknife === undefined) throw new ConfigError("jackknife: missing; method 'bca' needs leave-one-out values");
  const biasCorrection = bcaBiasCorrection(sorted, estimate);
  if (!Number.isFinite(biasCorrection)) {
    throw new Error(
      `bootstrap: BCa is undefined because every resampled value lies on one side of the estimate ${estimate} (z0 = ${biasCorrection}); use method 'percentile'`,
    );
  }
  const acceleration = jackknifeAcceleration(pieces.jackknife);
  if (!Number.isFinite(acceleration)) {
    throw new Error("bootstrap: BCa is undefined because all jackknife values are equal (acceleration 0/0); use method 'percentile'");
  }
  const levels = bcaLevels(biasCorrection, acceleration, alpha);
  return {
    low: quantileSorted(sorted, levels[0]),
    high: quantileSorted(sorted, levels[1]),
    levels,
    biasCorrection,
    acceleration,
    ...common,
  };
}

/**
 * Bootstrap confidence interval for `statistic` of paired columns (rows resampled together), or
 * of one column. Percentile or BCa; stratified on request. Needs at least 2 rows (2 per stratum
 * for BCa); throws if the statistic returns a non-finite value on any resample.
 */
export function bootstrapCiColumns(
  columns: readonly (readonly number[])[],
  statistic: ColumnsStatistic,
  opts: BootstrapOptions,
  rng: Rng,
): BootstrapInterval {
  if (!Array.isArray(columns) || columns.length === 0) throw new ConfigError('columns: expected at least one column of numbers');
  columns.forEach((col, c) => checkSample(`columns[${c}]`, col, 2));
  const n = columns[0].length;
  columns.forEach((col, c) => {
    if (col.length !== n) throw new ConfigError(`columns[${c}]: length ${col.length} does not match columns[0] (length ${n})`);
  });
  const method = oneOf('method', opts.method ?? 'bca', ['percentile', 'bca']);
  const nResamples = checkInt('nResamples', opts.nResamples ?? 9999, 2);
  const confidenceLevel = checkRange('confidenceLevel', opts.confidenceLevel ?? 0.95, 0, 1);
  if (confidenceLevel === 0 || confidenceLevel === 1) {
    throw new ConfigError(`confidenceLevel: ${confidenceLevel} is not strictly between 0 and 1`);
  }
  const strata = opts.strata;
  const { groups } = layoutOf(n, strata);
  if (method === 'bca') {
    groups.forEach((g) => {
      if (g.length < 2) throw new ConfigError(`strata: stratum '${String(strata?.[g[0]])}' has 1 row; BCa needs at least 2 per stratum`);
    });
  }
  const estimate = evaluate(statistic, columns.map((c) => c.slice()), strata, 'the original data');
  const bootstrapValues = bootstrapDistribution(columns, statistic, nResamples, strata, rng);
  const jackknife = method === 'bca' ? jackknifeValues(columns, statistic, strata) : undefined;
  return intervalFromDistribution({ estimate, bootstrapValues, jackknife, method, confidenceLevel });
}

/** Bootstrap confidence interval for `statistic(sample)` of one sample (see `bootstrapCiColumns`). */
export function bootstrapCi(
  sample: readonly number[],
  statistic: (sample: number[]) => number,
  opts: BootstrapOptions,
  rng: Rng,
): BootstrapInterval {
  return bootstrapCiColumns([sample], (cols) => statistic(cols[0]), opts, rng);
}

/** Bootstrap confidence interval for `statistic(x, y)` of paired samples, pairs resampled together. */
export function bootstrapCiPaired(
  x: readonly number[],
  y: readonly number[],
  statistic: (x: number[], y: number[]) => number,
  opts: BootstrapOptions,
  rng: Rng,
): BootstrapInterval {
  checkSample('x', x, 2);
  checkSample('y', y, 2);
  if (x.length !== y.length) throw new ConfigError(`y: length ${y.length} does not match x (length ${x.length}); expected paired samples`);
  return bootstrapCiColumns([x, y], (cols) => statistic(cols[0], cols[1]), opts, rng);
}
