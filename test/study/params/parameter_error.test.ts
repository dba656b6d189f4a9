import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'util';
import { ConfigError } from '../../../src/util/assert';
import { ParameterError } from '../../../src/study/params/parameter_error';
import { resolveParams } from '../../../src/study/params/resolve';
import { TOY_DATA_PARAMS } from '../../../src/study/params/presets';

describe('parameter errors', () => {
  it('inspect (what tslab prints) as one line, without a stack trace, and stay ConfigErrors', () => {
    let caught: unknown;
    try {
      resolveParams(TOY_DATA_PARAMS, { preset: 'smoke', overrides: { nope: 1 }, env: {} });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ParameterError && caught instanceof ConfigError);
    const printed = inspect(caught);
    assert.equal(printed.split('\n').length, 1);
    assert.match(printed, /^ConfigError: nope: unknown parameter; expected one of /);
    assert.equal((caught as Error).stack, printed);
  });
});
