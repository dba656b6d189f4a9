import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSafetensors, readSafetensorsFile, serializeSafetensors, writeSafetensorsFile, type HostTensor } from '../../src/io/safetensors';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'models');

/** A file with one raw tensor, written by hand (header JSON + bytes). */
function handMade(dtype: string, shape: number[], raw: Uint8Array, headerPad = ''): Uint8Array {
  const header = Buffer.from(JSON.stringify({ t: { dtype, shape, data_offsets: [0, raw.length] } }) + headerPad);
  const out = new Uint8Array(8 + header.length + raw.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(raw, 8 + header.length);
  return out;
}

describe('safetensors', () => {
  it('reads every dtype the Python safetensors library wrote (F32, F16, BF16, F64, I64, I32) to the values torch decodes', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'safetensors_dtypes.json'), 'utf8')) as {
      tensors: Record<string, { shape: number[]; values: number[] }>;
      metadata: Record<string, string>;
    };
    const file = readSafetensorsFile(path.join(FIXTURES, 'safetensors_dtypes.safetensors'));
    assert.deepEqual(file.metadata, expected.metadata);
    assert.deepEqual([...file.tensors.keys()].sort(), Object.keys(expected.tensors).sort());
    assert.equal(file.fileDtypes.get('bf16'), 'BF16');
    for (const [name, { shape, values }] of Object.entries(expected.tensors)) {
      const t = file.tensors.get(name)!;
      assert.deepEqual(t.shape, shape, name);
      assert.equal(t.dtype, name.startsWith('i') ? 'int32' : 'float32');
      // Every value is exact in float32 except F64's 0.001, which becomes fround(0.001).
      assert.deepEqual(Array.from(t.data), t.dtype === 'float32' ? values.map((v) => Math.fround(v)) : values, name);
    }
  });

  it('decodes float16 subnormals and infinities', () => {
    const raw = new Uint8Array(new Uint16Array([0x0001, 0x3c00, 0x7c00, 0xfc00, 0x8000, 0x3555]).buffer);
    const t = parseSafetensors(handMade('F16', [6], raw)).tensors.get('t')!;
    assert.deepEqual(Array.from(t.data), [2 ** -24, 1, Infinity, -Infinity, -0, Math.fround(0.333251953125)]);
  });

  it('round-trips float32 and int32 tensors bit for bit, with metadata and an 8-byte-aligned header', () => {
    const tensors = new Map<string, HostTensor>([
      ['a', { dtype: 'float32', shape: [2, 3], data: new Float32Array([1.5, -0, NaN, 1e-45, 3.4e38, -7]) }],
      ['b.c', { dtype: 'int32', shape: [], data: new Int32Array([-123]) }],
      ['empty', { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLen) % 8, 0);
    const back = parseSafetensors(bytes);
    assert.deepEqual(back.metadata, { format: 'pt' });
    for (const [name, t] of tensors) {
      const u = back.tensors.get(name)!;
      assert.deepEqual(u.shape, t.shape);
      assert.equal(u.dtype, t.dtype);
      assert.deepEqual(new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.byteLength), new Uint8Array(t.data.buffer));
    }
  });

  it('writes files that the reader (and its skip filter) reads back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safetensors-'));
    const file = path.join(dir, 'x.safetensors');
    writeSafetensorsFile(file, new Map<string, HostTensor>([
      ['keep', { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) }],
      ['drop', { dtype: 'float32', shape: [1], data: new Float32Array([3]) }],
    ]));
    const read = readSafetensorsFile(file, (name) => name === 'drop');
    assert.deepEqual([...read.tensors.keys()], ['keep']);
    assert.ok(read.fileDtypes.has('drop'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects truncated files, out-of-range offsets and unknown dtypes with a message naming the tensor', () => {
    assert.throws(() => parseSafetensors(new Uint8Array(4)), /too short/);
    const raw = new Uint8Array(8);
    const good = handMade('F32', [2], raw);
    assert.throws(() => parseSafetensors(good.subarray(0, good.length - 1)), /tensor 't' offsets \[0, 8\] do not hold 2 x F32/);
    assert.throws(() => parseSafetensors(handMade('F32', [3], raw)), /tensor 't' offsets/);
    assert.throws(() => parseSafetensors(handMade('C64', [1], raw)), /tensor 't' has dtype 'C64'/);
    const big = new Uint8Array(16);
    new DataView(big.buffer).setBigUint64(0, 1000n, true);
    assert.throws(() => parseSafetensors(big), /header length 1000 does not fit/);
    const i64 = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
    assert.throws(() => parseSafetensors(handMade('I64', [1], i64)), /outside the int32 range/);
  });
});
