// A batch of row-major GEMMs C_i[M, N] = op(A_i)[M, K] · op(B_i)[K, N] (+ C_i when accumulate),
// C dense. gemm() (matmul.cu) runs it through cuBLAS or gemm_tiled (gemm_tiled.cu, the kernel
// used without cuBLAS or with NODEFLOW_CUDA_GEMM=builtin).
#pragma once
#include <cstdint>
#include <vector>

namespace nf::cuda {

template <typename T>
struct GemmBatch {
    int64_t M = 0, N = 0, K = 0, batches = 1;
    bool ta = false, tb = false; // op(A) = Aᵀ: A is stored [K, M] with leading dim lda
    int64_t lda = 1, ldb = 1;
    const T * a = nullptr;
    const T * b = nullptr;
    T * c = nullptr;
    std::vector<int64_t> a_off, b_off; // element offset of batch i in A and B
    bool uniform = true;               // a_off[i] = i·sa and b_off[i] = i·sb
    int64_t sa = 0, sb = 0;
    bool accumulate = false; // C += op(A) op(B) (beta = 1)
};

void gemm(const GemmBatch<float> & g);
void gemm(const GemmBatch<double> & g);
void gemm_tiled(const GemmBatch<float> & g);
void gemm_tiled(const GemmBatch<double> & g);

} // namespace nf::cuda
