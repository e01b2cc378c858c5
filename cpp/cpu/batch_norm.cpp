// fused_batch_norm over x [N,H,W,C] (R = N·H·W rows of C channels), as TF's FusedBatchNorm:
//   y = (x − μ) · scale / √(σ² + ε) + offset
// Training: μ, σ² are the batch mean and biased variance; batch_variance reports σ²·R/(R−1)
// (for moving averages, as TF) and saved_mean / saved_variance keep μ, σ² for the backward.
// Inference: μ, σ² are the given mean / variance. Channel sums accumulate in double.
#include "cpu/norm.h"
#include "core/parallel.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace nf::cpu {

namespace {

// Elements below which a pass stays on one thread.
constexpr int64_t kGrain = 32768;

// Σ over rows [0, R) of row_fn(r, acc) into `width` doubles. Rows are split into at most one
// chunk per thread, each with its own accumulator row; the rows are added up at the end.
template <typename F>
std::vector<double> row_reduce(int64_t R, int64_t width, F && row_fn) {
    const int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(width, 1));
    const int64_t chunks = std::clamp<int64_t>(R / grain, 1, num_threads());
    std::vector<double> part((size_t)(chunks * width), 0.0);
    parallel_for(0, chunks, 1, [&](int64_t b, int64_t e) {
        for (int64_t ch = b; ch < e; ch++) {
            double * acc = part.data() + ch * width;
            for (int64_t r = R * ch / chunks; r < R * (ch + 1) / chunks; r++) row_fn(r, acc);
        }
    });
    std::vector<double> out((size_t)width, 0.0);
    for (int64_t ch = 0; ch < chunks; ch++) {
        for (int64_t i = 0; i < width; i++) out[i] += part[ch * width + i];
    }
    return out;
}

// Biased mean and variance of the columns of x [R, C], in two passes (no cancellation).
template <typename T>
void batch_stats(const T * x, int64_t R, int64_t C, std::vector<double> & mean,
                 std::vector<double> & var) {
    mean = row_reduce(R, C, [&](int64_t r, double * acc) {
        const T * row = x + r * C;
        for (int64_t c = 0; c < C; c++) acc[c] += (double)row[c];
    });
    for (double & m : mean) m /= (double)R;   // R == 0: NaN statistics, as TF
    var = row_reduce(R, C, [&](int64_t r, double * acc) {
        const T * row = x + r * C;
        for (int64_t c = 0; c < C; c++) {
            const double d = (double)row[c] - mean[c];
            acc[c] += d * d;
        }
    });
    for (double & v : var) v /= (double)R;
}

// Rows split across threads; fn(r) handles row r.
template <typename F>
void for_rows(int64_t R, int64_t C, F && fn) {
    parallel_for(0, R, std::max<int64_t>(1, kGrain / std::max<int64_t>(C, 1)),
                 [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) fn(r);
    });
}

// Inputs (x, scale, offset[, mean, variance]); outputs (y, batch_mean, batch_variance,
// saved_mean, saved_variance).
template <typename T>
void forward(OpCall & call, double eps, bool training) {
    const Tensor & x = call.input(0);
    const int64_t C = x.shape()[3], R = C ? x.numel() / C : 0;
    const T * xp = x.data<T>();
    const T * scale = call.input(1).data<T>();
    const T * offset = call.input(2).data<T>();
    std::vector<double> mean, var;
    if (training) {
        batch_stats(xp, R, C, mean, var);
    } else {
        mean.assign(call.input(3).data<T>(), call.input(3).data<T>() + C);
        var.assign(call.input(4).data<T>(), call.input(4).data<T>() + C);
    }
    // y = ((x − μ_hi) − μ_lo)·k + offset with μ = μ_hi + μ_lo split into two T values: x − μ_hi
    // is exact near the mean, so float32 keeps its precision even when |μ| >> σ (x·k + b, or a
    // single rounded μ, would lose it to cancellation).
    std::vector<T> m_hi((size_t)C), m_lo((size_t)C), k((size_t)C);
    for (int64_t c = 0; c < C; c++) {
        m_hi[c] = (T)mean[c];
        m_lo[c] = (T)(mean[c] - (double)m_hi[c]);
        k[c] = (T)((double)scale[c] / std::sqrt(var[c] + eps));
    }
    T * y = call.output(0).data<T>();
    for_rows(R, C, [&](int64_t r) {
        const T * __restrict xr = xp + r * C;
        T * __restrict yr = y + r * C;
        for (int64_t c = 0; c < C; c++) yr[c] = ((xr[c] - m_hi[c]) - m_lo[c]) * k[c] + offset[c];
    });
    // Bessel's correction on the reported variance only (TF); R <= 1 keeps it as is.
    const double bessel = training && R > 1 ? (double)R / (double)(R - 1) : 1.0;
    for (int64_t c = 0; c < C; c++) {
        call.output(1).data<T>()[c] = (T)mean[c];
        call.output(2).data<T>()[c] = (T)(var[c] * bessel);
        call.output(3).data<T>()[c] = (T)mean[c];
        call.output(4).data<T>()[c] = (T)var[c];
    }
}

// Inputs (dy, d batch_mean, d batch_variance, x, scale, saved_mean, saved_variance); outputs
// (dx, dscale, doffset, dmean, dvariance), the last two for inference mode (zero in training,
// where mean and variance are not inputs). With k = scale/√(σ²+ε), x̂ = (x − μ)/√(σ²+ε):
//   training:  dx = k·(dy − mean(dy) − x̂·mean(dy·x̂)) + dm/R + dv·2(x − μ)/(R − 1)
//   inference: dx = k·dy,  dmean = −k·Σdy + dm,  dvariance = −½·k/(σ²+ε)·Σdy·(x − μ) + dv
template <typename T>
void backward(OpCall & call, double eps, bool training) {
    const Tensor & x = call.input(3);
    const int64_t C = x.shape()[3], R = C ? x.numel() / C : 0;
    const T * dy = call.input(0).data<T>();
    const T * dm = call.input(1).data<T>();
    const T * dv = call.input(2).data<T>();
    const T * xp = x.data<T>();
    const T * scale = call.input(4).data<T>();
    const T * mean = call.input(5).data<T>();
    const T * var = call.input(6).data<T>();
    // s[c] = Σ dy, s[C + c] = Σ dy·(x − μ)
    std::vector<double> s = row_reduce(R, 2 * C, [&](int64_t r, double * acc) {
        const T * dr = dy + r * C;
        const T * xr = xp + r * C;
        for (int64_t c = 0; c < C; c++) {
            acc[c] += (double)dr[c];
            acc[C + c] += (double)dr[c] * ((double)xr[c] - (double)mean[c]);
        }
    });
    // dx = dy·A + (x − μ)·B + D per channel
    std::vector<T> A((size_t)C), B((size_t)C), D((size_t)C);
    const double n = (double)R, n1 = (double)std::max<int64_t>(R - 1, 1);
    for (int64_t c = 0; c < C; c++) {
        const double inv = 1.0 / std::sqrt((double)var[c] + eps), k = (double)scale[c] * inv;
        const double s0 = s[c], s1 = s[C + c];
        A[c] = (T)k;
        const double dvar_dx = R > 1 ? 2.0 * dv[c] / n1 : 0.0;   // of σ²·R/(R−1), per (x − μ)
        B[c] = training ? (T)(-k * inv * inv * s1 / n + dvar_dx) : T(0);
        D[c] = training ? (T)(-k * s0 / n + (double)dm[c] / n) : T(0);
        // An empty batch has no gradient (its statistics are NaN): zeros, as TF.
        call.output(1).data<T>()[c] = R ? (T)(s1 * inv) : T(0);
        call.output(2).data<T>()[c] = (T)s0;
        call.output(3).data<T>()[c] = training ? T(0) : (T)(-k * s0 + dm[c]);
        call.output(4).data<T>()[c] =
            training ? T(0) : (T)(-0.5 * k * inv * inv * s1 + dv[c]);
    }
    T * dx = call.output(0).data<T>();
    for_rows(R, C, [&](int64_t r) {
        const T * __restrict dr = dy + r * C;
        const T * __restrict xr = xp + r * C;
        T * __restrict o = dx + r * C;
        for (int64_t c = 0; c < C; c++) o[c] = dr[c] * A[c] + (xr[c] - mean[c]) * B[c] + D[c];
    });
}

} // namespace

void fused_batch_norm_forward_cpu(OpCall & call) {
    const double eps = call.attrs.get_float("epsilon");
    const bool training = call.attrs.get_bool("isTraining", true);
    if (call.input(0).dtype() == DType::F32) forward<float>(call, eps, training);
    else forward<double>(call, eps, training);
}

void fused_batch_norm_backward_cpu(OpCall & call) {
    const double eps = call.attrs.get_float("epsilon");
    const bool training = call.attrs.get_bool("isTraining", true);
    if (call.input(3).dtype() == DType::F32) backward<float>(call, eps, training);
    else backward<double>(call, eps, training);
}

} // namespace nf::cpu
