// matmul on CUDA: C[..., M, N] = op(A)[..., M, K] · op(B)[..., K, N], batch dims broadcast, as
// cpp/cpu/matmul.cpp (a transposed view is read as a transposed operand, no copy). Through
// cuBLAS when the build has it (row-major C computed as column-major Cᵀ = op(B)ᵀ op(A)ᵀ; one
// strided-batched call when the batches are evenly spaced; TF32 only if tf.cuda.setAllowTf32),
// else through gemm_tiled.cu. NODEFLOW_CUDA_GEMM=builtin forces the latter (for testing it).
#include "core/device.h"
#include "cuda/gemm.cuh"
#include "cuda/kernels.h"
#include "cuda/runtime/context.h"
#include <cstdlib>
#include <cstring>

namespace nf::cuda {

namespace {

// A GEMM operand: dense matrix dims, possibly stored transposed (see cpu/matmul.cpp).
struct Operand {
    Tensor t;
    bool trans;
    int64_t ld;
};

Operand as_operand(const Tensor & x, bool trans) {
    const int64_t r = x.ndim();
    const auto & st = x.strides();
    const auto & sh = x.shape();
    if (st[r - 1] == 1 && (st[r - 2] == sh[r - 1] || sh[r - 2] == 1)) {
        return {x, trans, sh[r - 1] > 1 ? sh[r - 1] : 1};
    }
    if (st[r - 2] == 1 && (st[r - 1] == sh[r - 2] || sh[r - 1] == 1)) {
        return {x, !trans, sh[r - 2] > 1 ? sh[r - 2] : 1};
    }
    Tensor c = x.contiguous();
    return {c, trans, sh[r - 1] > 1 ? sh[r - 1] : 1};
}

// Element offset of output batch b in operand x (broadcast batch dims read offset 0).
int64_t batch_offset(const Tensor & x, const Shape & out_batch, int64_t b) {
    const int64_t xb = x.ndim() - 2, lead = (int64_t)out_batch.size() - xb;
    int64_t off = 0;
    for (int64_t d = (int64_t)out_batch.size() - 1; d >= 0; d--) {
        const int64_t idx = b % out_batch[d];
        b /= out_batch[d];
        if (d >= lead && x.shape()[d - lead] != 1) off += idx * x.strides()[d - lead];
    }
    return off;
}

bool use_builtin() {
    static const bool builtin = [] {
        const char * e = std::getenv("NODEFLOW_CUDA_GEMM");
        return e && std::strcmp(e, "builtin") == 0;
    }();
#ifdef NF_HAVE_CUBLAS
    return builtin;
#else
    (void)builtin;
    return true;
#endif
}

#ifdef NF_HAVE_CUBLAS
// Row-major C = op(A) op(B) as column-major Cᵀ = op(B)ᵀ op(A)ᵀ: swap the operands.
template <typename T>
void cublas_gemm(const GemmBatch<T> & g) {
    cublasHandle_t h = cublas();
    CUBLAS_CHECK(
        cublasSetMathMode(h, cuda_allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
    const cublasOperation_t oa = g.ta ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t ob = g.tb ? CUBLAS_OP_T : CUBLAS_OP_N;
    const T one = 1, zero = g.accumulate ? 1 : 0; // beta
    const int M = (int)g.M, N = (int)g.N, K = (int)g.K;
    const int lda = (int)g.lda, ldb = (int)g.ldb, ldc = (int)g.N;
    if (g.uniform) {
        if constexpr (std::is_same_v<T, float>) {
            CUBLAS_CHECK(cublasSgemmStridedBatched(h, ob, oa, N, M, K, &one, g.b, ldb, g.sb, g.a,
                                                   lda, g.sa, &zero, g.c, ldc, g.M * g.N,
                                                   (int)g.batches));
        } else {
            CUBLAS_CHECK(cublasDgemmStridedBatched(h, ob, oa, N, M, K, &one, g.b, ldb, g.sb, g.a,
                                                   lda, g.sa, &zero, g.c, ldc, g.M * g.N,
                                                   (int)g.batches));
        }
        return;
    }
    for (int64_t i = 0; i < g.batches; i++) { // irregular broadcast: one call per batch
        const T * a = g.a + g.a_off[i];
        const T * b = g.b + g.b_off[i];
        T * c = g.c + i * g.M * g.N;
        if constexpr (std::is_same_v<T, float>) {
            CUBLAS_CHECK(cublasSgemm(h, ob, oa, N, M, K, &one, b, ldb, a, lda, &zero, c, ldc));
        } else {
            CUBLAS_CHECK(cublasDgemm(h, ob, oa, N, M, K, &one, b, ldb, a, lda, &zero, c, ldc));
        }
    }
}
#endif

template <typename T>
void run(const Operand & a, const Operand & b, Tensor & out) {
    const int64_t r = out.ndim();
    GemmBatch<T> g;
    g.M = out.shape()[r - 2];
    g.N = out.shape()[r - 1];
    g.K = a.trans ? a.t.shape()[a.t.ndim() - 2] : a.t.shape()[a.t.ndim() - 1];
    g.ta = a.trans;
    g.tb = b.trans;
    g.lda = a.ld;
    g.ldb = b.ld;
    g.a = a.t.template data<T>();
    g.b = b.t.template data<T>();
    g.c = out.template data<T>();
    const Shape batch(out.shape().begin(), out.shape().end() - 2);
    g.batches = shape_numel(batch);
    for (int64_t i = 0; i < g.batches; i++) {
        g.a_off.push_back(batch_offset(a.t, batch, i));
        g.b_off.push_back(batch_offset(b.t, batch, i));
    }
    g.sa = g.batches > 1 ? g.a_off[1] : 0;
    g.sb = g.batches > 1 ? g.b_off[1] : 0;
    g.uniform = true;
    for (int64_t i = 0; i < g.batches && g.uniform; i++) {
        g.uniform = g.a_off[i] == i * g.sa && g.b_off[i] == i * g.sb;
    }
    if (g.K == 0) { // an empty sum: zeros, without asking a GEMM about k = 0
        cuda_zero(out);
        return;
    }
    gemm(g);
}

template <typename T>
void gemm_any(const GemmBatch<T> & g) {
    if (g.M == 0 || g.N == 0 || g.batches == 0) return;
#ifdef NF_HAVE_CUBLAS
    NF_CHECK(g.M < INT32_MAX && g.N < INT32_MAX && g.K < INT32_MAX && g.batches < INT32_MAX,
             "matrix dims beyond 2^31 are not supported by cuBLAS");
    if (!use_builtin()) {
        cublas_gemm(g);
        return;
    }
#endif
    gemm_tiled(g);
}

} // namespace

void gemm(const GemmBatch<float> & g) { gemm_any(g); }
void gemm(const GemmBatch<double> & g) { gemm_any(g); }

void matmul_forward_cuda(OpCall & call) {
    const bool ta = call.attrs.get_bool("transposeA"), tb = call.attrs.get_bool("transposeB");
    Operand a = as_operand(call.input(0), ta), b = as_operand(call.input(1), tb);
    Tensor & out = call.output(0);
    if (out.numel() == 0) return;
    switch (out.dtype()) {
        case DType::F32: run<float>(a, b, out); break;
        case DType::F64: run<double>(a, b, out); break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(out.dtype()));
    }
}

const char * matmul_engine_cuda() { return use_builtin() ? "builtin" : "cublas"; }

} // namespace nf::cuda
