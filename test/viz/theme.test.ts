import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGE_TASK_COLOURS, TOY_TASK_COLOURS, taskColour, taskColourScale } from '../../src/viz/theme';

describe('taskColour', () => {
  it('gives each synthetic task its fixed colour, also inside a longer name', () => {
    assert.equal(taskColour('first-last'), TOY_TASK_COLOURS['first-last']);
    assert.equal(taskColour('2 first-last'), TOY_TASK_COLOURS['first-last']);
    assert.equal(taskColour('toy/adjacent-duplicate'), TOY_TASK_COLOURS['adjacent-duplicate']);
  });

  it('gives the synthetic tasks five distinct colours and the language tasks ten', () => {
    assert.equal(new Set(Object.values(TOY_TASK_COLOURS)).size, 5);
    assert.equal(new Set(Object.values(LANGUAGE_TASK_COLOURS)).size, 10);
  });

  it('looks language tasks up by the first integer in the name', () => {
    assert.equal(taskColour('task 22'), LANGUAGE_TASK_COLOURS[22]);
    assert.equal(taskColour('lang-5'), LANGUAGE_TASK_COLOURS[5]);
    assert.notEqual(taskColour('task 22'), taskColour('task 23'));
  });

  it('hashes unknown names to a stable colour', () => {
    assert.equal(taskColour('mystery'), taskColour('mystery'));
    assert.match(taskColour('mystery'), /^#[0-9a-f]{6}$/);
  });
});

describe('taskColourScale', () => {
  it('keeps a task in the same colour whatever the other tasks in the figure', () => {
    const all = taskColourScale(['contains-1', 'first-last', 'prefix-duplicate']);
    const some = taskColourScale(['prefix-duplicate']);
    assert.equal(some.range[0], all.range[all.domain.indexOf('prefix-duplicate')]);
  });

  it('lists each task once, in first-seen order', () => {
    assert.deepEqual(taskColourScale(['b', 'a', 'b']).domain, ['b', 'a']);
  });
});
