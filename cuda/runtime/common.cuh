// Shared by every .cu file: error checks that throw nf::Error (never abort the process), the
// device's stream, launch geometry, and StridedIndex (element offsets of any strided view).
// Kernels index with int64_t: tensors may exceed 2^31 elements.
#pragma once
#include "core/check.h"
#include "core/tensor.h"
#include <cuda_runtime.h>

namespace nf::cuda {

[[noreturn]] void fail_cuda(cudaError_t err, const char * what, const char * file, int line);

// Device 0's stream (created once, non-blocking); also makes device 0 current on this thread.
cudaStream_t stream();

constexpr int kBlock = 256;
// Grid for n elements with grid-stride loops: enough blocks to fill the GPU, never more than
// the elements need (and never 0, so an empty launch is still a valid launch).
inline unsigned grid_for(int64_t n, int block = kBlock) {
    const int64_t want = (n + block - 1) / block;
    return (unsigned)(want < 1 ? 1 : (want > 65535 * 8 ? 65535 * 8 : want));
}

constexpr int kMaxDims = 16;

// Shape and strides of one view for a kernel argument (by value), after merging the dims that
// step through memory together and dropping size-1 dims.
struct StridedIndex {
    int rank = 0;
    int64_t shape[kMaxDims];
    int64_t strides[kMaxDims];
    // Element offset (from the view's first element) of flat row-major index i.
    __host__ __device__ int64_t offset(int64_t i) const {
        if (rank <= 1) return rank == 0 ? 0 : i * strides[0]; // no division: the common case
        int64_t off = 0;
        for (int d = rank - 1; d >= 0; d--) {
            const int64_t q = i / shape[d];
            off += (i - q * shape[d]) * strides[d];
            i = q;
        }
        return off;
    }
};

// Views walked together in the row-major order of `shape` (a copy's source and destination;
// a broadcast op's inputs, whose strides are 0 on broadcast dims): dims are merged only where
// every view allows it, so flat index i means the same element for all. Throws past kMaxDims.
void make_indices(const Shape & shape, const std::vector<const std::vector<int64_t> *> & strides,
                  const std::vector<StridedIndex *> & out);
StridedIndex make_index(const Shape & shape, const std::vector<int64_t> & strides);

} // namespace nf::cuda

#define CUDA_CHECK(expr)                                                                           \
    do {                                                                                           \
        cudaError_t nf_err_ = (expr);                                                              \
        if (nf_err_ != cudaSuccess) {                                                              \
            ::nf::cuda::fail_cuda(nf_err_, #expr, __FILE__, __LINE__);                             \
        }                                                                                          \
    } while (0)

// After a launch: configuration errors show up here; faults inside a kernel surface later, at
// the next synchronising call (that call's CUDA_CHECK reports them).
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
