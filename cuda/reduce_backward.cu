// Backward kernels of the reductions on CUDA, as cpp/cpu/reduce_backward.cpp. In [outer, r,
// inner] form with dy, y: [outer, inner]:
//   sum: dx = dy   mean: dx = dy / r   logsumexp: dx = dy · exp(x − y)
//   max/min: dx = dy · [x == y] / #ties (NaN matches NaN)   prod: dx = dy · Π_{k≠r} x_k
// When the axes are not one block, x is permuted first and dx is permuted back.
#include "cpu/reduce.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include "cuda/slab.cuh"

namespace nf::cuda {

namespace {

// x in [outer, r, inner] order, and where dx goes first (dx itself, or a permuted temp).
struct Back {
    cpu::ReducePlan p;
    Tensor x, res;
    SlabGeom g() const { return {p.outer, p.r, p.inner}; }
};

Back begin_backward(OpCall & call) {
    const Tensor & x = call.input(1);
    Back b;
    b.p = cpu::make_reduce_plan(x.shape(), cpu::reduce_axes(call.attrs, x.ndim()));
    b.x = cpu::reduce_input(x, b.p);
    b.res = b.p.permuted ? Tensor::empty(b.x.shape(), x.dtype(), Device::CUDA) : call.output(0);
    return b;
}

void end_backward(OpCall & call, const Back & b) {
    if (b.p.permuted) cpu::unpermute_into(b.res, call.input(1), b.p, call.output(0));
}

// The slab (o, j) of flat element i of [outer, r, inner].
__device__ inline int64_t slab_of(int64_t i, SlabGeom g) {
    const int64_t j = i % g.inner;
    return i / (g.c * g.inner) * g.inner + j;
}

template <typename T>
__global__ void broadcast_back_kernel(const T * dy, T * dx, SlabGeom g, T scale, int64_t n) {
    NF_GRID_STRIDE(i, n) { dx[i] = dy[slab_of(i, g)] * scale; }
}

template <typename T>
__device__ inline bool hit(T v, T y) {
    return v == y || (v != v && y != y);
}

// count[s] = how many x of slab s equal y[s] (the ties share the gradient).
template <typename T, bool Block>
__global__ void tie_count_kernel(const T * x, const T * y, T * count, SlabGeom g) {
    for (int64_t s = slab_first<Block>(); s < g.outer * g.inner; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, j = s - o * g.inner;
        const T * p = x + o * g.c * g.inner + j;
        T n = 0;
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            n += hit(p[k * g.inner], y[s]) ? T(1) : T(0);
        }
        n = slab_reduce<Block>(n, Plus{});
        if (slab_lane<Block>() == 0) count[s] = n;
    }
}

template <typename T>
struct TieCount {
    const T * x;
    const T * y;
    T * count;
    SlabGeom g;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        tie_count_kernel<T, Block><<<grid, block, 0, stream()>>>(x, y, count, g);
    }
};

template <typename T>
__global__ void extremum_back_kernel(const T * dy, const T * x, const T * y, const T * count,
                                     T * dx, SlabGeom g, int64_t n) {
    NF_GRID_STRIDE(i, n) {
        const int64_t s = slab_of(i, g);
        dx[i] = hit(x[i], y[s]) ? dy[s] / count[s] : T(0);
    }
}

template <typename T>
__global__ void logsumexp_back_kernel(const T * dy, const T * x, const T * y, T * dx, SlabGeom g,
                                      int64_t n) {
    NF_GRID_STRIDE(i, n) {
        const int64_t s = slab_of(i, g);
        dx[i] = dy[s] * exp(x[i] - y[s]);
    }
}

// One thread per slab: exclusive prefix products, then suffix products times dy (exact with
// zeros, unlike y / x).
template <typename T>
__global__ void prod_back_kernel(const T * dy, const T * x, T * dx, SlabGeom g) {
    for (int64_t s = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; s < g.outer * g.inner;
         s += (int64_t)gridDim.x * blockDim.x) {
        const int64_t o = s / g.inner, j = s - o * g.inner, base = o * g.c * g.inner + j;
        double run = 1.0;
        for (int64_t k = 0; k < g.c; k++) {
            dx[base + k * g.inner] = (T)run;
            run *= (double)x[base + k * g.inner];
        }
        run = 1.0;
        for (int64_t k = g.c - 1; k >= 0; k--) {
            const int64_t i = base + k * g.inner;
            dx[i] = (T)((double)dx[i] * run * (double)dy[s]);
            run *= (double)x[i];
        }
    }
}

enum class Kind { SUM, MEAN, EXTREMUM, PROD, LSE };

template <typename T, Kind K>
void backward_typed(OpCall & call) {
    Back b = begin_backward(call);
    const SlabGeom g = b.g();
    const int64_t n = b.x.numel();
    if (n == 0) {
        end_backward(call, b);
        return;
    }
    const T * dy = call.input(0).data<T>();
    const T * x = b.x.data<T>();
    T * dx = b.res.data<T>();
    const unsigned grid = grid_for(n);
    if constexpr (K == Kind::SUM || K == Kind::MEAN) {
        const T scale = K == Kind::MEAN ? T(1) / (T)(b.p.r > 1 ? b.p.r : 1) : T(1);
        broadcast_back_kernel<<<grid, kBlock, 0, stream()>>>(dy, dx, g, scale, n);
    } else if constexpr (K == Kind::EXTREMUM) {
        const T * y = call.input(2).data<T>();
        Tensor count = Tensor::empty({g.outer * g.inner}, call.input(1).dtype(), Device::CUDA);
        launch_slabs(g, TieCount<T>{x, y, count.data<T>(), g});
        extremum_back_kernel<<<grid, kBlock, 0, stream()>>>(dy, x, y, count.data<T>(), dx, g, n);
    } else if constexpr (K == Kind::LSE) {
        const T * y = call.input(2).data<T>();
        logsumexp_back_kernel<<<grid, kBlock, 0, stream()>>>(dy, x, y, dx, g, n);
    } else {
        prod_back_kernel<<<grid_for(g.outer * g.inner), kBlock, 0, stream()>>>(dy, x, dx, g);
    }
    CUDA_CHECK_LAUNCH();
    end_backward(call, b);
}

template <Kind K>
void backward(OpCall & call) {
    switch (call.input(1).dtype()) {
        case DType::F32: backward_typed<float, K>(call); break;
        case DType::F64: backward_typed<double, K>(call); break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(call.input(1).dtype()));
    }
}

} // namespace

void reduce_sum_backward_cuda(OpCall & c) { backward<Kind::SUM>(c); }
void reduce_mean_backward_cuda(OpCall & c) { backward<Kind::MEAN>(c); }
void reduce_max_backward_cuda(OpCall & c) { backward<Kind::EXTREMUM>(c); }
void reduce_prod_backward_cuda(OpCall & c) { backward<Kind::PROD>(c); }
void reduce_logsumexp_backward_cuda(OpCall & c) { backward<Kind::LSE>(c); }

} // namespace nf::cuda
