// nodeflow's own CUDA GEMM (used when the build has no cuBLAS): 64x64 output tiles per block of
// 16x16 threads, each thread computing a 4x4 micro-tile from 64x16 slices of A and B staged in
// shared memory. Any transposes and leading dims; batches on gridDim.z with per-batch offsets.
// Correct first, reasonably fast (a classic register-blocked kernel); cuBLAS is far faster.
#include "core/device.h"
#include "cuda/gemm.cuh"
#include "cuda/runtime/common.cuh"
#include <cstring>

namespace nf::cuda {

namespace {

constexpr int kTile = 64, kDepth = 16, kThreads = 16, kMicro = kTile / kThreads;

template <typename T>
__global__ void gemm_kernel(const T * A, const T * B, T * C, int64_t M, int64_t N, int64_t K,
                            bool ta, bool tb, int64_t lda, int64_t ldb, const int64_t * a_off,
                            const int64_t * b_off, int64_t sa, int64_t sb, int64_t z0, bool acc_c) {
    __shared__ T as[kDepth][kTile + 1]; // as[k][m]; +1 avoids bank conflicts on the stores
    __shared__ T bs[kDepth][kTile + 1]; // bs[k][n]
    const int64_t z = z0 + blockIdx.z;
    A += a_off ? a_off[z] : z * sa;
    B += b_off ? b_off[z] : z * sb;
    C += z * M * N;
    const int64_t m0 = (int64_t)blockIdx.y * kTile, n0 = (int64_t)blockIdx.x * kTile;
    const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * kThreads + tx;
    T acc[kMicro][kMicro] = {};
    for (int64_t k0 = 0; k0 < K; k0 += kDepth) {
        // 256 threads load 64x16 elements of each operand: 4 each. Out of range reads are 0.
        for (int e = tid; e < kTile * kDepth; e += kThreads * kThreads) {
            const int mm = e % kTile, kk = e / kTile;
            const int64_t m = m0 + mm, n = n0 + mm, k = k0 + kk;
            T av = 0, bv = 0;
            if (m < M && k < K) av = ta ? A[k * lda + m] : A[m * lda + k];
            if (n < N && k < K) bv = tb ? B[n * ldb + k] : B[k * ldb + n];
            as[kk][mm] = av;
            bs[kk][mm] = bv;
        }
        __syncthreads();
        for (int kk = 0; kk < kDepth; kk++) {
            T ar[kMicro], br[kMicro];
            for (int i = 0; i < kMicro; i++) ar[i] = as[kk][ty + i * kThreads];
            for (int j = 0; j < kMicro; j++) br[j] = bs[kk][tx + j * kThreads];
            for (int i = 0; i < kMicro; i++) {
                for (int j = 0; j < kMicro; j++) acc[i][j] += ar[i] * br[j];
            }
        }
        __syncthreads();
    }
    // Thread (tx, ty) owns rows ty + 16 i and columns tx + 16 j: neighbours write neighbours.
    for (int i = 0; i < kMicro; i++) {
        const int64_t m = m0 + ty + i * kThreads;
        if (m >= M) continue;
        for (int j = 0; j < kMicro; j++) {
            const int64_t n = n0 + tx + j * kThreads;
            if (n < N) C[m * N + n] = acc_c ? C[m * N + n] + acc[i][j] : acc[i][j];
        }
    }
}

template <typename T>
void run(const GemmBatch<T> & g) {
    // Irregular batch offsets travel to the device once per call (a tensor: cached memory).
    Tensor offs;
    const int64_t * a_off = nullptr;
    const int64_t * b_off = nullptr;
    if (!g.uniform) {
        Tensor host = Tensor::empty(Shape{g.batches * 4}, DType::I32);
        std::memcpy(host.raw(), g.a_off.data(), (size_t)g.batches * 8);
        std::memcpy((char *)host.raw() + g.batches * 8, g.b_off.data(), (size_t)g.batches * 8);
        offs = Tensor::empty(Shape{g.batches * 4}, DType::I32, Device::CUDA);
        cuda_copy(host, offs);
        a_off = (const int64_t *)offs.raw();
        b_off = a_off + g.batches;
    }
    const dim3 block(kThreads, kThreads);
    const unsigned gx = (unsigned)((g.N + kTile - 1) / kTile),
                   gy = (unsigned)((g.M + kTile - 1) / kTile);
    NF_CHECK(gy <= 65535, "matmul: M = %lld is too large for one launch", (long long)g.M);
    for (int64_t z0 = 0; z0 < g.batches; z0 += 65535) {
        const unsigned gz = (unsigned)(g.batches - z0 < 65535 ? g.batches - z0 : 65535);
        gemm_kernel<T><<<dim3(gx, gy, gz), block, 0, stream()>>>(g.a, g.b, g.c, g.M, g.N, g.K, g.ta,
                                                                 g.tb, g.lda, g.ldb, a_off, b_off,
                                                                 g.sa, g.sb, z0, g.accumulate);
        CUDA_CHECK_LAUNCH();
    }
}

} // namespace

void gemm_tiled(const GemmBatch<float> & g) { run(g); }
void gemm_tiled(const GemmBatch<double> & g) { run(g); }

} // namespace nf::cuda
