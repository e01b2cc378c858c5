// resize_nearest_neighbor / resize_bilinear: images [N,H,W,C] -> [N,OH,OW,C] with TF's source
// coordinates, in float as TF: scale = in/out, or (in−1)/(out−1) with alignCorners (out > 1).
//   nearest:  src = floor(dst·scale), floor((dst+0.5)·scale) with halfPixelCenters, or
//             round(dst·scale) with alignCorners; clamped to [0, in−1]
//   bilinear: src = dst·scale, or (dst+0.5)·scale − 0.5 with halfPixelCenters; lerp between rows
//             max(floor(src), 0) and min(ceil(src), in−1) with weight src − floor(src)
// The backward kernels gather: the output rows reading one input row form a contiguous range
// (source rows never decrease along the output), so input rows split across threads safely.
#include "cpu/resize.h"
#include "core/parallel.h"
#include <algorithm>
#include <cmath>
#include <vector>

namespace nf::cpu {

namespace {

constexpr int64_t kGrain = 32768;   // elements below which a loop stays on one thread

struct Opts {
    bool align, half;
};

Opts read_opts(const Attrs & a) {
    return {a.get_bool("alignCorners"), a.get_bool("halfPixelCenters")};
}

float resize_scale(int64_t in, int64_t out, bool align) {
    return align && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
}

// Source index of each output position along one axis (nearest).
std::vector<int64_t> nearest_index(int64_t in, int64_t out, Opts o) {
    const float scale = resize_scale(in, out, o.align);
    std::vector<int64_t> idx((size_t)out);
    for (int64_t d = 0; d < out; d++) {
        const float v = o.half ? ((float)d + 0.5f) * scale : (float)d * scale;
        const int64_t i = o.align ? (int64_t)std::round(v) : (int64_t)std::floor(v);
        idx[d] = std::clamp<int64_t>(i, 0, in - 1);
    }
    return idx;
}

// Two source positions and the weight of the second, per output position along one axis.
struct Lerp {
    int64_t lo, hi;
    float t;
};

std::vector<Lerp> bilinear_weights(int64_t in, int64_t out, Opts o) {
    const float scale = resize_scale(in, out, o.align);
    std::vector<Lerp> w((size_t)out);
    for (int64_t d = 0; d < out; d++) {
        // Evaluated in double and rounded once: the same float whether or not the compiler
        // fuses the multiply-subtract.
        const double dd = (double)d;
        const float v = o.half ? (float)((dd + 0.5) * scale - 0.5) : (float)(dd * scale);
        const float f = std::floor(v);
        w[d] = {std::max<int64_t>((int64_t)f, 0), std::min<int64_t>((int64_t)std::ceil(v), in - 1),
                v - f};
    }
    return w;
}

// For each input row i, the output rows [begin[i], end[i]) whose source `row(d)` is i;
// row() must never decrease with d.
struct Ranges {
    std::vector<int64_t> begin, end;
};

template <typename F>
Ranges invert(int64_t in, int64_t out, F && row) {
    Ranges r{std::vector<int64_t>((size_t)in, 0), std::vector<int64_t>((size_t)in, 0)};
    for (int64_t d = out - 1; d >= 0; d--) r.begin[row(d)] = d;
    for (int64_t d = 0; d < out; d++) r.end[row(d)] = d + 1;
    return r;
}

struct Sizes {
    int64_t N, H, W, C, OH, OW;
};
// small: [N,H,W,C] (the source image), big: [N,OH,OW,C] (the resized one).
Sizes sizes_of(const Tensor & small, const Tensor & big) {
    const Shape & s = small.shape();
    return {s[0], s[1], s[2], s[3], big.shape()[1], big.shape()[2]};
}

int64_t row_grain(int64_t per_row) {
    return std::max<int64_t>(1, kGrain / std::max<int64_t>(per_row, 1));
}

template <typename T>
void nearest_fwd(const T * x, T * y, const Sizes & s, Opts o) {
    const auto iy = nearest_index(s.H, s.OH, o), ix = nearest_index(s.W, s.OW, o);
    parallel_for(0, s.N * s.OH, row_grain(s.OW * s.C), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const T * src = x + (r / s.OH * s.H + iy[r % s.OH]) * s.W * s.C;
            for (int64_t ox = 0; ox < s.OW; ox++) {
                std::copy(src + ix[ox] * s.C, src + (ix[ox] + 1) * s.C, y + (r * s.OW + ox) * s.C);
            }
        }
    });
}

// dx[n, i, j] = Σ of dy[n, oy, ox] over the output pixels whose source is (i, j).
template <typename T>
void nearest_bwd(const T * dy, T * dx, const Sizes & s, Opts o) {
    const auto iy = nearest_index(s.H, s.OH, o), ix = nearest_index(s.W, s.OW, o);
    const Ranges rows = invert(s.H, s.OH, [&](int64_t d) { return iy[d]; });
    const int64_t per_row = (s.OH / std::max<int64_t>(s.H, 1) + 1) * s.OW * s.C;
    parallel_for(0, s.N * s.H, row_grain(per_row), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const int64_t n = r / s.H, i = r % s.H;
            T * out = dx + r * s.W * s.C;
            std::fill(out, out + s.W * s.C, T(0));
            for (int64_t oy = rows.begin[i]; oy < rows.end[i]; oy++) {
                const T * g = dy + (n * s.OH + oy) * s.OW * s.C;
                for (int64_t ox = 0; ox < s.OW; ox++) {
                    T * __restrict d = out + ix[ox] * s.C;
                    const T * __restrict gp = g + ox * s.C;
                    for (int64_t c = 0; c < s.C; c++) d[c] += gp[c];
                }
            }
        }
    });
}

template <typename T>
void bilinear_fwd(const T * x, T * y, const Sizes & s, Opts o) {
    const auto wy = bilinear_weights(s.H, s.OH, o), wx = bilinear_weights(s.W, s.OW, o);
    parallel_for(0, s.N * s.OH, row_grain(s.OW * s.C), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const int64_t n = r / s.OH;
            const Lerp & ly = wy[r % s.OH];
            const T * top = x + (n * s.H + ly.lo) * s.W * s.C;
            const T * bot = x + (n * s.H + ly.hi) * s.W * s.C;
            const T ty = (T)ly.t;
            for (int64_t ox = 0; ox < s.OW; ox++) {
                const Lerp & lx = wx[ox];
                const T tx = (T)lx.t;
                const T * tl = top + lx.lo * s.C, * tr = top + lx.hi * s.C;
                const T * bl = bot + lx.lo * s.C, * br = bot + lx.hi * s.C;
                T * out = y + (r * s.OW + ox) * s.C;
                for (int64_t c = 0; c < s.C; c++) {
                    const T t = tl[c] + (tr[c] - tl[c]) * tx, u = bl[c] + (br[c] - bl[c]) * tx;
                    out[c] = t + (u - t) * ty;
                }
            }
        }
    });
}

// Adds w · (row of dy, spread over the two source columns of each output column) into out.
template <typename T>
void add_lerped_row(T * out, const T * g, T w, const std::vector<Lerp> & wx, int64_t C) {
    for (int64_t ox = 0; ox < (int64_t)wx.size(); ox++) {
        const Lerp & lx = wx[ox];
        const T a = w * (T(1) - (T)lx.t), b = w * (T)lx.t;
        T * __restrict l = out + lx.lo * C;
        T * __restrict h = out + lx.hi * C;
        const T * __restrict gp = g + ox * C;
        if (lx.lo == lx.hi) {   // one source column (edge, or an exact position): no aliasing
            for (int64_t c = 0; c < C; c++) l[c] += (a + b) * gp[c];
            continue;
        }
        for (int64_t c = 0; c < C; c++) {
            l[c] += a * gp[c];
            h[c] += b * gp[c];
        }
    }
}

// dx[n, i] = Σ over output rows with lo == i of (1 − ty)·lerp_x(dy row) + Σ over those with
// hi == i of ty·lerp_x(dy row).
template <typename T>
void bilinear_bwd(const T * dy, T * dx, const Sizes & s, Opts o) {
    const auto wy = bilinear_weights(s.H, s.OH, o), wx = bilinear_weights(s.W, s.OW, o);
    const Ranges lo = invert(s.H, s.OH, [&](int64_t d) { return wy[d].lo; });
    const Ranges hi = invert(s.H, s.OH, [&](int64_t d) { return wy[d].hi; });
    const int64_t per_row = (2 * s.OH / std::max<int64_t>(s.H, 1) + 1) * s.OW * s.C;
    parallel_for(0, s.N * s.H, row_grain(per_row), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            const int64_t n = r / s.H, i = r % s.H;
            T * out = dx + r * s.W * s.C;
            std::fill(out, out + s.W * s.C, T(0));
            const T * g = dy + n * s.OH * s.OW * s.C;
            for (int64_t oy = lo.begin[i]; oy < lo.end[i]; oy++) {
                add_lerped_row(out, g + oy * s.OW * s.C, T(1) - (T)wy[oy].t, wx, s.C);
            }
            for (int64_t oy = hi.begin[i]; oy < hi.end[i]; oy++) {
                add_lerped_row(out, g + oy * s.OW * s.C, (T)wy[oy].t, wx, s.C);
            }
        }
    });
}

} // namespace

// images [N,H,W,C] -> [N,OH,OW,C]
void resize_nearest_neighbor_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    Tensor & y = call.output(0);
    const Sizes s = sizes_of(x, y);
    const Opts o = read_opts(call.attrs);
    switch (x.dtype()) {
        case DType::F32: nearest_fwd(x.data<float>(), y.data<float>(), s, o); break;
        case DType::F64: nearest_fwd(x.data<double>(), y.data<double>(), s, o); break;
        case DType::I32: nearest_fwd(x.data<int32_t>(), y.data<int32_t>(), s, o); break;
        default: NF_FAIL("unsupported dtype %s", dtype_name(x.dtype()));
    }
}

// (dy [N,OH,OW,C], images) -> dimages
void resize_nearest_neighbor_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0);
    Tensor & dx = call.output(0);
    const Sizes s = sizes_of(dx, dy);
    const Opts o = read_opts(call.attrs);
    if (dy.dtype() == DType::F32) nearest_bwd(dy.data<float>(), dx.data<float>(), s, o);
    else nearest_bwd(dy.data<double>(), dx.data<double>(), s, o);
}

void resize_bilinear_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    Tensor & y = call.output(0);
    const Sizes s = sizes_of(x, y);
    const Opts o = read_opts(call.attrs);
    if (x.dtype() == DType::F32) bilinear_fwd(x.data<float>(), y.data<float>(), s, o);
    else bilinear_fwd(x.data<double>(), y.data<double>(), s, o);
}

void resize_bilinear_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0);
    Tensor & dx = call.output(0);
    const Sizes s = sizes_of(dx, dy);
    const Opts o = read_opts(call.attrs);
    if (dy.dtype() == DType::F32) bilinear_bwd(dy.data<float>(), dx.data<float>(), s, o);
    else bilinear_bwd(dy.data<double>(), dx.data<double>(), s, o);
}

} // namespace nf::cpu
