/**
 * The random-initialisation control on a tiny GPT: the untrained model has the pre-trained shape
 * and seeded weights, its runs are stored under their own keys beside the pre-trained ones, and the
 * control table pairs the two models' relative extractability per task.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../../../src/backend';
import { RunStore } from '../../../../src/io/run_store';
import { weightsSha256 } from '../../../../src/study/pretraining/model_inputs';
import { extractabilityControlFromRuns, runLanguageMdlModels } from '../../../../src/study/extractability/language/random_control';
import { randomInitModel } from '../../../../src/study/extractability/language/random_init';
import { LANGUAGE_MDL_PARAMS } from '../../../../src/study/extractability/language/schema';
import { resolveParams } from '../../../../src/study/params/resolve';
import { tinyLanguageInputs } from '../../language_fixtures';

/** `extra`: keys of the `languageMdl` group. */
const params = (extra: Record<string, unknown> = {}) =>
  resolveParams(LANGUAGE_MDL_PARAMS, { preset: 'smoke', overrides: { languageMdl: { tasks: [1], seeds: [0], data: { probeSize: 40 }, training: { epochs: 1 }, ...extra } }, env: {} });

describe('random-initialisation control', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'language-mdl-control-'));
  const lm = tinyLanguageInputs(0);
  before(async () => {
    await initBackend();
  });
  after(() => {
    lm.model.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('builds an untrained model of the same shape, the same for a seed and different for another', () => {
    const a = randomInitModel(lm.model, 0);
    const b = randomInitModel(lm.model, 0);
    const c = randomInitModel(lm.model, 1);
    try {
      assert.deepEqual(a.config, lm.model.config);
      assert.equal(weightsSha256(a), weightsSha256(b));
      assert.notEqual(weightsSha256(a), weightsSha256(c));
      assert.notEqual(weightsSha256(a), weightsSha256(lm.model));
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('stores the control runs as separate runs beside the pre-trained ones, and reuses both', async () => {
    const store = new RunStore(path.join(tmp, 'store'));
    const p = params();
    const first = await runLanguageMdlModels(p, lm, { store });
    assert.equal(first.pretrained.length, 2);
    assert.equal(first.random.length, 2);
    assert.equal(store.keys().length, 4);
    assert.notEqual(first.random[0].config.lm.weightsSha256, first.pretrained[0].config.lm.weightsSha256);
    const again = await runLanguageMdlModels(p, lm, { store });
    assert.ok([...again.pretrained, ...again.random].every((r) => r.reused));
    const table = extractabilityControlFromRuns(again);
    assert.deepEqual(table.map((r) => r.task), [1]);
    assert.ok(Number.isFinite(table[0]['MDL(s)/MDL(t), random init']));
    const only = await runLanguageMdlModels(params({ models: ['pretrained'] }), lm, { store });
    assert.equal(only.random.length, 0);
  });
});
