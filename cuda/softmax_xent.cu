// Fused cross-entropies on CUDA, as cpp/cpu/softmax_xent.cpp. Per slab along the class axis,
// lse = log Σ exp(x) (max-shifted):
//   softmax_cross_entropy(x, z):  loss = Σ z·(lse − x),  backprop = softmax(x)·Σz − z
//   sparse (x [.., C], label):    loss = lse − x[label], backprop = softmax(x) − onehot(label)
//   backward(dloss, backprop[, x]): dx = dloss·backprop  [, dz = dloss·(lse − x)]
//   sigmoid_cross_entropy(x, z) = max(x, 0) − x·z + log1p(exp(−|x|)), elementwise.
#include "core/device.h"
#include "cpu/softmax.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include "cuda/slab.cuh"

namespace nf::cuda {

namespace {

template <typename T, bool Block>
__global__ void xent_kernel(const T * x, const T * z, T * loss, T * back, SlabGeom g) {
    for (int64_t s = slab_first<Block>(); s < g.outer * g.inner; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, base = o * g.c * g.inner + (s - o * g.inner);
        T shift;
        double sum;
        slab_lse<T, Block>(x + base, g, shift, sum);
        const double lse = (double)shift + log(sum);
        double acc = 0, zsum = 0;
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            acc += (double)z[i] * (lse - (double)x[i]);
            zsum += (double)z[i];
        }
        acc = slab_reduce<Block>(acc, Plus{});
        zsum = slab_reduce<Block>(zsum, Plus{});
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            back[i] = (T)(exp((double)x[i] - lse) * zsum - (double)z[i]);
        }
        if (slab_lane<Block>() == 0) loss[s] = (T)acc;
    }
}

// x == nullptr: dx only (dx = dl · backprop); else also dz = dl · (lse − x).
template <typename T, bool Block>
__global__ void xent_back_kernel(const T * dl, const T * bp, const T * x, T * dx, T * dz,
                                 SlabGeom g) {
    for (int64_t s = slab_first<Block>(); s < g.outer * g.inner; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, base = o * g.c * g.inner + (s - o * g.inner);
        double lse = 0;
        if (x) {
            T shift;
            double sum;
            slab_lse<T, Block>(x + base, g, shift, sum);
            lse = (double)shift + log(sum);
        }
        const T d = dl[s];
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            const int64_t i = base + k * g.inner;
            dx[i] = d * bp[i];
            if (x) dz[i] = (T)((double)d * (lse - (double)x[i]));
        }
    }
}

template <typename T>
__global__ void sparse_xent_kernel(const T * x, const int32_t * labels, T * loss, T * back,
                                   SlabGeom g) {
    for (int64_t r = slab_first<true>(); r < g.outer; r += slab_step<true>()) {
        const T * p = x + r * g.c;
        T shift;
        double sum;
        slab_lse<T, true>(p, g, shift, sum);
        const double lse = (double)shift + log(sum);
        const int32_t label = labels[r];
        for (int64_t k = threadIdx.x; k < g.c; k += blockDim.x) {
            back[r * g.c + k] = (T)(exp((double)p[k] - lse) - (k == label ? 1.0 : 0.0));
        }
        if (threadIdx.x == 0) loss[r] = (T)(lse - (double)p[label]);
    }
}

template <typename T>
struct Xent {
    const T * x;
    const T * z;
    T * loss;
    T * back;
    SlabGeom g;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        xent_kernel<T, Block><<<grid, block, 0, stream()>>>(x, z, loss, back, g);
    }
};
template <typename T>
struct XentBack {
    const T * dl;
    const T * bp;
    const T * x;
    T * dx;
    T * dz;
    SlabGeom g;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        xent_back_kernel<T, Block><<<grid, block, 0, stream()>>>(dl, bp, x, dx, dz, g);
    }
};

SlabGeom geom(const Tensor & t, const Attrs & attrs) {
    const int64_t axis = normalize_axis(attrs.get_int("axis", -1), t.ndim());
    const cpu::AxisView v = cpu::axis_view(t.shape(), axis);
    return {v.outer, v.c, v.inner};
}

template <typename T>
void xent_typed(OpCall & call) {
    const SlabGeom g = geom(call.input(0), call.attrs);
    launch_slabs(g, Xent<T>{call.input(0).data<T>(), call.input(1).data<T>(),
                            call.output(0).data<T>(), call.output(1).data<T>(), g});
}

template <typename T>
void xent_back_typed(OpCall & call) {
    const SlabGeom g = geom(call.input(1), call.attrs);
    const bool with_x = call.inputs.size() > 2;
    launch_slabs(g,
                 XentBack<T>{call.input(0).data<T>(), call.input(1).data<T>(),
                             with_x ? call.input(2).data<T>() : nullptr, call.output(0).data<T>(),
                             with_x ? call.output(1).data<T>() : nullptr, g});
}

// Labels arrive on the host (a host input): checked there with the CPU's message, then sent.
template <typename T>
void sparse_typed(OpCall & call) {
    const Tensor & x = call.input(0);
    const Tensor & labels = call.input(1);
    const int64_t c = x.shape().back(), rows = x.numel() / (c > 0 ? c : 1);
    const int32_t * lp = labels.data<int32_t>();
    for (int64_t r = 0; r < rows; r++) {
        NF_CHECK(lp[r] >= 0 && lp[r] < c,
                 "label %d at flat position %lld is out of range [0, %lld)", lp[r], (long long)r,
                 (long long)c);
    }
    if (rows == 0 || c == 0) return;
    Tensor dev_labels = Tensor::empty(labels.shape(), DType::I32, Device::CUDA);
    cuda_copy(labels, dev_labels);
    const unsigned grid = (unsigned)(rows < 65535 * 8 ? rows : 65535 * 8);
    sparse_xent_kernel<T><<<grid, kBlock, 0, stream()>>>(x.data<T>(), dev_labels.data<int32_t>(),
                                                         call.output(0).data<T>(),
                                                         call.output(1).data<T>(), {rows, c, 1});
    CUDA_CHECK_LAUNCH();
}

struct SigmoidXent {
    template <typename T>
    __device__ T operator()(T x, T z) const {
        return (x < T(0) ? T(0) : x) - x * z + log1p(exp(-fabs(x)));
    }
};

// dx = dy · (sigmoid(x) − z), dz = −dy · x; sigmoid in the form that cannot overflow.
template <typename T>
__global__ void sigmoid_xent_back_kernel(const T * dy, const T * x, const T * z, T * dx, T * dz,
                                         int64_t n) {
    NF_GRID_STRIDE(i, n) {
        const T e = exp(-fabs(x[i]));
        const T sig = x[i] >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
        dx[i] = dy[i] * (sig - z[i]);
        dz[i] = -dy[i] * x[i];
    }
}

template <typename T>
void sigmoid_back_typed(OpCall & call) {
    const int64_t n = call.input(1).numel();
    if (n == 0) return;
    sigmoid_xent_back_kernel<T><<<grid_for(n), kBlock, 0, stream()>>>(
        call.input(0).data<T>(), call.input(1).data<T>(), call.input(2).data<T>(),
        call.output(0).data<T>(), call.output(1).data<T>(), n);
    CUDA_CHECK_LAUNCH();
}

#define NF_FLOAT_SWITCH(t, fn)                                                                     \
    switch ((t).dtype()) {                                                                         \
        case DType::F32: fn<float>(call); break;                                                   \
        case DType::F64: fn<double>(call); break;                                                  \
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name((t).dtype()));                 \
    }

} // namespace

void softmax_cross_entropy_forward_cuda(OpCall & call) {
    NF_FLOAT_SWITCH(call.input(0), xent_typed);
}
void softmax_cross_entropy_backward_cuda(OpCall & call) {
    NF_FLOAT_SWITCH(call.input(1), xent_back_typed);
}
void sparse_softmax_cross_entropy_forward_cuda(OpCall & call) {
    NF_FLOAT_SWITCH(call.input(0), sparse_typed);
}
void sigmoid_cross_entropy_forward_cuda(OpCall & call) {
    switch (call.input(0).dtype()) {
        case DType::F32:
            launch_map2<float>(call.input(0), call.input(1), call.output(0), SigmoidXent{});
            break;
        case DType::F64:
            launch_map2<double>(call.input(0), call.input(1), call.output(0), SigmoidXent{});
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(call.input(0).dtype()));
    }
}
void sigmoid_cross_entropy_backward_cuda(OpCall & call) {
    NF_FLOAT_SWITCH(call.input(1), sigmoid_back_typed);
}

} // namespace nf::cuda
