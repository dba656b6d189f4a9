/**
 * Where a bench line's wall time goes, from a sampling profile with call graphs (`perf script`): each
 * sample falls into one of a few kinds of work, so that the kernels' own arithmetic (which
 * only other kernels, i.e. other bits, can make cheaper) stands apart from the fixed cost every op
 * pays on its way there (tfjs's engine in V8, tfjs-node's binding, TensorFlow's eager runtime,
 * malloc). Pure: parsing and sorting only; src/bench/perf_profile.ts runs perf.
 */

/** The kinds of work, in the order the table lists them. */
export const TIME_CATEGORIES = [
  'matmul',
  'elementwise (Eigen)',
  'reductions (Eigen)',
  'copies (transpose, slice, concat, gather, memcpy)',
  'TensorFlow eager runtime',
  'tfjs-node binding (N-API)',
  'tfjs engine and JS (V8)',
  'malloc / free',
  'Linux kernel',
  'other',
] as const;
export type TimeCategory = (typeof TIME_CATEGORIES)[number];

/** Categories that are the kernels' arithmetic; the rest is the fixed cost of dispatching them. */
export const KERNEL_CATEGORIES: readonly TimeCategory[] = TIME_CATEGORIES.slice(0, 4);

const isTensorFlow = (dso: string) => /libtensorflow/.test(dso);

const COPY_KERNEL = /TensorBlockIO|TensorShufflingOp|TensorSlicingOp|TensorStridingSlicingOp|TensorChippingOp|TensorConcatenationOp|TensorGeneratorOp|TensorPaddingOp|TensorBroadcastingOp|TensorReverseOp/;

/** The kind of an Eigen kernel from its (template-heavy) symbol: the functors in it say what it computes. */
function eigenCategory(sym: string): TimeCategory {
  if (/Reduc/.test(sym)) return 'reductions (Eigen)';
  if (/TensorCwise|scalar_[a-z]+_op/.test(sym)) return 'elementwise (Eigen)';
  if (COPY_KERNEL.test(sym)) return 'copies (transpose, slice, concat, gather, memcpy)';
  return 'elementwise (Eigen)';
}

/**
 * The kind of work of one function, from its object and symbol alone.
 * - Code in anonymous executable memory (`[JIT]`) without a V8 name is oneDNN's run-time generated
 *   (xbyak) GEMM: with `node --perf-basic-prof` every piece of JavaScript V8 compiles is named `JS:…`
 *   in the perf map, and TensorFlow generates no other code at run time on this path.
 * - Matmuls are oneDNN's (its drivers and, with TensorFlow's oneDNN ops on, its matmul primitive)
 *   and Eigen's own GEMM (gebp kernels, packing, tensor contractions), which TensorFlow's kernel
 *   runs for products too small for oneDNN's sgemm.
 * - Eigen's expression evaluators are the element-wise and reduction kernels, told apart by the
 *   functors in their symbols; its block copies, shuffles (transposes), slices, concatenations and
 *   broadcasts without arithmetic are copies, as are TensorFlow's transpose, concat, gather, slice
 *   and tile functors and libc's memcpy/memmove.
 */
export function timeCategory(dso: string, sym: string): TimeCategory {
  if (dso.startsWith('[JIT]')) return sym.startsWith('JS:') ? 'tfjs engine and JS (V8)' : 'matmul';
  if (dso.startsWith('[kernel')) return 'Linux kernel';
  if (/^libc[.-]/.test(dso)) {
    if (/mem(move|cpy|set)/.test(sym)) return 'copies (transpose, slice, concat, gather, memcpy)';
    if (/malloc|free|_int_|unlink_chunk|consolidate|realloc|calloc|tcache|sysmalloc|memalign/.test(sym)) return 'malloc / free';
    return 'other';
  }
  if (isTensorFlow(dso)) {
    if (/dnnl|mkl|gemm|Gemm|gebp|general_matrix|MatMul|matmul|TensorContraction/.test(sym) && !/^(std::_Function_handler<void \(long, long\), )?Eigen::internal::TensorExecutor/.test(sym)) return 'matmul';
    if (/Eigen/.test(sym) && !/^(tensorflow|tsl|absl|google)::/.test(sym)) return eigenCategory(sym);
    if (/Transpose|ConcatCPU|functor::(Gather|Slice|Tile|Split|StridedSlice)|memcpy|memmove/.test(sym)) return 'copies (transpose, slice, concat, gather, memcpy)';
    if (/Allocat|BFC|Deallocate/.test(sym)) return 'malloc / free';
    return 'TensorFlow eager runtime';
  }
  if (/tfjs_binding/.test(dso) || /^tfnodejs::/.test(sym)) return 'tfjs-node binding (N-API)';
  if (/^node$|\/node$/.test(dso)) return /^(napi_|v8impl)/.test(sym) ? 'tfjs-node binding (N-API)' : 'tfjs engine and JS (V8)';
  return 'other';
}

/** One stack frame of a sample: symbol and object (`[JIT]` for code in V8's perf map). */
export interface Frame {
  readonly sym: string;
  readonly dso: string;
}

const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/;

/**
 * The samples of `perf script -F ip,sym,dso` (with call graphs): each sample's frames, leaf first.
 * Code from V8's perf map (`perf-PID.map`, see perf_profile.ts) gets the object `[JIT]`.
 */
export function parsePerfScript(text: string): Frame[][] {
  const samples: Frame[][] = [];
  let cur: Frame[] = [];
  for (const line of text.split('\n')) {
    const m = FRAME.exec(line);
    if (m) {
      const dso = /perf-\d+\.map$/.test(m[2]) ? '[JIT]' : m[2].split('/').pop()!;
      cur.push({ sym: m[1].replace(/\+0x[0-9a-f]+$/, ''), dso });
    } else if (!line.trim() && cur.length) {
      samples.push(cur);
      cur = [];
    }
  }
  if (cur.length) samples.push(cur);
  return samples;
}

const isTfFrame = (f: Frame) => isTensorFlow(f.dso);
const isBindingFrame = (f: Frame) => /tfjs_binding/.test(f.dso) || /^tfnodejs::/.test(f.sym);
const isJsFrame = (f: Frame) => f.dso === '[JIT]' && f.sym.startsWith('JS:');

/**
 * The kind of work of one sample, from its stack: the leaf says what ran, and the nearest frame
 * that belongs to TensorFlow, to tfjs-node's binding or to JavaScript says on whose behalf. So a
 * malloc or a page fault inside a TensorFlow kernel stays with malloc or the kernel, but V8's
 * property stores that the binding makes to build an output's info are the binding's, and the
 * TensorFlow runtime's own bookkeeping under an op is the eager runtime's.
 */
export function sampleCategory(frames: readonly Frame[]): TimeCategory {
  if (frames.length === 0) return 'other';
  const leaf = timeCategory(frames[0].dso, frames[0].sym);
  if (leaf === 'matmul' || isTfFrame(frames[0]) || isBindingFrame(frames[0])) return leaf;
  // libc's malloc and memcpy and the Linux kernel keep their kind under any owner but the binding.
  const keepsKind = leaf === 'malloc / free' || leaf.startsWith('copies') || leaf === 'Linux kernel';
  const owner = frames.find((f) => isTfFrame(f) || isBindingFrame(f) || isJsFrame(f));
  if (owner && isBindingFrame(owner)) return 'tfjs-node binding (N-API)';
  if (keepsKind) return leaf;
  if (!owner || isJsFrame(owner)) return leaf === 'other' ? leaf : 'tfjs engine and JS (V8)';
  return 'TensorFlow eager runtime'; // under TensorFlow: the op's dispatch
}

/** Percent of the samples per category (categories without samples are 0). */
export function splitSamples(samples: readonly (readonly Frame[])[]): Map<TimeCategory, number> {
  const split = new Map<TimeCategory, number>(TIME_CATEGORIES.map((c) => [c, 0]));
  for (const s of samples) {
    const c = sampleCategory(s);
    split.set(c, split.get(c)! + 100 / samples.length);
  }
  return split;
}

/** Sum of the kernels' arithmetic ({@link KERNEL_CATEGORIES}) in percent of the samples. */
export function kernelPercent(split: ReadonlyMap<TimeCategory, number>): number {
  return KERNEL_CATEGORIES.reduce((s, c) => s + (split.get(c) ?? 0), 0);
}
