// Every CUDA kernel entry point (host launchers), by family; cuda/register.cu puts them in the
// op table. Same contract as the CPU kernels: an OpCall with inputs on the device (contiguous
// unless the op is OP_STRIDED) and outputs preallocated there (unless OP_KERNEL_ALLOCATES).
#pragma once
#include "ops/op_table.h"

namespace nf::cuda {

// unary.cu
void neg_forward_cuda(OpCall & c);
void abs_forward_cuda(OpCall & c);
void sign_forward_cuda(OpCall & c);
void square_forward_cuda(OpCall & c);
void exp_forward_cuda(OpCall & c);
void log_forward_cuda(OpCall & c);
void log1p_forward_cuda(OpCall & c);
void sqrt_forward_cuda(OpCall & c);
void rsqrt_forward_cuda(OpCall & c);
void reciprocal_forward_cuda(OpCall & c);
void sin_forward_cuda(OpCall & c);
void cos_forward_cuda(OpCall & c);
void tanh_forward_cuda(OpCall & c);
void sigmoid_forward_cuda(OpCall & c);
void relu_forward_cuda(OpCall & c);
void relu6_forward_cuda(OpCall & c);
void elu_forward_cuda(OpCall & c);
void selu_forward_cuda(OpCall & c);
void leaky_relu_forward_cuda(OpCall & c);
void softplus_forward_cuda(OpCall & c);
void softsign_forward_cuda(OpCall & c);
void floor_forward_cuda(OpCall & c);
void ceil_forward_cuda(OpCall & c);
void round_forward_cuda(OpCall & c);

// unary_backward.cu
void abs_backward_cuda(OpCall & c);
void exp_backward_cuda(OpCall & c);
void log_backward_cuda(OpCall & c);
void log1p_backward_cuda(OpCall & c);
void sqrt_backward_cuda(OpCall & c);
void rsqrt_backward_cuda(OpCall & c);
void square_backward_cuda(OpCall & c);
void reciprocal_backward_cuda(OpCall & c);
void sin_backward_cuda(OpCall & c);
void cos_backward_cuda(OpCall & c);
void tanh_backward_cuda(OpCall & c);
void sigmoid_backward_cuda(OpCall & c);
void relu_backward_cuda(OpCall & c);
void relu6_backward_cuda(OpCall & c);
void elu_backward_cuda(OpCall & c);
void selu_backward_cuda(OpCall & c);
void leaky_relu_backward_cuda(OpCall & c);
void softplus_backward_cuda(OpCall & c);
void softsign_backward_cuda(OpCall & c);

// binary.cu
void add_forward_cuda(OpCall & c);
void sub_forward_cuda(OpCall & c);
void mul_forward_cuda(OpCall & c);
void div_forward_cuda(OpCall & c);
void pow_forward_cuda(OpCall & c);
void maximum_forward_cuda(OpCall & c);
void minimum_forward_cuda(OpCall & c);
void squared_difference_forward_cuda(OpCall & c);
void equal_forward_cuda(OpCall & c);
void not_equal_forward_cuda(OpCall & c);
void less_forward_cuda(OpCall & c);
void less_equal_forward_cuda(OpCall & c);
void greater_forward_cuda(OpCall & c);
void greater_equal_forward_cuda(OpCall & c);
void logical_and_forward_cuda(OpCall & c);
void logical_or_forward_cuda(OpCall & c);
void logical_not_forward_cuda(OpCall & c);
void where_forward_cuda(OpCall & c);
void clip_by_value_forward_cuda(OpCall & c);

// reduce.cu, reduce_backward.cu
void reduce_sum_forward_cuda(OpCall & c);
void reduce_mean_forward_cuda(OpCall & c);
void reduce_max_forward_cuda(OpCall & c);
void reduce_min_forward_cuda(OpCall & c);
void reduce_prod_forward_cuda(OpCall & c);
void reduce_logsumexp_forward_cuda(OpCall & c);
void argmax_forward_cuda(OpCall & c);
void argmin_forward_cuda(OpCall & c);
void reduce_sum_backward_cuda(OpCall & c);
void reduce_mean_backward_cuda(OpCall & c);
void reduce_max_backward_cuda(OpCall & c); // also reduce_min_backward (same rule)
void reduce_prod_backward_cuda(OpCall & c);
void reduce_logsumexp_backward_cuda(OpCall & c);

// softmax.cu, softmax_xent.cu
void softmax_forward_cuda(OpCall & c);
void log_softmax_forward_cuda(OpCall & c);
void softmax_backward_cuda(OpCall & c);
void log_softmax_backward_cuda(OpCall & c);
void softmax_cross_entropy_forward_cuda(OpCall & c);
void softmax_cross_entropy_backward_cuda(OpCall & c);
void sparse_softmax_cross_entropy_forward_cuda(OpCall & c); // labels: host input 1
void sigmoid_cross_entropy_forward_cuda(OpCall & c);
void sigmoid_cross_entropy_backward_cuda(OpCall & c);

// matmul.cu (cuBLAS, or gemm_tiled.cu)
void matmul_forward_cuda(OpCall & c);
const char * matmul_engine_cuda(); // "cublas" or "builtin"

// optim.cu
void apply_gradient_descent_cuda(OpCall & c);
void apply_moving_average_cuda(OpCall & c);
void apply_momentum_cuda(OpCall & c);
void apply_adagrad_cuda(OpCall & c);
void apply_adadelta_cuda(OpCall & c);
void apply_rms_prop_cuda(OpCall & c);
void apply_centered_rms_prop_cuda(OpCall & c);
void apply_adam_cuda(OpCall & c);

// random.cu, random_dropout.cu
void random_normal_forward_cuda(OpCall & c);
void random_uniform_forward_cuda(OpCall & c);
void truncated_normal_forward_cuda(OpCall & c);
void dropout_forward_cuda(OpCall & c); // keep_prob: host input 1

// index.cu
void gather_forward_cuda(OpCall & c);  // indices: host input 1
void gather_backward_cuda(OpCall & c); // indices: host input 1
void one_hot_forward_cuda(OpCall & c);
void cast_forward_cuda(OpCall & c);
void fill_forward_cuda(OpCall & c);
void range_forward_cuda(OpCall & c);
void linspace_forward_cuda(OpCall & c);
void eye_forward_cuda(OpCall & c);
void fill_value_cuda(Tensor & t, double v); // every element = v (in t's dtype)
void gather_nd_forward_cuda(OpCall & c);    // index_nd.cu; indices: host input 1
void gather_nd_backward_cuda(OpCall & c);   // indices: host input 1

// shape.cu
void concat_forward_cuda(OpCall & c);
void stack_forward_cuda(OpCall & c);
void broadcast_to_forward_cuda(OpCall & c);
void tile_backward_cuda(OpCall & c);
void zeros_like_forward_cuda(OpCall & c);
void ones_like_forward_cuda(OpCall & c);

// cudnn/conv2d.cu (cuDNN when usable, else conv.cu's own im2col + GEMM kernels), pool.cu
void conv2d_forward_cuda(OpCall & c);
void conv2d_backward_input_cuda(OpCall & c);
void conv2d_backward_filter_cuda(OpCall & c);
void max_pool_forward_cuda(OpCall & c);
void max_pool_backward_cuda(OpCall & c);
void avg_pool_forward_cuda(OpCall & c);
void avg_pool_backward_cuda(OpCall & c);

} // namespace nf::cuda
