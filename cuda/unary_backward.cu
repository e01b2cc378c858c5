// Fused backward kernels of the unary ops on CUDA: dx[i] = g(dy[i], v[i]) with v the forward
// input x or output y, as cpp/cpu/unary_backward.cpp (same formulas, same kink conventions).
#include "cpu/unary.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

struct AbsB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return x > T(0) ? d : (x < T(0) ? -d : T(0));
    }
};
struct ExpB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return d * y;
    }
};
struct LogB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return d / x;
    }
};
struct Log1pB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return d / (T(1) + x);
    }
};
struct SqrtB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return T(0.5) * d / y;
    }
};
struct RsqrtB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return T(-0.5) * d * (y * y * y);
    }
};
struct SquareB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return T(2) * d * x;
    }
};
struct ReciprocalB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return -d * (y * y);
    }
};
struct SinB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return d * cos(x);
    }
};
struct CosB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return -d * sin(x);
    }
};
struct TanhB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return d * (T(1) - y * y);
    }
};
struct SigmoidB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return d * y * (T(1) - y);
    }
};
struct ReluB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return x > T(0) ? d : T(0);
    }
};
struct Relu6B {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return x > T(0) && x < T(6) ? d : T(0);
    }
};
struct EluB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return y > T(0) ? d : d * (y + T(1));
    }
};
struct SeluB {
    template <typename T>
    __device__ T operator()(T d, T y) const {
        return y > T(0) ? T(cpu::kSeluScale) * d : d * (y + T(cpu::kSeluScale * cpu::kSeluAlpha));
    }
};
// NOTE: at x = 0 the slope is alpha (TF's LeakyReluGrad tests features > 0).
struct LeakyReluB {
    double alpha;
    template <typename T>
    __device__ T operator()(T d, T x) const {
        return x > T(0) ? d : T(alpha) * d;
    }
};
struct SoftplusB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        const T e = exp(-fabs(x));
        return d * (x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e));
    }
};
struct SoftsignB {
    template <typename T>
    __device__ T operator()(T d, T x) const {
        const T s = T(1) + fabs(x);
        return d / (s * s);
    }
};

template <typename G>
void run(OpCall & call, G g = G{}) {
    const Tensor & dy = call.input(0);
    const Tensor & v = call.input(1);
    Tensor & dx = call.output(0);
    switch (dy.dtype()) {
        case DType::F32: launch_map2<float>(dy, v, dx, g); return;
        case DType::F64: launch_map2<double>(dy, v, dx, g); return;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(dy.dtype()));
    }
}

} // namespace

void abs_backward_cuda(OpCall & c) { run<AbsB>(c); }
void exp_backward_cuda(OpCall & c) { run<ExpB>(c); }
void log_backward_cuda(OpCall & c) { run<LogB>(c); }
void log1p_backward_cuda(OpCall & c) { run<Log1pB>(c); }
void sqrt_backward_cuda(OpCall & c) { run<SqrtB>(c); }
void rsqrt_backward_cuda(OpCall & c) { run<RsqrtB>(c); }
void square_backward_cuda(OpCall & c) { run<SquareB>(c); }
void reciprocal_backward_cuda(OpCall & c) { run<ReciprocalB>(c); }
void sin_backward_cuda(OpCall & c) { run<SinB>(c); }
void cos_backward_cuda(OpCall & c) { run<CosB>(c); }
void tanh_backward_cuda(OpCall & c) { run<TanhB>(c); }
void sigmoid_backward_cuda(OpCall & c) { run<SigmoidB>(c); }
void relu_backward_cuda(OpCall & c) { run<ReluB>(c); }
void relu6_backward_cuda(OpCall & c) { run<Relu6B>(c); }
void elu_backward_cuda(OpCall & c) { run<EluB>(c); }
void selu_backward_cuda(OpCall & c) { run<SeluB>(c); }
void leaky_relu_backward_cuda(OpCall & c) { run(c, LeakyReluB{c.attrs.get_float("alpha")}); }
void softplus_backward_cuda(OpCall & c) { run<SoftplusB>(c); }
void softsign_backward_cuda(OpCall & c) { run<SoftsignB>(c); }

} // namespace nf::cuda
