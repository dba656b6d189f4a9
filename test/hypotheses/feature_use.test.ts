import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rlFeatureUse } from '../../src/hypotheses/feature_use';
import type { ToyRlRun } from '../../src/study/rl/toy/grid';

describe('feature-use score (RL)', () => {
  const run = (task: number, rate: number, seed: number, sOnly: number, tOnly: number): ToyRlRun => ({ task, rate, seed, reused: true, wallMs: 0, result: { seed, steps: [], warnings: [], eval: { both: 1, neither: 1, s_only: sOnly, t_only: tOnly } } });

  it('is the mean of the t-only and s-only rewards at rate 0, averaged over seeds, other rates ignored', () => {
    const use = rlFeatureUse([run(1, 0, 0, 0.2, 0.6), run(1, 0, 1, 0.4, 0.8), run(1, 0.5, 0, 1, 1), run(5, 0, 0, 0, 0)], 0);
    assert.deepEqual(use.map((u) => [u.task, u.n]), [[1, 2], [5, 1]]);
    assert.ok(Math.abs(use[0].score - 0.5) < 1e-12);
    assert.ok(Math.abs(use[0].sem - 0.1) < 1e-12); // scores 0.4 and 0.6: sd 0.1414, / sqrt 2
    assert.equal(use[1].score, 0);
  });
});
