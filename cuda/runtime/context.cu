// Device detection, version checks, the stream and library handles (see context.h).
#include "core/device.h"
#include "cuda/runtime/context.h"
#include <atomic>
#include <mutex>
#include <string>

#ifndef NF_CUDA_ARCHITECTURES
#define NF_CUDA_ARCHITECTURES "?"
#endif

namespace nf {

namespace {

// Launched by nothing: its attributes tell whether this binary has code for the GPU.
__global__ void probe_kernel() {}

struct Detected {
    bool ok = false;
    std::string reason;
    int runtime = 0, driver = 0;
};

std::string version_str(int v) {
    return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

Detected detect() {
    Detected d;
    cudaRuntimeGetVersion(&d.runtime);
    cudaDriverGetVersion(&d.driver);
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (d.driver == 0) {
        d.reason = "no NVIDIA driver found (libcuda.so.1 is missing)";
    } else if (err != cudaSuccess) {
        d.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(err);
    } else if (n == 0) {
        d.reason = "no CUDA GPU is visible (check CUDA_VISIBLE_DEVICES)";
    } else if (d.driver / 1000 < CUDART_VERSION / 1000) {
        d.reason = "the driver supports CUDA " + version_str(d.driver) +
                   " but nodeflow was built "
                   "with CUDA " +
                   version_str(CUDART_VERSION) + ": update the driver";
    } else {
        cudaFuncAttributes attr;
        err = cudaSetDevice(0);
        if (err == cudaSuccess) err = cudaFuncGetAttributes(&attr, probe_kernel);
        if (err != cudaSuccess) {
            cudaDeviceProp p;
            cudaGetDeviceProperties(&p, 0);
            d.reason = std::string("cannot use GPU 0 (") + cudaGetErrorString(err) +
                       "): built for "
                       "CUDA architectures " NF_CUDA_ARCHITECTURES ", the GPU is sm_" +
                       std::to_string(p.major * 10 + p.minor) +
                       "; rebuild with "
                       "NODEFLOW_CUDA_ARCH=" +
                       std::to_string(p.major * 10 + p.minor);
        } else {
            d.ok = true;
        }
    }
    cudaGetLastError(); // a failed call leaves its error for cudaGetLastError: clear it
    return d;
}

const Detected & detected() {
    static Detected d = detect();
    return d;
}

} // namespace

bool cuda_available() { return detected().ok; }
std::string cuda_unavailable_reason() { return detected().reason; }

namespace {
std::atomic<bool> g_allow_tf32{false};
} // namespace

void cuda_set_allow_tf32(bool allow) { g_allow_tf32 = allow; }
bool cuda_allow_tf32() { return g_allow_tf32; }

namespace cuda {

[[noreturn]] void fail_cuda(cudaError_t err, const char * what, const char * file, int line) {
    cudaGetLastError();
    NF_FAIL("CUDA error %s (%s) in %s (%s:%d)", cudaGetErrorName(err), cudaGetErrorString(err),
            what, file, line);
}

cudaStream_t stream() {
    NF_CHECK(cuda_available(), "cuda: not available: %s", cuda_unavailable_reason().c_str());
    thread_local bool current = false;
    if (!current) {
        CUDA_CHECK(cudaSetDevice(0)); // the runtime's current device is per host thread
        current = true;
    }
    static cudaStream_t s = [] {
        cudaStream_t created;
        CUDA_CHECK(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking));
        return created;
    }();
    return s;
}

#ifdef NF_HAVE_CUBLAS
[[noreturn]] void fail_cublas(int status, const char * what, const char * file, int line) {
    NF_FAIL("cuBLAS error %d in %s (%s:%d)", status, what, file, line);
}

cublasHandle_t cublas() {
    static cublasHandle_t h = [] {
        cublasHandle_t created;
        CUBLAS_CHECK(cublasCreate(&created));
        CUBLAS_CHECK(cublasSetStream(created, stream()));
        return created;
    }();
    stream(); // device current on this thread
    return h;
}
#endif

#ifdef NF_HAVE_CUDNN
// cuDNN 8 encodes versions as M*1000 + m*100 + p, cuDNN 9 as M*10000 + m*100 + p.
static int cudnn_major(size_t v) { return (int)(v < 10000 ? v / 1000 : v / 10000); }

bool cudnn_usable() {
    static const bool ok = cuda_available() && cudnn_major(cudnnGetVersion()) == CUDNN_MAJOR;
    return ok;
}

cudnnHandle_t cudnn() {
    NF_CHECK(cudnn_usable(), "cuDNN %zu does not match the headers nodeflow was built with (%d)",
             cudnnGetVersion(), CUDNN_VERSION);
    static cudnnHandle_t h = [] {
        cudnnHandle_t created;
        CUDNN_CHECK(cudnnCreate(&created));
        CUDNN_CHECK(cudnnSetStream(created, stream()));
        return created;
    }();
    stream();
    return h;
}
#endif

} // namespace cuda

CudaInfo cuda_info() {
    CudaInfo info;
    info.built = true;
    info.compiled_runtime = CUDART_VERSION;
    info.architectures = NF_CUDA_ARCHITECTURES;
    info.runtime_version = detected().runtime;
    info.driver_version = detected().driver;
    info.reason = detected().reason;
#ifdef NF_HAVE_CUBLAS
    info.built_cublas = true;
    if (cuda_available()) cublasGetVersion(cuda::cublas(), &info.cublas_version);
#endif
#ifdef NF_HAVE_CUDNN
    info.built_cudnn = true;
    info.compiled_cudnn = CUDNN_VERSION;
    // Asked only with a GPU: libcudnn.so is a shim that aborts the process when its
    // sub-libraries (libcudnn_graph, ...) are missing, which a machine without a GPU may lack.
    // cuDNN 8: 8907 = 8.9.7; 9: 90100 = 9.1.0.
    if (cuda_available()) info.cudnn_version = (int)cudnnGetVersion();
    info.cudnn_usable = cuda::cudnn_usable();
#endif
    int n = 0;
    if (cuda_available() && cudaGetDeviceCount(&n) == cudaSuccess) {
        for (int i = 0; i < n; i++) {
            cudaDeviceProp p;
            if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
            CudaDeviceInfo d;
            d.index = i;
            d.name = p.name;
            d.major = p.major;
            d.minor = p.minor;
            d.total_bytes = (int64_t)p.totalGlobalMem;
            d.multiprocessors = p.multiProcessorCount;
            // Free memory of device 0 only: asking another device would create a context there.
            size_t free_b = 0, total_b = 0;
            cuda::stream();
            if (i == 0 && cudaMemGetInfo(&free_b, &total_b) == cudaSuccess) {
                d.free_bytes = (int64_t)free_b;
            }
            info.devices.push_back(d);
        }
        cudaGetLastError();
    }
    return info;
}

} // namespace nf
