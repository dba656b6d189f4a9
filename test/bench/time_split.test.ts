import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelPercent, parsePerfScript, sampleCategory, splitSamples, timeCategory, type TimeCategory } from '../../src/bench/time_split';

// Samples in the form of `perf script -F ip,sym,dso` with call graphs, leaf first, as perf printed
// them for a laptop PPO update on this project's machine (symbols shortened where only their
// functors matter); each sample ends with a blank line.
const TF = '(/work/main/node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow_cc.so.2)';
const FW = '(/work/main/node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow_framework.so.2)';
const MAP = '(/tmp/perf-3538.map)';
const NODE = '(/usr/bin/node)';
const LIBC = '(/usr/lib/x86_64-linux-gnu/libc.so.6)';
const BIND = '(/work/main/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node)';
const EXEC = [
  `7f60aa000001 TFE_Execute ${TF}`,
  `7f60ab000002 tfnodejs::TFJSBackend::ExecuteOp ${BIND}`,
  `7f60ab000003 tfnodejs::ExecuteOp ${BIND}`,
  `7f601385d484 JS:*Engine.runKernelFunc /work/main/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:4667:47 ${MAP}`,
];
const SAMPLES: [TimeCategory, string[]][] = [
  // oneDNN's generated GEMM: anonymous code V8's map does not name; the unwinder stops there.
  ['matmul', [`7f585bf4704f [unknown] ${MAP}`]],
  ['elementwise (Eigen)', [`7f60aa100000 std::_Function_handler<void (long, long), Eigen::internal::TensorExecutor<Eigen::TensorAssignOp<Eigen::TensorMap<Eigen::Tensor<float, 1, 1, long>, 16, Eigen::MakePointer>, Eigen::TensorCwiseBinaryOp<Eigen::internal::scalar_product_op<float, float>, Eigen::TensorMap<Eigen::Tensor<float const, 1, 1, long>, 16, Eigen::MakePointer> const> const> const, Eigen::ThreadPoolDevice, true, (Eigen::internal::TiledEvaluation)0>::run(...)::{lambda(long, long)#1}>::_M_invoke+0x4f ${TF}`, ...EXEC]],
  ['reductions (Eigen)', [`7f60aa200000 Eigen::internal::InnerMostDimReducer<Eigen::TensorReductionEvaluatorBase<Eigen::TensorReductionOp<Eigen::internal::SumReducer<float>, Eigen::IndexList<Eigen::type2index<1l>> const, Eigen::TensorMap<Eigen::Tensor<float const, 2, 1, long>, 16, Eigen::MakePointer> const, Eigen::MakePointer> const, Eigen::ThreadPoolDevice>, Eigen::internal::SumReducer<float>, true, true>::reduce ${TF}`, ...EXEC]],
  ['copies (transpose, slice, concat, gather, memcpy)', [`7f60aa300000 Eigen::internal::TensorBlockIO<float, long, 4, 1>::Copy ${TF}`, ...EXEC]],
  // libc's malloc under an op stays malloc; a page fault under a kernel stays the kernel's.
  ['malloc / free', [`7f60ac000000 _int_malloc ${LIBC}`, `7f60ac000001 malloc ${LIBC}`, `7f60ad000000 tsl::BFCAllocator::AllocateRawInternal ${FW}`, ...EXEC]],
  ['Linux kernel', [`ffffffff81000000 clear_page_erms ([kernel.kallsyms])`, `ffffffff81000001 exc_page_fault ([kernel.kallsyms])`, `7f60aa100001 Eigen::internal::TensorBlockAssignment<float, 3, Eigen::TensorCwiseBinaryOp<Eigen::internal::scalar_sum_op<float, float>, Eigen::TensorMap<Eigen::Tensor<float, 3, 1, long> const, 0, Eigen::MakePointer> const>, long>::Run ${TF}`, ...EXEC]],
  // TensorFlow's kernel lookup and libstdc++ string work under TFE_Execute are the eager runtime.
  ['TensorFlow eager runtime', [`7f60ad100000 tensorflow::KernelAttrsMatch ${FW}`, `7f60ad100001 tensorflow::FindKernelDef ${FW}`, ...EXEC]],
  ['TensorFlow eager runtime', [`7f60ae000000 std::__cxx11::basic_string<char>::_M_assign (/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30)`, ...EXEC]],
  // V8's property stores that the binding makes to build an output's info are the binding's.
  ['tfjs-node binding (N-API)', [`c12345 v8::internal::Runtime::SetObjectProperty ${NODE}`, `c12346 v8::Object::Set ${NODE}`, `c12347 napi_set_named_property ${NODE}`, `7f60ab000004 tfnodejs::TFJSBackend::GenerateOutputTensorInfo ${BIND}`, ...EXEC.slice(1)]],
  // tfjs's engine: V8 builtins under JavaScript, and a GC thread with no JavaScript on its stack.
  ['tfjs engine and JS (V8)', [`1508083 Builtins_KeyedLoadIC_Megamorphic ${NODE}`, `7f601385d485 JS:*getFilteredNodesXToY /work/main/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:3285:30 ${MAP}`]],
  ['tfjs engine and JS (V8)', [`c40000 v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot> ${NODE}`, `c40001 v8::internal::ScavengerCollector::JobTask::Run ${NODE}`]],
];
const SCRIPT = SAMPLES.map(([, frames]) => frames.map((f) => `\t    ${f}`).join('\n')).join('\n\n') + '\n';

describe('where the time goes (perf samples sorted into kinds of work)', () => {
  it('reads every sample of perf script output with its frames, leaf first, V8-map code as [JIT]', () => {
    const samples = parsePerfScript(SCRIPT);
    assert.equal(samples.length, SAMPLES.length);
    assert.deepEqual(samples[0], [{ sym: '[unknown]', dso: '[JIT]' }]);
    assert.equal(samples[1].length, 5);
    assert.match(samples[1][0].sym, /^std::_Function_handler<void \(long, long\), Eigen::.*_M_invoke$/); // offset +0x4f dropped
    assert.equal(samples[1][0].dso, 'libtensorflow_cc.so.2');
    assert.deepEqual(samples[1][4], { sym: 'JS:*Engine.runKernelFunc /work/main/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:4667:47', dso: '[JIT]' });
  });

  it('puts each sample where its leaf and the nearest owning frame say', () => {
    const samples = parsePerfScript(SCRIPT);
    samples.forEach((s, i) => assert.equal(sampleCategory(s), SAMPLES[i][0], `sample ${i}: ${s[0].sym.slice(0, 60)}`));
  });

  it('tells the kernels apart by the functors in their symbols, not by the words in their template arguments', () => {
    // A broadcast multiply names TensorBroadcastingOp but computes: element-wise, not a copy.
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'Eigen::TensorEvaluator<Eigen::TensorAssignOp<Eigen::TensorMap<Eigen::Tensor<float, 2, 1, long>, 16, Eigen::MakePointer>, Eigen::TensorCwiseBinaryOp<Eigen::internal::scalar_product_op<float, float>, Eigen::TensorBroadcastingOp<Eigen::IndexList<Eigen::type2index<1l>, long> const>>>>::evalBlock'), 'elementwise (Eigen)');
    // A broadcast with no arithmetic (Tile, BroadcastTo) and a shuffle (Transpose) are copies.
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'Eigen::TensorEvaluator<Eigen::TensorBroadcastingOp<Eigen::array<long, 3ul> const, Eigen::TensorMap<Eigen::Tensor<float const, 3, 1, long>, 16, Eigen::MakePointer> const> const, Eigen::ThreadPoolDevice>::block'), 'copies (transpose, slice, concat, gather, memcpy)');
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'tensorflow::internal::TransposeUsingEigen<Eigen::ThreadPoolDevice, float, 4>'), 'copies (transpose, slice, concat, gather, memcpy)');
    // oneDNN's drivers and TensorFlow's MKL batch matmul are matmul; the Eigen executor of a Mul is not.
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'dnnl::impl::cpu::x64::avx_gemm_f32::sgemm_nocopy_driver'), 'matmul');
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'tensorflow::BatchMatMulMkl<Eigen::ThreadPoolDevice, float, float, float, true>::Compute'), 'matmul');
    // Eigen's own GEMM (small batched products with TensorFlow's oneDNN ops off) is matmul, not an Eigen element-wise kernel.
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'Eigen::internal::gebp_kernel<float, float, long, Eigen::internal::blas_data_mapper<float, long, 0, 0, 1>, 16, 4, false, false>::operator()'), 'matmul');
    assert.equal(timeCategory('libtensorflow_cc.so.2', 'Eigen::internal::general_matrix_matrix_product<long, float, 1, false, float, 0, false, 0, 1>::run'), 'matmul');
    assert.equal(timeCategory('[JIT]', 'JS:*Tensor.dispose /x/tf-core.node.js:3920:41'), 'tfjs engine and JS (V8)');
    assert.equal(timeCategory('libc.so.6', '__memmove_avx512_unaligned_erms'), 'copies (transpose, slice, concat, gather, memcpy)');
  });

  it('splits the samples into percentages that add up to 100, and sums the kernels', () => {
    const split = splitSamples(parsePerfScript(SCRIPT));
    const total = [...split.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 100) < 1e-9, `total ${total}`);
    // 11 samples: 1 matmul + 1 elementwise + 1 reduction + 1 copy are the kernels' arithmetic.
    assert.ok(Math.abs(kernelPercent(split) - (4 / 11) * 100) < 1e-9);
    assert.ok(Math.abs(split.get('TensorFlow eager runtime')! - (2 / 11) * 100) < 1e-9);
    assert.equal(split.get('other'), 0);
  });
});
