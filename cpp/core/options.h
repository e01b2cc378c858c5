// Process-wide run-time options, set from JavaScript with native.setOption(name, value).
//   matmul_backend: "blas" (OpenBLAS; only when built with it) or "builtin" (our own GEMM).
//   default_device: "auto" (ops without tf.device go to CUDA when a GPU is present) or "cpu";
//                   initialised from the environment variable NODEFLOW_DEFAULT_DEVICE.
#pragma once
#include <string>

namespace nf {

struct Options {
    std::string matmul_backend;
    std::string default_device;
};

Options & options();
bool built_with_blas();
// Validates and sets one option; throws nf::Error naming the option and the allowed values.
void set_option(const std::string & name, const std::string & value);
std::string get_option(const std::string & name);

} // namespace nf
