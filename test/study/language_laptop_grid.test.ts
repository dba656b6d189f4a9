/** The laptop preset's language grids (issue 16): all 10 prefix tasks, >= 3 seeds, rates 0, a small rate and 0.5; smoke stays tiny. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGE_TASK_IDS } from '../../src/tasks/language/prefix_tasks';
import { LANGUAGE_HYPOTHESES_PARAMS } from '../../src/study/language_hypotheses_schema';
import { resolveParams } from '../../src/study/params/resolve';

describe('language grids at the laptop preset', () => {
  const p = resolveParams(LANGUAGE_HYPOTHESES_PARAMS, { preset: 'laptop', env: {} });

  it('covers every implemented prefix task in MDL, RL and SFT', () => {
    assert.equal(LANGUAGE_TASK_IDS.length, 10);
    for (const tasks of [p.languageMdl.tasks, p.languageRl.tasks, p.languageSft.tasks]) assert.deepEqual([...tasks], [...LANGUAGE_TASK_IDS]);
  });

  it('has >= 3 seeds and the rates 0, a small rate and 0.5 for RL and SFT, and probes the random-init control', () => {
    for (const seeds of [p.languageMdl.seeds, p.languageRl.seeds, p.languageSft.seeds]) assert.ok(seeds.length >= 3);
    for (const rates of [p.languageRl.rates, p.languageSft.rates]) {
      assert.equal(rates[0], 0);
      assert.ok(rates[1] > 0 && rates[1] <= 0.05);
      assert.equal(rates[rates.length - 1], 0.5);
    }
    assert.deepEqual([...p.languageMdl.models], ['pretrained', 'random']);
  });

  it('keeps smoke tiny: 2 tasks, 1 seed, 2 rates', () => {
    const s = resolveParams(LANGUAGE_HYPOTHESES_PARAMS, { preset: 'smoke', env: {} });
    assert.deepEqual([s.languageRl.tasks.length, s.languageRl.seeds.length, s.languageRl.rates.length, s.languageMdl.tasks.length, s.languageMdl.seeds.length], [2, 1, 2, 2, 1]);
  });
});
