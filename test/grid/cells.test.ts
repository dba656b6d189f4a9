import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatCells, parseCells, readCellsFile, writeCellsFile } from '../../src/grid/cells';

const CELLS = [
  { key: 'toy_rl/task1/rate0/seed0', argv: ['toy-rl', '--task', '1', '--rate', '0', '--seed', '0'] },
  { key: 'toy_rl/task1/rate0.5/seed0', argv: ['toy-rl', '--overrides', '{"a": "b c"}'] },
];

describe('cells file', () => {
  it('holds one JSON line per cell, in order', () => {
    assert.equal(formatCells(CELLS), [
      '{"key":"toy_rl/task1/rate0/seed0","argv":["toy-rl","--task","1","--rate","0","--seed","0"]}',
      '{"key":"toy_rl/task1/rate0.5/seed0","argv":["toy-rl","--overrides","{\\"a\\": \\"b c\\"}"]}',
      '',
    ].join('\n'));
  });
  it('reads back what it wrote, and leaves no temporary file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-cells-'));
    const file = path.join(dir, 'sub', 'cells.jsonl');
    writeCellsFile(file, CELLS);
    assert.deepEqual(readCellsFile(file), CELLS);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['cells.jsonl']);
  });
  it('rejects a torn line, a repeated key and a non-string argument with one line', () => {
    assert.throws(() => parseCells('{"key":"a","argv":[]}\n{"key":', 'c.jsonl'), { message: 'c.jsonl: line 2 is not JSON; expected one {"key": ..., "argv": [...]} object per line' });
    assert.throws(() => parseCells('{"key":"a","argv":[]}\n{"key":"a","argv":[]}\n', 'c.jsonl'), { message: "c.jsonl[1].key: 'a' appears twice; expected unique keys" });
    assert.throws(() => parseCells('{"key":"a","argv":[1]}\n', 'c.jsonl'), { message: 'c.jsonl[0].argv: [1] is not allowed; expected an array of strings' });
  });
});
