// Tensor handles, attrs and shapes crossing the N-API boundary. Everything read from JS is
// validated here: a wrong type becomes an nf::Error, never a crash.
#include "binding/tensor_handle.h"
#include <cmath>

namespace nf::binding {

namespace {

const napi_type_tag kTensorTag = {0x6e6f6465666c6f77ULL, 0x74656e736f720001ULL};

struct TensorBox {
    Tensor t;
    int64_t reported = 0;   // bytes announced to V8 via napi_adjust_external_memory
};

void release(napi_env env, TensorBox * box) {
    if (box->reported) {
        int64_t ignored;
        napi_adjust_external_memory(env, -box->reported, &ignored);
        box->reported = 0;
    }
    box->t = Tensor();
}

void finalize(napi_env env, void * data, void *) {
    auto * box = static_cast<TensorBox *>(data);
    release(env, box);
    delete box;
}

TensorBox * unwrap_box(Napi::Env env, Napi::Value v, const std::string & what) {
    bool tagged = false;
    if (v.IsObject()) {
        napi_check_object_type_tag(env, v, &kTensorTag, &tagged);
    }
    NF_CHECK(tagged, "%s is not a nodeflow tensor", what.c_str());
    void * data = nullptr;
    NF_CHECK(napi_unwrap(env, v, &data) == napi_ok && data, "%s is not a nodeflow tensor",
             what.c_str());
    return static_cast<TensorBox *>(data);
}

} // namespace

Napi::Array shape_to_js(Napi::Env env, const Shape & s) {
    Napi::Array a = Napi::Array::New(env, s.size());
    for (size_t i = 0; i < s.size(); i++) {
        a.Set((uint32_t)i, s[i] < 0 ? env.Null() : Napi::Number::New(env, (double)s[i]));
    }
    return a;
}

Napi::Object wrap_tensor(Napi::Env env, Tensor t) {
    Napi::Object obj = Napi::Object::New(env);
    obj.Set("dtype", dtype_name(t.dtype()));
    obj.Set("shape", shape_to_js(env, t.shape()));
    obj.Set("device", device_name(t.device()));
    auto * box = new TensorBox{std::move(t)};
    // Views share storage; report only what this handle keeps alive at most.
    box->reported = (int64_t)box->t.nbytes();
    int64_t ignored;
    napi_adjust_external_memory(env, box->reported, &ignored);
    napi_wrap(env, obj, box, finalize, nullptr, nullptr);
    napi_type_tag_object(env, obj, &kTensorTag);
    return obj;
}

Tensor unwrap_tensor(Napi::Env env, Napi::Value v, const std::string & what) {
    TensorBox * box = unwrap_box(env, v, what);
    NF_CHECK(box->t.defined(), "%s was disposed", what.c_str());
    return box->t;
}

std::vector<Tensor> unwrap_tensors(Napi::Env env, Napi::Value v, const std::string & what) {
    NF_CHECK(v.IsArray(), "%s must be an array of tensors", what.c_str());
    Napi::Array a = v.As<Napi::Array>();
    std::vector<Tensor> out;
    for (uint32_t i = 0; i < a.Length(); i++) {
        out.push_back(unwrap_tensor(env, a.Get(i), what + "[" + std::to_string(i) + "]"));
    }
    return out;
}

Napi::Array wrap_tensors(Napi::Env env, const std::vector<Tensor> & ts) {
    Napi::Array a = Napi::Array::New(env, ts.size());
    for (size_t i = 0; i < ts.size(); i++) {
        a.Set((uint32_t)i, wrap_tensor(env, ts[i]));
    }
    return a;
}

void dispose_tensor(Napi::Env env, Napi::Value v) { release(env, unwrap_box(env, v, "dispose: argument")); }

Shape read_shape(Napi::Value v, const std::string & what, bool allow_unknown) {
    NF_CHECK(v.IsArray(), "%s must be an array of dimensions", what.c_str());
    Napi::Array a = v.As<Napi::Array>();
    NF_CHECK(a.Length() <= 32, "%s has rank %u; at most 32 is supported", what.c_str(), a.Length());
    Shape s;
    for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value d = a.Get(i);
        if (allow_unknown && (d.IsNull() || d.IsUndefined())) {
            s.push_back(-1);
            continue;
        }
        NF_CHECK(d.IsNumber(), "%s[%u] must be a number", what.c_str(), i);
        double x = d.As<Napi::Number>().DoubleValue();
        NF_CHECK(std::isfinite(x) && x == std::floor(x) && x >= (allow_unknown ? -1 : 0) && x < 4e15,
                 "%s[%u] must be a non-negative integer, got %g", what.c_str(), i, x);
        s.push_back((int64_t)x);
    }
    return s;
}

Attrs read_attrs(Napi::Value v) {
    Attrs attrs;
    if (v.IsUndefined() || v.IsNull()) {
        return attrs;
    }
    NF_CHECK(v.IsObject(), "attrs must be an object");
    Napi::Object o = v.As<Napi::Object>();
    Napi::Array keys = o.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
        std::string k = keys.Get(i).ToString().Utf8Value();
        Napi::Value x = o.Get(k);
        if (x.IsNumber()) {
            attrs.set(k, x.As<Napi::Number>().DoubleValue());
        } else if (x.IsBoolean()) {
            attrs.set(k, x.As<Napi::Boolean>().Value());
        } else if (x.IsString()) {
            attrs.set(k, x.As<Napi::String>().Utf8Value());
        } else if (x.IsArray()) {
            Napi::Array a = x.As<Napi::Array>();
            std::vector<double> list;
            for (uint32_t j = 0; j < a.Length(); j++) {
                Napi::Value e = a.Get(j);
                if (e.IsBoolean()) {
                    list.push_back(e.As<Napi::Boolean>().Value() ? 1 : 0);
                    continue;
                }
                NF_CHECK(e.IsNumber(), "attribute '%s'[%u] must be a number", k.c_str(), j);
                list.push_back(e.As<Napi::Number>().DoubleValue());
            }
            attrs.set(k, std::move(list));
        } else if (!x.IsUndefined() && !x.IsNull()) {
            NF_FAIL("attribute '%s' must be a number, boolean, string or number array", k.c_str());
        }
    }
    return attrs;
}

} // namespace nf::binding
