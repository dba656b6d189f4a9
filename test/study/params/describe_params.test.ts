import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeParams, resolveParams } from '../../../src/study/params/resolve';
import { TOY_DATA_PARAMS } from '../../../src/study/params/presets';

describe('describeParams', () => {
  it('marks a value that differs from the preset, naming the preset value, and leaves the others as preset', () => {
    const p = resolveParams(TOY_DATA_PARAMS, { preset: 'smoke', overrides: { trainSize: 55, vocab: TOY_DATA_PARAMS.vocab.smoke }, env: {} });
    const rows = describeParams(TOY_DATA_PARAMS, p);
    const row = (key: string) => rows.find((r) => r.key === key);
    assert.deepEqual(row('trainSize')?.['set by'], `override (preset: ${TOY_DATA_PARAMS.trainSize.smoke})`);
    assert.equal(row('trainSize')?.value, '55');
    assert.equal(row('vocab')?.['set by'], 'preset', 'an override equal to the preset is not marked');
    assert.equal(rows.filter((r) => r['set by'].startsWith('override')).length, 1);
  });
});
