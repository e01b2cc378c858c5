// Unary elementwise forward kernels: y[i] = f(x[i]) over contiguous x and y of one dtype.
// One templated pass per op (memory bound: 1 read + 1 write per element), split across
// threads above kUnaryGrain elements. Every op propagates NaN (relu(NaN) = NaN, as TF 2.x).
#include "cpu/unary.h"
#include "core/parallel.h"
#include <algorithm>
#include <cmath>
#include <cstring>
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

// float32 tanh as TF computes it on the CPU (Eigen's fast tanh, which TF uses for float): an odd
// [13/6] rational approximation on [-7.9, 7.9], clamped outside (where tanh rounds to ±1),
// within 4e-7 of tanh. Only arithmetic and selects, so the loop vectorizes: std::tanh is a scalar
// libm call of ~20 ns per element, which made tanh half of an RNN step's time.
inline float fast_tanh(float v) {
    constexpr float kClamp = 7.90531110763549805f;
    const float x = v > kClamp ? kClamp : (v < -kClamp ? -kClamp : v);   // NaN stays NaN
    const float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return std::fabs(v) < 0.0004f ? v : p / q;   // tanh(x) = x to float precision near 0 (keeps -0)
}

// e^x for float32 x in [-87, 0] (Cephes' expf: x = n·ln2 + r, a degree-6 polynomial for e^r,
// 2^n built in the exponent bits), within 2 ulp. Only arithmetic, conversions and selects, so
// the loops that use it vectorize; std::exp is a scalar libm call.
inline float exp_nonpositive(float x) {
    const float fx = x * 1.44269504088896341f - 0.5f;     // n = round(x / ln2), x <= 0
    const int32_t n = (int32_t)fx;                         // truncates towards 0: rounds up here
    const float nf = (float)n;
    const float r = (x - nf * 0.693359375f) - nf * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = (n + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// float32 logistic, overflow free and accurate to a few ulp (relative, also far out on the
// left tail): e = e^-|x|, then 1/(1+e) or e/(1+e). Below -87 (where 2^n would leave the normal
// range) the caller's fix-up pass takes std::exp. NaN stays NaN.
inline float fast_sigmoid(float v) {
    const float a = v < 0 ? v : -v;                        // -|v|; NaN stays NaN
    const float e = exp_nonpositive(a < -87.0f ? -87.0f : a);
    const float r = 1.0f / (1.0f + e);
    return v >= 0 ? r : e * r;
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
void tanh_forward_cpu(OpCall & c) {
    run_unary(c, [](auto v) {
        if constexpr (std::is_same_v<decltype(v), float>) return fast_tanh(v);
        else return std::tanh(v);
    });
}
void sigmoid_forward_cpu(OpCall & c) {
    const Tensor & x = c.input(0);
    if (x.dtype() != DType::F32) {
        run_unary(c, [](auto v) { return stable_sigmoid(v); });
        return;
    }
    const float * xp = x.data<float>();
    float * yp = c.output(0).data<float>();
    parallel_for(0, x.numel(), kUnaryGrain, [=](int64_t b, int64_t e) {
        unary_loop(xp + b, yp + b, e - b, fast_sigmoid);        // vectorized
        for (int64_t i = b; i < e; i++) {                         // the far left tail, rare
            if (xp[i] < -87.0f) yp[i] = std::exp(xp[i]);
        }
    });
}

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
