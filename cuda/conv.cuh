// Shared by the conv2d paths (conv.cu: own kernels; cudnn/conv2d.cu: cuDNN): the geometry of
// TF's conv arithmetic (NHWC input, HWIO filter, SAME / VALID) and the own-kernel entry points
// the cuDNN path falls back to.
#pragma once
#include "cpu/conv.h"
#include "ops/op_table.h"

namespace nf::cuda {

using ConvGeom = cpu::Conv2DGeom;

// Geometry from the input and filter shapes and the attrs (strides, dilations, padding).
ConvGeom conv_geometry(const Shape & x, const Shape & f, const Attrs & attrs);
// Fails unless dy has the conv's output size.
void check_dy(const ConvGeom & g, const Tensor & dy, const Tensor & x);

void conv2d_forward_own(OpCall & call);
void conv2d_backward_input_own(OpCall & call);
void conv2d_backward_filter_own(OpCall & call);

} // namespace nf::cuda
