// depthwise_conv2d: x [N,H,W,C] with filter [KH,KW,C,M] -> y [N,OH,OW,C·M],
//   y[n,oh,ow,c·M+m] = Σ_{kh,kw} x[n, oh·sh−pt+kh·dh, ow·sw−pl+kw·dw, c] · f[kh,kw,c,m]
// (taps outside the image read 0). Direct loops whose innermost runs over the channels, which
// are contiguous in NHWC, so they vectorise. y and dx are split by rows across threads; df sums
// per-thread partial filters (no races, no atomics).
#include "cpu/depthwise.h"
#include "core/parallel.h"
#include <algorithm>
#include <vector>

namespace nf::cpu {

namespace {

// Multiply-adds below which a loop stays on one thread (no wake-up cost for small tensors).
constexpr int64_t kGrainWork = 32768;

int64_t row_grain(int64_t work_per_row) {
    return std::max<int64_t>(1, kGrainWork / std::max<int64_t>(work_per_row, 1));
}

// x: the input's shape; f: the filter's [KH, KW, C, M]. Attrs were validated by shape inference.
Conv2DGeom geometry(const Shape & x, const Shape & f, const Attrs & a) {
    const std::vector<int64_t> st = a.get_ints("strides"), dl = a.get_ints("dilations", {1, 1});
    const bool same = a.get_string("padding") == "SAME";
    Conv2DGeom g{x[0], x[1], x[2], x[3], f[0], f[1], f[3], st[0], st[1], dl[0], dl[1], 0, 0, 0, 0};
    conv_out_size(g.h, g.kh, g.sh, g.dh, same, g.oh, g.pt);
    conv_out_size(g.w, g.kw, g.sw, g.dw, same, g.ow, g.pl);
    return g;
}

// o[c·M + m] += a[c] · b[c·M + m] for one tap. M == 1 (the common case) is one vector loop.
template <typename T>
inline void tap_madd(T * __restrict o, const T * __restrict a, const T * __restrict b, int64_t C,
                     int64_t M) {
    if (M == 1) {
        for (int64_t c = 0; c < C; c++) o[c] += a[c] * b[c];
        return;
    }
    for (int64_t c = 0; c < C; c++) {
        const T v = a[c];
        for (int64_t m = 0; m < M; m++) o[c * M + m] += v * b[c * M + m];
    }
}

template <typename T>
void forward(const T * x, const T * f, T * y, const Conv2DGeom & g) {
    const int64_t C = g.c, CM = C * g.o;
    parallel_for(0, g.n * g.oh, row_grain(g.ow * CM * g.kh * g.kw), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const int64_t n = r / g.oh, oh = r % g.oh;
            for (int64_t ow = 0; ow < g.ow; ow++) {
                T * o = y + (r * g.ow + ow) * CM;
                std::fill(o, o + CM, T(0));
                for (int64_t kh = 0; kh < g.kh; kh++) {
                    const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
                    if (ih < 0 || ih >= g.h) continue;
                    for (int64_t kw = 0; kw < g.kw; kw++) {
                        const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
                        if (iw < 0 || iw >= g.w) continue;
                        tap_madd(o, x + ((n * g.h + ih) * g.w + iw) * C, f + (kh * g.kw + kw) * CM,
                                 C, g.o);
                    }
                }
            }
        }
    });
}

// dx[n,ih,iw,c] = Σ over the taps (kh, kw) whose output pixel (oh, ow) reads (ih, iw) of
//   Σ_m dy[n,oh,ow,c·M+m] · f[kh,kw,c,m].  A gather per input pixel: rows split freely.
template <typename T>
void backward_input(const T * dy, const T * f, T * dx, const Conv2DGeom & g) {
    const int64_t C = g.c, M = g.o, CM = C * M;
    parallel_for(0, g.n * g.h, row_grain(g.w * CM * g.kh * g.kw), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const int64_t n = r / g.h, ih = r % g.h;
            for (int64_t iw = 0; iw < g.w; iw++) {
                T * __restrict o = dx + (r * g.w + iw) * C;
                std::fill(o, o + C, T(0));
                for (int64_t kh = 0; kh < g.kh; kh++) {
                    const int64_t th = ih + g.pt - kh * g.dh;   // = oh · sh when a tap reads ih
                    if (th < 0 || th % g.sh != 0 || th / g.sh >= g.oh) continue;
                    for (int64_t kw = 0; kw < g.kw; kw++) {
                        const int64_t tw = iw + g.pl - kw * g.dw;
                        if (tw < 0 || tw % g.sw != 0 || tw / g.sw >= g.ow) continue;
                        const T * __restrict d =
                            dy + ((n * g.oh + th / g.sh) * g.ow + tw / g.sw) * CM;
                        const T * __restrict fk = f + (kh * g.kw + kw) * CM;
                        if (M == 1) {
                            for (int64_t c = 0; c < C; c++) o[c] += d[c] * fk[c];
                            continue;
                        }
                        for (int64_t c = 0; c < C; c++) {
                            T s = 0;
                            for (int64_t m = 0; m < M; m++) s += d[c * M + m] * fk[c * M + m];
                            o[c] += s;
                        }
                    }
                }
            }
        }
    });
}

// df[kh,kw,c,m] = Σ_{n,oh,ow} x[n, ih, iw, c] · dy[n,oh,ow,c·M+m]. Output rows are split into
// at most one chunk per thread, each summing into its own partial filter; partials added last.
template <typename T>
void backward_filter(const T * x, const T * dy, T * df, const Conv2DGeom & g) {
    const int64_t C = g.c, CM = C * g.o, K = g.kh * g.kw * CM, rows = g.n * g.oh;
    const int64_t chunks =
        std::clamp<int64_t>(rows / row_grain(g.ow * CM * g.kh * g.kw), 1, num_threads());
    std::vector<T> part((size_t)(chunks * K), T(0));
    parallel_for(0, chunks, 1, [&](int64_t cb, int64_t ce) {
        for (int64_t ch = cb; ch < ce; ch++) {
            T * acc = part.data() + ch * K;
            for (int64_t r = rows * ch / chunks; r < rows * (ch + 1) / chunks; r++) {
                const int64_t n = r / g.oh, oh = r % g.oh;
                for (int64_t ow = 0; ow < g.ow; ow++) {
                    const T * d = dy + (r * g.ow + ow) * CM;
                    for (int64_t kh = 0; kh < g.kh; kh++) {
                        const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
                        if (ih < 0 || ih >= g.h) continue;
                        for (int64_t kw = 0; kw < g.kw; kw++) {
                            const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
                            if (iw < 0 || iw >= g.w) continue;
                            tap_madd(acc + (kh * g.kw + kw) * CM,
                                     x + ((n * g.h + ih) * g.w + iw) * C, d, C, g.o);
                        }
                    }
                }
            }
        }
    });
    for (int64_t i = 0; i < K; i++) {
        T s = 0;
        for (int64_t ch = 0; ch < chunks; ch++) s += part[(size_t)(ch * K + i)];
        df[i] = s;
    }
}

void check_dy(const Tensor & dy, const Conv2DGeom & g) {
    const Shape & s = dy.shape();
    NF_CHECK(s[0] == g.n && s[1] == g.oh && s[2] == g.ow && s[3] == g.c * g.o,
             "dy %s does not match the depthwise output [%lld,%lld,%lld,%lld]",
             shape_str(s).c_str(), (long long)g.n, (long long)g.oh, (long long)g.ow,
             (long long)(g.c * g.o));
}

} // namespace

// depthwise_conv2d(x [N,H,W,C], f [KH,KW,C,M]) -> y [N,OH,OW,C·M]
void depthwise_conv2d_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & f = call.input(1);
    Tensor & y = call.output(0);
    if (y.numel() == 0) return;
    const Conv2DGeom g = geometry(x.shape(), f.shape(), call.attrs);
    if (x.dtype() == DType::F32) forward(x.data<float>(), f.data<float>(), y.data<float>(), g);
    else forward(x.data<double>(), f.data<double>(), y.data<double>(), g);
}

// depthwise_conv2d_backward_input(dy, f[, like x or attr input_shape]) -> dx
void depthwise_conv2d_backward_input_cpu(OpCall & call) {
    const Tensor & dy = call.input(0), & f = call.input(1);
    Tensor & dx = call.output(0);
    if (dx.numel() == 0) return;
    const Conv2DGeom g = geometry(dx.shape(), f.shape(), call.attrs);
    check_dy(dy, g);
    if (dy.dtype() == DType::F32) {
        backward_input(dy.data<float>(), f.data<float>(), dx.data<float>(), g);
    } else {
        backward_input(dy.data<double>(), f.data<double>(), dx.data<double>(), g);
    }
}

// depthwise_conv2d_backward_filter(x, dy[, like f or attr filter_shape]) -> df
void depthwise_conv2d_backward_filter_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & dy = call.input(1);
    Tensor & df = call.output(0);
    if (df.numel() == 0) return;
    const Conv2DGeom g = geometry(x.shape(), df.shape(), call.attrs);
    check_dy(dy, g);
    if (x.dtype() == DType::F32) {
        backward_filter(x.data<float>(), dy.data<float>(), df.data<float>(), g);
    } else {
        backward_filter(x.data<double>(), dy.data<double>(), df.data<double>(), g);
    }
}

} // namespace nf::cpu
