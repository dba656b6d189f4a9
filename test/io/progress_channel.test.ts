import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emitProgressLine, ProgressFileReader, PROGRESS_FILE_ENV } from '../../src/io/progress_channel';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'progress-channel-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with STUDY_PROGRESS_FILE set to `file` (or unset), restoring the old value. */
function withProgressFile(file: string | undefined, fn: () => void): void {
  const old = process.env[PROGRESS_FILE_ENV];
  if (file === undefined) delete process.env[PROGRESS_FILE_ENV];
  else process.env[PROGRESS_FILE_ENV] = file;
  try {
    fn();
  } finally {
    if (old === undefined) delete process.env[PROGRESS_FILE_ENV];
    else process.env[PROGRESS_FILE_ENV] = old;
  }
}

describe('emitProgressLine', () => {
  it('appends one line per call to the file named by STUDY_PROGRESS_FILE, folding newlines', () => {
    const file = path.join(dir, 'a.txt');
    withProgressFile(file, () => {
      emitProgressLine('toy RL 3/12 runs (2 reused), ETA 1m10s');
      emitProgressLine('two\nlines');
    });
    assert.equal(fs.readFileSync(file, 'utf8'), 'toy RL 3/12 runs (2 reused), ETA 1m10s\ntwo lines\n');
  });

  it('does nothing without STUDY_PROGRESS_FILE and never throws on an unwritable path', () => {
    withProgressFile(undefined, () => emitProgressLine('nobody listens'));
    withProgressFile(path.join(dir, 'no', 'such', 'folder', 'p.txt'), () => assert.doesNotThrow(() => emitProgressLine('x')));
    withProgressFile(dir, () => assert.doesNotThrow(() => emitProgressLine('a directory'))); // EISDIR
  });
});

describe('ProgressFileReader', () => {
  it('returns only the complete lines written since the last read, and nothing for a missing file', () => {
    const file = path.join(dir, 'b.txt');
    const reader = new ProgressFileReader(file);
    assert.deepEqual(reader.readNewLines(), []);
    fs.writeFileSync(file, 'one\ntwo\nthr');
    assert.deepEqual(reader.readNewLines(), ['one', 'two']);
    assert.deepEqual(reader.readNewLines(), []);
    fs.appendFileSync(file, 'ee\n');
    assert.deepEqual(reader.readNewLines(), ['three']);
  });

  it('never cuts a UTF-8 character that arrives in two writes', () => {
    const file = path.join(dir, 'c.txt');
    const reader = new ProgressFileReader(file);
    const bytes = Buffer.from('ETA ≈ 5s\n', 'utf8');
    const cut = bytes.indexOf(0x89); // inside the 3-byte '≈'
    fs.writeFileSync(file, bytes.subarray(0, cut));
    assert.deepEqual(reader.readNewLines(), []);
    fs.appendFileSync(file, bytes.subarray(cut));
    assert.deepEqual(reader.readNewLines(), ['ETA ≈ 5s']);
  });

  it('starts over when the file is truncated', () => {
    const file = path.join(dir, 'd.txt');
    const reader = new ProgressFileReader(file);
    fs.writeFileSync(file, 'a long first line\n');
    assert.deepEqual(reader.readNewLines(), ['a long first line']);
    fs.writeFileSync(file, 'new\n');
    assert.deepEqual(reader.readNewLines(), ['new']);
  });
});
