// Unary elementwise ops and activations on CUDA, the same formulas as cpp/cpu/unary.cpp (which
// is the specification: NaN propagates, sign(±0) = ±0, round is half-to-even, int32 wraps).
// y[i] = f(x[i]); contiguous input and output of one dtype, float32/float64 (+ int32 where TF).
#include "cpu/unary.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

// Wrapping int32 arithmetic through uint32 (no signed-overflow UB), as the CPU kernels.
__device__ inline int32_t negate(int32_t v) { return (int32_t)(0u - (uint32_t)v); }
__device__ inline float negate(float v) { return -v; }
__device__ inline double negate(double v) { return -v; }

__device__ inline float stable_sigmoid(float v) {
    if (v >= 0.f) return 1.f / (1.f + expf(-v));
    const float e = expf(v); // NaN takes this branch and stays NaN
    return e / (1.f + e);
}
__device__ inline double stable_sigmoid(double v) {
    if (v >= 0.0) return 1.0 / (1.0 + exp(-v));
    const double e = exp(v);
    return e / (1.0 + e);
}

struct Neg {
    template <typename T>
    __device__ T operator()(T v) const {
        return negate(v);
    }
};
struct Abs {
    __device__ int32_t operator()(int32_t v) const { return v < 0 ? negate(v) : v; }
    __device__ float operator()(float v) const { return fabsf(v); }
    __device__ double operator()(double v) const { return fabs(v); }
};
struct Sign {
    template <typename T>
    __device__ T operator()(T v) const {
        return v > T(0) ? T(1) : (v < T(0) ? T(-1) : v);
    }
};
struct Square {
    __device__ int32_t operator()(int32_t v) const { return (int32_t)((uint32_t)v * (uint32_t)v); }
    __device__ float operator()(float v) const { return v * v; }
    __device__ double operator()(double v) const { return v * v; }
};
struct Exp {
    template <typename T>
    __device__ T operator()(T v) const {
        return exp(v);
    }
};
struct Log {
    template <typename T>
    __device__ T operator()(T v) const {
        return log(v);
    }
};
struct Log1p {
    template <typename T>
    __device__ T operator()(T v) const {
        return log1p(v);
    }
};
struct Sqrt {
    template <typename T>
    __device__ T operator()(T v) const {
        return sqrt(v);
    }
};
struct Rsqrt {
    template <typename T>
    __device__ T operator()(T v) const {
        return T(1) / sqrt(v);
    }
};
struct Reciprocal {
    template <typename T>
    __device__ T operator()(T v) const {
        return T(1) / v;
    }
};
struct Sin {
    template <typename T>
    __device__ T operator()(T v) const {
        return sin(v);
    }
};
struct Cos {
    template <typename T>
    __device__ T operator()(T v) const {
        return cos(v);
    }
};
struct Tanh {
    template <typename T>
    __device__ T operator()(T v) const {
        return tanh(v);
    }
};
struct Sigmoid {
    template <typename T>
    __device__ T operator()(T v) const {
        return stable_sigmoid(v);
    }
};
struct Relu {
    template <typename T>
    __device__ T operator()(T v) const {
        return v < T(0) ? T(0) : v;
    }
};
struct Relu6 {
    template <typename T>
    __device__ T operator()(T v) const {
        return v < T(0) ? T(0) : (v > T(6) ? T(6) : v);
    }
};
struct Elu {
    template <typename T>
    __device__ T operator()(T v) const {
        return v < T(0) ? expm1(v) : v;
    }
};
struct Selu {
    template <typename T>
    __device__ T operator()(T v) const {
        return T(cpu::kSeluScale) * (v < T(0) ? T(cpu::kSeluAlpha) * expm1(v) : v);
    }
};
struct LeakyRelu {
    double alpha;
    template <typename T>
    __device__ T operator()(T v) const {
        return v < T(0) ? T(alpha) * v : v; // NaN falls through to v
    }
};
struct Softplus {
    template <typename T>
    __device__ T operator()(T v) const {
        return log1p(exp(-fabs(v))) + (v > T(0) ? v : T(0));
    }
};
struct Softsign {
    template <typename T>
    __device__ T operator()(T v) const {
        return v / (T(1) + fabs(v));
    }
};
struct Floor {
    template <typename T>
    __device__ T operator()(T v) const {
        return floor(v);
    }
};
struct Ceil {
    template <typename T>
    __device__ T operator()(T v) const {
        return ceil(v);
    }
};
// NOTE: half to even, as TF (rint rounds in the default mode, like the CPU's nearbyint).
struct Round {
    template <typename T>
    __device__ T operator()(T v) const {
        return rint(v);
    }
};

template <typename F, bool Ints = false>
void run(OpCall & call, F f = F{}) {
    const Tensor & x = call.input(0);
    Tensor & y = call.output(0);
    switch (x.dtype()) {
        case DType::F32: launch_map1<float>(x, y, f); return;
        case DType::F64: launch_map1<double>(x, y, f); return;
        case DType::I32:
            if constexpr (Ints) {
                launch_map1<int32_t>(x, y, f);
                return;
            }
            break;
        default: break;
    }
    NF_FAIL("unsupported dtype %s on cuda", dtype_name(x.dtype()));
}

} // namespace

void neg_forward_cuda(OpCall & c) { run<Neg, true>(c); }
void abs_forward_cuda(OpCall & c) { run<Abs, true>(c); }
void sign_forward_cuda(OpCall & c) { run<Sign, true>(c); }
void square_forward_cuda(OpCall & c) { run<Square, true>(c); }
void exp_forward_cuda(OpCall & c) { run<Exp>(c); }
void log_forward_cuda(OpCall & c) { run<Log>(c); }
void log1p_forward_cuda(OpCall & c) { run<Log1p>(c); }
void sqrt_forward_cuda(OpCall & c) { run<Sqrt>(c); }
void rsqrt_forward_cuda(OpCall & c) { run<Rsqrt>(c); }
void reciprocal_forward_cuda(OpCall & c) { run<Reciprocal>(c); }
void sin_forward_cuda(OpCall & c) { run<Sin>(c); }
void cos_forward_cuda(OpCall & c) { run<Cos>(c); }
void tanh_forward_cuda(OpCall & c) { run<Tanh>(c); }
void sigmoid_forward_cuda(OpCall & c) { run<Sigmoid>(c); }
void relu_forward_cuda(OpCall & c) { run<Relu>(c); }
void relu6_forward_cuda(OpCall & c) { run<Relu6>(c); }
void elu_forward_cuda(OpCall & c) { run<Elu>(c); }
void selu_forward_cuda(OpCall & c) { run<Selu>(c); }
void leaky_relu_forward_cuda(OpCall & c) { run(c, LeakyRelu{c.attrs.get_float("alpha")}); }
void softplus_forward_cuda(OpCall & c) { run<Softplus>(c); }
void softsign_forward_cuda(OpCall & c) { run<Softsign>(c); }
void floor_forward_cuda(OpCall & c) { run<Floor>(c); }
void ceil_forward_cuda(OpCall & c) { run<Ceil>(c); }
void round_forward_cuda(OpCall & c) { run<Round>(c); }

} // namespace nf::cuda
