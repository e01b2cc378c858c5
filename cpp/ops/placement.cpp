// Placement: which device an op runs on, and where each of its inputs must be (TF 1.x rules,
// see dispatch.h). Device names follow TF and PyTorch: "cpu", "cuda:0", "/device:GPU:0".
#include "core/device.h"
#include "core/options.h"
#include "ops/dispatch.h"
#include <cctype>

namespace nf {

DeviceRequest parse_device_request(const std::string & s) {
    if (s.empty()) return DeviceRequest::ANY;
    std::string t;
    for (char c : s) t += (char)std::tolower((unsigned char)c);
    if (t.rfind("/", 0) == 0) t = t.substr(1);
    if (t.rfind("device:", 0) == 0) t = t.substr(7);
    const size_t colon = t.find(':');
    const std::string kind = t.substr(0, colon);
    const std::string index = colon == std::string::npos ? "0" : t.substr(colon + 1);
    const bool cpu = kind == "cpu", gpu = kind == "gpu" || kind == "cuda";
    NF_CHECK((cpu || gpu) && !index.empty() &&
                 index.find_first_not_of("0123456789") == std::string::npos,
             "unknown device '%s' (expected 'cpu' or 'cuda:0')", s.c_str());
    NF_CHECK(index == "0", "device '%s': only device 0 is supported ('cpu' or 'cuda:0')",
             s.c_str());
    return cpu ? DeviceRequest::CPU : DeviceRequest::CUDA;
}

PlacementOptions default_placement() {
    PlacementOptions o;
    o.prefer_cuda = options().default_device != "cpu";
    return o;
}

namespace {

// Why the op cannot run on CUDA ("" when it can).
std::string cuda_refusal(const OpDef & def, const std::vector<Tensor> & inputs,
                         const Attrs & attrs) {
    if (!cuda_available()) return cuda_unavailable_reason();
    if (!def.cuda) return "the op has no CUDA kernel";
    if (def.cuda_supports) {
        std::vector<TensorMeta> metas;
        for (const Tensor & t : inputs) metas.push_back({t.dtype(), t.shape()});
        if (!def.cuda_supports(metas, attrs)) return "its CUDA kernel does not take these inputs";
    }
    return "";
}

} // namespace

Device place_op(const OpDef & def, const std::vector<Tensor> & inputs, const Attrs & attrs,
                DeviceRequest req, const PlacementOptions & opts) {
    if (def.flags & OP_SHAPE_ONLY) return Device::CPU;
    const std::string why = req == DeviceRequest::CPU ? "" : cuda_refusal(def, inputs, attrs);
    // In-place updates follow the variable (a CUDA variable without a CUDA kernel is updated
    // on the CPU through a copy that dispatch_on writes back).
    if (def.in_place && !inputs.empty()) {
        return inputs[0].device() == Device::CUDA && why.empty() ? Device::CUDA : Device::CPU;
    }
    if (req == DeviceRequest::CPU) return Device::CPU;
    if (req == DeviceRequest::CUDA && !why.empty() && !opts.allow_soft_placement) {
        NF_FAIL("cannot run on cuda:0: %s (allowSoftPlacement is off)", why.c_str());
    }
    if (req == DeviceRequest::ANY && !opts.prefer_cuda) return Device::CPU;
    return why.empty() ? Device::CUDA : Device::CPU;
}

Device input_device(const OpDef & def, size_t i, Device dev) {
    if (dev == Device::CUDA && i < 32 && (def.cuda_host_inputs >> i & 1)) return Device::CPU;
    return dev;
}

Tensor to_device(const Tensor & t, Device dev) {
    if (t.device() == dev) return t;
    Tensor out = Tensor::empty(t.shape(), t.dtype(), dev);
    copy_strided(t, out);
    return out;
}

} // namespace nf
