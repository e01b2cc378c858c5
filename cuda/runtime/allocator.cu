// Caching device allocator: no cudaMalloc in the steady state of a training loop. Freed blocks
// go to a free list per size class and are reused; classes are multiples of 512 bytes below
// 1 MiB, else 8 per power of two (at most 12.5% waste). Kernels run in order on one stream, so
// a block freed by the host while kernels still read it can be handed out at once: whatever
// uses it next is queued behind them. Blocks are returned to the driver only by emptyCache,
// by a memory limit, or when cudaMalloc fails (then the allocation is retried once).
#include "core/device.h"
#include "cuda/runtime/common.cuh"
#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace nf {

namespace {

constexpr size_t kSmall = 1 << 20;

struct Pool {
    std::mutex mu;
    std::map<size_t, std::vector<void *>> free_by_class;
    int64_t in_use = 0, cached = 0, peak = 0, device_allocs = 0, limit = 0;
};

Pool & pool() {
    static Pool * p = new Pool(); // never destroyed: tensors may be freed at process exit
    return *p;
}

size_t size_class(size_t n) {
    if (n < kSmall) return (n + 511) / 512 * 512;
    size_t pow2 = kSmall;
    while (pow2 * 2 <= n) pow2 *= 2;
    const size_t step = pow2 / 8;
    return (n + step - 1) / step * step;
}

std::string mib(int64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", (double)b / (1 << 20));
    return buf;
}

// Frees every cached block (pool lock held). Waits for queued kernels first: a cached block
// may still be read by them, and the driver must not reuse it before they finish.
void release_cached(Pool & p) {
    if (p.cached == 0) return;
    cudaStreamSynchronize(cuda::stream());
    for (auto & kv : p.free_by_class) {
        for (void * ptr : kv.second) cudaFree(ptr);
    }
    p.free_by_class.clear();
    p.cached = 0;
}

void * device_malloc(Pool & p, size_t cls, size_t nbytes) {
    if (p.limit > 0 && p.in_use + p.cached + (int64_t)cls > p.limit) {
        release_cached(p);
        NF_CHECK(p.in_use + (int64_t)cls <= p.limit,
                 "cuda: out of memory: allocating %s would exceed the memory limit of %s (%s in "
                 "use by tensors)",
                 mib((int64_t)nbytes).c_str(), mib(p.limit).c_str(), mib(p.in_use).c_str());
    }
    void * ptr = nullptr;
    cudaError_t err = cudaMalloc(&ptr, cls);
    if (err == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        release_cached(p);
        err = cudaMalloc(&ptr, cls);
    }
    if (err != cudaSuccess) {
        cudaGetLastError();
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        NF_FAIL("cuda: out of memory allocating %s (%s in use by tensors, %s free on the GPU): %s",
                mib((int64_t)nbytes).c_str(), mib(p.in_use).c_str(), mib((int64_t)free_b).c_str(),
                cudaGetErrorString(err));
    }
    p.device_allocs++;
    return ptr;
}

} // namespace

void * cuda_alloc(size_t nbytes) {
    if (nbytes == 0) return nullptr; // empty tensors never touch their storage
    cuda::stream();                  // checks availability, makes device 0 current
    const size_t cls = size_class(nbytes);
    Pool & p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    void * ptr = nullptr;
    auto it = p.free_by_class.find(cls);
    if (it != p.free_by_class.end() && !it->second.empty()) {
        ptr = it->second.back();
        it->second.pop_back();
        p.cached -= (int64_t)cls;
    } else {
        ptr = device_malloc(p, cls, nbytes);
    }
    p.in_use += (int64_t)cls;
    p.peak = std::max(p.peak, p.in_use);
    return ptr;
}

void cuda_free(void * ptr, size_t nbytes) {
    if (!ptr) return;
    const size_t cls = size_class(nbytes);
    Pool & p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    p.free_by_class[cls].push_back(ptr);
    p.in_use -= (int64_t)cls;
    p.cached += (int64_t)cls;
}

CudaMemoryInfo cuda_memory_info() {
    Pool & p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    CudaMemoryInfo m;
    m.bytes_in_use = p.in_use;
    m.bytes_cached = p.cached;
    m.bytes_reserved = p.in_use + p.cached;
    m.peak_bytes_in_use = p.peak;
    m.num_device_allocs = p.device_allocs;
    m.limit_bytes = p.limit;
    return m;
}

void cuda_empty_cache() {
    if (!cuda_available()) return;
    Pool & p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    release_cached(p);
}

void cuda_set_memory_limit(int64_t bytes) {
    Pool & p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    p.limit = bytes;
    if (bytes > 0 && p.in_use + p.cached > bytes && cuda_available()) release_cached(p);
}

} // namespace nf
