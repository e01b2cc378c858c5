// The op registry (name -> OpDef) and the shape-inference helpers shared by the families.
#include "ops/op_table.h"
#include <map>
#include <mutex>

namespace nf {

namespace {
std::map<std::string, OpDef> & table() {
    static std::map<std::string, OpDef> t;
    return t;
}
} // namespace

void register_op(OpDef def) {
    NF_CHECK(!table().count(def.name), "op '%s' registered twice", def.name.c_str());
    std::string name = def.name;
    table().emplace(name, std::move(def));
}

void set_cuda_kernel(const std::string & name, KernelFn fn, SupportsFn supports,
                     uint32_t host_inputs) {
    auto it = table().find(name);
    NF_CHECK(it != table().end(), "cuda kernel for unknown op '%s'", name.c_str());
    it->second.cuda = fn;
    it->second.cuda_supports = supports;
    it->second.cuda_host_inputs = host_inputs;
}

const OpDef * find_op(const std::string & name) {
    auto it = table().find(name);
    return it == table().end() ? nullptr : &it->second;
}

std::vector<std::string> list_ops() {
    std::vector<std::string> names;
    for (auto & kv : table()) {
        names.push_back(kv.first);
    }
    return names;
}

// Explicit, greppable list of families; each family lists its own ops in cpp/ops/<family>.cpp.
void register_all_ops() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_core_ops();
        register_broadcast_ops();
        register_unary_ops();
        register_binary_ops();
        register_reduce_ops();
        register_matmul_ops();
        register_softmax_ops();
        register_shape_ops();
        register_index_ops();
        register_conv_ops();
        register_depthwise_ops();
        register_norm_ops();
        register_image_ops();
        register_random_ops();
        register_optim_ops();
        register_logging_ops();
        register_cuda_kernels();   // after every family: it fills their CUDA slots
    });
}

std::vector<TensorMeta> infer_same_as_input0(const std::vector<TensorMeta> & in, const Attrs &) {
    return {in[0]};
}

void check_float(const TensorMeta & t, const char * arg) {
    NF_CHECK(is_float(t.dtype), "expected float32 or float64 input '%s', got %s", arg,
             dtype_name(t.dtype));
}

void check_dy_shape(const Shape & dy, const Shape & want) {
    bool ok = dy.size() == want.size();
    for (size_t d = 0; ok && d < dy.size(); d++) ok = dy[d] < 0 || want[d] < 0 || dy[d] == want[d];
    NF_CHECK(ok, "gradient 'dy' has shape %s, expected %s", shape_str(dy).c_str(),
             shape_str(want).c_str());
}

void check_same_dtype(const std::vector<TensorMeta> & in) {
    for (size_t i = 1; i < in.size(); i++) {
        NF_CHECK(in[i].dtype == in[0].dtype, "inputs must have the same dtype, got %s and %s",
                 dtype_name(in[0].dtype), dtype_name(in[i].dtype));
    }
}

} // namespace nf
