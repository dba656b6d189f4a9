import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLrSchedule, learningRateAt } from '../../src/optim/lr_schedule';
import { ConfigError } from '../../src/util/assert';

const CFG = { learningRate: 1e-3, warmupSteps: 4, totalSteps: 14, minLrRatio: 0.1 };
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 + 1e-9 * Math.abs(b), `${a} vs ${b}`);

describe('learningRateAt', () => {
  it('rises linearly to the peak during warmup', () => {
    [0.25e-3, 0.5e-3, 0.75e-3, 1e-3].forEach((lr, step) => close(learningRateAt(step, CFG), lr));
  });
  it('decays by a half cosine from the peak to minLrRatio x peak at the last step', () => {
    close(learningRateAt(4, CFG), 1e-3); // first step after warmup: progress 0
    close(learningRateAt(13, CFG), 1e-4); // last step: progress 1
    close(learningRateAt(8.5, CFG), 1e-4 + (0.9e-3 * (1 + Math.cos(Math.PI * 0.5))) / 2); // midpoint (4.5 of 9)
  });
  it('never increases after warmup', () => {
    for (let s = 4; s < 13; s++) assert.ok(learningRateAt(s + 1, CFG) <= learningRateAt(s, CFG));
  });
  it('starts at the peak without warmup', () => {
    close(learningRateAt(0, { ...CFG, warmupSteps: 0 }), 1e-3);
  });
  it('rejects a warmup longer than the run, naming the field', () => {
    assert.throws(() => checkLrSchedule({ ...CFG, warmupSteps: 20 }), (e: Error) => e instanceof ConfigError && /^warmupSteps: 20/.test(e.message));
  });
});
