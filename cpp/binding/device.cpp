// Devices seen from JavaScript: moving a tensor (t.to('cuda:0')), waiting for the GPU, the
// CUDA build and run-time facts (doctor), the caching allocator's numbers and switches.
#include "binding/device.h"
#include "binding/guarded.h"
#include "binding/tensor_handle.h"
#include "ops/dispatch.h"

namespace nf::binding {

namespace {

// toDevice(handle, device): the tensor on `device` (the same handle's tensor when already there).
Napi::Value to_device_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        Tensor t = unwrap_tensor(env, info[0], "to: tensor");
        NF_CHECK(info[1].IsString(), "to: device must be a string ('cpu' or 'cuda:0')");
        const std::string name = info[1].As<Napi::String>().Utf8Value();
        const DeviceRequest req = parse_device_request(name);
        const Device dev = req == DeviceRequest::CPU ? Device::CPU : Device::CUDA;
        NF_CHECK(dev == Device::CPU || cuda_available(), "to('%s'): CUDA is not available: %s",
                 name.c_str(), cuda_unavailable_reason().c_str());
        return wrap_tensor(env, to_device(t, dev));
    });
}

Napi::Value synchronize_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        if (cuda_available()) cuda_synchronize();
        return env.Undefined();
    });
}

Napi::Value cuda_info_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        const CudaInfo c = cuda_info();
        Napi::Object o = Napi::Object::New(env);
        o.Set("available", cuda_available());
        o.Set("built", c.built);
        o.Set("builtCublas", c.built_cublas);
        o.Set("builtCudnn", c.built_cudnn);
        o.Set("compiledRuntime", c.compiled_runtime);
        o.Set("compiledCudnn", c.compiled_cudnn);
        o.Set("architectures", c.architectures);
        o.Set("runtimeVersion", c.runtime_version);
        o.Set("driverVersion", c.driver_version);
        o.Set("cublasVersion", c.cublas_version);
        o.Set("cudnnVersion", c.cudnn_version);
        o.Set("cudnnUsable", c.cudnn_usable);
        o.Set("reason", c.reason);
        Napi::Array devs = Napi::Array::New(env, c.devices.size());
        for (size_t i = 0; i < c.devices.size(); i++) {
            const CudaDeviceInfo & d = c.devices[i];
            Napi::Object g = Napi::Object::New(env);
            g.Set("index", d.index);
            g.Set("name", d.name);
            g.Set("computeCapability", std::to_string(d.major) + "." + std::to_string(d.minor));
            g.Set("totalBytes", (double)d.total_bytes);
            g.Set("freeBytes", (double)d.free_bytes);
            g.Set("multiprocessors", d.multiprocessors);
            devs.Set((uint32_t)i, g);
        }
        o.Set("devices", devs);
        return o;
    });
}

Napi::Value cuda_memory_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        const CudaMemoryInfo m = cuda_memory_info();
        Napi::Object o = Napi::Object::New(env);
        o.Set("bytesInUse", (double)m.bytes_in_use);
        o.Set("bytesCached", (double)m.bytes_cached);
        o.Set("bytesReserved", (double)m.bytes_reserved);
        o.Set("peakBytesInUse", (double)m.peak_bytes_in_use);
        o.Set("numDeviceAllocs", (double)m.num_device_allocs);
        o.Set("limitBytes", (double)m.limit_bytes);
        return o;
    });
}

Napi::Value cuda_empty_cache_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        cuda_empty_cache();
        return env.Undefined();
    });
}

// cudaSetMemoryLimit(bytes): 0 removes the cap.
Napi::Value cuda_set_memory_limit_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        NF_CHECK(info[0].IsNumber(), "cuda memory limit must be a number of bytes");
        const double b = info[0].As<Napi::Number>().DoubleValue();
        NF_CHECK(b >= 0 && b < 9e18, "cuda memory limit must be >= 0 bytes, got %g", b);
        cuda_set_memory_limit((int64_t)b);
        return env.Undefined();
    });
}

Napi::Value cuda_set_allow_tf32_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        NF_CHECK(info[0].IsBoolean(), "allowTf32 must be a boolean");
        cuda_set_allow_tf32(info[0].As<Napi::Boolean>().Value());
        return env.Undefined();
    });
}

// opDevices(name): { cpu: bool, cuda: bool } — which kernels the op has in this build.
Napi::Value op_devices_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        NF_CHECK(info[0].IsString(), "opDevices: op name must be a string");
        const std::string name = info[0].As<Napi::String>().Utf8Value();
        const OpDef * def = find_op(name);
        NF_CHECK(def, "opDevices: unknown op '%s'", name.c_str());
        Napi::Object o = Napi::Object::New(env);
        o.Set("cpu", def->cpu != nullptr);
        o.Set("cuda", def->cuda != nullptr);
        return o;
    });
}

} // namespace

void add_device_exports(Napi::Env env, Napi::Object exports) {
    exports.Set("toDevice", Napi::Function::New(env, to_device_js));
    exports.Set("synchronize", Napi::Function::New(env, synchronize_js));
    exports.Set("cudaInfo", Napi::Function::New(env, cuda_info_js));
    exports.Set("cudaMemory", Napi::Function::New(env, cuda_memory_js));
    exports.Set("cudaEmptyCache", Napi::Function::New(env, cuda_empty_cache_js));
    exports.Set("cudaSetMemoryLimit", Napi::Function::New(env, cuda_set_memory_limit_js));
    exports.Set("cudaSetAllowTf32", Napi::Function::New(env, cuda_set_allow_tf32_js));
    exports.Set("opDevices", Napi::Function::New(env, op_devices_js));
}

} // namespace nf::binding
