import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONVERGENCE_MAX_SLOPE_PER_ITERATION,
  leastSquaresSlope,
  trainingConvergence,
} from '../../src/stats/training_convergence';
import { assertClose } from './stats_test_utils';

describe('leastSquaresSlope', () => {
  it('gives the hand-worked slope of 1, 3, 2, 6 against 0..3: sum (i - 1.5)(y - 3) / sum (i - 1.5)^2 = 7 / 5', () => {
    // deviations of i: -1.5, -0.5, 0.5, 1.5; of y: -2, 0, -1, 3 -> 3 + 0 - 0.5 + 4.5 = 7; sum of squares 5
    assertClose(leastSquaresSlope([1, 3, 2, 6]), 1.4, 1e-15, 0, 'slope');
    assert.equal(leastSquaresSlope([0.5, 0.5, 0.5]), 0);
  });
});

describe('trainingConvergence', () => {
  it('fits the last fifth only: a curve that rose and then flattened is converged', () => {
    // 10 iterations: rising 0.1 per iteration for 8, then flat at 0.8 for the last 2 (the window)
    const rewards = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.8, 0.8];
    const res = trainingConvergence(rewards);
    assert.equal(res.windowLength, 2);
    assert.equal(res.slopePerIteration, 0);
    assert.equal(res.converged, true);
    assert.equal(res.maxSlopePerIteration, CONVERGENCE_MAX_SLOPE_PER_ITERATION);
  });

  it('flags a reward still rising over the last fifth (hand-worked: 20 iterations, window 4)', () => {
    // last 4 values 0.65, 0.70, 0.72, 0.83: deviations of i -1.5..1.5, of y -0.075, -0.025, -0.005, 0.105
    // sxy = 0.1125 + 0.0125 - 0.0025 + 0.1575 = 0.28, sxx = 5 -> slope 0.056 per iteration
    const rewards = [...new Array<number>(16).fill(0.3), 0.65, 0.7, 0.72, 0.83];
    const res = trainingConvergence(rewards);
    assert.equal(res.windowLength, 4);
    assertClose(res.slopePerIteration, 0.056, 1e-12, 0, 'slope');
    assert.equal(res.converged, false);
  });

  it('treats a collapsing reward as not converged, and honours the threshold and window options', () => {
    const falling = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.3];
    assert.equal(trainingConvergence(falling).converged, false);
    assertClose(trainingConvergence(falling).slopePerIteration, -0.2, 1e-12, 0, 'slope');
    assert.equal(trainingConvergence(falling, { maxSlopePerIteration: 0.25 }).converged, true);
    // window 0.5 of 10 = the last 5: 0.9, 0.9, 0.9, 0.5, 0.3 -> slope -0.16
    const half = trainingConvergence(falling, { windowFraction: 0.5 });
    assert.equal(half.windowLength, 5);
    assertClose(half.slopePerIteration, -0.16, 1e-12, 0, 'half-window slope');
  });

  it('never fits fewer than 2 points (5 iterations: window 2, not 1)', () => {
    assert.equal(trainingConvergence([0, 0, 0, 0.1, 0.3]).windowLength, 2);
    assertClose(trainingConvergence([0, 0, 0, 0.1, 0.3]).slopePerIteration, 0.2, 1e-12, 0, 'slope');
  });

  it('names bad input', () => {
    assert.throws(() => trainingConvergence([0.5]), /rewardPerIteration: length 1 is too short; expected at least 2/);
    assert.throws(() => trainingConvergence([0.5, NaN]), /rewardPerIteration\[1\]: NaN is not a finite number/);
    assert.throws(() => trainingConvergence([0.5, 0.6], { windowFraction: 1.5 }), /windowFraction: 1.5 is outside \[0, 1\]/);
    assert.throws(() => trainingConvergence([0.5, 0.6], { windowFraction: 0 }), /windowFraction: 0 is outside \(0, 1\]/);
  });
});
