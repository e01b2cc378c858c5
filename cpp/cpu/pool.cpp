// max_pool / avg_pool over [KH, KW] windows of NHWC input, per channel; their backward kernels,
// and max_pool_grad_grad for the gradient of max_pool_backward. SAME padding: padded positions
// are ignored (max over, and average of, the valid elements only, as TF). Max pooling routes the
// gradient to the first maximum of each window.
#include "core/parallel.h"
#include "cpu/conv.h"
#include <cstring>
#include <limits>
#include <vector>

namespace nf::cpu {

namespace {

Conv2DGeom pool_geometry(const Shape & x, const Attrs & a) {
    const std::vector<int64_t> k = a.get_ints("ksize"), st = a.get_ints("strides");
    const bool same = a.get_string("padding") == "SAME";
    Conv2DGeom g{x[0], x[1], x[2], x[3], k[0], k[1], x[3], st[0], st[1], 1, 1, 0, 0, 0, 0};
    conv_out_size(g.h, g.kh, g.sh, 1, same, g.oh, g.pt);
    conv_out_size(g.w, g.kw, g.sw, 1, same, g.ow, g.pl);
    return g;
}

// Calls fn(ih, iw) for each valid input position of output (oh, ow)'s window.
template <typename F>
void for_window(const Conv2DGeom & g, int64_t oh, int64_t ow, F fn) {
    for (int64_t i = 0; i < g.kh; i++) {
        const int64_t ih = oh * g.sh - g.pt + i;
        if (ih < 0 || ih >= g.h) continue;
        for (int64_t j = 0; j < g.kw; j++) {
            const int64_t iw = ow * g.sw - g.pl + j;
            if (iw >= 0 && iw < g.w) fn(ih, iw);
        }
    }
}

template <typename T>
void max_fwd(const T * x, T * y, const Conv2DGeom & g) {
    parallel_for(0, g.n * g.oh * g.ow, 64, [&](int64_t b, int64_t e) {
        for (int64_t p = b; p < e; p++) {
            const int64_t n = p / (g.oh * g.ow), oh = (p / g.ow) % g.oh, ow = p % g.ow;
            T * out = y + p * g.c;
            for (int64_t c = 0; c < g.c; c++) out[c] = -std::numeric_limits<T>::infinity();
            for_window(g, oh, ow, [&](int64_t ih, int64_t iw) {
                const T * in = x + ((n * g.h + ih) * g.w + iw) * g.c;
                // NaN wins (propagates), as in TF's max pooling.
                for (int64_t c = 0; c < g.c; c++) out[c] = (in[c] > out[c] || in[c] != in[c]) ? in[c] : out[c];
            });
        }
    });
}

// Scans one window for channels [c0, c0 + nc) side by side: per channel the running max and
// the index of the window position holding it. The first maximum wins; the first NaN beats
// any number (NaN propagates, as in the forward kernel). Fixed-size buffers and an int32 index the
// width of the value keep the loop over channels free of aliasing, so it vectorizes.
// Always inlined: an out-of-line call (which GCC chose once two kernels used it) runs the
// max-pool backward at half speed.
template <typename T>
__attribute__((always_inline)) inline void window_argmax(const T * const * pos, int npos,
                                                         int64_t nc, T * __restrict m,
                                                         int32_t * __restrict arg) {
    const T * __restrict first = pos[0];
    for (int64_t c = 0; c < nc; c++) {
        m[c] = first[c];
        arg[c] = 0;
    }
    for (int w = 1; w < npos; w++) {
        const T * __restrict in = pos[w];
        for (int64_t c = 0; c < nc; c++) {
            const T v = in[c];
            const bool take = v > m[c] || (v != v && m[c] == m[c]);
            m[c] = take ? v : m[c];
            arg[c] = take ? w : arg[c];
        }
    }
}

// Per output pixel, where each channel's window maximum sits: calls fn(c, at) for every channel
// c, with `at` the element offset in x of the pixel holding the first maximum (or first NaN)
// of channel c. Windows are scanned 64 channels at a time through window_argmax; the buffers
// are per thread (one Argmaxer per parallel_for chunk). A window with no valid position cannot
// occur with TF's padding; it calls nothing.
template <typename T>
class Argmaxer {
public:
    explicit Argmaxer(const Conv2DGeom & g) : g_(g), pos_(g.kh * g.kw), at_(g.kh * g.kw) {}

    template <typename F>
    void each(const T * x, int64_t n, int64_t p, F fn) {
        int npos = 0;
        for_window(g_, p / g_.ow, p % g_.ow, [&](int64_t ih, int64_t iw) {
            at_[npos] = ((n * g_.h + ih) * g_.w + iw) * g_.c;
            pos_[npos] = x + at_[npos];
            npos++;
        });
        if (npos == 0) return;
        for (int64_t c0 = 0; c0 < g_.c; c0 += kBlock) {
            const int64_t nc = std::min<int64_t>(kBlock, g_.c - c0);
            window_argmax<T>(pos_.data(), npos, nc, m_, arg_);
            for (int64_t c = 0; c < nc; c++) fn(c0 + c, at_[arg_[c]]);
            for (int i = 0; i < npos; i++) pos_[i] += nc;
        }
    }

private:
    static constexpr int kBlock = 64;
    const Conv2DGeom & g_;
    std::vector<const T *> pos_;
    std::vector<int64_t> at_;
    alignas(64) T m_[kBlock];
    alignas(64) int32_t arg_[kBlock];
};

// dx starts at zero; each output pixel adds its dy to the argmax of its window. Parallel over
// images: windows of one image overlap when the stride is smaller than the kernel, those of
// different images never do.
template <typename T>
void max_bwd(const T * dy, const T * x, T * dx, const Conv2DGeom & g) {
    parallel_for(0, g.n, 1, [&](int64_t nb, int64_t ne) {
        Argmaxer<T> argmax(g);
        for (int64_t n = nb; n < ne; n++) {
            for (int64_t p = 0; p < g.oh * g.ow; p++) {
                const T * d = dy + (n * g.oh * g.ow + p) * g.c;
                argmax.each(x, n, p, [&](int64_t c, int64_t at) { dx[at + c] += d[c]; });
            }
        }
    });
}

// out starts at zero; each output pixel takes g at its window's first maximum of x: the
// positions max_bwd routes dy to, so this is max_pool_backward's adjoint in dy (TF's
// MaxPoolGradGrad). A gather, not a scatter: parallel over all output pixels.
template <typename T>
void max_grad_grad(const T * x, const T * gx, T * out, const Conv2DGeom & g) {
    parallel_for(0, g.n * g.oh * g.ow, 16, [&](int64_t b, int64_t e) {
        Argmaxer<T> argmax(g);
        for (int64_t q = b; q < e; q++) {
            T * o = out + q * g.c;
            argmax.each(x, q / (g.oh * g.ow), q % (g.oh * g.ow),
                        [&](int64_t c, int64_t at) { o[c] = gx[at + c]; });
        }
    });
}

template <typename T>
void avg_fwd(const T * x, T * y, const Conv2DGeom & g) {
    parallel_for(0, g.n * g.oh * g.ow, 64, [&](int64_t b, int64_t e) {
        for (int64_t p = b; p < e; p++) {
            const int64_t n = p / (g.oh * g.ow), oh = (p / g.ow) % g.oh, ow = p % g.ow;
            T * out = y + p * g.c;
            std::memset(out, 0, sizeof(T) * g.c);
            int64_t count = 0;
            for_window(g, oh, ow, [&](int64_t ih, int64_t iw) {
                const T * in = x + ((n * g.h + ih) * g.w + iw) * g.c;
                for (int64_t c = 0; c < g.c; c++) out[c] += in[c];
                count++;
            });
            for (int64_t c = 0; c < g.c; c++) out[c] /= T(count);
        }
    });
}

template <typename T>
void avg_bwd(const T * dy, T * dx, const Conv2DGeom & g) {
    parallel_for(0, g.n, 1, [&](int64_t nb, int64_t ne) {
        for (int64_t n = nb; n < ne; n++) {
            for (int64_t p = 0; p < g.oh * g.ow; p++) {
                const int64_t oh = p / g.ow, ow = p % g.ow;
                int64_t count = 0;
                for_window(g, oh, ow, [&](int64_t, int64_t) { count++; });
                const T * d = dy + (n * g.oh * g.ow + p) * g.c;
                for_window(g, oh, ow, [&](int64_t ih, int64_t iw) {
                    T * out = dx + ((n * g.h + ih) * g.w + iw) * g.c;
                    for (int64_t c = 0; c < g.c; c++) out[c] += d[c] / T(count);
                });
            }
        }
    });
}

} // namespace

void max_pool_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    Conv2DGeom g = pool_geometry(x.shape(), call.attrs);
    if (x.dtype() == DType::F32) max_fwd(x.data<float>(), call.output(0).data<float>(), g);
    else max_fwd(x.data<double>(), call.output(0).data<double>(), g);
}

// max_pool_backward(dy, x) -> dx
void max_pool_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0), & x = call.input(1);
    Tensor & dx = call.output(0);
    Conv2DGeom g = pool_geometry(x.shape(), call.attrs);
    std::memset(dx.raw(), 0, dx.nbytes());
    if (x.dtype() == DType::F32) max_bwd(dy.data<float>(), x.data<float>(), dx.data<float>(), g);
    else max_bwd(dy.data<double>(), x.data<double>(), dx.data<double>(), g);
}

// max_pool_grad_grad(x, g) -> the pooled shape; g has x's shape
void max_pool_grad_grad_cpu(OpCall & call) {
    const Tensor & x = call.input(0), & gx = call.input(1);
    Conv2DGeom g = pool_geometry(x.shape(), call.attrs);
    Tensor & out = call.output(0);
    std::memset(out.raw(), 0, out.nbytes());
    if (x.dtype() == DType::F32) max_grad_grad(x.data<float>(), gx.data<float>(), out.data<float>(), g);
    else max_grad_grad(x.data<double>(), gx.data<double>(), out.data<double>(), g);
}

void avg_pool_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    Conv2DGeom g = pool_geometry(x.shape(), call.attrs);
    if (x.dtype() == DType::F32) avg_fwd(x.data<float>(), call.output(0).data<float>(), g);
    else avg_fwd(x.data<double>(), call.output(0).data<double>(), g);
}

// avg_pool_backward(dy, like) -> dx, like giving the input's shape
void avg_pool_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0);
    Tensor & dx = call.output(0);
    Conv2DGeom g = pool_geometry(call.input(1).shape(), call.attrs);
    std::memset(dx.raw(), 0, dx.nbytes());
    if (dy.dtype() == DType::F32) avg_bwd(dy.data<float>(), dx.data<float>(), g);
    else avg_bwd(dy.data<double>(), dx.data<double>(), g);
}

} // namespace nf::cpu
