import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { int, num, ownOverrides, schemaLeaves, type ParamSchema } from '../../../src/study/params/presets';
import { describeParams, resolveParams } from '../../../src/study/params/resolve';

/** A two-level schema: a step with a configuration object inside it, as the study's schemas are. */
const SCHEMA = {
  rl: {
    seeds: { doc: 'seeds', smoke: 1, laptop: 2, paper: 3, check: int(0) },
    ppo: {
      learningRate: { doc: 'lr', smoke: 0.1, laptop: 0.01, paper: 0.001, check: num(0, 1) },
      ppoEpochs: { doc: 'epochs', smoke: 1, laptop: 4, paper: 5, check: int(1) },
    },
  },
  jobs: { doc: 'jobs', smoke: 1, laptop: 1, paper: 1, check: int(1) },
} satisfies ParamSchema;

describe('nested parameter schemas', () => {
  it('resolves a group per configuration object, with the preset values', () => {
    const p = resolveParams(SCHEMA, { preset: 'laptop', env: {} });
    assert.deepEqual(p, { preset: 'laptop', rl: { seeds: 2, ppo: { learningRate: 0.01, ppoEpochs: 4 } }, jobs: 1 });
    assert.ok(Object.isFrozen(p.rl.ppo));
  });

  it('merges overrides parameter by parameter: a nested override keeps its siblings', () => {
    const p = resolveParams(SCHEMA, { preset: 'paper', overrides: { rl: { ppo: { ppoEpochs: 9 } } }, env: {} });
    assert.deepEqual(p.rl, { seeds: 3, ppo: { learningRate: 0.001, ppoEpochs: 9 } });
  });

  it('lets STUDY_OVERRIDES win over the cell at the same path and leaves other paths alone', () => {
    const env = { STUDY_OVERRIDES: '{"rl": {"ppo": {"learningRate": 0.5}}}' };
    const p = resolveParams(SCHEMA, { preset: 'smoke', overrides: { rl: { ppo: { learningRate: 0.2, ppoEpochs: 7 } } }, env });
    assert.deepEqual(p.rl.ppo, { learningRate: 0.5, ppoEpochs: 7 });
  });

  it('names the dotted path of an unknown key, a bad value and a group given a scalar', () => {
    assert.throws(() => resolveParams(SCHEMA, { overrides: { rl: { ppo: { lr: 1 } } }, env: {} }), { message: 'rl.ppo.lr: unknown parameter; expected one of learningRate, ppoEpochs' });
    assert.throws(() => resolveParams(SCHEMA, { overrides: { rl: { ppo: { ppoEpochs: 0 } } }, env: {} }), /^ConfigError: rl\.ppo\.ppoEpochs: 0 is outside/);
    assert.throws(() => resolveParams(SCHEMA, { overrides: { rl: 3 }, env: {} }), { message: 'rl: 3 is not allowed; expected an object with keys seeds, ppo' });
  });

  it('rejects a STUDY_OVERRIDES path that no notebook has', () => {
    assert.throws(() => resolveParams(SCHEMA, { env: { STUDY_OVERRIDES: '{"rl": {"nope": 1}}' } }), /^ConfigError: STUDY_OVERRIDES\.rl\.nope: unknown parameter/);
  });

  it('lists parameters by dotted path, in schema order, and marks overrides in the table', () => {
    assert.deepEqual(schemaLeaves(SCHEMA).map((l) => l.path), ['rl.seeds', 'rl.ppo.learningRate', 'rl.ppo.ppoEpochs', 'jobs']);
    const rows = describeParams(SCHEMA, resolveParams(SCHEMA, { preset: 'smoke', overrides: { rl: { ppo: { ppoEpochs: 3 } } }, env: {} }));
    assert.deepEqual(rows.map((r) => [r.key, r.value, r['set by']]), [
      ['preset', 'smoke', ''],
      ['rl.seeds', '1', 'preset'],
      ['rl.ppo.learningRate', '0.1', 'preset'],
      ['rl.ppo.ppoEpochs', '3', 'override (preset: 1)'],
      ['jobs', '1', 'preset'],
    ]);
  });

  it('keeps only the overrides a schema knows, at every level', () => {
    assert.deepEqual(ownOverrides(SCHEMA, { rl: { ppo: { ppoEpochs: 2 }, other: 1 }, lm: { steps: 3 }, jobs: 2 }), { rl: { ppo: { ppoEpochs: 2 } }, jobs: 2 });
    assert.deepEqual(ownOverrides(SCHEMA, { lm: { steps: 3 } }), {});
  });
});
