// Unary elementwise ops and activations: one forward kernel per op (y = f(x)) and one fused
// backward kernel per differentiable op (dx = g(dy, x) or g(dy, y), see unary_backward.cpp).
// Inputs contiguous, outputs preallocated with x's dtype and shape.
#pragma once
#include "ops/op_table.h"
#include <cmath>

namespace nf::cpu {

// Forward (float32/float64; neg, abs, sign and square also int32).
void neg_forward_cpu(OpCall & call);
void abs_forward_cpu(OpCall & call);
void sign_forward_cpu(OpCall & call);
void exp_forward_cpu(OpCall & call);
void log_forward_cpu(OpCall & call);
void log1p_forward_cpu(OpCall & call);
void sqrt_forward_cpu(OpCall & call);
void rsqrt_forward_cpu(OpCall & call);
void square_forward_cpu(OpCall & call);
void reciprocal_forward_cpu(OpCall & call);
void sin_forward_cpu(OpCall & call);
void cos_forward_cpu(OpCall & call);
void tanh_forward_cpu(OpCall & call);
void sigmoid_forward_cpu(OpCall & call);
void relu_forward_cpu(OpCall & call);
void relu6_forward_cpu(OpCall & call);
void elu_forward_cpu(OpCall & call);
void selu_forward_cpu(OpCall & call);
void leaky_relu_forward_cpu(OpCall & call);   // attr alpha
void softplus_forward_cpu(OpCall & call);
void softsign_forward_cpu(OpCall & call);
void floor_forward_cpu(OpCall & call);
void ceil_forward_cpu(OpCall & call);
void round_forward_cpu(OpCall & call);

// Backward, inputs (dy, x) or (dy, y) as named; output dx (float32/float64).
void abs_backward_cpu(OpCall & call);         // (dy, x)
void exp_backward_cpu(OpCall & call);         // (dy, y)
void log_backward_cpu(OpCall & call);         // (dy, x)
void log1p_backward_cpu(OpCall & call);       // (dy, x)
void sqrt_backward_cpu(OpCall & call);        // (dy, y)
void rsqrt_backward_cpu(OpCall & call);       // (dy, y)
void square_backward_cpu(OpCall & call);      // (dy, x)
void reciprocal_backward_cpu(OpCall & call);  // (dy, y)
void sin_backward_cpu(OpCall & call);         // (dy, x)
void cos_backward_cpu(OpCall & call);         // (dy, x)
void tanh_backward_cpu(OpCall & call);        // (dy, y)
void sigmoid_backward_cpu(OpCall & call);     // (dy, y)
void relu_backward_cpu(OpCall & call);        // (dy, x) or (dy, y): the same mask
void relu6_backward_cpu(OpCall & call);       // (dy, x) or (dy, y): the same mask
void elu_backward_cpu(OpCall & call);         // (dy, y)
void selu_backward_cpu(OpCall & call);        // (dy, y)
void leaky_relu_backward_cpu(OpCall & call);  // (dy, x), attr alpha
void softplus_backward_cpu(OpCall & call);    // (dy, x)
void softsign_backward_cpu(OpCall & call);    // (dy, x)

// The activations fused into other kernels' epilogues (conv2d + bias + activation) use these
// same scalar functions, so fused and unfused graphs give identical values. Comparisons are
// written so that NaN falls through to x (NaN < 0 and NaN > 6 are false).
template <typename T> inline T relu_of(T v) { return v < T(0) ? T(0) : v; }
template <typename T> inline T relu6_of(T v) { return v < T(0) ? T(0) : (v > T(6) ? T(6) : v); }
// expm1 rather than exp(x) - 1: accurate for small negative x.
template <typename T> inline T elu_of(T v) { return v < T(0) ? std::expm1(v) : v; }

// SELU constants (TensorFlow's, from Klambauer et al. 2017).
constexpr double kSeluAlpha = 1.6732632423543772;
constexpr double kSeluScale = 1.0507009873554805;
// Elements per thread chunk: memory-bound loops below this stay on one thread.
constexpr int64_t kUnaryGrain = 1 << 15;

} // namespace nf::cpu
