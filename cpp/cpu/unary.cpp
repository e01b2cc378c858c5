// Unary elementwise forward kernels: y[i] = f(x[i]) over contiguous x and y of one dtype.
// One templated pass per op (memory bound: 1 read + 1 write per element), split across
// threads above kUnaryGrain elements. Every op propagates NaN (relu(NaN) = NaN, as TF 2.x).
#include "cpu/unary.h"
#include "core/parallel.h"
#include <algorithm>
#include <cmath>
#include <type_traits>

namespace nf::cpu {

namespace {

// Plain loop over one chunk. f is inlined and, being a by-value parameter, its state (alpha)
// is loop-invariant. With GCC 12 -O3 -march=native this vectorizes every op built from
// arithmetic, compares and selects (neg, abs, sign, square, reciprocal, relu, relu6,
// leaky_relu, softsign, round); libm calls stay scalar, and so do sqrt, floor and ceil under
// the default -fmath-errno / -ftrapping-math.
template <typename T, typename F>
void unary_loop(const T * __restrict x, T * __restrict y, int64_t n, F f) {
    for (int64_t i = 0; i < n; i++) y[i] = f(x[i]);
}

template <typename T, typename F>
void map_unary(const T * x, T * y, int64_t n, F f) {
    parallel_for(0, n, kUnaryGrain, [=](int64_t b, int64_t e) {
        unary_loop(x + b, y + b, e - b, f);
    });
}

// Dtype switch; int32 is instantiated only for the ops TensorFlow defines on integers.
template <bool Ints = false, typename F>
void run_unary(OpCall & call, F f) {
    const Tensor & x = call.input(0);
    Tensor & y = call.output(0);
    const int64_t n = x.numel();
    if (n == 0) return;
    switch (x.dtype()) {
        case DType::F32: map_unary(x.data<float>(), y.data<float>(), n, f); return;
        case DType::F64: map_unary(x.data<double>(), y.data<double>(), n, f); return;
        case DType::I32:
            if constexpr (Ints) {
                map_unary(x.data<int32_t>(), y.data<int32_t>(), n, f);
                return;
            }
            break;
        default: break;
    }
    NF_FAIL("unsupported dtype %s", dtype_name(x.dtype()));
}

// Integer negation and products wrap (two's complement) like TF's int32 kernels, without the
// undefined behaviour of signed overflow in C++.
template <typename T> T negate(T v) {
    if constexpr (std::is_integral_v<T>) return T(0u - uint32_t(v));
    else return -v;
}

// Logistic function without overflow: exp is only taken of a non-positive number.
template <typename T> T stable_sigmoid(T v) {
    if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
    const T e = std::exp(v);   // NaN takes this branch and stays NaN
    return e / (T(1) + e);
}

} // namespace

void neg_forward_cpu(OpCall & c) { run_unary<true>(c, [](auto v) { return negate(v); }); }
void abs_forward_cpu(OpCall & c) {
    run_unary<true>(c, [](auto v) {
        using T = decltype(v);
        if constexpr (std::is_integral_v<T>) return v < 0 ? negate(v) : v;
        else return std::fabs(v);
    });
}
// NOTE: sign(±0) = ±0 and sign(NaN) = NaN (NumPy and TF 2.x).
void sign_forward_cpu(OpCall & c) {
    run_unary<true>(c, [](auto v) {
        using T = decltype(v);
        return v > T(0) ? T(1) : (v < T(0) ? T(-1) : v);
    });
}
void square_forward_cpu(OpCall & c) {
    run_unary<true>(c, [](auto v) {
        using T = decltype(v);
        if constexpr (std::is_integral_v<T>) return T(uint32_t(v) * uint32_t(v));
        else return v * v;
    });
}

void exp_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::exp(v); }); }
void log_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::log(v); }); }
void log1p_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::log1p(v); }); }
void sqrt_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::sqrt(v); }); }
void rsqrt_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) { return decltype(v)(1) / std::sqrt(v); });
}
void reciprocal_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) { return decltype(v)(1) / v; });
}
void sin_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::sin(v); }); }
void cos_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::cos(v); }); }
void tanh_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::tanh(v); }); }
void sigmoid_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return stable_sigmoid(v); }); }

void relu_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return relu_of(v); }); }
void relu6_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return relu6_of(v); }); }
void elu_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return elu_of(v); }); }
void selu_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) {
        using T = decltype(v);
        return T(kSeluScale) * (v < T(0) ? T(kSeluAlpha) * std::expm1(v) : v);
    });
}
void leaky_relu_forward_cpu(OpCall & c) {
    const double alpha = c.attrs.get_float("alpha");
    run_unary(c, [alpha](auto v) {
        using T = decltype(v);
        // Branch-free (max + alpha min): with -ftrapping-math, GCC vectorizes this but not
        // `v < 0 ? alpha * v : v`. Exact, and keeps NaN, ±Infinity and -0.
        return std::max(v, T(0)) + T(alpha) * std::min(v, T(0));
    });
}
// softplus = log1p(exp(-|x|)) + max(x, 0): exp never overflows, and for x << 0 the log1p term
// keeps full relative precision (≈ e^x).
void softplus_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) {
        using T = decltype(v);
        return std::log1p(std::exp(-std::fabs(v))) + (v > T(0) ? v : T(0));
    });
}
void softsign_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) { return v / (decltype(v)(1) + std::fabs(v)); });
}

void floor_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::floor(v); }); }
void ceil_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::ceil(v); }); }
// NOTE: TF rounds half to even (banker's rounding): nearbyint in the default rounding mode.
void round_forward_cpu(OpCall & c) { run_unary(c, [](auto v) { return std::nearbyint(v); }); }

} // namespace nf::cpu
