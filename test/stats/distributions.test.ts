import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  incompleteBetaTails,
  logGamma,
  normalCdf,
  normalQuantile,
  studentTQuantile,
  studentTSf,
} from '../../src/stats/distributions';
import { assertClose, loadFixture } from './stats_test_utils';

// scipy.special 1.17.1 values from test/reference/gen_stats_fixtures.py.
const fx = loadFixture('distributions.json');

describe('distributions', () => {
  it('matches scipy.special.gammaln to 1e-13 absolute + 1e-14 relative', () => {
    for (const c of fx.logGamma) assertClose(logGamma(c.x), c.value, 1e-14, 1e-13, `logGamma(${c.x})`);
  });

  it('matches scipy.special.betainc and betaincc to 1e-12 relative in both tails', () => {
    for (const c of fx.incompleteBeta) {
      const t = incompleteBetaTails(c.x, c.a, c.b);
      assertClose(t.lower, c.value, 1e-12, 0, `I_${c.x}(${c.a}, ${c.b})`);
      assertClose(t.upper, c.upper, 1e-12, 0, `1 - I_${c.x}(${c.a}, ${c.b})`);
    }
  });

  it('matches 40-digit mpmath.ncdf to 1e-13 relative, including Phi(-37) = 5.7e-300', () => {
    for (const c of fx.normalCdf) assertClose(normalCdf(c.z), c.mpmath, 1e-13, 0, `Phi(${c.z})`);
  });

  it('matches scipy.special.ndtr to 1e-13 relative for z >= -20 (scipy itself drifts by 1e-13 at -37)', () => {
    for (const c of fx.normalCdf.filter((k: { z: number }) => k.z >= -20)) assertClose(normalCdf(c.z), c.value, 1e-13, 0, `Phi(${c.z})`);
  });

  it('matches scipy.special.ndtri to 1e-14 relative (plus 1e-15 absolute at the median)', () => {
    for (const c of fx.normalQuantile) assertClose(normalQuantile(c.p), c.value, 1e-14, 1e-15, `ndtri(${c.p})`);
  });

  it('matches the Student t upper tail scipy.special.stdtr(df, -t) to 1e-13 relative', () => {
    for (const c of fx.studentTSf) assertClose(studentTSf(c.t, c.df), c.value, 1e-13, 0, `P(T_${c.df} > ${c.t})`);
  });

  it('gives the closed forms: I_x(1, 1) = x and the Cauchy tail 1/2 - atan(t)/pi', () => {
    assertClose(incompleteBetaTails(0.3, 1, 1).lower, 0.3, 1e-15, 0, 'uniform');
    assertClose(studentTSf(2, 1), 0.5 - Math.atan(2) / Math.PI, 1e-14, 0, 'Cauchy');
  });

  it("gives Student's t quantiles: the closed forms for 1 and 2 df, the tables' t(8, 0.975), and the tail back", () => {
    for (const p of [0.6, 0.9, 0.975, 0.995, 0.025]) {
      assertClose(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12, 0, `Cauchy quantile at ${p}`);
      assertClose(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, 0, `t(2) quantile at ${p}`);
    }
    assertClose(studentTQuantile(0.975, 8), 2.306004135204166, 1e-12, 0, 't(8, 0.975), scipy.stats.t.ppf');
    assertClose(studentTSf(studentTQuantile(0.975, 29), 29), 0.025, 1e-13, 0, 'round trip at 29 df');
    assert.equal(studentTQuantile(0.5, 3), 0);
    assert.equal(studentTQuantile(1, 3), Infinity);
    assert.throws(() => studentTQuantile(0.9, 0), /df = 0; expected df > 0/);
  });
});
