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
  /** Native backend: the highest instruction set oneDNN may use (`ONEDNN_MAX_CPU_ISA` at load), see {@link PINNED_NUMERICS}. */
  isaCap?: string;
  /** Native backend: `TF_ENABLE_ONEDNN_OPTS` at load (`0`: TensorFlow's own kernels, not its oneDNN ops), see {@link PINNED_NUMERICS}. */
  oneDnnOpts?: string;
  /** Backends that were tried and failed, with the reason (one line each). */
  notes: string[];
}

let current: BackendReport | undefined;

/**
 * The numerics every study process pins before TensorFlow loads, so that one configuration and seed
 * give the same bytes in a notebook, in `grid run` at any `--jobs`, and on Slurm (measured on the
 * 2-core AMD EPYC machine, 2026-12-06, with a [960, 64]^T x [960, 64] weight-gradient matmul and a
 * laptop toy PPO step):
 * - one intra-op thread: TensorFlow's matmul (oneDNN's sgemm, which Eigen's contraction calls)
 *   splits a long inner dimension over its threads, so 2 threads round differently from 1 (the PPO
 *   loss of the first step differs in the 8th digit, and 60 iterations later a seed can land in the
 *   other mode of a bimodal outcome);
 * - oneDNN capped at AVX2: it picks its sgemm by the CPU's instruction set at run time, so a machine
 *   with AVX-512 rounds differently from one without (capping that AVX2 machine at AVX changed the
 *   same numbers; it had no AVX-512, so the cap was its default; on the AVX-512 machine below, the
 *   cap at AVX2 together with the next pin reproduces the archive byte for byte);
 * - TensorFlow's oneDNN ops off (`TF_ENABLE_ONEDNN_OPTS=0`): TensorFlow turns them on by itself on a
 *   CPU with AVX-512 VNNI or BF16 (its "oneDNN custom operations are on" line), and then runs a
 *   BatchMatMulV2 as oneDNN's matmul primitive, which sums in another order than TensorFlow's own
 *   kernel (an Eigen contraction over oneDNN's sgemm). Measured 2026-12-07 on a 2-core AMD EPYC with
 *   AVX-512 VNNI and BF16: with them on, a laptop toy MDL probe gave 124.09900965 bits where the
 *   archive (computed on a CPU without those features, so with them off) has 124.09908463; with
 *   them off it gave the archive's bytes.
 * Reductions and element-wise kernels are compiled into the library and do not depend on any of
 * these. `TF_NUM_INTRAOP_THREADS`, `ONEDNN_MAX_CPU_ISA` or `TF_ENABLE_ONEDNN_OPTS` set by the user
 * win; such runs carry a {@link numericsTag} in their identity, so the result store keeps them apart
 * from pinned runs.
 */
export const PINNED_NUMERICS = { intraOpThreads: 1, oneDnnMaxCpuIsa: 'AVX2', oneDnnOpts: '0' } as const;

/** Sets the pinned numerics' environment where the user has not (TensorFlow reads it once, at load). */
function pinNativeNumerics(): void {
  if (process.env.TF_NUM_INTRAOP_THREADS === undefined) process.env.TF_NUM_INTRAOP_THREADS = String(PINNED_NUMERICS.intraOpThreads);
  if (process.env.TF_NUM_INTEROP_THREADS === undefined) process.env.TF_NUM_INTEROP_THREADS = '1';
  if (process.env.ONEDNN_MAX_CPU_ISA === undefined) process.env.ONEDNN_MAX_CPU_ISA = PINNED_NUMERICS.oneDnnMaxCpuIsa;
  if (process.env.TF_ENABLE_ONEDNN_OPTS === undefined) process.env.TF_ENABLE_ONEDNN_OPTS = PINNED_NUMERICS.oneDnnOpts;
}

/** Whether a `TF_ENABLE_ONEDNN_OPTS` value turns TensorFlow's oneDNN ops off (TensorFlow reads it as a boolean). */
const oneDnnOpsOff = (value: string | undefined): boolean => /^(0|false)$/i.test(value ?? '');

/**
 * What a run's identity adds for its numerics: undefined under {@link PINNED_NUMERICS} or on a
 * single-threaded JS backend (wasm, cpu), else e.g. `intraop2`, `intraop1-isaAVX512_CORE` or
 * `intraop1-onednnopts1` (a report without `oneDnnOpts`, from before that pin, counts as pinned).
 */
export function numericsTag(r: Pick<BackendReport, 'backend' | 'threads' | 'isaCap' | 'oneDnnOpts'> | undefined): string | undefined {
  if (!r || r.backend !== 'tensorflow' || r.threads === 0) return undefined;
  const isa = (r.isaCap ?? '').toUpperCase();
  const opts = r.oneDnnOpts ?? PINNED_NUMERICS.oneDnnOpts;
  const isaPinned = isa === PINNED_NUMERICS.oneDnnMaxCpuIsa;
  const optsPinned = oneDnnOpsOff(opts);
  if (r.threads === PINNED_NUMERICS.intraOpThreads && isaPinned && optsPinned) return undefined;
  return `intraop${r.threads}` + (isaPinned ? '' : `-isa${isa || 'default'}`) + (optsPinned ? '' : `-onednnopts${opts || 'default'}`);
}

/** {@link numericsTag} of the backend this process initialised (undefined before `initBackend`). */
export function currentNumericsTag(): string | undefined {
  return numericsTag(current);
}

/**
 * TensorFlow's CPU tensors from its pooling BFC allocator (`TF_CPU_ALLOCATOR_USE_BFC=true`) unless
 * the user set the variable. With its oneDNN ops off (the pinned numerics) TensorFlow otherwise
 * takes every tensor from malloc, and at the study's sizes glibc hands large buffers back to the
 * kernel and faults fresh zeroed pages in on the next op: 7-16 % of the toy train step, the toy
 * sampling and the paper rollout went to the Linux kernel's page clearing (perf_profile.ts,
 * 2026-12-07, AMD EPYC with AVX-512). Where a tensor lives changes no arithmetic (every buffer is
 * 64-byte aligned either way): a toy PPO, a toy SFT, a probe and a language SFT run gave the
 * archive's content hashes with it, and test/study/archive_reproduces.test.ts runs under it.
 */
function poolNativeAllocations(): void {
  if (process.env.TF_CPU_ALLOCATOR_USE_BFC === undefined) process.env.TF_CPU_ALLOCATOR_USE_BFC = 'true';
}

function tryNative(notes: string[]): BackendReport | undefined {
  // TF prints an absl warning and CPU-feature lines at load unless told otherwise.
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  pinNativeNumerics();
  poolNativeAllocations();
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
      elideNoOpKernels('tensorflow');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const binding = (tf.backend() as any).binding;
      const version: string = binding?.TF_Version ?? 'unknown';
      const gpu = pkg.endsWith('-gpu');
      return { backend: 'tensorflow', source: pkg, version, threads: gpu ? 0 : nativeIntraOpThreads(), isaCap: process.env.ONEDNN_MAX_CPU_ISA, oneDnnOpts: process.env.TF_ENABLE_ONEDNN_OPTS, notes };
    } catch (e) {
      notes.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  return undefined;
}

/** The shape a Reshape attribute asks for, with its one `-1` (if any) inferred from `size`. */
function resolvedShape(shape: readonly number[], size: number): number[] {
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  return shape.map((d) => (d === -1 ? size / known : d));
}

/**
 * Runs a `Reshape` to the tensor's own shape and a `Cast` to its own dtype as tfjs's `Identity`
 * does (the same data, one more reference) instead of a TensorFlow call each. tfjs-node sends both
 * to TensorFlow whatever the arguments, and tfjs's own code asks for many of them: its gradients
 * cast float32 operands to float32 (two per Multiply), and a flat optimizer reshapes every rank-1
 * variable to its own shape. At the study's sizes dispatch is the cost (README "Performance"), and
 * the result is bit for bit the same: the data is not touched. Other reshapes and casts are unchanged.
 */
function elideNoOpKernels(backendName: string): void {
  for (const kernelName of [tf.Reshape, tf.Cast]) {
    const base = tf.getKernel(kernelName, backendName);
    if (!base || (base as { elided?: boolean }).elided) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const noOp =
        kernelName === tf.Cast
          ? (args.attrs as unknown as { dtype: tf.DataType }).dtype === x.dtype
          : tf.util.arraysEqual(resolvedShape((args.attrs as unknown as { shape: number[] }).shape, tf.util.sizeFromShape(x.shape)), x.shape);
      if (!noOp) return base.kernelFunc(args);
      (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ ...base, kernelFunc, elided: true } as tf.KernelConfig);
  }
}

/** TensorFlow's intra-op pool size: `TF_NUM_INTRAOP_THREADS` (pinned to 1 unless the user set it; TF reads it at load), else one per core. */
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

/** One line for notebooks and logs, e.g. `backend tensorflow (TF 2.21.0 via @tensorflow/tfjs-node, 1 thread, oneDNN up to AVX2)`. */
export function describeBackend(r: BackendReport): string {
  const lib = r.backend === 'tensorflow' ? `TF ${r.version}` : `tfjs ${r.version}`;
  const fallback = r.notes.length && r.backend !== 'tensorflow' ? ` — native backend unavailable: ${r.notes.join('; ')}` : '';
  const threads = r.threads === 0 ? 'GPU' : `${r.threads} thread${r.threads === 1 ? '' : 's'}`;
  const isa = r.backend === 'tensorflow' && r.threads !== 0 ? `, oneDNN up to ${r.isaCap ?? 'the CPU\'s best'}, TensorFlow's oneDNN ops ${oneDnnOpsOff(r.oneDnnOpts) ? 'off' : r.oneDnnOpts === undefined ? 'as TensorFlow picks' : `on (TF_ENABLE_ONEDNN_OPTS=${r.oneDnnOpts})`}` : '';
  const tag = numericsTag(r);
  const pinned = tag ? ` — numerics ${tag}, not the pinned ones: runs are stored apart` : '';
  return `backend ${r.backend} (${lib} via ${r.source}, ${threads}${isa})${pinned}${fallback}`;
}
