// Elementwise launch helpers shared by the unary, binary and backward kernels: grid-stride
// loops over n elements, with functors (structs with a templated __device__ operator()) for
// the per-element math, so one kernel template serves float, double and int32.
// Broadcast inputs are read through StridedIndex (strides 0 on broadcast dims).
#pragma once
#include "cuda/runtime/common.cuh"

namespace nf::cuda {

#define NF_GRID_STRIDE(i, n)                                                                       \
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n);                      \
         i += (int64_t)gridDim.x * blockDim.x)

template <typename T, typename F>
__global__ void map1_kernel(const T * x, T * y, int64_t n, F f) {
    NF_GRID_STRIDE(i, n) { y[i] = f(x[i]); }
}

template <typename T, typename F>
__global__ void map2_kernel(const T * a, const T * b, T * y, int64_t n, F f) {
    NF_GRID_STRIDE(i, n) { y[i] = f(a[i], b[i]); }
}

// y = f(x), contiguous, same dtype.
template <typename T, typename F>
void launch_map1(const Tensor & x, Tensor & y, F f) {
    const int64_t n = y.numel();
    if (n == 0) return;
    map1_kernel<<<grid_for(n), kBlock, 0, stream()>>>(x.data<T>(), y.data<T>(), n, f);
    CUDA_CHECK_LAUNCH();
}

// y = f(a, b), contiguous, same shape and dtype (backward kernels: f(dy, x or y)).
template <typename T, typename F>
void launch_map2(const Tensor & a, const Tensor & b, Tensor & y, F f) {
    const int64_t n = y.numel();
    if (n == 0) return;
    map2_kernel<<<grid_for(n), kBlock, 0, stream()>>>(a.data<T>(), b.data<T>(), y.data<T>(), n, f);
    CUDA_CHECK_LAUNCH();
}

template <typename A, typename R, typename F>
__global__ void broadcast2_kernel(const A * a, StridedIndex ia, const A * b, StridedIndex ib, R * y,
                                  int64_t n, F f) {
    NF_GRID_STRIDE(i, n) { y[i] = f(a[ia.offset(i)], b[ib.offset(i)]); }
}

template <typename C, typename A, typename R, typename F>
__global__ void broadcast3_kernel(const C * c, StridedIndex ic, const A * a, StridedIndex ia,
                                  const A * b, StridedIndex ib, R * y, int64_t n, F f) {
    NF_GRID_STRIDE(i, n) { y[i] = f(c[ic.offset(i)], a[ia.offset(i)], b[ib.offset(i)]); }
}

// y = f(a, b) with NumPy broadcasting; a and b any strides, y dense with the broadcast shape.
template <typename A, typename R, typename F>
void launch_broadcast2(const Tensor & a, const Tensor & b, Tensor & y, F f) {
    const int64_t n = y.numel();
    if (n == 0) return;
    const Shape & s = y.shape();
    const std::vector<int64_t> sa = broadcast_strides(a.shape(), a.strides(), s);
    const std::vector<int64_t> sb = broadcast_strides(b.shape(), b.strides(), s);
    StridedIndex ia, ib;
    make_indices(s, {&sa, &sb}, {&ia, &ib});
    broadcast2_kernel<<<grid_for(n), kBlock, 0, stream()>>>(a.data<A>(), ia, b.data<A>(), ib,
                                                            y.data<R>(), n, f);
    CUDA_CHECK_LAUNCH();
}

// y = f(c, a, b) with broadcasting (where, clip_by_value); c may have another element type.
template <typename C, typename A, typename R, typename F>
void launch_broadcast3(const Tensor & c, const Tensor & a, const Tensor & b, Tensor & y, F f) {
    const int64_t n = y.numel();
    if (n == 0) return;
    const Shape & s = y.shape();
    const std::vector<int64_t> sc = broadcast_strides(c.shape(), c.strides(), s);
    const std::vector<int64_t> sa = broadcast_strides(a.shape(), a.strides(), s);
    const std::vector<int64_t> sb = broadcast_strides(b.shape(), b.strides(), s);
    StridedIndex ic, ia, ib;
    make_indices(s, {&sc, &sa, &sb}, {&ic, &ia, &ib});
    broadcast3_kernel<<<grid_for(n), kBlock, 0, stream()>>>(c.data<C>(), ic, a.data<A>(), ia,
                                                            b.data<A>(), ib, y.data<R>(), n, f);
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
