// Normalisation kernels over NHWC activations: fused batch norm (batch_norm.cpp) and local
// response normalisation across channels (lrn.cpp).
#pragma once
#include "ops/op_table.h"

namespace nf::cpu {

void fused_batch_norm_forward_cpu(OpCall & call);
void fused_batch_norm_backward_cpu(OpCall & call);
void lrn_forward_cpu(OpCall & call);
void lrn_backward_cpu(OpCall & call);

} // namespace nf::cpu
