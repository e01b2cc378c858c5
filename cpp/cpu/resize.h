// Image resizing kernels on NHWC images (TF's ResizeNearestNeighbor / ResizeBilinear and their
// gradients); see resize.cpp.
#pragma once
#include "ops/op_table.h"

namespace nf::cpu {

void resize_nearest_neighbor_forward_cpu(OpCall & call);
void resize_nearest_neighbor_backward_cpu(OpCall & call);
void resize_bilinear_forward_cpu(OpCall & call);
void resize_bilinear_backward_cpu(OpCall & call);

} // namespace nf::cpu
