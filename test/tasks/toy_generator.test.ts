import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PARTITIONS, hasSpurious, hasTarget } from '../../src/tasks/partitions';
import {
  MAX_ATTEMPTS,
  TOY_TASKS,
  TOY_TASK_IDS,
  exampleTokens,
  generateExamples,
  generatePartitionSets,
  prepareToyTask,
  toyTaskIdOf,
  toyTaskPair,
} from '../../src/tasks/toy_generator';
import type { TaskPair } from '../../src/tasks/types';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

// Independent checkers, written from docs/study.md, not taken from rules.ts.
function oracle(name: string): (seq: number[]) => boolean {
  if (name.startsWith('contains-') && name !== 'contains-first') {
    const k = Number(name.slice('contains-'.length));
    return (seq) => seq.some((x) => x === k);
  }
  switch (name) {
    case 'first-last':
      return (seq) => seq[0] === seq[seq.length - 1];
    case 'prefix-duplicate':
      return (seq) => seq[0] === seq[1];
    case 'contains-first':
      return (seq) => seq.slice(1).some((x) => x === seq[0]);
    case 'adjacent-duplicate':
      return (seq) => seq.some((x, i) => i > 0 && seq[i - 1] === x);
  }
  throw new Error(`no oracle for ${name}`);
}

const count = (seq: number[], sym: number): number => seq.filter((x) => x === sym).length;

interface Case {
  label: string;
  pair: TaskPair;
  vocab: number;
  length: number;
}

const CASES: Case[] = [
  ...TOY_TASK_IDS.map((id) => ({ label: `task ${id}`, pair: TOY_TASKS[id], vocab: 10, length: 10 })),
  { label: 'first-last vs contains-3', pair: { target: 'first-last', spurious: 'contains-3' }, vocab: 10, length: 10 },
  { label: 'contains-1 vs prefix-duplicate', pair: { target: 'contains-1', spurious: 'prefix-duplicate' }, vocab: 10, length: 10 },
  { label: 'adjacent-duplicate vs first-last', pair: { target: 'adjacent-duplicate', spurious: 'first-last' }, vocab: 10, length: 10 },
  { label: 'contains-first vs adjacent-duplicate', pair: { target: 'contains-first', spurious: 'adjacent-duplicate' }, vocab: 10, length: 10 },
  { label: 'contains-0 vs contains-9', pair: { target: 'contains-0', spurious: 'contains-9' }, vocab: 10, length: 10 },
  { label: 'task 2 at vocab 50, length 12', pair: TOY_TASKS[2], vocab: 50, length: 12 },
];

const PER_PARTITION = 1500;

describe('toy generator', () => {
  for (const c of CASES) {
    it(`${c.label}: every example of every partition has t and s exactly as its partition says`, () => {
      const task = prepareToyTask({ ...c.pair, vocab: c.vocab, length: c.length });
      const t = oracle(c.pair.target);
      const s = oracle(c.pair.spurious);
      const sets = generatePartitionSets(task, PER_PARTITION, createRng(`gen/${c.label}`));
      for (const p of PARTITIONS) {
        assert.equal(sets[p].length, PER_PARTITION);
        for (const ex of sets[p]) {
          const seq = exampleTokens(ex);
          assert.equal(ex.text, seq.join(' '));
          assert.equal(seq.length, c.length);
          assert.ok(seq.every((x) => Number.isInteger(x) && x >= 0 && x < c.vocab), ex.text);
          assert.equal(ex.partition, p);
          assert.equal(ex.label, hasTarget(p) ? 1 : 0);
          assert.equal(t(seq), hasTarget(p), `${p}: t on ${ex.text}`);
          assert.equal(s(seq), hasSpurious(p), `${p}: s on ${ex.text}`);
        }
      }
    });

    it(`${c.label}: a reserved symbol appears exactly once where its rule holds and never elsewhere`, () => {
      const task = prepareToyTask({ ...c.pair, vocab: c.vocab, length: c.length });
      const sets = generatePartitionSets(task, 300, createRng(`reserved/${c.label}`));
      for (const [rule, present] of [
        [task.target, hasTarget],
        [task.spurious, hasSpurious],
      ] as const) {
        for (const sym of rule.reserved) {
          for (const p of PARTITIONS) {
            for (const ex of sets[p]) assert.equal(count(exampleTokens(ex), sym), present(p) ? 1 : 0, `${rule.name} in ${p}: ${ex.text}`);
          }
        }
      }
    });
  }

  it('task 1: symbol 2 occurs exactly once in both/s_only and never in neither/t_only; symbol 1 only in both/t_only', () => {
    const sets = generatePartitionSets(prepareToyTask(TOY_TASKS[1]), 500, createRng('task1'));
    for (const p of PARTITIONS) {
      for (const ex of sets[p]) {
        const seq = exampleTokens(ex);
        assert.equal(count(seq, 2), p === 'both' || p === 's_only' ? 1 : 0, ex.text);
        assert.equal(count(seq, 1), p === 'both' || p === 't_only' ? 1 : 0, ex.text);
      }
    }
  });

  it('filler is spread uniformly over the free symbols (each within 10% of its expected count)', () => {
    const task = prepareToyTask(TOY_TASKS[2]);
    assert.deepEqual(task.freeSymbols, [0, 1, 3, 4, 5, 6, 7, 8, 9]);
    const freq = new Array<number>(10).fill(0);
    for (const ex of generateExamples(task, 'neither', 2000, createRng('uniform'))) for (const x of exampleTokens(ex)) freq[x]++;
    const expected = (2000 * 10) / 9; // ~2222; binomial sd ~ 44, so 10% is ~5 sd
    assert.equal(freq[2], 0);
    for (const sym of task.freeSymbols) assert.ok(Math.abs(freq[sym] - expected) < 0.1 * expected, `symbol ${sym}: ${freq[sym]} vs ${expected}`);
  });

  it('the spurious symbol lands at every position in task 1 s_only, and strictly inside in task 2 both', () => {
    const at = (id: 1 | 2, p: 's_only' | 'both'): Set<number> =>
      new Set(generateExamples(prepareToyTask(TOY_TASKS[id]), p, 1000, createRng(`pos/${id}`)).map((ex) => exampleTokens(ex).indexOf(2)));
    assert.deepEqual([...at(1, 's_only')].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...at(2, 'both')].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('the same stream gives the same examples and another seed different ones', () => {
    const task = prepareToyTask(TOY_TASKS[5]);
    const a = generateExamples(task, 'both', 200, createRng(7));
    const b = generateExamples(task, 'both', 200, createRng(7));
    const c = generateExamples(task, 'both', 200, createRng(8));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('maps task ids to pairs with spurious contains-2 and back', () => {
    assert.deepEqual(
      TOY_TASK_IDS.map((id) => toyTaskPair(id).target),
      ['contains-1', 'first-last', 'prefix-duplicate', 'contains-first', 'adjacent-duplicate'],
    );
    for (const id of TOY_TASK_IDS) assert.equal(toyTaskPair(id).spurious, 'contains-2');
    assert.equal(toyTaskIdOf({ target: 'first-last', spurious: 'contains-2' }), 2);
    assert.equal(toyTaskIdOf({ target: 'first-last', spurious: 'contains-3' }), null);
  });

  describe('errors', () => {
    const fails = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.message === message);

    it('rejects an unknown task id with the allowed ids', () => {
      fails(() => toyTaskPair('foo'), "task: 'foo' is not allowed; expected one of 1, 2, 3, 4, 5");
      fails(() => toyTaskPair(6), 'task: 6 is not allowed; expected one of 1, 2, 3, 4, 5');
    });

    it('rejects a vocabulary too small for the pair, naming the reserved symbols', () => {
      fails(
        () => prepareToyTask({ target: 'contains-1', spurious: 'contains-2', vocab: 3 }),
        "vocab: 3 is too small for target 'contains-1' with spurious 'contains-2'; expected at least 4 (reserved symbols 1, 2 must lie in 0..vocab-1 and leave at least 2 free symbols)",
      );
      fails(
        () => prepareToyTask({ target: 'first-last', spurious: 'contains-12', vocab: 10 }),
        "vocab: 10 is too small for target 'first-last' with spurious 'contains-12'; expected at least 13 (reserved symbols 12 must lie in 0..vocab-1 and leave at least 2 free symbols)",
      );
      assert.doesNotThrow(() => prepareToyTask({ target: 'contains-1', spurious: 'contains-2', vocab: 4 }));
    });

    it('rejects a length that cannot hold both patterns', () => {
      fails(
        () => prepareToyTask({ target: 'first-last', spurious: 'contains-2', length: 2 }),
        "length: 2 is too short for target 'first-last' with spurious 'contains-2'; expected at least 3 (the patterns take 2 + 1 tokens)",
      );
    });

    it('rejects equal rules and pairs where one rule implies the other', () => {
      fails(() => prepareToyTask({ target: 'first-last', spurious: 'first-last' }), "spurious: 'first-last' is also the target; expected a rule other than the target");
      fails(
        () => prepareToyTask({ target: 'prefix-duplicate', spurious: 'adjacent-duplicate' }),
        "spurious: 'adjacent-duplicate' holds whenever target 'prefix-duplicate' does, so t_only examples cannot exist; expected a rule the target does not imply",
      );
      fails(
        () => prepareToyTask({ target: 'contains-first', spurious: 'first-last' }),
        "spurious: 'first-last' implies target 'contains-first', so s_only examples cannot exist; expected a rule that does not imply the target",
      );
    });

    it('stops with a clear error when a partition has no valid sequence at this size', () => {
      // Two symbols, length 4: a first token that never recurs forces `a b b b`, an adjacent duplicate.
      const task = prepareToyTask({ target: 'contains-first', spurious: 'adjacent-duplicate', vocab: 2, length: 4 });
      fails(
        () => generateExamples(task, 'neither', 1, createRng(0)),
        `partition: 'neither' cannot be generated for target 'contains-first' with spurious 'adjacent-duplicate' at vocab 2, length 4 (no valid sequence in ${MAX_ATTEMPTS} draws); expected a larger vocab or length`,
      );
    });
  });
});
