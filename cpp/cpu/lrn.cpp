// lrn: local response normalisation across the channels of x [..., C] (TF's LRN):
//   N_c = bias + alpha · Σ_{|j−c| ≤ r} x_j²,   y_c = x_c · N_c^−β
//   dx_j = dy_j · N_j^−β − 2αβ · x_j · Σ_{|i−j| ≤ r} dy_i · x_i · N_i^(−β−1)
// Window sums are taken in double, per pixel (see window_sums); pixels are split across threads.
#include "cpu/norm.h"
#include "core/parallel.h"
#include <algorithm>
#include <cmath>
#include <vector>

namespace nf::cpu {

namespace {

struct LrnParams {
    int64_t r;
    double bias, alpha, beta;
};

LrnParams lrn_params(const Attrs & a) {
    return {a.get_int("depthRadius"), a.get_float("bias"), a.get_float("alpha"),
            a.get_float("beta")};
}

// out[c] = Σ_{|j−c| ≤ r} v[j] for c in [0, C); pre has C + 1 slots of scratch. Direct sums for
// the usual small radii (exact, and cheap next to pow); prefix-sum differences for wide windows,
// unless the total is Inf or NaN (inf − inf would then poison channels that never see it).
void window_sums(const double * v, int64_t C, int64_t r, double * pre, double * out) {
    if (r > 16) {
        pre[0] = 0;
        for (int64_t j = 0; j < C; j++) pre[j + 1] = pre[j] + v[j];
        if (std::isfinite(pre[C])) {
            for (int64_t c = 0; c < C; c++) {
                out[c] = pre[std::min(C, c + r + 1)] - pre[std::max<int64_t>(0, c - r)];
            }
            return;
        }
    }
    for (int64_t c = 0; c < C; c++) {
        double s = 0;
        for (int64_t j = std::max<int64_t>(0, c - r); j <= std::min(C - 1, c + r); j++) s += v[j];
        out[c] = s;
    }
}

// Per-thread scratch rows of C (+1) doubles.
struct Scratch {
    std::vector<double> a, b, np, pre;
    explicit Scratch(int64_t C) : a((size_t)C), b((size_t)C), np((size_t)C), pre((size_t)C + 1) {}
};

// Pixels split across threads; pow dominates, so chunks are smaller than for plain arithmetic.
template <typename F>
void for_pixels(int64_t P, int64_t C, F && fn) {
    parallel_for(0, P, std::max<int64_t>(1, 4096 / std::max<int64_t>(C, 1)),
                 [&](int64_t b, int64_t e) {
        Scratch s(C);
        for (int64_t q = b; q < e; q++) fn(q, s);
    });
}

template <typename T>
void forward(const T * x, T * y, int64_t P, int64_t C, const LrnParams & p) {
    for_pixels(P, C, [&](int64_t q, Scratch & s) {
        const T * xq = x + q * C;
        for (int64_t c = 0; c < C; c++) s.a[c] = (double)xq[c] * (double)xq[c];
        window_sums(s.a.data(), C, p.r, s.pre.data(), s.b.data());
        for (int64_t c = 0; c < C; c++) {
            y[q * C + c] = (T)((double)xq[c] * std::pow(p.bias + p.alpha * s.b[c], -p.beta));
        }
    });
}

template <typename T>
void backward(const T * dy, const T * x, T * dx, int64_t P, int64_t C, const LrnParams & p) {
    for_pixels(P, C, [&](int64_t q, Scratch & s) {
        const T * xq = x + q * C;
        const T * dq = dy + q * C;
        for (int64_t c = 0; c < C; c++) s.a[c] = (double)xq[c] * (double)xq[c];
        window_sums(s.a.data(), C, p.r, s.pre.data(), s.b.data());
        // s.b: N_c.  s.np: N_c^−β.  s.a: t_i = dy_i · x_i · N_i^(−β−1).
        for (int64_t c = 0; c < C; c++) {
            const double n = p.bias + p.alpha * s.b[c];
            s.np[c] = std::pow(n, -p.beta);
            s.a[c] = (double)dq[c] * (double)xq[c] * s.np[c] / n;
        }
        window_sums(s.a.data(), C, p.r, s.pre.data(), s.b.data());
        const double k = 2.0 * p.alpha * p.beta;
        for (int64_t j = 0; j < C; j++) {
            dx[q * C + j] = (T)((double)dq[j] * s.np[j] - k * (double)xq[j] * s.b[j]);
        }
    });
}

} // namespace

// x [N,H,W,C] -> y
void lrn_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    const int64_t C = x.shape()[3], P = C ? x.numel() / C : 0;
    const LrnParams p = lrn_params(call.attrs);
    if (x.dtype() == DType::F32) forward(x.data<float>(), call.output(0).data<float>(), P, C, p);
    else forward(x.data<double>(), call.output(0).data<double>(), P, C, p);
}

// (dy, x) -> dx
void lrn_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0), & x = call.input(1);
    const int64_t C = x.shape()[3], P = C ? x.numel() / C : 0;
    const LrnParams p = lrn_params(call.attrs);
    Tensor & dx = call.output(0);
    if (x.dtype() == DType::F32) {
        backward(dy.data<float>(), x.data<float>(), dx.data<float>(), P, C, p);
    } else {
        backward(dy.data<double>(), x.data<double>(), dx.data<double>(), P, C, p);
    }
}

} // namespace nf::cpu
