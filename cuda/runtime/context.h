// Per-device state, created once on first use: the stream (common.cuh's stream()), the cuBLAS
// and cuDNN handles bound to it, and the run-time checks behind cuda_available(): a driver, a
// GPU, a driver at least as new as the runtime we were built with, kernels built for this
// GPU's architecture, and (for cuDNN) a library whose major version matches the headers.
#pragma once
#include "cuda/runtime/common.cuh"
#ifdef NF_HAVE_CUBLAS
#include <cublas_v2.h>
#endif
#ifdef NF_HAVE_CUDNN
#include <cudnn.h>
#endif

namespace nf::cuda {

#ifdef NF_HAVE_CUBLAS
cublasHandle_t cublas();
[[noreturn]] void fail_cublas(int status, const char * what, const char * file, int line);
#define CUBLAS_CHECK(expr)                                                                         \
    do {                                                                                           \
        cublasStatus_t nf_st_ = (expr);                                                            \
        if (nf_st_ != CUBLAS_STATUS_SUCCESS) {                                                     \
            ::nf::cuda::fail_cublas((int)nf_st_, #expr, __FILE__, __LINE__);                       \
        }                                                                                          \
    } while (0)
#endif

#ifdef NF_HAVE_CUDNN
// cuDNN is built in and its run-time version matches the headers' major (else our own kernels).
bool cudnn_usable();
cudnnHandle_t cudnn();
#define CUDNN_CHECK(expr)                                                                          \
    do {                                                                                           \
        cudnnStatus_t nf_st_ = (expr);                                                             \
        if (nf_st_ != CUDNN_STATUS_SUCCESS) {                                                      \
            NF_FAIL("cuDNN error %s in %s (%s:%d)", cudnnGetErrorString(nf_st_), #expr, __FILE__,  \
                    __LINE__);                                                                     \
        }                                                                                          \
    } while (0)
#endif

} // namespace nf::cuda
