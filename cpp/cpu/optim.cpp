// Optimizer update kernels, TF 1.x training_ops.cc formulas written the same way (so float32
// rounding matches TF's), e.g. Adam: lr_t = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)(1-b1);
// v += (g²-v)(1-b2); var -= lr_t*m/(sqrt(v)+eps). Each kernel is one fused pass; chunks of large
// variables run on all cores. Scalars (lr, rho, …) are read once, in the variable's dtype.
// Every loop vectorizes under the build's -O3 -march=native -fno-math-errno (sqrt included).
#include "cpu/optim.h"
#include "core/parallel.h"
#include <cmath>

namespace nf::cpu {

namespace {

// Variables under 32K elements are updated on one thread (a wake-up costs more than the pass).
constexpr int64_t kGrain = 1 << 15;

// var and every slot are written in place: they must be dense and must not share storage
// (an update through one would be read back through another).
void check_buffers(const OpCall & call, std::initializer_list<int> idx,
                   std::initializer_list<const char *> names) {
    auto name = names.begin();
    for (int i : idx) {
        const Tensor & t = call.input(i);
        NF_CHECK(t.is_contiguous(), "'%s' must be a dense variable buffer, got a strided view %s",
                 *name, t.desc().c_str());
        auto other = names.begin();
        for (int j : idx) {
            if (j < i) {
                NF_CHECK(call.input(j).storage() != t.storage(), "'%s' and '%s' share storage",
                         *other, *name);
            }
            ++other;
        }
        ++name;
    }
}

template <typename T> T scalar(const OpCall & call, int i) { return call.input(i).data<T>()[0]; }

// Runs body(begin, end) over [0, n) in chunks of at least kGrain elements.
template <typename F> void chunks(int64_t n, F body) {
    parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) { body(b, e); });
}

// ---- per-chunk loops: restrict pointers so each one is a single vectorized pass

template <typename T>
void gd_loop(T * __restrict var, const T * __restrict g, int64_t n, T lr) {
    for (int64_t i = 0; i < n; i++) var[i] -= g[i] * lr;
}

template <typename T, bool Nesterov>
void momentum_loop(T * __restrict var, T * __restrict acc, const T * __restrict g, int64_t n, T lr,
                   T mom) {
    for (int64_t i = 0; i < n; i++) {
        const T a = acc[i] * mom + g[i];
        acc[i] = a;
        if (Nesterov) {
            var[i] -= g[i] * lr + a * mom * lr;
        } else {
            var[i] -= a * lr;
        }
    }
}

template <typename T>
void adagrad_loop(T * __restrict var, T * __restrict acc, const T * __restrict g, int64_t n, T lr) {
    for (int64_t i = 0; i < n; i++) {
        const T a = acc[i] + g[i] * g[i];
        acc[i] = a;
        var[i] -= g[i] * lr * (T(1) / std::sqrt(a));
    }
}

template <typename T>
void adadelta_loop(T * __restrict var, T * __restrict acc, T * __restrict upd_acc,
                   const T * __restrict g, int64_t n, T lr, T rho, T eps) {
    for (int64_t i = 0; i < n; i++) {
        const T a = acc[i] * rho + g[i] * g[i] * (T(1) - rho);
        const T update = std::sqrt(upd_acc[i] + eps) * (T(1) / std::sqrt(a + eps)) * g[i];
        acc[i] = a;
        var[i] -= update * lr;
        upd_acc[i] = upd_acc[i] * rho + update * update * (T(1) - rho);
    }
}

template <typename T>
void rms_prop_loop(T * __restrict var, T * __restrict ms, T * __restrict mom,
                   const T * __restrict g, int64_t n, T lr, T rho, T momentum, T eps) {
    for (int64_t i = 0; i < n; i++) {
        const T s = ms[i] + (g[i] * g[i] - ms[i]) * (T(1) - rho);
        const T m = mom[i] * momentum + (g[i] * lr) / std::sqrt(s + eps);
        ms[i] = s;
        mom[i] = m;
        var[i] -= m;
    }
}

template <typename T>
void centered_rms_prop_loop(T * __restrict var, T * __restrict mg, T * __restrict ms,
                            T * __restrict mom, const T * __restrict g, int64_t n, T lr, T rho,
                            T momentum, T eps) {
    for (int64_t i = 0; i < n; i++) {
        const T s = ms[i] + (g[i] * g[i] - ms[i]) * (T(1) - rho);
        const T a = mg[i] + (g[i] - mg[i]) * (T(1) - rho);
        const T denom = (s - a * a) + eps;
        const T m = mom[i] * momentum + (g[i] * lr) / std::sqrt(denom);
        ms[i] = s;
        mg[i] = a;
        mom[i] = m;
        var[i] -= m;
    }
}

template <typename T, bool Nesterov>
void adam_loop(T * __restrict var, T * __restrict m, T * __restrict v, const T * __restrict g,
               int64_t n, T alpha, T b1, T b2, T eps) {
    for (int64_t i = 0; i < n; i++) {
        const T mi = m[i] + (g[i] - m[i]) * (T(1) - b1);
        const T vi = v[i] + (g[i] * g[i] - v[i]) * (T(1) - b2);
        m[i] = mi;
        v[i] = vi;
        if (Nesterov) {
            var[i] -= ((g[i] * (T(1) - b1) + b1 * mi) * alpha) / (std::sqrt(vi) + eps);
        } else {
            var[i] -= (mi * alpha) / (std::sqrt(vi) + eps);
        }
    }
}

// As TF's assign_moving_average: variable -= (variable - value) * (1 - decay).
template <typename T>
void moving_average_loop(T * __restrict var, const T * __restrict x, int64_t n, T one_minus_decay) {
    for (int64_t i = 0; i < n; i++) var[i] -= (var[i] - x[i]) * one_minus_decay;
}

// ---- typed bodies: input layout as in the op's signature (see cpp/ops/optim_ops.cpp)

template <typename T> void gd(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 1);
    chunks(g.numel(), [&](int64_t b, int64_t e) { gd_loop(var + b, gp + b, e - b, lr); });
}

template <typename T> void momentum(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * acc = c.input(1).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 2), mom = scalar<T>(c, 4);
    const bool nesterov = c.attrs.get_bool("use_nesterov", false);
    chunks(g.numel(), [&](int64_t b, int64_t e) {
        if (nesterov) {
            momentum_loop<T, true>(var + b, acc + b, gp + b, e - b, lr, mom);
        } else {
            momentum_loop<T, false>(var + b, acc + b, gp + b, e - b, lr, mom);
        }
    });
}

template <typename T> void adagrad(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * acc = c.input(1).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 2);
    chunks(g.numel(), [&](int64_t b, int64_t e) { adagrad_loop(var + b, acc + b, gp + b, e - b, lr); });
}

template <typename T> void adadelta(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * acc = c.input(1).data<T>();
    T * upd = c.input(2).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 3), rho = scalar<T>(c, 4), eps = scalar<T>(c, 5);
    chunks(g.numel(), [&](int64_t b, int64_t e) {
        adadelta_loop(var + b, acc + b, upd + b, gp + b, e - b, lr, rho, eps);
    });
}

template <typename T> void rms_prop(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * ms = c.input(1).data<T>();
    T * mom = c.input(2).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 3), rho = scalar<T>(c, 4), momentum = scalar<T>(c, 5);
    const T eps = scalar<T>(c, 6);
    chunks(g.numel(), [&](int64_t b, int64_t e) {
        rms_prop_loop(var + b, ms + b, mom + b, gp + b, e - b, lr, rho, momentum, eps);
    });
}

template <typename T> void centered_rms_prop(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * mg = c.input(1).data<T>();
    T * ms = c.input(2).data<T>();
    T * mom = c.input(3).data<T>();
    const T * gp = g.data<T>();
    const T lr = scalar<T>(c, 4), rho = scalar<T>(c, 5), momentum = scalar<T>(c, 6);
    const T eps = scalar<T>(c, 7);
    chunks(g.numel(), [&](int64_t b, int64_t e) {
        centered_rms_prop_loop(var + b, mg + b, ms + b, mom + b, gp + b, e - b, lr, rho, momentum, eps);
    });
}

template <typename T> void adam(OpCall & c, const Tensor & g) {
    T * var = c.input(0).data<T>();
    T * m = c.input(1).data<T>();
    T * v = c.input(2).data<T>();
    const T * gp = g.data<T>();
    const T b1p = scalar<T>(c, 3), b2p = scalar<T>(c, 4), lr = scalar<T>(c, 5);
    const T b1 = scalar<T>(c, 6), b2 = scalar<T>(c, 7), eps = scalar<T>(c, 8);
    const T alpha = lr * std::sqrt(T(1) - b2p) / (T(1) - b1p);
    const bool nesterov = c.attrs.get_bool("use_nesterov", false);
    chunks(g.numel(), [&](int64_t b, int64_t e) {
        if (nesterov) {
            adam_loop<T, true>(var + b, m + b, v + b, gp + b, e - b, alpha, b1, b2, eps);
        } else {
            adam_loop<T, false>(var + b, m + b, v + b, gp + b, e - b, alpha, b1, b2, eps);
        }
    });
}

template <typename T> void moving_average(OpCall & c, const Tensor & x) {
    T * var = c.input(0).data<T>();
    const T * xp = x.data<T>();
    const T rate = T(1) - scalar<T>(c, 1);
    chunks(x.numel(), [&](int64_t b, int64_t e) { moving_average_loop(var + b, xp + b, e - b, rate); });
}

// Checks the in-place buffers, densifies the gradient (input `grad`), runs the typed body and
// returns the variable itself as the output (TF's ref output).
template <void (*F32)(OpCall &, const Tensor &), void (*F64)(OpCall &, const Tensor &)>
void run(OpCall & call, int grad, std::initializer_list<int> bufs,
         std::initializer_list<const char *> names) {
    check_buffers(call, bufs, names);
    const Tensor g = call.input(grad).contiguous();
    switch (call.input(0).dtype()) {
        case DType::F32: F32(call, g); break;
        case DType::F64: F64(call, g); break;
        default: NF_FAIL("unsupported dtype %s", dtype_name(call.input(0).dtype()));
    }
    call.outputs = {call.input(0)};
}

} // namespace

void apply_gradient_descent_cpu(OpCall & c) { run<gd<float>, gd<double>>(c, 2, {0}, {"var"}); }
void apply_momentum_cpu(OpCall & c) {
    run<momentum<float>, momentum<double>>(c, 3, {0, 1}, {"var", "accum"});
}
void apply_adagrad_cpu(OpCall & c) {
    run<adagrad<float>, adagrad<double>>(c, 3, {0, 1}, {"var", "accum"});
}
void apply_adadelta_cpu(OpCall & c) {
    run<adadelta<float>, adadelta<double>>(c, 6, {0, 1, 2}, {"var", "accum", "accum_update"});
}
void apply_rms_prop_cpu(OpCall & c) {
    run<rms_prop<float>, rms_prop<double>>(c, 7, {0, 1, 2}, {"var", "ms", "mom"});
}
void apply_centered_rms_prop_cpu(OpCall & c) {
    run<centered_rms_prop<float>, centered_rms_prop<double>>(c, 8, {0, 1, 2, 3},
                                                             {"var", "mg", "ms", "mom"});
}
void apply_adam_cpu(OpCall & c) { run<adam<float>, adam<double>>(c, 9, {0, 1, 2}, {"var", "m", "v"}); }
void apply_moving_average_cpu(OpCall & c) {
    run<moving_average<float>, moving_average<double>>(c, 2, {0}, {"var"});
}

} // namespace nf::cpu
