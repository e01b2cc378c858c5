// Compiled when the build has no CUDA (no toolkit, or NODEFLOW_CUDA=OFF): tf.cuda.isAvailable()
// is false, no op has a CUDA kernel, and every device entry point says why it cannot run.
#include "core/device.h"
#include "core/check.h"
#include "ops/op_table.h"

namespace nf {

namespace {
const char * kNoCuda = "this build of nodeflow has no CUDA support (rebuild with the CUDA "
                       "toolkit installed; see `npx nodeflow doctor`)";
bool g_allow_tf32 = false;
} // namespace

bool cuda_available() { return false; }
std::string cuda_unavailable_reason() { return kNoCuda; }
void * cuda_alloc(size_t) { NF_FAIL("cuda: %s", kNoCuda); }
void cuda_free(void *, size_t) {}
void cuda_copy(const Tensor &, Tensor &) { NF_FAIL("cuda: %s", kNoCuda); }
void cuda_zero(Tensor &) { NF_FAIL("cuda: %s", kNoCuda); }
void cuda_synchronize() {}
void cuda_gather_tables(const Tensor &, const std::vector<std::vector<int64_t>> &, Tensor &,
                        double) {
    NF_FAIL("cuda: %s", kNoCuda);
}
CudaMemoryInfo cuda_memory_info() { return {}; }
void cuda_empty_cache() {}
void cuda_set_memory_limit(int64_t) {}
void cuda_set_allow_tf32(bool allow) { g_allow_tf32 = allow; }
bool cuda_allow_tf32() { return g_allow_tf32; }

CudaInfo cuda_info() {
    CudaInfo info;
    info.reason = kNoCuda;
    return info;
}

void register_cuda_kernels() {}

} // namespace nf
