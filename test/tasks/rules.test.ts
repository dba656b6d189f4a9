import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERN_RULE_NAMES, containsSymbol, getRule, parseRuleName } from '../../src/tasks/rules';
import type { RuleName } from '../../src/tasks/types';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

// Hand-worked truth tables: [sequence, holds].
const TABLES: Record<string, [number[], boolean][]> = {
  'contains-1': [
    [[0, 3, 1, 4], true],
    [[1], true],
    [[0, 3, 2, 4], false],
    [[], false],
  ],
  'first-last': [
    [[5, 3, 4, 5], true],
    [[5, 5], true],
    [[5, 3, 5, 4], false],
    [[3, 5, 4, 5], false],
  ],
  'prefix-duplicate': [
    [[7, 7, 1, 2], true],
    [[7, 1, 7, 2], false],
    [[1, 2, 2, 3], false],
  ],
  'contains-first': [
    [[4, 1, 2, 4], true],
    [[4, 4, 2, 3], true],
    [[4, 1, 2, 3], false],
    [[1, 4, 4, 3], false],
  ],
  'adjacent-duplicate': [
    [[1, 2, 3, 3], true],
    [[6, 6, 1, 2], true],
    [[1, 2, 1, 2], false],
    [[1, 2, 3, 1], false],
  ],
};

describe('rules', () => {
  for (const [name, table] of Object.entries(TABLES)) {
    it(`${name} holds exactly on its hand-worked examples`, () => {
      const rule = getRule(name as RuleName);
      for (const [seq, expected] of table) assert.equal(rule.holds(seq), expected, `${name} on [${seq.join(' ')}]`);
    });
  }

  it('contains-k reserves k and inserts k once at every position over many draws', () => {
    const rule = containsSymbol(3);
    assert.deepEqual(rule.reserved, [3]);
    assert.equal(rule.minLength, 1);
    const rng = createRng(1);
    const positions = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const out = rule.insert([0, 1, 4, 5], [0, 1, 4, 5], rng);
      assert.equal(out.length, 5);
      assert.equal(out.filter((x) => x === 3).length, 1);
      positions.add(out.indexOf(3));
    }
    assert.deepEqual([...positions].sort(), [0, 1, 2, 3, 4]);
  });

  for (const name of PATTERN_RULE_NAMES) {
    it(`${name} insert makes it hold, adds minLength tokens, uses only free symbols and keeps the input`, () => {
      const rule = getRule(name);
      assert.deepEqual(rule.reserved, []);
      const rng = createRng(`insert/${name}`);
      const free = [5, 7, 9];
      const used = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const seq = [1, 0, 3, 4, 6, 8];
        const out = rule.insert(seq, free, rng);
        assert.deepEqual(seq, [1, 0, 3, 4, 6, 8]);
        assert.equal(out.length, seq.length + rule.minLength);
        assert.ok(rule.holds(out), `${name} should hold on [${out.join(' ')}]`);
        const added = out.filter((x) => !seq.includes(x));
        assert.equal(added.length, 2);
        assert.equal(added[0], added[1]);
        assert.ok(free.includes(added[0]));
        used.add(added[0]);
      }
      assert.deepEqual([...used].sort(), free, 'every free symbol is drawn');
    });
  }

  it('parseRuleName accepts contains-<k> and the pattern rules and rejects others naming the field', () => {
    assert.equal(parseRuleName('target', 'contains-0'), 'contains-0');
    assert.equal(parseRuleName('target', 'contains-12'), 'contains-12');
    assert.equal(parseRuleName('spurious', 'first-last'), 'first-last');
    for (const bad of ['foo', 'contains-', 'contains--1', 'contains-01', 'contains-1.5', 3]) {
      assert.throws(
        () => parseRuleName('spurious', bad),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith(`spurious: ${typeof bad === 'string' ? `'${bad}'` : bad} is not allowed; expected one of 'contains-<k>'`),
      );
    }
  });

  it('records the implications between pattern rules', () => {
    assert.deepEqual([...getRule('prefix-duplicate').implies].sort(), ['adjacent-duplicate', 'contains-first']);
    assert.deepEqual(getRule('first-last').implies, ['contains-first']);
  });
});
