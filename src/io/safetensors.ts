/**
 * The safetensors file format (Hugging Face, https://github.com/huggingface/safetensors, format as of
 * v0.4): 8-byte little-endian header length N, N bytes of JSON header
 * `{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}}`,
 * then the raw little-endian tensor bytes (offsets relative to the start of that buffer).
 * Reads F32, F16, BF16, F64 (as float32) and I32, I64, I16, I8, U8, BOOL (as int32); writes F32 and I32.
 */
import * as fs from 'fs';
import * as os from 'os';
import { writeFileAtomic } from './atomic_write';

/** A tensor on the host in one of tfjs' numeric dtypes. */
export interface HostTensor {
  /** float32 for every float dtype in the file, int32 for every integer/bool dtype. */
  readonly dtype: 'float32' | 'int32';
  /** Dimensions; [] for a scalar. */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: Float32Array | Int32Array;
}

/** Contents of a safetensors file. */
export interface SafetensorsContents {
  /** Tensors by name, in header order. */
  readonly tensors: Map<string, HostTensor>;
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Record<string, string>;
  /** The dtype each tensor had in the file (e.g. 'F16'), by name. */
  readonly fileDtypes: Map<string, string>;
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const MAX_HEADER_BYTES = 100_000_000; // the reference implementation's limit

function checkLittleEndian(): void {
  if (os.endianness() !== 'LE') throw new Error(`safetensors: this host is ${os.endianness()}; only little-endian hosts are supported`);
}

/** Converts IEEE half-precision bits to a float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(dtype: string, bytes: Uint8Array, count: number, name: string): Float32Array | Int32Array {
  const buf = new Uint8Array(bytes).buffer; // aligned copy (Buffer#slice would return a view)
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, 0, count);
    case 'F64':
      return Float32Array.from(new Float64Array(buf, 0, count));
    case 'F16': {
      const h = new Uint16Array(buf, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(h[i]);
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const h = new Uint16Array(buf, 0, count);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = h[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I32':
      return new Int32Array(buf, 0, count);
    case 'I64': {
      const v = new BigInt64Array(buf, 0, count);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        if (v[i] > 2147483647n || v[i] < -2147483648n) throw new Error(`safetensors: tensor '${name}' (I64) holds ${v[i]}, outside the int32 range tfjs supports`);
        out[i] = Number(v[i]);
      }
      return out;
    }
    case 'I16':
      return Int32Array.from(new Int16Array(buf, 0, count));
    case 'I8':
      return Int32Array.from(new Int8Array(buf, 0, count));
    case 'U8':
    case 'BOOL':
      return Int32Array.from(new Uint8Array(buf, 0, count));
    default:
      throw new Error(`safetensors: tensor '${name}' has dtype '${dtype}'; expected one of ${Object.keys(BYTES).join(', ')}`);
  }
}

/**
 * Parses a safetensors file held in memory; validates offsets and sizes.
 * `skip(name)` returning true leaves a tensor undecoded (e.g. HF's `attn.bias` buffers).
 */
export function parseSafetensors(bytes: Uint8Array, skip?: (name: string) => boolean): SafetensorsContents {
  checkLittleEndian();
  if (bytes.length < 8) throw new Error(`safetensors: ${bytes.length} bytes is too short for the 8-byte header length`);
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > bytes.length) {
    throw new Error(`safetensors: header length ${headerLen} does not fit a file of ${bytes.length} bytes`);
  }
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLen).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, HostTensor>();
  const fileDtypes = new Map<string, string>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width = BYTES[dtype];
    if (width === undefined) throw new Error(`safetensors: tensor '${name}' has dtype '${dtype}'; expected one of ${Object.keys(BYTES).join(', ')}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (!(begin >= 0 && end >= begin && end <= dataLen && end - begin === count * width)) {
      throw new Error(`safetensors: tensor '${name}' offsets [${begin}, ${end}] do not hold ${count} x ${dtype} within ${dataLen} data bytes`);
    }
    fileDtypes.set(name, dtype);
    if (skip?.(name)) continue;
    const data = decode(dtype, bytes.subarray(dataStart + begin, dataStart + end), count, name);
    tensors.set(name, { dtype: data instanceof Float32Array ? 'float32' : 'int32', shape: [...shape], data });
  }
  return { tensors, metadata, fileDtypes };
}

/**
 * Serialises tensors (in map order, F32 or I32) with an optional string metadata map. The header is
 * padded with spaces to a multiple of 8 bytes so every tensor starts aligned, as the reference writer does.
 */
export function serializeSafetensors(tensors: ReadonlyMap<string, HostTensor>, metadata?: Record<string, string>): Uint8Array {
  checkLittleEndian();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error(`safetensors: '__metadata__' is reserved and cannot name a tensor`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new Error(`safetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: t.dtype === 'float32' ? 'F32' : 'I32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, pos);
    pos += raw.length;
  }
  return out;
}

/** Reads and parses a safetensors file (see `parseSafetensors`). */
export function readSafetensorsFile(file: string, skip?: (name: string) => boolean): SafetensorsContents {
  return parseSafetensors(fs.readFileSync(file), skip);
}

/** Serialises and writes a safetensors file atomically (see `serializeSafetensors`); returns the bytes written. */
export function writeSafetensorsFile(file: string, tensors: ReadonlyMap<string, HostTensor>, metadata?: Record<string, string>): Uint8Array {
  const bytes = serializeSafetensors(tensors, metadata);
  writeFileAtomic(file, bytes);
  return bytes;
}
