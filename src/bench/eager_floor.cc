// The fixed cost of one op in TensorFlow's eager C API alone, with no JavaScript and no binding:
// an AddV2 of two 64-float tensors, built and run the way tfjs-node's binding runs every op (a new
// TFE_Op, its inputs, its dtype attribute, TFE_Execute, the output's shape read back, the handle
// deleted). src/bench/perf_profile.ts --floor compiles it against the TensorFlow library that
// tfjs-node was built with and sets it beside the same op through the binding and through tf.add.
// Prints one JSON line: {"usPerOp": ...}, the best of 5 rounds of 200,000 ops.
#include <tensorflow/c/eager/c_api.h>

#include <chrono>
#include <cstdio>

int main() {
  TF_Status* status = TF_NewStatus();
  TFE_ContextOptions* options = TFE_NewContextOptions();
  TFE_Context* context = TFE_NewContext(options, status);
  TFE_DeleteContextOptions(options);
  if (TF_GetCode(status) != TF_OK) { std::fprintf(stderr, "eager_floor: %s\n", TF_Message(status)); return 1; }
  int64_t dims[1] = {64};
  TF_Tensor* tensor = TF_AllocateTensor(TF_FLOAT, dims, 1, 64 * sizeof(float));
  float* data = static_cast<float*>(TF_TensorData(tensor));
  for (int i = 0; i < 64; i++) data[i] = 0.5f * i;
  TFE_TensorHandle* x = TFE_NewTensorHandle(tensor, status);
  const int kOps = 200000;
  double best_us = 1e30;
  for (int round = 0; round < 5; round++) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kOps; i++) {
      TFE_Op* op = TFE_NewOp(context, "AddV2", status);
      TFE_OpAddInput(op, x, status);
      TFE_OpAddInput(op, x, status);
      TFE_OpSetAttrType(op, "T", TF_FLOAT);
      TFE_TensorHandle* out[1];
      int n_out = 1;
      TFE_Execute(op, out, &n_out, status);
      if (TF_GetCode(status) != TF_OK) { std::fprintf(stderr, "eager_floor: %s\n", TF_Message(status)); return 1; }
      TFE_TensorHandleDim(out[0], 0, status);
      TFE_DeleteTensorHandle(out[0]);
      TFE_DeleteOp(op);
    }
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kOps;
    if (us < best_us) best_us = us;
  }
  std::printf("{\"usPerOp\": %.3f}\n", best_us);
  TFE_DeleteTensorHandle(x);
  TF_DeleteTensor(tensor);
  TFE_DeleteContext(context);
  TF_DeleteStatus(status);
  return 0;
}
