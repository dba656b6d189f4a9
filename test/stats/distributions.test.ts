import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  incompleteBetaTails,
  logGamma,
  normalCdf,
  normalQuantile,
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
});
