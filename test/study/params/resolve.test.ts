import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams, parseOverridesJson } from '../../../src/study/params/resolve';
import { SYNTHETIC_TASKS_PARAMS, TOY_DATA_PARAMS, PRESET_NAMES } from '../../../src/study/params/presets';
import { NOTEBOOK_SCHEMAS } from '../../../src/study/notebook_schemas';

const noEnv = {};

describe('resolveParams', () => {
  it('takes every value from the preset when nothing is overridden', () => {
    const p = resolveParams(TOY_DATA_PARAMS, { preset: 'smoke', env: noEnv });
    assert.equal(p.preset, 'smoke');
    assert.deepEqual(p.rates, TOY_DATA_PARAMS.rates.smoke);
    assert.equal(p.trainSize, TOY_DATA_PARAMS.trainSize.smoke);
  });

  it('defaults to the laptop preset', () => {
    assert.equal(resolveParams(TOY_DATA_PARAMS, { env: noEnv }).preset, 'laptop');
  });

  it('applies cell overrides, and environment overrides win over them', () => {
    const env = { STUDY_PRESET: 'smoke', STUDY_OVERRIDES: '{"trainSize": 77}' };
    const p = resolveParams(TOY_DATA_PARAMS, { preset: 'paper', overrides: { trainSize: 55, vocab: 12 }, env });
    assert.equal(p.preset, 'smoke');
    assert.equal(p.trainSize, 77);
    assert.equal(p.vocab, 12);
  });

  it('rejects an unknown preset naming the allowed ones', () => {
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { preset: 'huge', env: noEnv }), {
      message: "preset: 'huge' is not allowed; expected one of 'smoke', 'laptop', 'paper'",
    });
  });

  it('rejects an unknown cell key naming the known ones', () => {
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { overrides: { trainSzie: 5 }, env: noEnv }), /^ConfigError: trainSzie: unknown parameter; expected one of tasks, rates/);
  });

  it('rejects a rate outside [0, 1] with the field path', () => {
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { overrides: { rates: [0, 1.5] }, env: noEnv }), { message: 'rates[1]: 1.5 is outside [0, 1]' });
  });

  it('rejects a non-integer size and an unknown task', () => {
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { overrides: { trainSize: 2.5 }, env: noEnv }), /trainSize: 2.5 is not an integer/);
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { overrides: { tasks: [9] }, env: noEnv }), { message: 'tasks[0]: 9 is not allowed; expected one of 1, 2, 3, 4, 5' });
  });

  it('ignores environment keys that belong to another notebook but rejects keys of none', () => {
    const other = { STUDY_OVERRIDES: '{"examplesPerPartition": 4}' };
    assert.doesNotThrow(() => resolveParams(TOY_DATA_PARAMS, { env: other }));
    assert.throws(() => resolveParams(TOY_DATA_PARAMS, { env: { STUDY_OVERRIDES: '{"nope": 1}' } }), /STUDY_OVERRIDES.nope: unknown parameter/);
  });

  it('rejects STUDY_OVERRIDES that is not a JSON object', () => {
    assert.throws(() => parseOverridesJson('[1]'), /expected a JSON object/);
    assert.throws(() => parseOverridesJson('{x'), /not valid JSON/);
  });

  it('returns a frozen object', () => {
    const p = resolveParams(SYNTHETIC_TASKS_PARAMS, { env: noEnv });
    assert.ok(Object.isFrozen(p));
  });

  it('has every preset value of every schema pass its own check', () => {
    for (const [name, schema] of Object.entries(NOTEBOOK_SCHEMAS)) {
      for (const preset of PRESET_NAMES) {
        assert.doesNotThrow(() => resolveParams(schema, { preset, env: noEnv }), `${name} @ ${preset}`);
      }
    }
  });
});
