// max_pool / avg_pool over [KH, KW] windows of NHWC input on CUDA, and their backward kernels,
// as cpp/cpu/pool.cpp: padded positions are ignored (max over, and mean of, the valid elements
// only, as TF); NaN wins the max; max pooling routes the gradient to the first maximum of
// each window (atomicAdd: overlapping windows may pick the same input). One thread per output
// element forward; avg backward gathers per input element (no atomics).
#include "core/device.h"
#include "cuda/conv.cuh"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

ConvGeom pool_geometry(const Shape & x, const Attrs & a) {
    const std::vector<int64_t> k = a.get_ints("ksize"), st = a.get_ints("strides");
    const bool same = a.get_string("padding") == "SAME";
    ConvGeom g{x[0], x[1], x[2], x[3], k[0], k[1], x[3], st[0], st[1], 1, 1, 0, 0, 0, 0};
    cpu::conv_out_size(g.h, g.kh, g.sh, 1, same, g.oh, g.pt);
    cpu::conv_out_size(g.w, g.kw, g.sw, 1, same, g.ow, g.pl);
    return g;
}

// Output element e = (n, oh, ow, c): its window's first row and column (may be negative).
struct Window {
    int64_t n, c, h0, w0;
};
__device__ inline Window window_of(int64_t e, const ConvGeom & g) {
    const int64_t c = e % g.c, ow = e / g.c % g.ow, oh = e / (g.c * g.ow) % g.oh;
    return {e / (g.c * g.ow * g.oh), c, oh * g.sh - g.pt, ow * g.sw - g.pl};
}

// The first maximum of the window (NaN wins), as an input offset; -1 for an empty window.
template <typename T>
__device__ inline int64_t argmax_window(const T * x, const ConvGeom & g, const Window & w, T & m) {
    int64_t best = -1;
    m = -(T)INFINITY;
    for (int64_t i = 0; i < g.kh; i++) {
        const int64_t ih = w.h0 + i;
        if (ih < 0 || ih >= g.h) continue;
        for (int64_t j = 0; j < g.kw; j++) {
            const int64_t iw = w.w0 + j;
            if (iw < 0 || iw >= g.w) continue;
            const int64_t at = ((w.n * g.h + ih) * g.w + iw) * g.c + w.c;
            const T v = x[at];
            if (best < 0 || v > m || (v != v && m == m)) {
                best = at;
                m = v;
            }
        }
    }
    return best;
}

template <typename T>
__global__ void max_fwd_kernel(const T * x, T * y, ConvGeom g, int64_t total) {
    NF_GRID_STRIDE(e, total) {
        T m;
        argmax_window(x, g, window_of(e, g), m);
        y[e] = m; // -inf for an empty window, as the CPU
    }
}

template <typename T>
__global__ void max_bwd_kernel(const T * dy, const T * x, T * dx, ConvGeom g, int64_t total) {
    NF_GRID_STRIDE(e, total) {
        T m;
        const int64_t best = argmax_window(x, g, window_of(e, g), m);
        if (best >= 0) atomicAdd(dx + best, dy[e]);
    }
}

// Valid taps of a window along one axis starting at s0 (size k) in [0, n).
__device__ inline int64_t valid(int64_t s0, int64_t k, int64_t n) {
    const int64_t lo = s0 < 0 ? 0 : s0, hi = s0 + k > n ? n : s0 + k;
    return hi > lo ? hi - lo : 0;
}

template <typename T>
__global__ void avg_fwd_kernel(const T * x, T * y, ConvGeom g, int64_t total) {
    NF_GRID_STRIDE(e, total) {
        const Window w = window_of(e, g);
        T sum = 0;
        for (int64_t i = 0; i < g.kh; i++) {
            const int64_t ih = w.h0 + i;
            if (ih < 0 || ih >= g.h) continue;
            for (int64_t j = 0; j < g.kw; j++) {
                const int64_t iw = w.w0 + j;
                if (iw >= 0 && iw < g.w) sum += x[((w.n * g.h + ih) * g.w + iw) * g.c + w.c];
            }
        }
        y[e] = sum / T(valid(w.h0, g.kh, g.h) * valid(w.w0, g.kw, g.w));
    }
}

// dx[n, ih, iw, c] = Σ over the windows (oh, ow) that contain it of dy / (window's valid count).
template <typename T>
__global__ void avg_bwd_kernel(const T * dy, T * dx, ConvGeom g, int64_t total) {
    NF_GRID_STRIDE(e, total) {
        const int64_t c = e % g.c, iw = e / g.c % g.w, ih = e / (g.c * g.w) % g.h;
        const int64_t n = e / (g.c * g.w * g.h);
        T acc = 0;
        for (int64_t i = 0; i < g.kh; i++) {
            const int64_t th = ih + g.pt - i;
            if (th < 0 || th % g.sh != 0 || th / g.sh >= g.oh) continue;
            const int64_t oh = th / g.sh;
            for (int64_t j = 0; j < g.kw; j++) {
                const int64_t tw = iw + g.pl - j;
                if (tw < 0 || tw % g.sw != 0 || tw / g.sw >= g.ow) continue;
                const int64_t ow = tw / g.sw;
                const int64_t count =
                    valid(oh * g.sh - g.pt, g.kh, g.h) * valid(ow * g.sw - g.pl, g.kw, g.w);
                acc += dy[((n * g.oh + oh) * g.ow + ow) * g.c + c] / T(count);
            }
        }
        dx[e] = acc;
    }
}

#define NF_POOL_LAUNCH(kernel, total, T, ...)                                                      \
    do {                                                                                           \
        if ((total) > 0) {                                                                         \
            kernel<T><<<grid_for(total), kBlock, 0, stream()>>>(__VA_ARGS__, total);               \
            CUDA_CHECK_LAUNCH();                                                                   \
        }                                                                                          \
    } while (0)

template <typename T>
void max_fwd(OpCall & call) {
    const ConvGeom g = pool_geometry(call.input(0).shape(), call.attrs);
    NF_POOL_LAUNCH(max_fwd_kernel, call.output(0).numel(), T, call.input(0).data<T>(),
                   call.output(0).data<T>(), g);
}

template <typename T>
void max_bwd(OpCall & call) {
    const Tensor &dy = call.input(0), &x = call.input(1);
    const ConvGeom g = pool_geometry(x.shape(), call.attrs);
    cuda_zero(call.output(0));
    NF_POOL_LAUNCH(max_bwd_kernel, dy.numel(), T, dy.data<T>(), x.data<T>(),
                   call.output(0).data<T>(), g);
}

template <typename T>
void avg_fwd(OpCall & call) {
    const ConvGeom g = pool_geometry(call.input(0).shape(), call.attrs);
    NF_POOL_LAUNCH(avg_fwd_kernel, call.output(0).numel(), T, call.input(0).data<T>(),
                   call.output(0).data<T>(), g);
}

template <typename T>
void avg_bwd(OpCall & call) {
    const ConvGeom g = pool_geometry(call.input(1).shape(), call.attrs);
    NF_POOL_LAUNCH(avg_bwd_kernel, call.output(0).numel(), T, call.input(0).data<T>(),
                   call.output(0).data<T>(), g);
}

} // namespace

#define NF_POOL_SWITCH(t, fn)                                                                      \
    switch ((t).dtype()) {                                                                         \
        case DType::F32: fn<float>(call); break;                                                   \
        case DType::F64: fn<double>(call); break;                                                  \
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name((t).dtype()));                 \
    }

void max_pool_forward_cuda(OpCall & call) { NF_POOL_SWITCH(call.input(0), max_fwd); }
void max_pool_backward_cuda(OpCall & call) { NF_POOL_SWITCH(call.input(1), max_bwd); }
void avg_pool_forward_cuda(OpCall & call) { NF_POOL_SWITCH(call.input(0), avg_fwd); }
void avg_pool_backward_cuda(OpCall & call) { NF_POOL_SWITCH(call.input(0), avg_bwd); }

} // namespace nf::cuda
