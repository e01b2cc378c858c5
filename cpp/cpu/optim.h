// Fused optimizer update kernels (TF 1.x training_ops Apply*): one pass over the variable that
// updates it and its slots in place. Input 0 (var) and the slot inputs must be dense buffers
// that do not share storage; the gradient and the scalar hyperparameters may be any tensor.
#pragma once
#include "ops/op_table.h"

namespace nf::cpu {
void apply_gradient_descent_cpu(OpCall & call);
void apply_momentum_cpu(OpCall & call);
void apply_adagrad_cpu(OpCall & call);
void apply_adadelta_cpu(OpCall & call);
void apply_rms_prop_cpu(OpCall & call);
void apply_centered_rms_prop_cpu(OpCall & call);
void apply_adam_cpu(OpCall & call);
void apply_moving_average_cpu(OpCall & call);   // var -= (var - value) * (1 - decay)
} // namespace nf::cpu
