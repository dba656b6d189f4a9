import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitBinomialGlm, predictBinomialGlm } from '../../src/stats/glm';
import { assertClose, loadFixture } from './stats_test_utils';

// statsmodels 0.15 GLM(y, X, family=Binomial(), var_weights=w).fit(tol=1e-14, scale=..., cov_type=...)
// on fractional y in [0, 1] (with an exact 0 and 1): test/reference/gen_stats_fixtures.py.
const fx = loadFixture('glm.json');

// Both sides converge to the same MLE to ~1e-14; 1e-8 relative leaves room for IRLS stopping
// points and summation order while being far tighter than the 1e-6 asked for.
const TOL = 1e-8;

describe('fitBinomialGlm', () => {
  for (const c of fx.cases) {
    it(`matches statsmodels coefficients, SEs, p-values, deviance and scale: ${c.name}`, () => {
      const fit = fitBinomialGlm(c.xRows ?? c.x, c.y, {
        weights: c.weights ?? undefined,
        scale: c.scale,
        covariance: c.covariance,
      });
      assert.equal(fit.converged, true);
      fit.coefficients.forEach((b, j) => assertClose(b, c.coefficients[j], TOL, 0, `coef ${j}`));
      fit.standardErrors.forEach((s, j) => assertClose(s, c.standardErrors[j], TOL, 0, `se ${j}`));
      fit.pValues.forEach((p, j) => assertClose(p, c.pValues[j], 1e-7, 1e-15, `p ${j}`));
      assertClose(fit.deviance, c.deviance, TOL, 0, 'deviance');
      assertClose(fit.pearsonChi2, c.pearsonChi2, TOL, 0, 'pearson chi2');
      assertClose(fit.scale, c.scaleValue, TOL, 0, 'scale');
      if (c.grid) {
        const pred = predictBinomialGlm(fit, c.grid);
        pred.mean.forEach((m, i) => assertClose(m, c.predMean[i], TOL, 0, `mean ${i}`));
        pred.low.forEach((m, i) => assertClose(m, c.predLow[i], TOL, 0, `low ${i}`));
        pred.high.forEach((m, i) => assertClose(m, c.predHigh[i], TOL, 0, `high ${i}`));
      }
    });
  }

  it('treats a weight of 2 like a duplicated row (same coefficients and model SEs)', () => {
    const x = [-2, -1, 0, 0.5, 1, 2];
    const y = [0.1, 0.3, 0.4, 0.7, 0.6, 0.95];
    const weighted = fitBinomialGlm(x, y, { weights: [1, 1, 2, 1, 1, 1] });
    const duplicated = fitBinomialGlm([...x, 0], [...y, 0.4]);
    weighted.coefficients.forEach((b, j) => assertClose(b, duplicated.coefficients[j], 1e-12, 0, `coef ${j}`));
    weighted.standardErrors.forEach((s, j) => assertClose(s, duplicated.standardErrors[j], 1e-12, 0, `se ${j}`));
  });

  it('reports converged: false when all y are 0 (the maximum likelihood is at -infinity)', () => {
    const fit = fitBinomialGlm([1, 2, 3, 4], [0, 0, 0, 0], { maxIterations: 30 });
    assert.equal(fit.converged, false);
    assert.equal(fit.iterations, 30);
  });

  it('names the argument for y outside [0, 1], negative weights, too few rows and collinear x', () => {
    assert.throws(() => fitBinomialGlm([1, 2, 3], [0.2, 1.3, 0.5]), /y\[1\]: 1.3 is outside \[0, 1\]/);
    assert.throws(() => fitBinomialGlm([1, 2, 3], [0.2, 0.3, 0.5], { weights: [1, -1, 1] }), /weights\[1\]: -1 is negative/);
    assert.throws(() => fitBinomialGlm([1, 2], [0.2, 0.3]), /y: 2 observations for 2 coefficients/);
    assert.throws(() => fitBinomialGlm([1, 2, 3], [0.2, 0.3]), /y: length 2 does not match x \(3 rows\)/);
    assert.throws(() => fitBinomialGlm([[1, 2], [2, 4], [3, 6], [4, 8]], [0.2, 0.3, 0.5, 0.6]), /x: the design matrix is singular/);
    assert.throws(() => fitBinomialGlm([1, 2, 3], [0.2, 0.3, 0.5], { scale: 'x2' as 'one' }), /scale: 'x2' is not allowed/);
  });
});
