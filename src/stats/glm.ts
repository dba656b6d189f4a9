/**
 * Binomial GLM with logit link for fractional responses y in [0, 1] (the "fractional logit" of
 * Papke & Wooldridge 1996), fitted by IRLS: the logistic curve of the study's scatter figure
 * (feature-use score against log relative MDL). Matches statsmodels 0.15 `GLM(y, X,
 * family=Binomial(), var_weights=w)`: coefficients, model-based or HC0 standard errors, scale 1 or
 * Pearson X2 / df, and mean predictions with link-scale confidence bands.
 */
import { ConfigError, checkInt, checkRange, oneOf } from '../util/assert';
import { normalCdf, normalQuantile } from './distributions';
import { checkSample } from './sample_checks';

/** Options of `fitBinomialGlm`. */
export interface BinomialGlmOptions {
  /** Prior weight per observation (statsmodels `var_weights`, e.g. prompts behind a score); default all 1. */
  readonly weights?: readonly number[];
  /** Prepend an intercept column; default true (statsmodels `add_constant`). */
  readonly intercept?: boolean;
  /** Dispersion: 'one' (binomial, statsmodels default) or 'pearson' = X2 / (n - p) (statsmodels `fit(scale='X2')`). */
  readonly scale?: 'one' | 'pearson';
  /** Covariance: 'model' = scale (X'WX)^-1 (statsmodels 'nonrobust', default) or 'HC0' sandwich (statsmodels cov_type='HC0'). */
  readonly covariance?: 'model' | 'HC0';
  /** IRLS iteration cap; default 100 (statsmodels `maxiter`). */
  readonly maxIterations?: number;
  /** Stop when no coefficient moves more than tolerance * max(1, |coef|); default 1e-12. */
  readonly tolerance?: number;
}

/** A fitted binomial GLM (logit link). Coefficient order: intercept (if any), then the predictors. */
export interface BinomialGlmFit {
  /** Coefficients on the logit scale. */
  readonly coefficients: readonly number[];
  /** Standard errors, sqrt of the covariance diagonal. */
  readonly standardErrors: readonly number[];
  /** Wald statistics coefficient / standard error. */
  readonly zValues: readonly number[];
  /** Two-sided normal p-values of the Wald statistics (statsmodels GLM, use_t=False). */
  readonly pValues: readonly number[];
  /** Covariance matrix of the coefficients, [coef, coef]. */
  readonly covariance: readonly (readonly number[])[];
  /** Covariance type used. */
  readonly covarianceType: 'model' | 'HC0';
  /** Binomial deviance, 2 sum w [y log(y/mu) + (1-y) log((1-y)/(1-mu))]. */
  readonly deviance: number;
  /** Pearson chi-square, sum w (y - mu)^2 / (mu (1 - mu)). */
  readonly pearsonChi2: number;
  /** Dispersion used for the model covariance (1 or X2 / dfResidual). */
  readonly scale: number;
  /** Residual degrees of freedom, n - number of coefficients. */
  readonly dfResidual: number;
  /** Whether an intercept column was prepended. */
  readonly intercept: boolean;
  /** IRLS iterations run. */
  readonly iterations: number;
  /** Whether the tolerance was met within maxIterations (false e.g. under separation). */
  readonly converged: boolean;
}

/** Mean predictions of a fitted binomial GLM with pointwise confidence bands. */
export interface BinomialGlmPrediction {
  /** Linear predictor x'beta (logit scale). */
  readonly linearPredictor: number[];
  /** Predicted mean expit(x'beta), in (0, 1). */
  readonly mean: number[];
  /** Lower band expit(x'beta - z se), statsmodels `mean_ci_lower`. */
  readonly low: number[];
  /** Upper band expit(x'beta + z se), statsmodels `mean_ci_upper`. */
  readonly high: number[];
}

const expit = (eta: number) => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));
const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/** Predictor rows as a matrix, [row, predictor]; a plain array is one predictor. */
function predictorRows(x: readonly number[] | readonly (readonly number[])[], name: string): number[][] {
  if (!Array.isArray(x) || x.length === 0) throw new ConfigError(`${name}: expected a non-empty array`);
  if (typeof x[0] === 'number') {
    checkSample(name, x as readonly number[], 1);
    return (x as readonly number[]).map((v) => [v]);
  }
  const rows = x as readonly (readonly number[])[];
  const k = rows[0].length;
  rows.forEach((row, i) => {
    checkSample(`${name}[${i}]`, row, 1);
    if (row.length !== k) throw new ConfigError(`${name}[${i}]: ${row.length} predictors; expected ${k} like ${name}[0]`);
  });
  return rows.map((row) => row.slice());
}

/** Design matrix with an optional leading 1, [row, coef]. */
function design(rows: number[][], intercept: boolean): number[][] {
  return intercept ? rows.map((r) => [1, ...r]) : rows;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; throws if it is singular. */
function invertSpd(a: number[][]): number[][] {
  const p = a.length;
  const l = a.map(() => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    let d = a[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > 1e-300)) throw new ConfigError('x: the design matrix is singular (collinear predictors or a constant predictor with an intercept)');
    l[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < p; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  // inverse of L by forward substitution, then A^-1 = L^-T L^-1
  const li = l.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    li[i][i] = 1 / l[i][i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i][k] * li[k][j];
      li[i][j] = s / l[i][i];
    }
  }
  const inv = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += li[k][i] * li[k][j];
      inv[i][j] = s;
    }
  }
  return inv;
}

/** X' diag(w) X, [coef, coef]. */
function weightedGram(xs: number[][], w: readonly number[]): number[][] {
  const p = xs[0].length;
  const g = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  xs.forEach((row, i) => {
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) g[a][b] += w[i] * row[a] * row[b];
  });
  return g;
}

const matVec = (m: readonly (readonly number[])[], v: readonly number[]) => m.map((row) => row.reduce((s, mij, j) => s + mij * v[j], 0));

/**
 * Fits E[y | x] = expit(b0 + b'x) to fractional responses y in [0, 1] by IRLS (Fisher scoring,
 * which is Newton's method for the canonical logit link). `x` is one predictor per row (plain
 * array) or several ([row, predictor]); the intercept is added unless `intercept: false`.
 */
export function fitBinomialGlm(
  x: readonly number[] | readonly (readonly number[])[],
  y: readonly number[],
  opts: BinomialGlmOptions = {},
): BinomialGlmFit {
  const intercept = opts.intercept ?? true;
  const xs = design(predictorRows(x, 'x'), intercept); // [row, coef]
  const n = xs.length;
  const p = xs[0].length;
  checkSample('y', y, 1);
  if (y.length !== n) throw new ConfigError(`y: length ${y.length} does not match x (${n} rows)`);
  y.forEach((v, i) => checkRange(`y[${i}]`, v, 0, 1));
  const weights = opts.weights ?? new Array<number>(n).fill(1);
  checkSample('weights', weights, 1);
  if (weights.length !== n) throw new ConfigError(`weights: length ${weights.length} does not match x (${n} rows)`);
  weights.forEach((v, i) => {
    if (v < 0) throw new ConfigError(`weights[${i}]: ${v} is negative; expected weights >= 0`);
  });
  if (n <= p) throw new ConfigError(`y: ${n} observations for ${p} coefficients; expected more observations than coefficients`);
  const scaleKind = oneOf('scale', opts.scale ?? 'one', ['one', 'pearson']);
  const covarianceType = oneOf('covariance', opts.covariance ?? 'model', ['model', 'HC0']);
  const maxIterations = checkInt('maxIterations', opts.maxIterations ?? 100, 1);
  const tolerance = checkRange('tolerance', opts.tolerance ?? 1e-12, 0, 1);

  // Start from mu = (y + 1/2) / 2 as statsmodels' Binomial.starting_mu.
  let eta = y.map((v) => Math.log((v + 0.5) / 2 / (1 - (v + 0.5) / 2))); // [row]
  let beta = new Array<number>(p).fill(0);
  let converged = false;
  let iterations = 0;
  for (let it = 1; it <= maxIterations; it++) {
    iterations = it;
    const mu = eta.map(expit);
    const w = mu.map((m, i) => weights[i] * m * (1 - m)); // IRLS weights: prior weight * dmu/deta (= variance for logit)
    const z = eta.map((e, i) => e + (y[i] - mu[i]) / (mu[i] * (1 - mu[i]))); // working response
    const gram = weightedGram(xs, w);
    const rhs = new Array<number>(p).fill(0);
    xs.forEach((row, i) => row.forEach((xij, j) => (rhs[j] += w[i] * xij * z[i])));
    const next = matVec(invertSpd(gram), rhs);
    const moved = next.some((b, j) => Math.abs(b - beta[j]) > tolerance * Math.max(1, Math.abs(b)));
    beta = next;
    eta = xs.map((row) => row.reduce((s, xij, j) => s + xij * beta[j], 0));
    if (!moved && it > 1) {
      converged = true;
      break;
    }
  }

  const mu = eta.map(expit);
  const w = mu.map((m, i) => weights[i] * m * (1 - m));
  let deviance = 0;
  let pearsonChi2 = 0;
  for (let i = 0; i < n; i++) {
    deviance += 2 * weights[i] * (xlogy(y[i], y[i] / mu[i]) + xlogy(1 - y[i], (1 - y[i]) / (1 - mu[i])));
    pearsonChi2 += (weights[i] * (y[i] - mu[i]) ** 2) / (mu[i] * (1 - mu[i]));
  }
  const dfResidual = n - p;
  const scale = scaleKind === 'one' ? 1 : pearsonChi2 / dfResidual;
  const bread = invertSpd(weightedGram(xs, w)); // (X'WX)^-1
  let covariance: number[][];
  if (covarianceType === 'model') {
    covariance = bread.map((row) => row.map((v) => v * scale));
  } else {
    // HC0: bread * sum_i s_i s_i' * bread, score s_i = w_i (y_i - mu_i) x_i (canonical link).
    const meat = weightedGram(
      xs,
      mu.map((m, i) => (weights[i] * (y[i] - m)) ** 2),
    );
    const left = bread.map((row) => meat[0].map((_, j) => row.reduce((s, v, k) => s + v * meat[k][j], 0)));
    covariance = left.map((row) => bread[0].map((_, j) => row.reduce((s, v, k) => s + v * bread[k][j], 0)));
  }
  const standardErrors = covariance.map((row, j) => Math.sqrt(row[j]));
  const zValues = beta.map((b, j) => b / standardErrors[j]);
  const pValues = zValues.map((zv) => 2 * normalCdf(-Math.abs(zv)));
  return {
    coefficients: beta,
    standardErrors,
    zValues,
    pValues,
    covariance,
    covarianceType,
    deviance,
    pearsonChi2,
    scale,
    dfResidual,
    intercept,
    iterations,
    converged,
  };
}

/**
 * Predicted means of `fit` at new predictor values (same layout as in `fitBinomialGlm`), with a
 * pointwise band expit(eta -/+ z se(eta)) of two-sided level `confidenceLevel` (default 0.95),
 * se(eta) = sqrt(x' Cov x) from the fit's covariance, as statsmodels `get_prediction().summary_frame()`.
 */
export function predictBinomialGlm(
  fit: BinomialGlmFit,
  x: readonly number[] | readonly (readonly number[])[],
  confidenceLevel = 0.95,
): BinomialGlmPrediction {
  checkRange('confidenceLevel', confidenceLevel, 0, 1);
  const xs = design(predictorRows(x, 'x'), fit.intercept); // [row, coef]
  const p = fit.coefficients.length;
  if (xs[0].length !== p) throw new ConfigError(`x: ${xs[0].length - (fit.intercept ? 1 : 0)} predictors per row; the fit has ${p - (fit.intercept ? 1 : 0)}`);
  const zq = normalQuantile(0.5 + confidenceLevel / 2);
  const linearPredictor = xs.map((row) => row.reduce((s, v, j) => s + v * fit.coefficients[j], 0));
  const se = xs.map((row) => Math.sqrt(row.reduce((s, v, a) => s + v * row.reduce((t, u, b) => t + fit.covariance[a][b] * u, 0), 0)));
  return {
    linearPredictor,
    mean: linearPredictor.map(expit),
    low: linearPredictor.map((e, i) => expit(e - zq * se[i])),
    high: linearPredictor.map((e, i) => expit(e + zq * se[i])),
  };
}
