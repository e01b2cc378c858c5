// The CUDA device layer as the core sees it: storage, copies between any two devices, and the
// run-time state (devices, versions, memory). Implemented by cuda/runtime/*.cu in CUDA builds
// and by cuda/stub.cpp otherwise, so nothing under cpp/ needs an #ifdef. Only device 0 is used.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nf {

class Tensor;

// Built with CUDA, the driver is new enough, and at least one GPU is visible. Cached.
bool cuda_available();
// Why cuda_available() is false ("" when it is true), for doctor and error messages.
std::string cuda_unavailable_reason();

// Device memory from the caching allocator (cuda/runtime/allocator.cu); nbytes as allocated.
void * cuda_alloc(size_t nbytes);
void cuda_free(void * p, size_t nbytes);

// dst = src elementwise: same shape and dtype, any strides, any pair of devices. Host to device
// goes through pinned staging buffers; device to host waits for the copy (a sync point).
void cuda_copy(const Tensor & src, Tensor & dst);
// Sets every byte of a (contiguous) device tensor to zero, asynchronously.
void cuda_zero(Tensor & t);
// Waits for all work queued on the device's stream.
void cuda_synchronize();
// out[o] = src[sum_d tabs[d][o_d]], or `fill` where an entry is INT64_MIN (cpu/shape.h's
// gather_tables on a device tensor: pad, tile, reverse and the slice gradients).
void cuda_gather_tables(const Tensor & src, const std::vector<std::vector<int64_t>> & tabs,
                        Tensor & out, double fill);

struct CudaMemoryInfo {
    int64_t bytes_in_use = 0;   // held by live tensors (rounded to the allocator's classes)
    int64_t bytes_cached = 0;   // freed blocks kept for reuse
    int64_t bytes_reserved = 0; // in use + cached: what the process holds from cudaMalloc
    int64_t peak_bytes_in_use = 0;
    int64_t num_device_allocs = 0; // cudaMalloc calls so far (flat in a steady state)
    int64_t limit_bytes = 0;       // 0: no cap
};
CudaMemoryInfo cuda_memory_info();
// Returns every cached block to the driver (cudaFree).
void cuda_empty_cache();
// Caps the bytes the allocator reserves (0: no cap). Past it an allocation first empties the
// cache, then fails with an Error naming the sizes.
void cuda_set_memory_limit(int64_t bytes);

// TF32 tensor-core math in cuBLAS float32 matmuls: off unless the user turns it on (it keeps
// only 10 mantissa bits of the inputs).
void cuda_set_allow_tf32(bool allow);
bool cuda_allow_tf32();

struct CudaDeviceInfo {
    int index = 0;
    std::string name;
    int major = 0, minor = 0; // compute capability
    int64_t total_bytes = 0, free_bytes = 0;
    int multiprocessors = 0;
};

// What the build has and what the run time found. Versions are encoded as the libraries do
// (CUDA 12040 = 12.4; cuDNN 90100 = 9.1.0); 0 = absent or unknown.
struct CudaInfo {
    bool built = false; // compiled with nvcc
    bool built_cublas = false, built_cudnn = false;
    int compiled_runtime = 0;  // CUDART_VERSION at build time
    int compiled_cudnn = 0;    // CUDNN_VERSION at build time
    std::string architectures; // the build's CUDA architectures, "90" or "80;90"
    int runtime_version = 0, driver_version = 0;
    int cublas_version = 0, cudnn_version = 0;
    bool cudnn_usable = false; // built with it, loaded, and the run-time major matches
    std::string reason;        // cuda_unavailable_reason()
    std::vector<CudaDeviceInfo> devices;
};
CudaInfo cuda_info();

} // namespace nf
