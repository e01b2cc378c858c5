// Index family on CUDA, as cpp/cpu/index_*.cpp: gather along an axis (+ its scatter-add
// backward, atomicAdd: repeated indices accumulate, in an unspecified order), one_hot, cast,
// and the creation ops fill, range, linspace, eye. gather's indices are a host input: checked
// on the host with the CPU's message before any device memory is read, then sent once.
#include "core/device.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include <type_traits>

namespace nf::cuda {

namespace {

// Calls f(T{}) with the element type of `t` (bool is uint8_t).
template <typename F>
void visit_dtype(DType t, F && f) {
    switch (t) {
        case DType::F32: f(float{}); break;
        case DType::F64: f(double{}); break;
        case DType::I32: f(int32_t{}); break;
        case DType::BOOL: f(uint8_t{}); break;
    }
}

template <typename T>
__host__ __device__ T typed(double v) {
    if constexpr (std::is_same_v<T, uint8_t>)
        return v != 0;
    else
        return (T)v;
}

struct GatherDims {
    int64_t outer, a, inner, n; // params = [outer, a, inner], indices = [n]
};

// Validates the (host) indices against [0, a) and sends them to the device.
Tensor checked_indices(const Tensor & params, const Tensor & indices, const Attrs & attrs,
                       GatherDims & g) {
    const int64_t axis = normalize_axis(attrs.get_int("axis", 0), params.ndim());
    g = {1, params.shape()[axis], 1, indices.numel()};
    for (int64_t d = 0; d < axis; d++) g.outer *= params.shape()[d];
    for (int64_t d = axis + 1; d < params.ndim(); d++) g.inner *= params.shape()[d];
    const int32_t * idx = indices.data<int32_t>();
    for (int64_t i = 0; i < g.n; i++) {
        NF_CHECK(idx[i] >= 0 && idx[i] < g.a,
                 "indices (flat position %lld) = %d is out of range: must be in [0, %lld)",
                 (long long)i, idx[i], (long long)g.a);
    }
    Tensor dev = Tensor::empty(indices.shape(), DType::I32, Device::CUDA);
    cuda_copy(indices, dev);
    return dev;
}

template <typename E>
__global__ void gather_kernel(const E * p, const int32_t * idx, E * out, GatherDims g,
                              int64_t total) {
    NF_GRID_STRIDE(i, total) { // out = [outer, n, inner]
        const int64_t j = i % g.inner, r = i / g.inner, o = r / g.n;
        out[i] = p[(o * g.a + idx[r - o * g.n]) * g.inner + j];
    }
}

template <typename T>
__global__ void scatter_add_kernel(const T * dy, const int32_t * idx, T * dx, GatherDims g,
                                   int64_t total) {
    NF_GRID_STRIDE(i, total) { // dy = [outer, n, inner] into dx = [outer, a, inner]
        const int64_t j = i % g.inner, r = i / g.inner, o = r / g.n;
        atomicAdd(dx + (o * g.a + idx[r - o * g.n]) * g.inner + j, dy[i]);
    }
}

template <typename T>
__global__ void one_hot_kernel(const int32_t * idx, T * y, int64_t depth, int64_t inner,
                               int64_t total, T on, T off) {
    NF_GRID_STRIDE(i, total) { // y = [outer, depth, inner]; NOTE: bad indices: all off
        const int64_t j = i % inner, d = i / inner % depth, o = i / (inner * depth);
        y[i] = idx[o * inner + j] == d ? on : off;
    }
}

// float -> int32 truncates and saturates, NaN -> 0; -> bool is x != 0 (cpu/index_create.cpp).
template <typename D, typename S>
__device__ inline D cast_one(S v) {
    if constexpr (std::is_same_v<D, uint8_t>) {
        return v != S(0);
    } else if constexpr (std::is_same_v<D, int32_t> && std::is_floating_point_v<S>) {
        double x = (double)v; // comparisons, not fmin/fmax: NaN must stay NaN (-> 0)
        x = x < -2147483648.0 ? -2147483648.0 : x;
        x = x > 2147483647.0 ? 2147483647.0 : x;
        return x == x ? (int32_t)x : 0;
    } else {
        return (D)v;
    }
}

template <typename D, typename S>
__global__ void cast_kernel(const S * x, D * y, int64_t n) {
    NF_GRID_STRIDE(i, n) { y[i] = cast_one<D>(x[i]); }
}

// y[i] = start + i·step (range, linspace) or the constant `start` (fill, step 0).
template <typename T>
__global__ void affine_kernel(T * y, int64_t n, double start, double step, double constant,
                              bool is_fill) {
    NF_GRID_STRIDE(i, n) { y[i] = is_fill ? typed<T>(constant) : (T)(start + (double)i * step); }
}

template <typename T>
__global__ void eye_kernel(T * y, int64_t rows, int64_t cols, int64_t n) {
    NF_GRID_STRIDE(i, n) {
        const int64_t c = i % cols, r = i / cols % rows;
        y[i] = r == c ? T(1) : T(0);
    }
}

void fill_affine(Tensor & out, double start, double step, double constant, bool is_fill) {
    const int64_t n = out.numel();
    if (n == 0) return;
    visit_dtype(out.dtype(), [&](auto tag) {
        using T = decltype(tag);
        affine_kernel<T><<<grid_for(n), kBlock, 0, stream()>>>(out.data<T>(), n, start, step,
                                                               constant, is_fill);
    });
    CUDA_CHECK_LAUNCH();
}

} // namespace

void gather_forward_cuda(OpCall & call) {
    GatherDims g;
    Tensor idx = checked_indices(call.input(0), call.input(1), call.attrs, g);
    Tensor & out = call.output(0);
    const int64_t total = out.numel();
    if (total == 0) return;
    const Tensor & p = call.input(0);
    const int32_t * ip = idx.data<int32_t>();
    const unsigned grid = grid_for(total);
    // Gathering moves bits: one instantiation per element size serves every dtype.
    switch (dtype_size(p.dtype())) {
        case 1:
            gather_kernel<<<grid, kBlock, 0, stream()>>>(p.data<uint8_t>(), ip, out.data<uint8_t>(),
                                                         g, total);
            break;
        case 4:
            gather_kernel<<<grid, kBlock, 0, stream()>>>(p.data<uint32_t>(), ip,
                                                         out.data<uint32_t>(), g, total);
            break;
        default:
            gather_kernel<<<grid, kBlock, 0, stream()>>>(p.data<uint64_t>(), ip,
                                                         out.data<uint64_t>(), g, total);
            break;
    }
    CUDA_CHECK_LAUNCH();
}

// inputs: dy [outer, n, inner], indices (host), params (lends its run-time shape).
void gather_backward_cuda(OpCall & call) {
    GatherDims g;
    Tensor idx = checked_indices(call.input(2), call.input(1), call.attrs, g);
    Tensor & dx = call.output(0);
    cuda_zero(dx);
    const Tensor & dy = call.input(0);
    const int64_t total = dy.numel();
    if (total == 0) return;
    const int32_t * ip = idx.data<int32_t>();
    if (dx.dtype() == DType::F32) {
        scatter_add_kernel<<<grid_for(total), kBlock, 0, stream()>>>(dy.data<float>(), ip,
                                                                     dx.data<float>(), g, total);
    } else {
        scatter_add_kernel<<<grid_for(total), kBlock, 0, stream()>>>(dy.data<double>(), ip,
                                                                     dx.data<double>(), g, total);
    }
    CUDA_CHECK_LAUNCH();
}

void one_hot_forward_cuda(OpCall & call) {
    const Tensor & indices = call.input(0);
    Tensor & out = call.output(0);
    const int64_t rank = indices.ndim();
    int64_t axis = call.attrs.get_int("axis", -1);
    axis = axis < 0 ? rank : axis;
    const int64_t depth = call.attrs.get_int("depth");
    int64_t inner = 1;
    for (int64_t d = axis; d < rank; d++) inner *= indices.shape()[d];
    const int64_t total = out.numel();
    if (total == 0) return;
    visit_dtype(out.dtype(), [&](auto tag) {
        using T = decltype(tag);
        one_hot_kernel<T><<<grid_for(total), kBlock, 0, stream()>>>(
            indices.data<int32_t>(), out.data<T>(), depth, inner, total,
            typed<T>(call.attrs.get_float("on_value", 1.0)),
            typed<T>(call.attrs.get_float("off_value", 0.0)));
    });
    CUDA_CHECK_LAUNCH();
}

void cast_forward_cuda(OpCall & call) {
    const Tensor & x = call.input(0);
    Tensor & out = call.output(0);
    const int64_t n = x.numel();
    if (n == 0) return;
    visit_dtype(x.dtype(), [&](auto stag) {
        using S = decltype(stag);
        visit_dtype(out.dtype(), [&](auto dtag) {
            using D = decltype(dtag);
            cast_kernel<D, S><<<grid_for(n), kBlock, 0, stream()>>>(x.data<S>(), out.data<D>(), n);
        });
    });
    CUDA_CHECK_LAUNCH();
}

void fill_value_cuda(Tensor & t, double v) { fill_affine(t, 0, 0, v, true); }

void fill_forward_cuda(OpCall & call) {
    fill_affine(call.output(0), 0, 0, call.attrs.get_float("value"), true);
}

void range_forward_cuda(OpCall & call) {
    fill_affine(call.output(0), call.attrs.get_float("start"), call.attrs.get_float("delta"), 0,
                false);
}

void linspace_forward_cuda(OpCall & call) {
    const double start = call.attrs.get_float("start"), stop = call.attrs.get_float("stop");
    const int64_t num = call.output(0).numel();
    fill_affine(call.output(0), start, num > 1 ? (stop - start) / (double)(num - 1) : 0.0, 0,
                false);
}

void eye_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t rows = call.attrs.get_int("num_rows");
    const int64_t cols = call.attrs.get_int("num_columns", rows);
    const int64_t n = out.numel();
    if (n == 0) return;
    visit_dtype(out.dtype(), [&](auto tag) {
        using T = decltype(tag);
        eye_kernel<T><<<grid_for(n), kBlock, 0, stream()>>>(out.data<T>(), rows, cols, n);
    });
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
