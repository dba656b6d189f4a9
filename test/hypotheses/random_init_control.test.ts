import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractabilityControlTable, randomInitControlLine } from '../../src/hypotheses/random_init_control';
import type { TaskExtractabilityRow } from '../../src/hypotheses/runs';

const ext = (task: number, relMdl: number): TaskExtractabilityRow => ({ task, relMdl, relMdlSem: null }) as unknown as TaskExtractabilityRow;

describe('random-initialisation control table', () => {
  it('the table: log gain = log(rel pre-trained) - log(rel random); NaN where a model has no row', () => {
    const row = (task: number, relMdl: number, mdlTBits: number) => ({ task, relMdl, mdlTBits }) as unknown as TaskExtractabilityRow;
    const t = extractabilityControlTable([row(1, 4, 10), row(2, 1, 20)], [row(1, 2, 30)]);
    assert.equal(t[0]['log ratio gain from pre-training'], Math.log(2));
    assert.equal(t[0]['MDL(t) bits, random init'], 30);
    assert.ok(Number.isNaN(t[1]['log ratio gain from pre-training']));
  });
});

describe('random-initialisation control line', () => {
  it('gives the ranges on both models, how many tasks pre-training raised MDL(s)/MDL(t), and the median log-ratio gain', () => {
    // Gains: log(2/1) = 0.693, log(0.5/1) = -0.693, log(3/1) = 1.099; task 4 has no random-init row and is left out.
    const pretrained = [ext(1, 2), ext(2, 0.5), ext(3, 3), ext(4, 10)];
    const random = [ext(1, 1), ext(2, 1), ext(3, 1)];
    assert.equal(
      randomInitControlLine(pretrained, random),
      'Random-initialisation control (not in the study): on an untrained model of the same shape, MDL(s)/MDL(t) spans 1-1 over 3 tasks (pre-trained: 0.5-3); pre-training raised it, making t relatively more extractable, in 2 of 3 tasks (median log-ratio gain 0.693).',
    );
    // An even count takes the mean of the middle two gains: (log 2 + log 3) / 2 over tasks 1 and 3 -> 0.896.
    assert.match(randomInitControlLine([ext(1, 2), ext(3, 3)], random), /in 2 of 2 tasks \(median log-ratio gain 0\.896\)/);
    assert.match(randomInitControlLine(pretrained, []), /no task has MDL runs on both/);
  });
});
