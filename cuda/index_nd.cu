// gather_nd(params, indices[..., K]) and its scatter-add backward on CUDA, as
// cpp/cpu/index_gather.cpp: out[m, :] = params[indices[m, 0], ..., indices[m, K-1], :], in
// units of `slice` elements. The indices are a host input: every tuple is checked on the host
// (the CPU's message) and turned into a row number there; the rows travel in one upload.
#include "core/device.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include <cstring>
#include <string>

namespace nf::cuda {

namespace {

struct Nd {
    int64_t k, m, slice;
};

Nd nd_dims(const Tensor & params, const Tensor & indices) {
    Nd d{indices.shape().back(), 1, 1};
    for (int64_t i = 0; i + 1 < indices.ndim(); i++) d.m *= indices.shape()[i];
    for (int64_t i = d.k; i < params.ndim(); i++) d.slice *= params.shape()[i];
    return d;
}

// The row (in slices) of every index tuple, on the device; fails on the first bad tuple.
Tensor device_rows(const Tensor & params, const Tensor & indices, const Nd & d) {
    const int32_t * idx = indices.data<int32_t>();
    const Shape & ps = params.shape();
    Tensor host = Tensor::empty({d.m * 2}, DType::I32); // int64 rows
    int64_t * rows = static_cast<int64_t *>(host.raw());
    for (int64_t m = 0; m < d.m; m++) {
        int64_t row = 0;
        for (int64_t k = 0; k < d.k; k++) {
            const int32_t v = idx[m * d.k + k];
            if (v < 0 || v >= ps[k]) {
                std::string tuple;
                for (int64_t j = 0; j < d.k; j++) {
                    tuple += (j ? "," : "") + std::to_string(idx[m * d.k + j]);
                }
                NF_FAIL("indices (tuple %lld) = [%s] is out of range for params of shape %s: "
                        "index %lld must be in [0, %lld)",
                        (long long)m, tuple.c_str(), shape_str(ps).c_str(), (long long)k,
                        (long long)ps[k]);
            }
            row = row * ps[k] + v;
        }
        rows[m] = row;
    }
    Tensor dev = Tensor::empty(host.shape(), DType::I32, Device::CUDA);
    cuda_copy(host, dev);
    return dev;
}

template <typename E>
__global__ void copy_rows_kernel(const E * p, const int64_t * rows, int64_t len, E * out,
                                 int64_t total) {
    NF_GRID_STRIDE(i, total) { out[i] = p[rows[i / len] * len + i % len]; }
}

template <typename T>
__global__ void add_rows_kernel(const T * dy, const int64_t * rows, int64_t len, T * dx,
                                int64_t total) {
    NF_GRID_STRIDE(i, total) { atomicAdd(dx + rows[i / len] * len + i % len, dy[i]); }
}

} // namespace

void gather_nd_forward_cuda(OpCall & call) {
    const Tensor & params = call.input(0);
    const Nd d = nd_dims(params, call.input(1));
    Tensor rows = device_rows(params, call.input(1), d);
    Tensor & out = call.output(0);
    const int64_t total = out.numel();
    if (total == 0) return;
    const int64_t * r = (const int64_t *)rows.raw();
    const unsigned grid = grid_for(total);
    switch (dtype_size(params.dtype())) {
        case 1:
            copy_rows_kernel<<<grid, kBlock, 0, stream()>>>(params.data<uint8_t>(), r, d.slice,
                                                            out.data<uint8_t>(), total);
            break;
        case 4:
            copy_rows_kernel<<<grid, kBlock, 0, stream()>>>(params.data<uint32_t>(), r, d.slice,
                                                            out.data<uint32_t>(), total);
            break;
        default:
            copy_rows_kernel<<<grid, kBlock, 0, stream()>>>(params.data<uint64_t>(), r, d.slice,
                                                            out.data<uint64_t>(), total);
            break;
    }
    CUDA_CHECK_LAUNCH();
}

// inputs: dy [indices.shape[:-1]..., params.shape[K:]...], indices (host), params (its shape).
void gather_nd_backward_cuda(OpCall & call) {
    const Tensor & dy = call.input(0);
    const Nd d = nd_dims(call.input(2), call.input(1));
    Tensor rows = device_rows(call.input(2), call.input(1), d);
    Tensor & dx = call.output(0);
    cuda_zero(dx);
    const int64_t total = dy.numel();
    if (total == 0) return;
    const int64_t * r = (const int64_t *)rows.raw();
    if (dx.dtype() == DType::F32) {
        add_rows_kernel<<<grid_for(total), kBlock, 0, stream()>>>(dy.data<float>(), r, d.slice,
                                                                  dx.data<float>(), total);
    } else {
        add_rows_kernel<<<grid_for(total), kBlock, 0, stream()>>>(dy.data<double>(), r, d.slice,
                                                                  dx.data<double>(), total);
    }
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
