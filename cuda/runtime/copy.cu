// Copies between any two devices and views: device to device through a strided copy kernel
// (one thread per element; dense pairs through cudaMemcpyAsync), host to device through pinned
// staging buffers (the host copy returns before the GPU has read the data, so the host tensor
// may be freed at once), device to host through the same buffers, waiting for the stream.
#include "core/device.h"
#include "cuda/runtime/common.cuh"
#include <cstring>
#include <mutex>

namespace nf {

namespace cuda {

// Dims of size 1 dropped; dim d merged into d-1 when every view steps from d-1 into d densely.
void make_indices(const Shape & shape, const std::vector<const std::vector<int64_t> *> & in,
                  const std::vector<StridedIndex *> & out) {
    const size_t k = in.size();
    Shape s;
    std::vector<std::vector<int64_t>> st(k);
    for (size_t d = 0; d < shape.size(); d++) {
        if (shape[d] == 1) continue;
        bool merge = !s.empty();
        for (size_t j = 0; j < k && merge; j++) merge = st[j].back() == (*in[j])[d] * shape[d];
        if (merge) {
            s.back() *= shape[d];
            for (size_t j = 0; j < k; j++) st[j].back() = (*in[j])[d];
        } else {
            s.push_back(shape[d]);
            for (size_t j = 0; j < k; j++) st[j].push_back((*in[j])[d]);
        }
    }
    NF_CHECK(s.size() <= (size_t)kMaxDims,
             "cuda: views of more than %d dims are not supported "
             "(shape %s)",
             kMaxDims, shape_str(shape).c_str());
    for (size_t j = 0; j < k; j++) {
        out[j]->rank = (int)s.size();
        for (size_t d = 0; d < s.size(); d++) {
            out[j]->shape[d] = s[d];
            out[j]->strides[d] = st[j][d];
        }
    }
}

StridedIndex make_index(const Shape & shape, const std::vector<int64_t> & strides) {
    StridedIndex a;
    make_indices(shape, {&strides}, {&a});
    return a;
}

namespace {

template <typename T>
__global__ void strided_copy_kernel(const T * src, StridedIndex si, T * dst, StridedIndex di,
                                    int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        dst[di.offset(i)] = src[si.offset(i)];
    }
}

// Device to device, any strides on both sides.
void copy_d2d(const Tensor & src, Tensor & dst) {
    const int64_t n = src.numel();
    if (src.is_contiguous() && dst.is_contiguous()) {
        CUDA_CHECK(cudaMemcpyAsync(dst.raw(), src.raw(), src.nbytes(), cudaMemcpyDeviceToDevice,
                                   stream()));
        return;
    }
    StridedIndex si, di;
    make_indices(src.shape(), {&src.strides(), &dst.strides()}, {&si, &di});
    const unsigned grid = grid_for(n);
    switch (dtype_size(src.dtype())) {
        case 1:
            strided_copy_kernel<<<grid, kBlock, 0, stream()>>>((const uint8_t *)src.raw(), si,
                                                               (uint8_t *)dst.raw(), di, n);
            break;
        case 4:
            strided_copy_kernel<<<grid, kBlock, 0, stream()>>>((const uint32_t *)src.raw(), si,
                                                               (uint32_t *)dst.raw(), di, n);
            break;
        default:
            strided_copy_kernel<<<grid, kBlock, 0, stream()>>>((const uint64_t *)src.raw(), si,
                                                               (uint64_t *)dst.raw(), di, n);
            break;
    }
    CUDA_CHECK_LAUNCH();
}

// Two pinned buffers used in turn: while the GPU reads one, the host fills the other. Each
// has an event recorded after its last copy; the host waits on it before writing again.
constexpr size_t kStageBytes = size_t(4) << 20;

struct Staging {
    std::mutex mu;
    void * buf[2] = {nullptr, nullptr};
    cudaEvent_t done[2];
    int next = 0;
    void init() {
        if (buf[0]) return;
        for (int k = 0; k < 2; k++) {
            CUDA_CHECK(cudaHostAlloc(&buf[k], kStageBytes, cudaHostAllocDefault));
            CUDA_CHECK(cudaEventCreateWithFlags(&done[k], cudaEventDisableTiming));
        }
    }
};

Staging & staging() {
    static Staging * s = new Staging(); // never destroyed (process exit)
    return *s;
}

// Dense host bytes to dense device bytes.
void h2d(void * dst, const void * src, size_t n) {
    Staging & s = staging();
    std::lock_guard<std::mutex> lock(s.mu);
    s.init();
    for (size_t off = 0; off < n; off += kStageBytes) {
        const size_t len = std::min(kStageBytes, n - off);
        const int k = s.next;
        s.next ^= 1;
        CUDA_CHECK(cudaEventSynchronize(s.done[k])); // the GPU is done reading buffer k
        std::memcpy(s.buf[k], (const char *)src + off, len);
        CUDA_CHECK(
            cudaMemcpyAsync((char *)dst + off, s.buf[k], len, cudaMemcpyHostToDevice, stream()));
        CUDA_CHECK(cudaEventRecord(s.done[k], stream()));
    }
}

// Dense device bytes to dense host bytes: waits for every kernel queued before the copy.
void d2h(void * dst, const void * src, size_t n) {
    Staging & s = staging();
    std::lock_guard<std::mutex> lock(s.mu);
    s.init();
    for (size_t off = 0; off < n; off += kStageBytes) {
        const size_t len = std::min(kStageBytes, n - off);
        const int k = s.next;
        s.next ^= 1;
        CUDA_CHECK(cudaEventSynchronize(s.done[k]));
        CUDA_CHECK(cudaMemcpyAsync(s.buf[k], (const char *)src + off, len, cudaMemcpyDeviceToHost,
                                   stream()));
        CUDA_CHECK(cudaEventRecord(s.done[k], stream()));
        CUDA_CHECK(cudaEventSynchronize(s.done[k]));
        std::memcpy((char *)dst + off, s.buf[k], len);
    }
}

} // namespace

} // namespace cuda

void cuda_copy(const Tensor & src, Tensor & dst) {
    NF_CHECK(src.shape() == dst.shape() && src.dtype() == dst.dtype(), "copy: %s does not match %s",
             src.desc().c_str(), dst.desc().c_str());
    if (src.numel() == 0) return;
    const bool from_gpu = src.device() == Device::CUDA, to_gpu = dst.device() == Device::CUDA;
    if (from_gpu && to_gpu) {
        cuda::copy_d2d(src, dst);
    } else if (to_gpu) {
        const Tensor dense = src.contiguous(); // host side: gathered on the CPU if needed
        Tensor target =
            dst.is_contiguous() ? dst : Tensor::empty(dst.shape(), dst.dtype(), Device::CUDA);
        cuda::h2d(target.raw(), dense.raw(), dense.nbytes());
        if (!dst.is_contiguous()) cuda::copy_d2d(target, dst);
    } else {
        NF_CHECK(dst.is_contiguous(),
                 "copy to the host: the destination must be dense, got a "
                 "strided view %s",
                 dst.desc().c_str());
        const Tensor dense = src.contiguous(); // device side: gathered by the copy kernel
        cuda::d2h(dst.raw(), dense.raw(), dense.nbytes());
    }
}

void cuda_zero(Tensor & t) {
    NF_CHECK(t.is_contiguous(), "cuda_zero: tensor must be dense");
    if (t.nbytes() == 0) return;
    CUDA_CHECK(cudaMemsetAsync(t.raw(), 0, t.nbytes(), cuda::stream()));
}

void cuda_synchronize() { CUDA_CHECK(cudaStreamSynchronize(cuda::stream())); }

} // namespace nf
