// Run-time options (see options.h). The default matmul backend is BLAS when the build has it.
#include "core/options.h"
#include "core/check.h"
#include <cstdlib>

namespace nf {

bool built_with_blas() {
#ifdef NF_WITH_OPENBLAS
    return true;
#else
    return false;
#endif
}

Options & options() {
    static Options o{built_with_blas() ? "blas" : "builtin", [] {
        const char * env = std::getenv("NODEFLOW_DEFAULT_DEVICE");
        return std::string(env && std::string(env) == "cpu" ? "cpu" : "auto");
    }()};
    return o;
}

void set_option(const std::string & name, const std::string & value) {
    if (name == "matmul_backend") {
        NF_CHECK(value == "blas" || value == "builtin",
                 "setOption: matmul_backend must be 'blas' or 'builtin', got '%s'", value.c_str());
        NF_CHECK(value != "blas" || built_with_blas(),
                 "setOption: matmul_backend 'blas' is unavailable: this build has no OpenBLAS");
        options().matmul_backend = value;
        return;
    }
    if (name == "default_device") {
        NF_CHECK(value == "auto" || value == "cpu",
                 "setOption: default_device must be 'auto' or 'cpu', got '%s'", value.c_str());
        options().default_device = value;
        return;
    }
    NF_FAIL("setOption: unknown option '%s'", name.c_str());
}

std::string get_option(const std::string & name) {
    if (name == "matmul_backend") return options().matmul_backend;
    if (name == "default_device") return options().default_device;
    NF_FAIL("getOption: unknown option '%s'", name.c_str());
}

} // namespace nf
