import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeJsonl } from '../../src/io/jsonl';
import { canonicalJson, describeFile, makeManifest, manifestMatches, overallHash, readManifest, sha256Hex, writeManifest } from '../../src/io/manifest';

describe('manifest', () => {
  it('sha256Hex matches the known digest of "abc"', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('canonicalJson sorts keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });

  it('describes a file by lines, partitions (zeros included), labels and hash', () => {
    const rows = [
      { text: '1', label: 1, partition: 'both' },
      { text: '2', label: 0, partition: 's_only' },
      { text: '3', label: 0, partition: 's_only' },
    ];
    const entry = describeFile('xyz', rows, ['both', 'neither', 's_only', 't_only']);
    assert.deepEqual(entry, { lines: 3, partitions: { both: 1, neither: 0, s_only: 2, t_only: 0 }, labels: { 0: 2, 1: 1 }, sha256: sha256Hex('xyz') });
  });

  it('overall hash is the sha256 of sorted sha256sum lines, independent of insertion order', () => {
    const a = { lines: 0, partitions: {}, labels: {}, sha256: sha256Hex('a') };
    const b = { lines: 0, partitions: {}, labels: {}, sha256: sha256Hex('b') };
    const expected = sha256Hex(`${a.sha256}  a.jsonl\n${b.sha256}  b.jsonl\n`);
    assert.equal(overallHash({ 'b.jsonl': b, 'a.jsonl': a }), expected);
  });

  it('matches only the same kind, version and config, with files that still hash as recorded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
    try {
      const rows = [{ text: '1 2', label: 1, partition: 'both' }];
      const text = writeJsonl(path.join(dir, 'train.jsonl'), rows);
      const config = { rate: 0.1, seed: 0 };
      writeManifest(dir, makeManifest('toy-data', 1, config, 0, { 'train.jsonl': describeFile(text, rows) }));
      assert.equal(readManifest<typeof config>(dir)?.config.rate, 0.1);
      assert.ok(manifestMatches(dir, 'toy-data', 1, { seed: 0, rate: 0.1 }));
      assert.ok(!manifestMatches(dir, 'toy-data', 1, { seed: 0, rate: 0.2 }));
      assert.ok(!manifestMatches(dir, 'toy-data', 2, config));
      assert.ok(!manifestMatches(dir, 'other', 1, config));
      fs.appendFileSync(path.join(dir, 'train.jsonl'), '{"text":"9","label":0,"partition":"neither"}\n');
      assert.ok(!manifestMatches(dir, 'toy-data', 1, config), 'an edited file no longer matches');
      assert.ok(manifestMatches(dir, 'toy-data', 1, config, { verifyFiles: false }));
      fs.rmSync(path.join(dir, 'train.jsonl'));
      assert.ok(!manifestMatches(dir, 'toy-data', 1, config), 'a missing file no longer matches');
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{not json');
      assert.equal(readManifest(dir), undefined);
      assert.ok(!manifestMatches(dir, 'toy-data', 1, config));
      assert.ok(!manifestMatches(path.join(dir, 'absent'), 'toy-data', 1, config));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
