// Fused optimizer updates on CUDA, the formulas of cpp/cpu/optim.cpp (TF 1.x training_ops.cc
// order of operations, so float32 rounding matches). One pass per update, one thread per
// element; the scalar hyperparameters (lr, rho, ...) stay on the device and are read once per
// thread, so a decayed learning rate computed on the GPU never forces a sync.
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

template <typename T>
struct Bufs {
    T * w[4] = {};         // written in place: var and its slots, in signature order
    const T * g = nullptr; // the gradient
    const T * s[6] = {};   // scalar inputs, in signature order
};

template <typename T, typename F>
__global__ void apply_kernel(Bufs<T> b, int64_t n, F f) {
    T sc[6];
    for (int k = 0; k < 6; k++) sc[k] = b.s[k] ? *b.s[k] : T(0);
    NF_GRID_STRIDE(i, n) { f(b, i, sc); }
}

struct Gd { // var -= g·lr
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        b.w[0][i] -= b.g[i] * s[0];
    }
};
struct MovingAverage { // var -= (var - value)·(1 - decay); s: decay
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        b.w[0][i] -= (b.w[0][i] - b.g[i]) * (T(1) - s[0]);
    }
};
struct Momentum { // s: lr, momentum
    bool nesterov;
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T g = b.g[i], a = b.w[1][i] * s[1] + g;
        b.w[1][i] = a;
        b.w[0][i] -= nesterov ? g * s[0] + a * s[1] * s[0] : a * s[0];
    }
};
struct Adagrad { // s: lr
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T g = b.g[i], a = b.w[1][i] + g * g;
        b.w[1][i] = a;
        b.w[0][i] -= g * s[0] * (T(1) / sqrt(a));
    }
};
struct Adadelta { // s: lr, rho, eps
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T g = b.g[i], rho = s[1], eps = s[2];
        const T a = b.w[1][i] * rho + g * g * (T(1) - rho);
        const T update = sqrt(b.w[2][i] + eps) * (T(1) / sqrt(a + eps)) * g;
        b.w[1][i] = a;
        b.w[0][i] -= update * s[0];
        b.w[2][i] = b.w[2][i] * rho + update * update * (T(1) - rho);
    }
};
struct RmsProp { // w: var, ms, mom; s: lr, rho, momentum, eps
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T g = b.g[i];
        const T ms = b.w[1][i] + (g * g - b.w[1][i]) * (T(1) - s[1]);
        const T m = b.w[2][i] * s[2] + (g * s[0]) / sqrt(ms + s[3]);
        b.w[1][i] = ms;
        b.w[2][i] = m;
        b.w[0][i] -= m;
    }
};
struct CenteredRmsProp { // w: var, mg, ms, mom; s: lr, rho, momentum, eps
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T g = b.g[i];
        const T ms = b.w[2][i] + (g * g - b.w[2][i]) * (T(1) - s[1]);
        const T mg = b.w[1][i] + (g - b.w[1][i]) * (T(1) - s[1]);
        const T denom = (ms - mg * mg) + s[3];
        const T m = b.w[3][i] * s[2] + (g * s[0]) / sqrt(denom);
        b.w[2][i] = ms;
        b.w[1][i] = mg;
        b.w[3][i] = m;
        b.w[0][i] -= m;
    }
};
struct Adam { // s: beta1_power, beta2_power, lr, beta1, beta2, epsilon
    bool nesterov;
    template <typename T>
    __device__ void operator()(Bufs<T> & b, int64_t i, const T * s) const {
        const T b1 = s[3], b2 = s[4], eps = s[5];
        const T alpha = s[2] * sqrt(T(1) - s[1]) / (T(1) - s[0]);
        const T g = b.g[i];
        const T m = b.w[1][i] + (g - b.w[1][i]) * (T(1) - b1);
        const T v = b.w[2][i] + (g * g - b.w[2][i]) * (T(1) - b2);
        b.w[1][i] = m;
        b.w[2][i] = v;
        b.w[0][i] -= nesterov ? ((g * (T(1) - b1) + b1 * m) * alpha) / (sqrt(v) + eps)
                              : (m * alpha) / (sqrt(v) + eps);
    }
};

// Checks the written buffers (dense, not sharing storage: an update through one would be read
// back through another), densifies the gradient, launches, returns the variable (TF's ref).
template <typename F>
void run(OpCall & call, std::initializer_list<int> written, int grad,
         std::initializer_list<int> scalars, F f) {
    for (int i : written) {
        const Tensor & t = call.input(i);
        NF_CHECK(t.is_contiguous(),
                 "input %d must be a dense variable buffer, got a strided view %s", i,
                 t.desc().c_str());
        for (int j : written) {
            NF_CHECK(j >= i || call.input(j).storage() != t.storage(),
                     "inputs %d and %d share storage", j, i);
        }
    }
    const Tensor g = call.input(grad).contiguous();
    const int64_t n = g.numel();
    auto launch = [&](auto zero) {
        using T = decltype(zero);
        Bufs<T> b;
        int k = 0;
        for (int i : written) b.w[k++] = call.input(i).template data<T>();
        b.g = g.template data<T>();
        k = 0;
        for (int i : scalars) b.s[k++] = call.input(i).template data<T>();
        if (n > 0) {
            apply_kernel<<<grid_for(n), kBlock, 0, stream()>>>(b, n, f);
            CUDA_CHECK_LAUNCH();
        }
    };
    switch (call.input(0).dtype()) {
        case DType::F32: launch(0.0f); break;
        case DType::F64: launch(0.0); break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(call.input(0).dtype()));
    }
    call.outputs = {call.input(0)};
}

} // namespace

void apply_gradient_descent_cuda(OpCall & c) { run(c, {0}, 2, {1}, Gd{}); }
void apply_momentum_cuda(OpCall & c) {
    run(c, {0, 1}, 3, {2, 4}, Momentum{c.attrs.get_bool("use_nesterov", false)});
}
void apply_adagrad_cuda(OpCall & c) { run(c, {0, 1}, 3, {2}, Adagrad{}); }
void apply_adadelta_cuda(OpCall & c) { run(c, {0, 1, 2}, 6, {3, 4, 5}, Adadelta{}); }
void apply_rms_prop_cuda(OpCall & c) { run(c, {0, 1, 2}, 7, {3, 4, 5, 6}, RmsProp{}); }
void apply_centered_rms_prop_cuda(OpCall & c) {
    run(c, {0, 1, 2, 3}, 8, {4, 5, 6, 7}, CenteredRmsProp{});
}
void apply_moving_average_cuda(OpCall & c) { run(c, {0}, 2, {1}, MovingAverage{}); }
void apply_adam_cuda(OpCall & c) {
    run(c, {0, 1, 2}, 9, {3, 4, 5, 6, 7, 8}, Adam{c.attrs.get_bool("use_nesterov", false)});
}

} // namespace nf::cuda
