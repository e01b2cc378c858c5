// The op table: one OpDef per op name, the contract shared by TypeScript, the binding, the
// executor and every device. An OpDef says how many inputs the op takes, how to infer output
// dtypes and shapes (also with unknown dims, -1, for graph-mode static shapes), and which kernel
// runs it on each device.
#pragma once
#include "core/attrs.h"
#include "core/tensor.h"
#include <string>
#include <vector>

namespace nf {

struct TensorMeta {
    DType dtype;
    Shape shape;
};

// What a kernel receives: inputs (contiguous unless the op is OP_STRIDED), preallocated
// outputs (unless OP_KERNEL_ALLOCATES), and the attributes.
struct OpCall {
    const std::string & op;
    std::vector<Tensor> inputs;
    std::vector<Tensor> outputs;
    const Attrs & attrs;
    const Tensor & input(size_t i) const { return inputs[i]; }
    Tensor & output(size_t i) { return outputs[i]; }
};

using InferFn = std::vector<TensorMeta> (*)(const std::vector<TensorMeta> & in, const Attrs & attrs);
using KernelFn = void (*)(OpCall & call);

enum OpFlags : uint32_t {
    OP_NONE = 0,
    OP_STRIDED = 1,           // the kernel handles any strides: dispatch does not densify inputs
    OP_KERNEL_ALLOCATES = 2,  // the kernel fills call.outputs itself (views, data-dependent shapes)
    OP_SHAPE_ONLY = 4,        // reads only the inputs' shapes (tf.shape): runs on the CPU and
                              // its inputs are never copied between devices
};

// Whether a CUDA kernel handles these inputs (dtypes, ranks); nullptr = every valid call.
using SupportsFn = bool (*)(const std::vector<TensorMeta> & in, const Attrs & attrs);

struct OpDef {
    std::string name;
    int min_inputs;
    int max_inputs;           // -1: variadic (concat, stack)
    InferFn infer;
    KernelFn cpu;
    uint32_t flags = OP_NONE;
    // Bit i: the kernel writes into input i (optimizer updates). Such an op runs on input 0's
    // device, and a written input copied there from another device is copied back.
    uint32_t in_place = 0;
    KernelFn cuda = nullptr;  // filled by cuda/register.cu when built with CUDA
    SupportsFn cuda_supports = nullptr;
    uint32_t cuda_host_inputs = 0;   // bit i: the CUDA kernel reads input i on the host
};

void register_op(OpDef def);
// CUDA kernel of an op (cuda/register.cu). `host_inputs` as TF's HostMemory: bit i set means
// input i stays on (or is copied to) the host, e.g. a scalar the launcher reads.
void set_cuda_kernel(const std::string & name, KernelFn fn, SupportsFn supports = nullptr,
                     uint32_t host_inputs = 0);
// Fills the CUDA slots; an empty function in builds without CUDA (cuda/stub.cpp).
void register_cuda_kernels();
const OpDef * find_op(const std::string & name);      // nullptr when unknown
std::vector<std::string> list_ops();
void register_all_ops();                               // once, at addon load

// Per-family registration, one function per cpp/ops/<family>.cpp (see register_all_ops).
void register_core_ops();
void register_broadcast_ops();
void register_unary_ops();
void register_binary_ops();
void register_reduce_ops();
void register_matmul_ops();
void register_softmax_ops();
void register_shape_ops();
void register_index_ops();
void register_conv_ops();
void register_depthwise_ops();
void register_norm_ops();
void register_image_ops();
void register_random_ops();
void register_optim_ops();
void register_logging_ops();

// ---- shape-inference helpers shared by the families
// Same dtype and shape as input 0.
std::vector<TensorMeta> infer_same_as_input0(const std::vector<TensorMeta> & in, const Attrs &);
// Fails unless `t` is float32 or float64: "expected float32 or float64 input 'x', got int32".
void check_float(const TensorMeta & t, const char * arg);
// Fails unless all inputs share one dtype.
void check_same_dtype(const std::vector<TensorMeta> & in);
// Fails unless a backward op's gradient dy has the forward output's shape `want` (dims of -1,
// unknown at graph-build time, match anything): "gradient 'dy' has shape [..], expected [..]".
void check_dy_shape(const Shape & dy, const Shape & want);

} // namespace nf
