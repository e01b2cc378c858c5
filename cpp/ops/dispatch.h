// dispatch: run one op eagerly (look up, check, infer, allocate, call the device's kernel).
// infer_op: shape/dtype inference only, for graph construction. Both prefix every error with
// the op name and the input descriptions, so a message always names the op, shapes and dtypes.
// Placement (TF's rules): an op goes to CUDA when a GPU is present, the op has a CUDA kernel
// for these inputs, and nothing asks for the CPU; inputs are copied to the chosen device.
#pragma once
#include "ops/op_table.h"

namespace nf {

// Runs on the inputs' device (all on one device; 0 inputs: the CPU). No copies.
std::vector<Tensor> dispatch(const std::string & name, std::vector<Tensor> inputs, const Attrs & attrs);

// What a graph node (tf.device) or an eager device scope asked for.
enum class DeviceRequest : uint8_t { ANY, CPU, CUDA };
// "" -> ANY; "cpu", "/cpu:0", "/device:CPU:0" -> CPU; "cuda:0", "gpu:0", "/device:GPU:0" -> CUDA.
// Other device indices are rejected (only device 0 is used).
DeviceRequest parse_device_request(const std::string & s);

struct PlacementOptions {
    bool allow_soft_placement = true;   // an op with no CUDA kernel asked onto CUDA runs on CPU
    bool prefer_cuda = true;            // ANY goes to CUDA when it can
};
// The process default: prefer_cuda unless the option default_device is "cpu" (core/options.h).
PlacementOptions default_placement();

// The device an op runs on (see the header). Throws when CUDA was asked for, cannot be had
// and soft placement is off.
Device place_op(const OpDef & def, const std::vector<Tensor> & inputs, const Attrs & attrs,
                DeviceRequest req, const PlacementOptions & opts);
// Where input i of an op running on `dev` must be: `dev`, or the CPU for host inputs.
Device input_device(const OpDef & def, size_t i, Device dev);
// Runs on `dev`, copying inputs that are elsewhere; in-place inputs (OpDef::in_place) copied
// over are written back afterwards, so an update is never lost.
std::vector<Tensor> dispatch_on(const std::string & name, std::vector<Tensor> inputs,
                                const Attrs & attrs, Device dev);
// place_op + dispatch_on (eager ops). `ran_on` receives the device when not null.
std::vector<Tensor> dispatch_placed(const std::string & name, std::vector<Tensor> inputs,
                                    const Attrs & attrs, DeviceRequest req,
                                    const PlacementOptions & opts, Device * ran_on = nullptr);
// t on `dev`: t itself when it is there already, else a dense copy.
Tensor to_device(const Tensor & t, Device dev);
std::vector<TensorMeta> infer_op(const std::string & name, const std::vector<TensorMeta> & inputs,
                                 const Attrs & attrs);

} // namespace nf
