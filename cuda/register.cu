// CUDA kernels of the op table: one explicit, greppable line per op (set_cuda_kernel), run once
// after every CPU family has registered (op_table.cpp). An op listed here runs on the GPU;
// any other op runs on the CPU with its inputs copied there (see ops/placement.cpp).
#include "cuda/kernels.h"

namespace nf {

void register_cuda_kernels() {
}

} // namespace nf
