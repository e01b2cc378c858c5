// Depthwise 2-D convolution kernels (NHWC input, filter [KH, KW, C, M]); see conv_depthwise.cpp.
// The window geometry (Conv2DGeom, conv_out_size: TF's SAME / VALID rule) is conv.h's.
#pragma once
#include "cpu/conv.h"

namespace nf::cpu {

void depthwise_conv2d_forward_cpu(OpCall & call);
void depthwise_conv2d_backward_input_cpu(OpCall & call);
void depthwise_conv2d_backward_filter_cpu(OpCall & call);

} // namespace nf::cpu
