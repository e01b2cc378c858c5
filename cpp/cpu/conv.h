// 2-D convolution (NHWC input, HWIO filter) and pooling kernels; see conv.cpp and pool.cpp.
#pragma once
#include "ops/op_table.h"

namespace nf::cpu {

// Geometry of one conv or pooling window along H and W (TF's SAME / VALID rules).
struct Conv2DGeom {
    int64_t n, h, w, c;        // input
    int64_t kh, kw, o;         // window (o: output channels; pooling keeps c)
    int64_t sh, sw, dh, dw;    // strides, dilations
    int64_t oh, ow;            // output
    int64_t pt, pl;            // top / left padding
};
// Output size and padding for one axis; throws when the window does not fit (VALID).
void conv_out_size(int64_t in, int64_t k, int64_t s, int64_t d, bool same, int64_t & out, int64_t & pad_before);

// The activation fused_conv2d applies after its bias (attr `activation`: '', relu, relu6, elu).
enum class FusedActivation { NONE, RELU, RELU6, ELU };
FusedActivation fused_activation(const Attrs & a);   // throws on an unknown name

void conv2d_forward_cpu(OpCall & call);
void fused_conv2d_forward_cpu(OpCall & call);
void fused_conv2d_by_parts(OpCall & call);   // conv2d, add, activation via dispatch (CUDA kernel)
void conv2d_backward_input_cpu(OpCall & call);
void conv2d_backward_filter_cpu(OpCall & call);
void max_pool_forward_cpu(OpCall & call);
void max_pool_backward_cpu(OpCall & call);
void max_pool_grad_grad_cpu(OpCall & call);
void avg_pool_forward_cpu(OpCall & call);
void avg_pool_backward_cpu(OpCall & call);

} // namespace nf::cpu
