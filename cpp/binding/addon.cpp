// Module init and the whole native surface (declared once in lib/native.ts). Thin: no math.
// Every entry point validates its arguments and turns nf::Error into a JavaScript Error.
#include "binding/device.h"
#include "binding/guarded.h"
#include "binding/session.h"
#include "binding/tensor_handle.h"
#include "core/host_allocator.h"
#include "core/options.h"
#include "core/parallel.h"
#include "ops/dispatch.h"
#include <cstring>

namespace nf::binding {

namespace {

std::string read_string(const Napi::Value & v, const char * what) {
    NF_CHECK(v.IsString(), "%s must be a string", what);
    return v.As<Napi::String>().Utf8Value();
}

// runOp(name, inputs: handle[], attrs, device?: string): handle[]. Placed as in a graph: on
// CUDA when it can, unless `device` (the eager tf.device scope) says otherwise.
Napi::Value run_op(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        std::string name = read_string(info[0], "runOp: op name");
        std::vector<Tensor> inputs = unwrap_tensors(env, info[1], name + ": input");
        Attrs attrs = read_attrs(info[2]);
        DeviceRequest req = DeviceRequest::ANY;
        if (info.Length() > 3 && info[3].IsString()) {
            req = parse_device_request(info[3].As<Napi::String>().Utf8Value());
        }
        return wrap_tensors(env, dispatch_placed(name, std::move(inputs), attrs, req,
                                                 default_placement()));
    });
}

// inferShapes(name, inputs: {dtype, shape (null = unknown)}[], attrs): {dtype, shape}[]
Napi::Value infer_shapes(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        std::string name = read_string(info[0], "inferShapes: op name");
        NF_CHECK(info[1].IsArray(), "%s: inputs must be an array", name.c_str());
        Napi::Array a = info[1].As<Napi::Array>();
        std::vector<TensorMeta> metas;
        for (uint32_t i = 0; i < a.Length(); i++) {
            NF_CHECK(a.Get(i).IsObject(), "%s: input %u must be {dtype, shape}", name.c_str(), i);
            Napi::Object m = a.Get(i).As<Napi::Object>();
            metas.push_back({dtype_from_name(read_string(m.Get("dtype"), "dtype")),
                             read_shape(m.Get("shape"), name + ": input shape", true)});
        }
        std::vector<TensorMeta> out = infer_op(name, metas, read_attrs(info[2]));
        Napi::Array r = Napi::Array::New(env, out.size());
        for (size_t i = 0; i < out.size(); i++) {
            Napi::Object m = Napi::Object::New(env);
            m.Set("dtype", dtype_name(out[i].dtype));
            m.Set("shape", shape_to_js(env, out[i].shape));
            r.Set((uint32_t)i, m);
        }
        return r;
    });
}

// fromTypedArray(dtype, shape, data): handle. One copy into 64-byte aligned storage.
Napi::Value from_typed_array(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        DType dt = dtype_from_name(read_string(info[0], "fromTypedArray: dtype"));
        Shape shape = read_shape(info[1], "fromTypedArray: shape", false);
        NF_CHECK(info[2].IsTypedArray(), "fromTypedArray: data must be a TypedArray");
        Napi::TypedArray ta = info[2].As<Napi::TypedArray>();
        napi_typedarray_type want = dt == DType::F32 ? napi_float32_array
                                  : dt == DType::F64 ? napi_float64_array
                                  : dt == DType::I32 ? napi_int32_array : napi_uint8_array;
        NF_CHECK(ta.TypedArrayType() == want, "fromTypedArray: %s data must be a %s", dtype_name(dt),
                 dt == DType::F32 ? "Float32Array" : dt == DType::F64 ? "Float64Array"
                 : dt == DType::I32 ? "Int32Array" : "Uint8Array");
        Tensor t = Tensor::empty(shape, dt);
        NF_CHECK((int64_t)ta.ElementLength() == t.numel(),
                 "fromTypedArray: %zu values do not fill shape %s (%lld elements)",
                 ta.ElementLength(), shape_str(shape).c_str(), (long long)t.numel());
        const uint8_t * src = static_cast<const uint8_t *>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
        if (t.nbytes()) {
            std::memcpy(t.raw(), src, t.nbytes());
        }
        if (dt == DType::BOOL) {
            uint8_t * p = t.data<uint8_t>();
            for (int64_t i = 0; i < t.numel(); i++) p[i] = p[i] != 0;   // canonical 0/1
        }
        return wrap_tensor(env, std::move(t));
    });
}

// toTypedArray(handle): a new TypedArray holding a dense copy of the values.
Napi::Value to_typed_array(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        Tensor t = unwrap_tensor(env, info[0], "toTypedArray: argument");
        Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, t.nbytes());
        Tensor dense = Tensor::empty(t.shape(), t.dtype());
        copy_strided(t, dense);   // from a device: waits for the kernels that produce t
        if (t.nbytes()) std::memcpy(buf.Data(), dense.raw(), t.nbytes());
        size_t n = (size_t)t.numel();
        switch (t.dtype()) {
            case DType::F32: return Napi::Float32Array::New(env, n, buf, 0);
            case DType::F64: return Napi::Float64Array::New(env, n, buf, 0);
            case DType::I32: return Napi::Int32Array::New(env, n, buf, 0);
            case DType::BOOL: return Napi::Uint8Array::New(env, n, buf, 0);
        }
        NF_FAIL("toTypedArray: bad dtype");
    });
}

Napi::Value dispose(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        dispose_tensor(env, info[0]);
        return env.Undefined();
    });
}

Napi::Value list_ops_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        std::vector<std::string> names = list_ops();
        Napi::Array a = Napi::Array::New(env, names.size());
        for (size_t i = 0; i < names.size(); i++) a.Set((uint32_t)i, names[i]);
        return a;
    });
}

Napi::Value memory(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        for (Device d : {Device::CPU, Device::CUDA}) {
            MemoryStats s = memory_stats(d);
            Napi::Object m = Napi::Object::New(env);
            m.Set("numStorages", (double)s.num_storages);
            m.Set("numBytes", (double)s.num_bytes);
            if (d == Device::CPU) {
                m.Set("numBytesInCache", (double)host_cache_bytes());
                m.Set("numSystemAllocations", (double)host_system_allocs());
            }
            o.Set(d == Device::CPU ? "cpu" : "cuda", m);
        }
        return o;
    });
}

Napi::Value build_info(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("blas", built_with_blas() ? "openblas" : "none");
        o.Set("cuda", cuda_available());
        o.Set("cudaBuilt", cuda_info().built);
#ifdef _OPENMP
        o.Set("openmp", true);
#else
        o.Set("openmp", false);
#endif
        o.Set("threads", (double)num_threads());
        return o;
    });
}

Napi::Value set_option_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        set_option(read_string(info[0], "setOption: name"), read_string(info[1], "setOption: value"));
        return env.Undefined();
    });
}

Napi::Value get_option_js(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
        return Napi::String::New(env, get_option(read_string(info[0], "getOption: name")));
    });
}

// Entry points written as plain functions get the same exception guard.
template <Napi::Value (*F)(const Napi::CallbackInfo &)>
Napi::Value guard(const Napi::CallbackInfo & info) {
    return guarded(info, [&](Napi::Env) { return F(info); });
}

Napi::Value cuda_available_js(const Napi::CallbackInfo & info) {
    return Napi::Boolean::New(info.Env(), cuda_available());
}

} // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
    register_all_ops();
    exports.Set("runOp", Napi::Function::New(env, run_op));
    exports.Set("inferShapes", Napi::Function::New(env, infer_shapes));
    exports.Set("fromTypedArray", Napi::Function::New(env, from_typed_array));
    exports.Set("toTypedArray", Napi::Function::New(env, to_typed_array));
    exports.Set("dispose", Napi::Function::New(env, dispose));
    exports.Set("listOps", Napi::Function::New(env, list_ops_js));
    exports.Set("memory", Napi::Function::New(env, memory));
    exports.Set("buildInfo", Napi::Function::New(env, build_info));
    exports.Set("setOption", Napi::Function::New(env, set_option_js));
    exports.Set("getOption", Napi::Function::New(env, get_option_js));
    exports.Set("cudaAvailable", Napi::Function::New(env, cuda_available_js));
    exports.Set("createPlan", Napi::Function::New(env, guard<create_plan>));
    exports.Set("createStore", Napi::Function::New(env, guard<create_store>));
    exports.Set("runPlan", Napi::Function::New(env, guard<run_plan_sync>));
    exports.Set("runPlanAsync", Napi::Function::New(env, guard<run_plan_async>));
    exports.Set("storeGet", Napi::Function::New(env, guard<store_get>));
    exports.Set("storeSet", Napi::Function::New(env, guard<store_set>));
    exports.Set("storeClear", Napi::Function::New(env, guard<store_clear>));
    exports.Set("storeGetCounter", Napi::Function::New(env, guard<store_get_counter>));
    exports.Set("storeSetCounter", Napi::Function::New(env, guard<store_set_counter>));
    exports.Set("planPlacement", Napi::Function::New(env, guard<plan_placement>));
    add_device_exports(env, exports);
    return exports;
}

} // namespace nf::binding

static Napi::Object init_nodeflow(Napi::Env env, Napi::Object exports) {
    return nf::binding::init(env, exports);
}

NODE_API_MODULE(nodeflow, init_nodeflow)
