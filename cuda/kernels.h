// Every CUDA kernel entry point (launchers, host functions), by family; cuda/register.cu puts
// them in the op table. Same contract as the CPU kernels (OpCall in, outputs preallocated).
#pragma once
#include "ops/op_table.h"

namespace nf::cuda {

} // namespace nf::cuda
