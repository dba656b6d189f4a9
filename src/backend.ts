/**
 * Picks the tensor backend at run time: `tensorflow` (tfjs-node-gpu, then tfjs-node: the native
 * TensorFlow C library) -> `wasm` (SIMD, one thread in Node) -> `cpu` (pure JS, ~30x slower).
 * `STUDY_BACKEND` (or the `requested` argument) forces one. Every notebook prints the report.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** What was chosen and why; shown at the top of every notebook. */
export interface BackendReport {
  /** Active tfjs backend. */
  backend: BackendName;
  /** Package that supplied it (`@tensorflow/tfjs-node`, `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-backend-wasm`, `@tensorflow/tfjs`). */
  source: string;
  /** TensorFlow C library version for the native backend (e.g. `2.21.0`), else the tfjs version. */
  version: string;
  /** Threads the backend may use (native: TF's own pool; wasm and cpu: 1). */
  threads: number;
  /** Backends that were tried and failed, with the reason (one line each). */
  notes: string[];
}

let current: BackendReport | undefined;

function tryNative(notes: string[]): BackendReport | undefined {
  // TF prints an absl warning and CPU-feature lines at load unless told otherwise.
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // Requiring a package whose addon was never built registers all its kernels before it
      // throws; the next package then re-registers them with one warning per kernel.
      const addon = nativeAddonPath(pkg);
      if (!fs.existsSync(addon)) {
        throw new Error(`no native addon at ${addon}${pkg.endsWith('-gpu') ? ' (built on GPU machines only)' : '; run npm run setup'}`);
      }
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      require(pkg);
      if (!tf.engine().registryFactory['tensorflow']) throw new Error('did not register a tensorflow backend');
      tf.setBackend('tensorflow');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const binding = (tf.backend() as any).binding;
      const version: string = binding?.TF_Version ?? 'unknown';
      const gpu = pkg.endsWith('-gpu');
      return { backend: 'tensorflow', source: pkg, version, threads: gpu ? 0 : nativeIntraOpThreads(), notes };
    } catch (e) {
      notes.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  return undefined;
}

/** TensorFlow's intra-op pool size: `TF_NUM_INTRAOP_THREADS` when set (TF reads it at load), else one per core. */
function nativeIntraOpThreads(): number {
  const env = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return Number.isInteger(env) && env > 0 ? env : require('os').cpus().length;
}

/**
 * Fixes the native backend's thread pools (`TF_NUM_INTRAOP_THREADS`, `TF_NUM_INTEROP_THREADS`, which
 * TensorFlow reads once, when the library loads), so call it before `initBackend`. At the study's
 * small shapes one thread can beat two: the bench sets both sides to the same count and reports it.
 */
export function setNativeThreads(intraOp: number, interOp: number): void {
  if (current?.backend === 'tensorflow') throw new Error('setNativeThreads: the native backend is already loaded; call it before initBackend');
  for (const [name, n] of [['intraOp', intraOp], ['interOp', interOp]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: ${n} is not allowed; expected an integer >= 1`);
  }
  process.env.TF_NUM_INTRAOP_THREADS = String(intraOp);
  process.env.TF_NUM_INTEROP_THREADS = String(interOp);
}

/** Where node-pre-gyp (and so the package itself) looks for the package's compiled addon. */
function nativeAddonPath(pkg: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const preGyp: { find(packageJson: string): string } = require('@mapbox/node-pre-gyp');
  return preGyp.find(require.resolve(`${pkg}/package.json`));
}

async function tryWasm(notes: string[]): Promise<BackendReport | undefined> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('setBackend returned false');
    await tf.ready();
    return { backend: 'wasm', source: '@tensorflow/tfjs-backend-wasm', version: tf.version_core, threads: 1, notes };
  } catch (e) {
    notes.push(`@tensorflow/tfjs-backend-wasm: ${firstLine(e)}`);
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

/**
 * Initialises the backend once (idempotent) and returns the report.
 * `requested` (or env `STUDY_BACKEND`) forces a backend; an unavailable forced backend is an error.
 */
export async function initBackend(requested?: BackendName | 'auto'): Promise<BackendReport> {
  const want = requested ?? (process.env.STUDY_BACKEND as BackendName | 'auto' | undefined) ?? 'auto';
  if (want !== 'auto' && !BACKEND_NAMES.includes(want)) {
    throw new Error(`backend: '${want}' is not allowed; expected one of 'auto', ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}`);
  }
  if (current && (want === 'auto' || want === current.backend)) return current;
  const notes: string[] = [];
  let report: BackendReport | undefined;
  if (want === 'auto' || want === 'tensorflow') report = tryNative(notes);
  if (!report && (want === 'auto' || want === 'wasm')) report = await tryWasm(notes);
  if (!report && (want === 'auto' || want === 'cpu')) {
    await tf.setBackend('cpu');
    report = { backend: 'cpu', source: '@tensorflow/tfjs', version: tf.version_core, threads: 1, notes };
  }
  if (!report) throw new Error(`backend: '${want}' is not available here (${notes.join('; ')})`);
  await tf.ready();
  current = report;
  return report;
}

/** One line for notebooks and logs, e.g. `backend tensorflow (TF 2.21.0 via @tensorflow/tfjs-node, 2 threads)`. */
export function describeBackend(r: BackendReport): string {
  const lib = r.backend === 'tensorflow' ? `TF ${r.version}` : `tfjs ${r.version}`;
  const fallback = r.notes.length && r.backend !== 'tensorflow' ? ` — native backend unavailable: ${r.notes.join('; ')}` : '';
  return `backend ${r.backend} (${lib} via ${r.source}, ${r.threads || 'GPU'} threads)${fallback}`;
}
