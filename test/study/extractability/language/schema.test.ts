import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGE_MODEL_PARAMS } from '../../../../src/study/pretraining/schema';
import { LANGUAGE_MDL_PARAMS } from '../../../../src/study/extractability/language/schema';
import { LANGUAGE_SFT_PARAMS } from '../../../../src/study/sft/language/schema';
import { NOTEBOOK_SCHEMAS } from '../../../../src/study/notebook_schemas';
import { resolveParams } from '../../../../src/study/params/resolve';
import { TOY_HYPOTHESES_PARAMS } from '../../../../src/study/extension/schema';
import { GRID_JOBS_PARAMS, schemaLeaves } from '../../../../src/study/params/presets';

// `jobs` (GRID_JOBS_PARAMS) is shared on purpose: it sets how a notebook runs its grid, never a run's configuration.
const own = (schema: object) => Object.keys(schema).filter((k) => !(k in LANGUAGE_MODEL_PARAMS) && !(k in GRID_JOBS_PARAMS));

describe('language probe parameters', () => {
  it("registers notebook 06's schema, which carries notebook 05's model parameters", () => {
    assert.equal(NOTEBOOK_SCHEMAS['06_language_extractability'], LANGUAGE_MDL_PARAMS);
    for (const k of Object.keys(LANGUAGE_MODEL_PARAMS)) assert.ok(k in LANGUAGE_MDL_PARAMS && k in LANGUAGE_SFT_PARAMS, k);
  });

  it('uses keys of their own, so one STUDY_OVERRIDES object never reaches a toy notebook', () => {
    for (const k of [...own(LANGUAGE_MDL_PARAMS), ...own(LANGUAGE_SFT_PARAMS)]) {
      assert.match(k, /^language(Mdl|Sft)$/);
      assert.ok(!(k in TOY_HYPOTHESES_PARAMS), k);
    }
  });

  it("pins the paper preset to the study's probe: tasks 1, 2, 5, 22, 23, AdamW 2e-5, batch 64, 20 epochs, 5 seeds, 16 tokens", () => {
    const p = resolveParams(LANGUAGE_MDL_PARAMS, { preset: 'paper', env: {} });
    assert.deepEqual(
      [p.languageMdl.tasks, p.languageMdl.training.learningRate, p.languageMdl.training.batchSize, p.languageMdl.training.epochs, p.languageMdl.seeds.length, p.languageMdl.data.maxTokens],
      [[1, 2, 5, 22, 23], 2e-5, 64, 20, 5, 16],
    );
    const s = resolveParams(LANGUAGE_SFT_PARAMS, { preset: 'paper', env: {} });
    assert.deepEqual(s.languageSft.rates, [0, 0.01, 0.05, 0.2, 0.5]);
  });

  it('names the paper value in every doc line', () => {
    for (const { path: k, spec } of schemaLeaves({ languageMdl: LANGUAGE_MDL_PARAMS.languageMdl, languageSft: LANGUAGE_SFT_PARAMS.languageSft })) {
      assert.match(spec.doc, /\(paper[ :]/, k);
    }
  });
});
