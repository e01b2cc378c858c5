// gather_tables on the GPU: out[o] = src[sum_d tabs[d][o_d]], or `fill` where an entry is
// kFill (INT64_MIN). The host builds the tables (cpu/shape_*.cpp: pad, tile, reverse, the slice
// gradients); they travel in one upload. One thread per output element.
#include "core/device.h"
#include "cuda/runtime/common.cuh"
#include <climits>
#include <cstring>

namespace nf {

namespace {

struct TableIndex {
    int rank = 0;
    int64_t shape[cuda::kMaxDims]; // output shape
    int64_t start[cuda::kMaxDims]; // where dim d's table begins in the uploaded array
};

template <typename T>
__global__ void gather_tables_kernel(const T * src, const int64_t * tabs, TableIndex ti, T * out,
                                     T fill, int64_t n) {
    for (int64_t o = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; o < n;
         o += (int64_t)gridDim.x * blockDim.x) {
        int64_t rem = o, off = 0;
        bool hole = false;
        for (int d = ti.rank - 1; d >= 0; d--) {
            const int64_t q = rem / ti.shape[d];
            const int64_t t = tabs[ti.start[d] + (rem - q * ti.shape[d])];
            hole = hole || t == INT64_MIN;
            off += hole ? 0 : t;
            rem = q;
        }
        out[o] = hole ? fill : src[off];
    }
}

template <typename T>
void launch(const Tensor & src, const int64_t * tabs, const TableIndex & ti, Tensor & out, T fill) {
    const int64_t n = out.numel();
    gather_tables_kernel<<<cuda::grid_for(n), cuda::kBlock, 0, cuda::stream()>>>(
        src.data<T>(), tabs, ti, out.data<T>(), fill, n);
    CUDA_CHECK_LAUNCH();
}

} // namespace

void cuda_gather_tables(const Tensor & src, const std::vector<std::vector<int64_t>> & tabs,
                        Tensor & out, double fill) {
    NF_CHECK(out.device() == Device::CUDA && out.is_contiguous(),
             "gather: the output must be a dense device tensor");
    NF_CHECK(tabs.size() <= (size_t)cuda::kMaxDims, "more than %d dims are not supported on CUDA",
             cuda::kMaxDims);
    if (out.numel() == 0) return;
    TableIndex ti;
    ti.rank = (int)tabs.size();
    std::vector<int64_t> flat;
    for (size_t d = 0; d < tabs.size(); d++) {
        ti.shape[d] = out.shape()[d];
        ti.start[d] = (int64_t)flat.size();
        flat.insert(flat.end(), tabs[d].begin(), tabs[d].end());
    }
    flat.push_back(0); // never empty (a scalar has no tables)
    // The upload is a tensor so the caching allocator owns it; freeing it after the launch is
    // safe (the kernel is queued first on the same stream).
    Tensor dev_tabs = Tensor::empty({(int64_t)flat.size() * 2}, DType::I32, Device::CUDA);
    Tensor host_tabs = Tensor::empty({(int64_t)flat.size() * 2}, DType::I32);
    std::memcpy(host_tabs.raw(), flat.data(), flat.size() * sizeof(int64_t));
    cuda_copy(host_tabs, dev_tabs);
    const int64_t * t = static_cast<const int64_t *>(dev_tabs.raw());
    switch (src.dtype()) {
        case DType::F32: launch<float>(src, t, ti, out, (float)fill); break;
        case DType::F64: launch<double>(src, t, ti, out, fill); break;
        case DType::I32: launch<int32_t>(src, t, ti, out, (int32_t)fill); break;
        case DType::BOOL: launch<uint8_t>(src, t, ti, out, (uint8_t)(fill != 0)); break;
    }
}

} // namespace nf
