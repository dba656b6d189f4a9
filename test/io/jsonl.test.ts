import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatJsonl, parseJsonl, readJsonl, writeJsonl } from '../../src/io/jsonl';

describe('jsonl', () => {
  const rows = [
    { text: '3 5 1', label: 1, partition: 'both' },
    { text: '0 4 4', label: 0, partition: 'neither' },
  ];

  it('writes one compact JSON object per line, keys in the given order, each line ending in \\n', () => {
    assert.equal(formatJsonl(rows), '{"text":"3 5 1","label":1,"partition":"both"}\n{"text":"0 4 4","label":0,"partition":"neither"}\n');
    assert.equal(formatJsonl([]), '');
  });

  it('round-trips through a file, creating folders, and returns the text written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-'));
    try {
      const file = path.join(dir, 'a', 'b', 'rows.jsonl');
      const text = writeJsonl(file, rows);
      assert.equal(fs.readFileSync(file, 'utf8'), text);
      assert.deepEqual(readJsonl(file), rows);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['rows.jsonl'], 'no temporary file left behind');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips blank lines and names the source and line of a bad one', () => {
    assert.deepEqual(parseJsonl('{"a":1}\n\n{"a":2}\n'), [{ a: 1 }, { a: 2 }]);
    assert.throws(() => parseJsonl('{"a":1}\n{oops\n', 'x.jsonl'), /^Error: x\.jsonl:2: not valid JSON/);
  });
});
