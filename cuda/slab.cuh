// Reductions along one axis of a tensor viewed as [outer, c, inner]: each (o, j) "slab" holds
// c elements at stride inner. Two launch shapes share one kernel body:
//   inner == 1 (rows are contiguous): one block per slab, threads stride over c, then a block
//   reduction (warp shuffles + one shared word per warp);
//   inner > 1: one thread per slab (consecutive threads read consecutive j: coalesced).
// Kernels take `Block` as a template flag and use slab_* below, which are no-ops per thread.
#pragma once
#include "cuda/runtime/common.cuh"

namespace nf::cuda {

struct SlabGeom {
    int64_t outer, c, inner;
};

// Combines v across the block (Block) or returns it (one thread per slab). Every thread of a
// block must call it (it synchronises). The result is valid in every thread.
template <bool Block, typename V, typename Op>
__device__ V slab_reduce(V v, Op op) {
    if constexpr (!Block) {
        return v;
    } else {
        __shared__ unsigned long long words[32]; // one per warp, V's bits (4 or 8 bytes)
        for (int off = 16; off > 0; off >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, off));
        const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
        __syncthreads(); // a previous call may still be reading words
        if (lane == 0) {
            unsigned long long b = 0;
            memcpy(&b, &v, sizeof(V));
            words[warp] = b;
        }
        __syncthreads();
        const int warps = (blockDim.x + 31) >> 5;
        V r;
        memcpy(&r, &words[0], sizeof(V));
        for (int w = 1; w < warps; w++) {
            V x;
            memcpy(&x, &words[w], sizeof(V));
            r = op(r, x);
        }
        return r;
    }
}

// The slabs this thread works on: for (s = first; s < count; s += step).
template <bool Block>
__device__ int64_t slab_first() {
    return Block ? (int64_t)blockIdx.x : blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
}
template <bool Block>
__device__ int64_t slab_step() {
    return Block ? (int64_t)gridDim.x : (int64_t)gridDim.x * blockDim.x;
}
// This thread's elements of a slab: for (k = lane; k < c; k += stride).
template <bool Block>
__device__ int64_t slab_lane() {
    return Block ? threadIdx.x : 0;
}
template <bool Block>
__device__ int64_t slab_stride() {
    return Block ? blockDim.x : 1;
}

struct MaxNan { // NaN wins, as the CPU reducers
    template <typename V>
    __device__ V operator()(V a, V b) const {
        return (b > a || b != b) ? b : a;
    }
};
struct MinNan {
    template <typename V>
    __device__ V operator()(V a, V b) const {
        return (b < a || b != b) ? b : a;
    }
};
struct Plus {
    template <typename V>
    __device__ V operator()(V a, V b) const {
        return a + b;
    }
};

// A softmax slab's shift m (the max, 0 when not finite) and Σ exp(x − m) in double, as the
// CPU's slab_lse; every thread of a block gets both.
template <typename T, bool Block>
__device__ void slab_lse(const T * p, SlabGeom g, T & shift, double & sum) {
    T m = -(T)INFINITY;
    for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
        m = MaxNan{}(m, p[k * g.inner]);
    }
    m = slab_reduce<Block>(m, MaxNan{});
    shift = isfinite(m) ? m : T(0);
    double s = 0;
    for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
        s += (double)exp(p[k * g.inner] - shift);
    }
    sum = slab_reduce<Block>(s, Plus{});
}

// Launches kernel<Block = true> (inner == 1) or <false> over the slabs of g. K is a functor
// `template <bool Block> void launch(unsigned grid, unsigned block)` wrapping the <<< >>> call.
template <typename K>
void launch_slabs(const SlabGeom & g, K k) {
    const int64_t slabs = g.outer * g.inner;
    if (slabs == 0) return;
    if (g.inner == 1) {
        const int64_t blocks = slabs < 65535 * 8 ? slabs : 65535 * 8;
        k.template launch<true>((unsigned)blocks, (unsigned)kBlock);
    } else {
        k.template launch<false>(grid_for(slabs), (unsigned)kBlock);
    }
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
