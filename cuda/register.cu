// CUDA kernels of the op table: one explicit, greppable line per op (set_cuda_kernel), run once
// after every CPU family has registered (op_table.cpp). An op listed here runs on the GPU;
// any other op runs on the CPU with its inputs copied there (ops/placement.cpp).
#include "cpu/broadcast.h"
#include "cpu/conv.h"
#include "cpu/shape.h"
#include "cuda/kernels.h"
#include <cctype>

namespace nf {

namespace {

KernelFn cpu_kernel(const char * op) {
    const OpDef * def = find_op(op);
    NF_CHECK(def, "cuda: no op '%s' to take the kernel of", op);
    return def->cpu;
}

void register_unary() {
    using namespace cuda;
    set_cuda_kernel("neg", neg_forward_cuda);
    set_cuda_kernel("abs", abs_forward_cuda);
    set_cuda_kernel("sign", sign_forward_cuda);
    set_cuda_kernel("square", square_forward_cuda);
    set_cuda_kernel("exp", exp_forward_cuda);
    set_cuda_kernel("log", log_forward_cuda);
    set_cuda_kernel("log1p", log1p_forward_cuda);
    set_cuda_kernel("sqrt", sqrt_forward_cuda);
    set_cuda_kernel("rsqrt", rsqrt_forward_cuda);
    set_cuda_kernel("reciprocal", reciprocal_forward_cuda);
    set_cuda_kernel("sin", sin_forward_cuda);
    set_cuda_kernel("cos", cos_forward_cuda);
    set_cuda_kernel("tanh", tanh_forward_cuda);
    set_cuda_kernel("sigmoid", sigmoid_forward_cuda);
    set_cuda_kernel("relu", relu_forward_cuda);
    set_cuda_kernel("relu6", relu6_forward_cuda);
    set_cuda_kernel("elu", elu_forward_cuda);
    set_cuda_kernel("selu", selu_forward_cuda);
    set_cuda_kernel("leaky_relu", leaky_relu_forward_cuda);
    set_cuda_kernel("softplus", softplus_forward_cuda);
    set_cuda_kernel("softsign", softsign_forward_cuda);
    set_cuda_kernel("floor", floor_forward_cuda);
    set_cuda_kernel("ceil", ceil_forward_cuda);
    set_cuda_kernel("round", round_forward_cuda);

    set_cuda_kernel("abs_backward", abs_backward_cuda);
    set_cuda_kernel("exp_backward", exp_backward_cuda);
    set_cuda_kernel("log_backward", log_backward_cuda);
    set_cuda_kernel("log1p_backward", log1p_backward_cuda);
    set_cuda_kernel("sqrt_backward", sqrt_backward_cuda);
    set_cuda_kernel("rsqrt_backward", rsqrt_backward_cuda);
    set_cuda_kernel("square_backward", square_backward_cuda);
    set_cuda_kernel("reciprocal_backward", reciprocal_backward_cuda);
    set_cuda_kernel("sin_backward", sin_backward_cuda);
    set_cuda_kernel("cos_backward", cos_backward_cuda);
    set_cuda_kernel("tanh_backward", tanh_backward_cuda);
    set_cuda_kernel("sigmoid_backward", sigmoid_backward_cuda);
    set_cuda_kernel("relu_backward", relu_backward_cuda);
    set_cuda_kernel("relu6_backward", relu6_backward_cuda);
    set_cuda_kernel("elu_backward", elu_backward_cuda);
    set_cuda_kernel("selu_backward", selu_backward_cuda);
    set_cuda_kernel("leaky_relu_backward", leaky_relu_backward_cuda);
    set_cuda_kernel("softplus_backward", softplus_backward_cuda);
    set_cuda_kernel("softsign_backward", softsign_backward_cuda);
}

void register_binary() {
    using namespace cuda;
    set_cuda_kernel("add", add_forward_cuda);
    set_cuda_kernel("sub", sub_forward_cuda);
    set_cuda_kernel("mul", mul_forward_cuda);
    set_cuda_kernel("div", div_forward_cuda);
    set_cuda_kernel("pow", pow_forward_cuda);
    set_cuda_kernel("maximum", maximum_forward_cuda);
    set_cuda_kernel("minimum", minimum_forward_cuda);
    set_cuda_kernel("squared_difference", squared_difference_forward_cuda);
    set_cuda_kernel("equal", equal_forward_cuda);
    set_cuda_kernel("not_equal", not_equal_forward_cuda);
    set_cuda_kernel("less", less_forward_cuda);
    set_cuda_kernel("less_equal", less_equal_forward_cuda);
    set_cuda_kernel("greater", greater_forward_cuda);
    set_cuda_kernel("greater_equal", greater_equal_forward_cuda);
    set_cuda_kernel("logical_and", logical_and_forward_cuda);
    set_cuda_kernel("logical_or", logical_or_forward_cuda);
    set_cuda_kernel("logical_not", logical_not_forward_cuda);
    set_cuda_kernel("where", where_forward_cuda);
    set_cuda_kernel("clip_by_value", clip_by_value_forward_cuda);
}

void register_reduce_softmax() {
    using namespace cuda;
    set_cuda_kernel("reduce_sum", reduce_sum_forward_cuda);
    set_cuda_kernel("reduce_mean", reduce_mean_forward_cuda);
    set_cuda_kernel("reduce_max", reduce_max_forward_cuda);
    set_cuda_kernel("reduce_min", reduce_min_forward_cuda);
    set_cuda_kernel("reduce_prod", reduce_prod_forward_cuda);
    set_cuda_kernel("reduce_logsumexp", reduce_logsumexp_forward_cuda);
    set_cuda_kernel("argmax", argmax_forward_cuda);
    set_cuda_kernel("argmin", argmin_forward_cuda);
    set_cuda_kernel("reduce_sum_backward", reduce_sum_backward_cuda);
    set_cuda_kernel("reduce_mean_backward", reduce_mean_backward_cuda);
    set_cuda_kernel("reduce_max_backward", reduce_max_backward_cuda);
    set_cuda_kernel("reduce_min_backward", reduce_max_backward_cuda);
    set_cuda_kernel("reduce_prod_backward", reduce_prod_backward_cuda);
    set_cuda_kernel("reduce_logsumexp_backward", reduce_logsumexp_backward_cuda);

    set_cuda_kernel("softmax", softmax_forward_cuda);
    set_cuda_kernel("log_softmax", log_softmax_forward_cuda);
    set_cuda_kernel("softmax_backward", softmax_backward_cuda);
    set_cuda_kernel("log_softmax_backward", log_softmax_backward_cuda);
    set_cuda_kernel("softmax_cross_entropy", softmax_cross_entropy_forward_cuda);
    set_cuda_kernel("softmax_cross_entropy_backward", softmax_cross_entropy_backward_cuda);
    set_cuda_kernel("sparse_softmax_cross_entropy", sparse_softmax_cross_entropy_forward_cuda,
                    nullptr, 1u << 1);
    set_cuda_kernel("sigmoid_cross_entropy", sigmoid_cross_entropy_forward_cuda);
    set_cuda_kernel("sigmoid_cross_entropy_backward", sigmoid_cross_entropy_backward_cuda);
}

void register_train() {
    using namespace cuda;
    set_cuda_kernel("matmul", matmul_forward_cuda);
    set_cuda_kernel("apply_gradient_descent", apply_gradient_descent_cuda);
    set_cuda_kernel("apply_moving_average", apply_moving_average_cuda);
    set_cuda_kernel("apply_momentum", apply_momentum_cuda);
    set_cuda_kernel("apply_adagrad", apply_adagrad_cuda);
    set_cuda_kernel("apply_adadelta", apply_adadelta_cuda);
    set_cuda_kernel("apply_rms_prop", apply_rms_prop_cuda);
    set_cuda_kernel("apply_centered_rms_prop", apply_centered_rms_prop_cuda);
    set_cuda_kernel("apply_adam", apply_adam_cuda);

    set_cuda_kernel("random_normal", random_normal_forward_cuda);
    set_cuda_kernel("random_uniform", random_uniform_forward_cuda);
    set_cuda_kernel("truncated_normal", truncated_normal_forward_cuda);
    set_cuda_kernel("dropout", dropout_forward_cuda, nullptr, 1u << 1);
}

// pad_backward is a view of dy in CONSTANT mode only (the mirror modes scatter on the host).
bool pad_backward_supported(const std::vector<TensorMeta> &, const Attrs & attrs) {
    std::string mode = attrs.get_string("mode", "CONSTANT");
    for (char & c : mode) c = (char)std::toupper((unsigned char)c);
    return mode == "CONSTANT";
}

void register_index_shape() {
    using namespace cuda;
    set_cuda_kernel("gather", gather_forward_cuda, nullptr, 1u << 1);
    set_cuda_kernel("gather_backward", gather_backward_cuda, nullptr, 1u << 1);
    set_cuda_kernel("gather_nd", gather_nd_forward_cuda, nullptr, 1u << 1);
    set_cuda_kernel("gather_nd_backward", gather_nd_backward_cuda, nullptr, 1u << 1);
    set_cuda_kernel("one_hot", one_hot_forward_cuda);
    set_cuda_kernel("cast", cast_forward_cuda);
    set_cuda_kernel("fill", fill_forward_cuda);
    set_cuda_kernel("range", range_forward_cuda);
    set_cuda_kernel("linspace", linspace_forward_cuda);
    set_cuda_kernel("eye", eye_forward_cuda);

    set_cuda_kernel("concat", concat_forward_cuda);
    set_cuda_kernel("stack", stack_forward_cuda);
    set_cuda_kernel("broadcast_to", broadcast_to_forward_cuda);
    set_cuda_kernel("tile_backward", tile_backward_cuda);
    set_cuda_kernel("zeros_like", zeros_like_forward_cuda);
    set_cuda_kernel("ones_like", ones_like_forward_cuda);
}

void register_conv() {
    using namespace cuda;
    set_cuda_kernel("conv2d", conv2d_forward_cuda);
    set_cuda_kernel("fused_conv2d", cpu::fused_conv2d_by_parts);   // device-agnostic composition
    set_cuda_kernel("conv2d_backward_input", conv2d_backward_input_cuda);
    set_cuda_kernel("conv2d_backward_filter", conv2d_backward_filter_cuda);
    set_cuda_kernel("max_pool", max_pool_forward_cuda);
    set_cuda_kernel("max_pool_backward", max_pool_backward_cuda);
    set_cuda_kernel("avg_pool", avg_pool_forward_cuda);
    set_cuda_kernel("avg_pool_backward", avg_pool_backward_cuda);
}

// Ops whose CPU kernel never touches element memory on the host: views (as_strided), copies
// through copy_strided / clone, gathers through gather_tables, and sum_to_shape (a reduce_sum
// dispatched on x's device). The same function is their CUDA kernel.
void register_device_agnostic() {
    set_cuda_kernel("identity", cpu_kernel("identity"));
    set_cuda_kernel("stop_gradient", cpu_kernel("stop_gradient"));
    set_cuda_kernel("reshape", cpu::reshape_forward_cpu);
    set_cuda_kernel("reshape_backward", cpu::reshape_backward_cpu);
    set_cuda_kernel("transpose", cpu::transpose_forward_cpu);
    set_cuda_kernel("expand_dims", cpu::expand_dims_forward_cpu);
    set_cuda_kernel("squeeze", cpu::squeeze_forward_cpu);
    set_cuda_kernel("slice", cpu::slice_forward_cpu);
    set_cuda_kernel("split", cpu::split_forward_cpu);
    set_cuda_kernel("unstack", cpu::unstack_forward_cpu);
    set_cuda_kernel("concat_backward", cpu::concat_backward_cpu);
    set_cuda_kernel("strided_slice", cpu::strided_slice_forward_cpu);
    set_cuda_kernel("pad_backward", cpu::pad_backward_cpu, pad_backward_supported);
    set_cuda_kernel("tile", cpu::tile_forward_cpu);
    set_cuda_kernel("reverse", cpu::reverse_forward_cpu);
    set_cuda_kernel("pad", cpu::pad_forward_cpu);
    set_cuda_kernel("slice_backward", cpu::slice_backward_cpu);
    set_cuda_kernel("strided_slice_backward", cpu::strided_slice_backward_cpu);
    set_cuda_kernel("sum_to_shape", cpu::sum_to_shape_forward_cpu);
}

} // namespace

void register_cuda_kernels() {
    register_unary();
    register_binary();
    register_reduce_softmax();
    register_train();
    register_index_shape();
    register_conv();
    register_device_agnostic();
}

} // namespace nf
