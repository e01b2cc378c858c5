// softmax / log_softmax along `axis` and their backward kernels on CUDA, as cpp/cpu/softmax.cpp:
// per slab x[o, :, j]: m = max (0 if not finite), s = Σ exp(x − m) in double;
//   y = exp(x − m) / s,  log y = x − m − log s
//   softmax_backward: dx = y (dy − Σ dy·y)    log_softmax_backward: dx = dy − exp(y) Σ dy
#include "cpu/softmax.h"
#include "cuda/kernels.h"
#include "cuda/slab.cuh"

namespace nf::cuda {

namespace {

template <typename T, bool Log, bool Block>
__global__ void softmax_kernel(const T * x, T * y, SlabGeom g) {
    for (int64_t s = slab_first<Block>(); s < g.outer * g.inner; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, base = o * g.c * g.inner + (s - o * g.inner);
        T shift;
        double sum;
        slab_lse<T, Block>(x + base, g, shift, sum);
        const double lse = (double)shift + log(sum), inv = 1.0 / sum;
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            y[i] = Log ? (T)((double)x[i] - lse) : (T)((double)exp(x[i] - shift) * inv);
        }
    }
}

template <typename T, bool Log, bool Block>
__global__ void softmax_back_kernel(const T * dy, const T * y, T * dx, SlabGeom g) {
    for (int64_t s = slab_first<Block>(); s < g.outer * g.inner; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, base = o * g.c * g.inner + (s - o * g.inner);
        double dot = 0;
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            dot += Log ? (double)dy[i] : (double)dy[i] * (double)y[i];
        }
        dot = slab_reduce<Block>(dot, Plus{});
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            dx[i] = Log ? (T)((double)dy[i] - (double)exp(y[i]) * dot)
                        : (T)((double)y[i] * ((double)dy[i] - dot));
        }
    }
}

template <typename T, bool Log>
struct Forward {
    const T * x;
    T * y;
    SlabGeom g;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        softmax_kernel<T, Log, Block><<<grid, block, 0, stream()>>>(x, y, g);
    }
};

template <typename T, bool Log>
struct Backward {
    const T * dy;
    const T * y;
    T * dx;
    SlabGeom g;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        softmax_back_kernel<T, Log, Block><<<grid, block, 0, stream()>>>(dy, y, dx, g);
    }
};

SlabGeom geom(const Tensor & t, const Attrs & attrs) {
    const cpu::AxisView v =
        cpu::axis_view(t.shape(), normalize_axis(attrs.get_int("axis", -1), t.ndim()));
    return {v.outer, v.c, v.inner};
}

template <bool Log>
void forward(OpCall & call) {
    const Tensor & x = call.input(0);
    const SlabGeom g = geom(x, call.attrs);
    switch (x.dtype()) {
        case DType::F32:
            launch_slabs(g, Forward<float, Log>{x.data<float>(), call.output(0).data<float>(), g});
            break;
        case DType::F64:
            launch_slabs(g,
                         Forward<double, Log>{x.data<double>(), call.output(0).data<double>(), g});
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(x.dtype()));
    }
}

template <bool Log>
void backward(OpCall & call) {
    const Tensor & dy = call.input(0);
    const Tensor & y = call.input(1);
    const SlabGeom g = geom(y, call.attrs);
    Tensor & dx = call.output(0);
    switch (y.dtype()) {
        case DType::F32:
            launch_slabs(
                g, Backward<float, Log>{dy.data<float>(), y.data<float>(), dx.data<float>(), g});
            break;
        case DType::F64:
            launch_slabs(g, Backward<double, Log>{dy.data<double>(), y.data<double>(),
                                                  dx.data<double>(), g});
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(y.dtype()));
    }
}

} // namespace

void softmax_forward_cuda(OpCall & c) { forward<false>(c); }
void log_softmax_forward_cuda(OpCall & c) { forward<true>(c); }
void softmax_backward_cuda(OpCall & c) { backward<false>(c); }
void log_softmax_backward_cuda(OpCall & c) { backward<true>(c); }

} // namespace nf::cuda
