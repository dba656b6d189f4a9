import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { holmAdjustedPValues } from '../../src/stats/holm';
import { assertClose, loadFixture } from './stats_test_utils';

// statsmodels 0.15 multipletests(p, method='holm') on 6 families: test/reference/gen_stats_study_fixtures.py.
const fx = loadFixture('holm.json');

describe('holmAdjustedPValues', () => {
  it("matches statsmodels multipletests(method='holm') and its rejections at 0.05 on every family", () => {
    for (const c of fx.cases) {
      const adjusted = holmAdjustedPValues(c.pValues);
      assert.equal(adjusted.length, c.adjusted.length);
      // same products (m - j + 1) p in the same order: equal up to one rounding
      adjusted.forEach((p, i) => assertClose(p, c.adjusted[i], 1e-15, 0, `${c.name}[${i}]`));
      assert.deepEqual(adjusted.map((p) => p <= 0.05), c.reject05, c.name);
    }
  });

  it('gives, by hand, min(1, max over smaller p of (m - j + 1) p_(j)) in input order', () => {
    // sorted 0.01, 0.02, 0.04, 0.3: 4 x 0.01 = 0.04, 3 x 0.02 = 0.06, 2 x 0.04 = 0.08, 1 x 0.3 = 0.3
    assert.deepEqual(holmAdjustedPValues([0.3, 0.01, 0.04, 0.02]), [0.3, 0.04, 0.08, 0.06]);
    // the step-down maximum: 3 x 0.02 = 0.06 > 2 x 0.025 = 0.05, so the second is raised to 0.06
    assert.deepEqual(holmAdjustedPValues([0.02, 0.025, 0.5]), [0.06, 0.06, 0.5]);
  });

  it('is monotone in the raw p-values, never below them, and capped at 1', () => {
    const raw = [0.2, 0.001, 0.7, 0.04, 0.04, 0.9, 0.3];
    const adjusted = holmAdjustedPValues(raw);
    raw.forEach((p, i) => {
      assert.ok(adjusted[i] >= p && adjusted[i] <= 1, `[${i}] ${adjusted[i]}`);
      raw.forEach((q, j) => {
        if (p < q) assert.ok(adjusted[i] <= adjusted[j], `${i} vs ${j}`);
      });
    });
    assert.equal(Math.max(...adjusted), 1);
  });

  it('returns an empty family unchanged and names a bad p-value', () => {
    assert.deepEqual(holmAdjustedPValues([]), []);
    assert.throws(() => holmAdjustedPValues([0.1, 1.2]), /pValues\[1\]: 1.2 is not a p-value; expected a number in \[0, 1\]/);
    assert.throws(() => holmAdjustedPValues([NaN]), /pValues\[0\]: NaN is not a p-value/);
  });
});
