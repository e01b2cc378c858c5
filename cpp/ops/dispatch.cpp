// Eager dispatch and graph-time inference. The native side re-checks everything: arity,
// devices, dtypes and shapes, before any kernel touches memory.
#include "ops/dispatch.h"

namespace nf {

namespace {

std::string describe_inputs(const std::vector<TensorMeta> & in) {
    std::string s;
    for (size_t i = 0; i < in.size(); i++) {
        s += (i ? ", " : "") + std::string(dtype_name(in[i].dtype)) + shape_str(in[i].shape);
    }
    return s;
}

// "<op>: <message> (inputs: float32[2,3], float32[4])", without repeating the op name.
[[noreturn]] void rethrow_with_context(const std::string & name, const std::string & msg,
                                       const std::vector<TensorMeta> & in) {
    std::string body = msg.rfind(name + ":", 0) == 0 ? msg.substr(name.size() + 1) : " " + msg;
    throw Error(name + ":" + body + " (inputs: " + describe_inputs(in) + ")");
}

const OpDef & lookup(const std::string & name) {
    const OpDef * def = find_op(name);
    NF_CHECK(def, "unknown op '%s'", name.c_str());
    return *def;
}

void check_arity(const OpDef & def, size_t n) {
    bool ok = (int)n >= def.min_inputs && (def.max_inputs < 0 || (int)n <= def.max_inputs);
    if (!ok) {
        if (def.max_inputs == def.min_inputs) {
            NF_FAIL("%s: expected %d input(s), got %zu", def.name.c_str(), def.min_inputs, n);
        }
        NF_FAIL("%s: expected %d to %d inputs, got %zu", def.name.c_str(), def.min_inputs,
                def.max_inputs, n);
    }
}

std::vector<TensorMeta> infer_checked(const OpDef & def, const std::vector<TensorMeta> & in,
                                      const Attrs & attrs) {
    check_arity(def, in.size());
    try {
        return def.infer(in, attrs);
    } catch (const Error & e) {
        rethrow_with_context(def.name, e.what(), in);
    }
}

} // namespace

std::vector<TensorMeta> infer_op(const std::string & name, const std::vector<TensorMeta> & inputs,
                                 const Attrs & attrs) {
    return infer_checked(lookup(name), inputs, attrs);
}

namespace {

std::vector<TensorMeta> metas_of(const std::string & name, const std::vector<Tensor> & inputs) {
    std::vector<TensorMeta> metas;
    for (const Tensor & t : inputs) {
        NF_CHECK(t.defined(), "%s: an input tensor was disposed", name.c_str());
        metas.push_back({t.dtype(), t.shape()});
    }
    return metas;
}

// Calls the kernel of `device`; inputs are already where input_device() wants them.
std::vector<Tensor> run_kernel(const OpDef & def, std::vector<Tensor> inputs, const Attrs & attrs,
                               const std::vector<TensorMeta> & metas,
                               const std::vector<TensorMeta> & out_metas, Device device) {
    KernelFn kernel = device == Device::CPU ? def.cpu : def.cuda;
    NF_CHECK(kernel, "%s: not implemented for %s", def.name.c_str(), device_name(device));
    OpCall call{def.name, std::move(inputs), {}, attrs};
    if (!(def.flags & OP_STRIDED)) {
        for (Tensor & t : call.inputs) {
            t = t.contiguous();
        }
    }
    if (!(def.flags & OP_KERNEL_ALLOCATES)) {
        for (const TensorMeta & m : out_metas) {
            call.outputs.push_back(Tensor::empty(m.shape, m.dtype, device));
        }
    }
    try {
        kernel(call);
    } catch (const Error & e) {
        rethrow_with_context(def.name, e.what(), metas);
    }
    return std::move(call.outputs);
}

} // namespace

std::vector<Tensor> dispatch(const std::string & name, std::vector<Tensor> inputs,
                             const Attrs & attrs) {
    const OpDef & def = lookup(name);
    std::vector<TensorMeta> metas = metas_of(name, inputs);
    std::vector<TensorMeta> out_metas = infer_checked(def, metas, attrs);
    const Device device = inputs.empty() ? Device::CPU : inputs[0].device();
    for (size_t i = 0; i < inputs.size(); i++) {
        const Device want = def.flags & OP_SHAPE_ONLY ? inputs[i].device()
                                                      : input_device(def, i, device);
        NF_CHECK(inputs[i].device() == want, "%s: inputs are on different devices (%s and %s)",
                 name.c_str(), device_name(device), device_name(inputs[i].device()));
    }
    return run_kernel(def, std::move(inputs), attrs, metas, out_metas, device);
}

std::vector<Tensor> dispatch_on(const std::string & name, std::vector<Tensor> inputs,
                                const Attrs & attrs, Device dev) {
    const OpDef & def = lookup(name);
    std::vector<TensorMeta> metas = metas_of(name, inputs);
    std::vector<TensorMeta> out_metas = infer_checked(def, metas, attrs);
    std::vector<std::pair<size_t, Tensor>> moved;   // (input, original) of copied inputs
    for (size_t i = 0; i < inputs.size(); i++) {
        const Device want = input_device(def, i, dev);
        if (def.flags & OP_SHAPE_ONLY || inputs[i].device() == want) continue;
        moved.push_back({i, inputs[i]});
        inputs[i] = to_device(inputs[i], want);
    }
    std::vector<std::pair<Tensor, Tensor>> write_back;   // (copy, original)
    for (auto & m : moved) {
        if (def.in_place >> m.first & 1) write_back.push_back({inputs[m.first], m.second});
    }
    std::vector<Tensor> out = run_kernel(def, std::move(inputs), attrs, metas, out_metas, dev);
    for (auto & wb : write_back) {
        copy_strided(wb.first, wb.second);   // the update reaches the original
    }
    return out;
}

std::vector<Tensor> dispatch_placed(const std::string & name, std::vector<Tensor> inputs,
                                    const Attrs & attrs, DeviceRequest req,
                                    const PlacementOptions & opts, Device * ran_on) {
    const OpDef & def = lookup(name);
    Device dev;
    try {
        dev = place_op(def, inputs, attrs, req, opts);
    } catch (const Error & e) {
        rethrow_with_context(def.name, e.what(), metas_of(name, inputs));
    }
    if (ran_on) *ran_on = dev;
    return dispatch_on(name, std::move(inputs), attrs, dev);
}

} // namespace nf
