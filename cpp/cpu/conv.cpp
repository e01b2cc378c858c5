// conv2d as im2col + GEMM. Rows of the column matrix are output pixels (n, oh, ow); columns are
// (kh, kw, c), matching the HWIO filter viewed as [KH·KW·C, O]. So:
//   forward:        y[P, O]  = cols[P, K] · F[K, O]
//   backward input: dcols    = dy[P, O] · Fᵀ,   then col2im adds dcols into dx
//   backward filter dF[K, O] = colsᵀ · dy
// Images are processed in chunks whose column buffer (~8 MB) stays in cache between im2col and
// the GEMM: at [50,14,14,32]*[5,5,32,64], 136 GFLOP/s forward vs 102 with one 31 MB buffer.
// fused_conv2d adds the bias and applies the activation to each chunk's rows right after its
// GEMM, while they are still in cache (TF's _FusedConv2D; the graph fuses in lib/graph/fuse.ts).
#include "cpu/conv.h"
#include "core/parallel.h"
#include "cpu/gemm_builtin.h"
#include "cpu/unary.h"
#include "ops/dispatch.h"
#include <cstring>

namespace nf::cpu {

void conv_out_size(int64_t in, int64_t k, int64_t s, int64_t d, bool same, int64_t & out, int64_t & pad_before) {
    const int64_t eff = (k - 1) * d + 1;
    if (same) {
        out = (in + s - 1) / s;
        pad_before = std::max<int64_t>((out - 1) * s + eff - in, 0) / 2;
    } else {
        NF_CHECK(in >= eff, "the window (%lld, dilated to %lld) is larger than the input (%lld) with VALID padding",
                 (long long)k, (long long)eff, (long long)in);
        out = (in - eff) / s + 1;
        pad_before = 0;
    }
}

namespace {

Conv2DGeom geometry(const Shape & x, const Shape & f, const Attrs & a) {
    const std::vector<int64_t> st = a.get_ints("strides"), dl = a.get_ints("dilations");
    const bool same = a.get_string("padding") == "SAME";
    Conv2DGeom g{x[0], x[1], x[2], x[3], f[0], f[1], f[3], st[0], st[1], dl[0], dl[1], 0, 0, 0, 0};
    conv_out_size(g.h, g.kh, g.sh, g.dh, same, g.oh, g.pt);
    conv_out_size(g.w, g.kw, g.sw, g.dw, same, g.ow, g.pl);
    return g;
}

// Images per chunk so that the [chunk·OH·OW, K] column buffer stays around 8 MB.
int64_t chunk_images(const Conv2DGeom & g, size_t elem) {
    const int64_t per = std::max<int64_t>(g.oh * g.ow * g.kh * g.kw * g.c * (int64_t)elem, 1);
    return std::max<int64_t>(1, std::min<int64_t>(g.n, (int64_t(8) << 20) / per));
}

// One row of the column matrix per output pixel. Without dilation, the KW window positions of
// one filter row are KW·C consecutive elements of x, so each filter row is one copy (zeros where
// the window hangs over the edge) instead of KW small copies: for a 5x5 filter over one channel
// that was most of the forward pass (25 calls of 4 bytes per output pixel).
template <typename T>
void im2col(const T * x, T * cols, const Conv2DGeom & g, int64_t n0, int64_t nimg) {
    const int64_t K = g.kh * g.kw * g.c, rows = nimg * g.oh * g.ow, span = g.kw * g.c;
    parallel_for(0, rows, 256, [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; r++) {
            const int64_t n = n0 + r / (g.oh * g.ow), oh = (r / g.ow) % g.oh, ow = r % g.ow;
            const int64_t iw0 = ow * g.sw - g.pl;
            T * dst = cols + r * K;
            for (int64_t i = 0; i < g.kh; i++, dst += span) {
                const int64_t ih = oh * g.sh - g.pt + i * g.dh;
                if (ih < 0 || ih >= g.h) {
                    std::memset(dst, 0, sizeof(T) * span);
                    continue;
                }
                const T * row = x + (n * g.h + ih) * g.w * g.c;
                if (g.dw == 1) {
                    const int64_t jlo = std::min<int64_t>(g.kw, std::max<int64_t>(0, -iw0));
                    const int64_t jhi = std::max(jlo, std::min<int64_t>(g.kw, g.w - iw0));
                    if (jlo > 0) std::memset(dst, 0, sizeof(T) * jlo * g.c);
                    std::memcpy(dst + jlo * g.c, row + (iw0 + jlo) * g.c, sizeof(T) * (jhi - jlo) * g.c);
                    if (jhi < g.kw) std::memset(dst + jhi * g.c, 0, sizeof(T) * (g.kw - jhi) * g.c);
                    continue;
                }
                for (int64_t j = 0; j < g.kw; j++) {
                    const int64_t iw = iw0 + j * g.dw;
                    if (iw < 0 || iw >= g.w) std::memset(dst + j * g.c, 0, sizeof(T) * g.c);
                    else std::memcpy(dst + j * g.c, row + iw * g.c, sizeof(T) * g.c);
                }
            }
        }
    });
}

// dx (zeroed by the caller) += col2im(dcols); parallel over images: their dx regions are disjoint.
template <typename T>
void col2im(const T * dcols, T * dx, const Conv2DGeom & g, int64_t n0, int64_t nimg) {
    const int64_t K = g.kh * g.kw * g.c;
    parallel_for(0, nimg, 1, [&](int64_t nb, int64_t ne) {
        for (int64_t ni = nb; ni < ne; ni++) {
            for (int64_t p = 0; p < g.oh * g.ow; p++) {
                const int64_t oh = p / g.ow, ow = p % g.ow;
                const T * src = dcols + (ni * g.oh * g.ow + p) * K;
                for (int64_t i = 0; i < g.kh; i++) {
                    const int64_t ih = oh * g.sh - g.pt + i * g.dh;
                    for (int64_t j = 0; j < g.kw; j++, src += g.c) {
                        const int64_t iw = ow * g.sw - g.pl + j * g.dw;
                        if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                        T * d = dx + (((n0 + ni) * g.h + ih) * g.w + iw) * g.c;
                        for (int64_t c = 0; c < g.c; c++) d[c] += src[c];
                    }
                }
            }
        }
    });
}

// The built-in GEMM, whatever the matmul backend: it runs on the same OpenMP threads as
// im2col/col2im. OpenBLAS's own threads keep spinning (sched_yield) after each call and steal
// the cores from those phases: measured at [50,14,14,32]*[5,5,32,64], forward 52 GFLOP/s with
// OpenBLAS vs 103 with the built-in GEMM (OpenBLAS alone does that GEMM at 126).
template <typename T>
void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T * A, int64_t lda, const T * B,
          int64_t ldb, T beta, T * C, int64_t ldc) {
    if constexpr (std::is_same_v<T, float>) {
        gemm_builtin_f32(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
    } else {
        gemm_builtin_f64(ta, tb, M, N, K, 1.0, A, lda, B, ldb, beta, C, ldc);
    }
}

// y[r, :] = act(y[r, :] + bias) for `rows` rows of `o` channels.
template <typename T, typename Act>
void bias_act_rows(T * y, int64_t rows, int64_t o, const T * bias, Act act) {
    parallel_for(0, rows, std::max<int64_t>(1, 8192 / o), [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; r++) {
            T * row = y + r * o;
            for (int64_t c = 0; c < o; c++) row[c] = act(row[c] + bias[c]);
        }
    });
}

template <typename T>
void bias_activation(T * y, int64_t rows, int64_t o, const T * bias, FusedActivation act) {
    switch (act) {
        case FusedActivation::NONE: return bias_act_rows(y, rows, o, bias, [](T v) { return v; });
        case FusedActivation::RELU: return bias_act_rows(y, rows, o, bias, [](T v) { return relu_of(v); });
        case FusedActivation::RELU6: return bias_act_rows(y, rows, o, bias, [](T v) { return relu6_of(v); });
        case FusedActivation::ELU: return bias_act_rows(y, rows, o, bias, [](T v) { return elu_of(v); });
    }
}

// bias == nullptr: plain conv2d.
template <typename T>
void forward(const Tensor & x, const Tensor & f, Tensor & y, const Conv2DGeom & g, const T * bias,
             FusedActivation act) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    Tensor cols = Tensor::empty({chunk * P, K}, x.dtype());
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = std::min(chunk, g.n - n0);
        T * out = y.data<T>() + n0 * P * g.o;
        im2col(x.data<T>(), cols.data<T>(), g, n0, nimg);
        gemm<T>(false, false, nimg * P, g.o, K, cols.data<T>(), K, f.data<T>(), g.o, T(0), out, g.o);
        if (bias) bias_activation(out, nimg * P, g.o, bias, act);
    }
}

template <typename T>
void backward_input(const Tensor & dy, const Tensor & f, Tensor & dx, const Conv2DGeom & g) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    std::memset(dx.raw(), 0, dx.nbytes());
    Tensor dcols = Tensor::empty({chunk * P, K}, dy.dtype());
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = std::min(chunk, g.n - n0);
        gemm<T>(false, true, nimg * P, K, g.o, dy.data<T>() + n0 * P * g.o, g.o, f.data<T>(), g.o, T(0),
                dcols.data<T>(), K);
        col2im(dcols.data<T>(), dx.data<T>(), g, n0, nimg);
    }
}

template <typename T>
void backward_filter(const Tensor & x, const Tensor & dy, Tensor & df, const Conv2DGeom & g) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    std::memset(df.raw(), 0, df.nbytes());
    Tensor cols = Tensor::empty({chunk * P, K}, x.dtype());
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = std::min(chunk, g.n - n0);
        im2col(x.data<T>(), cols.data<T>(), g, n0, nimg);
        gemm<T>(true, false, K, g.o, nimg * P, cols.data<T>(), K, dy.data<T>() + n0 * P * g.o, g.o,
                T(1), df.data<T>(), g.o);   // beta 1: chunks accumulate
    }
}

} // namespace

// conv2d(x [N,H,W,C], f [KH,KW,C,O]) -> y [N,OH,OW,O]
void conv2d_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & f = call.input(1);
    Conv2DGeom g = geometry(x.shape(), f.shape(), call.attrs);
    if (call.output(0).numel() == 0) return;
    if (x.dtype() == DType::F32) forward<float>(x, f, call.output(0), g, nullptr, FusedActivation::NONE);
    else forward<double>(x, f, call.output(0), g, nullptr, FusedActivation::NONE);
}

FusedActivation fused_activation(const Attrs & a) {
    const std::string act = a.has("activation") ? a.get_string("activation") : "";
    if (act.empty()) return FusedActivation::NONE;
    if (act == "relu") return FusedActivation::RELU;
    if (act == "relu6") return FusedActivation::RELU6;
    if (act == "elu") return FusedActivation::ELU;
    NF_FAIL("activation must be '', 'relu', 'relu6' or 'elu', got '%s'", act.c_str());
}

static const char * fused_activation_op(FusedActivation act) {
    switch (act) {
        case FusedActivation::RELU: return "relu";
        case FusedActivation::RELU6: return "relu6";
        case FusedActivation::ELU: return "elu";
        case FusedActivation::NONE: break;
    }
    return nullptr;
}

// fused_conv2d(x, f, bias [O]) -> act(conv2d(x, f) + bias)
void fused_conv2d_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & f = call.input(1), & b = call.input(2);
    Conv2DGeom g = geometry(x.shape(), f.shape(), call.attrs);
    const FusedActivation act = fused_activation(call.attrs);
    if (call.output(0).numel() == 0) return;
    if (x.dtype() == DType::F32) forward<float>(x, f, call.output(0), g, b.data<float>(), act);
    else forward<double>(x, f, call.output(0), g, b.data<double>(), act);
}

// The same result op by op, on the inputs' device: fused_conv2d's CUDA kernel (three launches;
// cuDNN's fused convolution-bias-activation is not wired up yet).
void fused_conv2d_by_parts(OpCall & call) {
    Attrs conv = call.attrs;
    conv.values.erase("activation");
    Tensor y = dispatch("conv2d", {call.input(0), call.input(1)}, conv)[0];
    y = dispatch("add", {y, call.input(2)}, Attrs{})[0];
    if (const char * act = fused_activation_op(fused_activation(call.attrs))) y = dispatch(act, {y}, Attrs{})[0];
    call.output(0) = y;
}

// conv2d_backward_input(dy [N,OH,OW,O], f, like [N,H,W,C] or attr input_shape) -> dx
void conv2d_backward_input_cpu(OpCall & call) {
    const Tensor & dy = call.input(0), & f = call.input(1);
    Tensor & dx = call.output(0);
    Conv2DGeom g = geometry(dx.shape(), f.shape(), call.attrs);
    NF_CHECK(g.oh == dy.shape()[1] && g.ow == dy.shape()[2] && g.n == dy.shape()[0],
             "dy %s does not match the output size of a conv over %s", shape_str(dy.shape()).c_str(),
             shape_str(dx.shape()).c_str());
    if (dx.numel() == 0) return;
    if (dy.dtype() == DType::F32) backward_input<float>(dy, f, dx, g);
    else backward_input<double>(dy, f, dx, g);
}

// conv2d_backward_filter(x, dy, like [KH,KW,C,O]) -> df
void conv2d_backward_filter_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & dy = call.input(1);
    Tensor & df = call.output(0);
    Conv2DGeom g = geometry(x.shape(), df.shape(), call.attrs);
    NF_CHECK(g.oh == dy.shape()[1] && g.ow == dy.shape()[2] && g.n == dy.shape()[0],
             "dy %s does not match the conv output of %s", shape_str(dy.shape()).c_str(), shape_str(x.shape()).c_str());
    if (df.numel() == 0) return;
    if (x.dtype() == DType::F32) backward_filter<float>(x, dy, df, g);
    else backward_filter<double>(x, dy, df, g);
}

} // namespace nf::cpu
