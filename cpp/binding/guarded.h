// The guard every native entry point runs in: C++ exceptions become JavaScript Errors (never a
// crash); a JavaScript error already thrown passes through.
#pragma once
#include <exception>
#include <new>
#include <napi.h>

namespace nf::binding {

template <typename F>
Napi::Value guarded(const Napi::CallbackInfo & info, F fn) {
    try {
        return fn(info.Env());
    } catch (const Napi::Error &) {
        throw;
    } catch (const std::bad_alloc &) {
        throw Napi::Error::New(info.Env(), "out of memory");
    } catch (const std::exception & e) {
        throw Napi::Error::New(info.Env(), e.what());
    }
}

} // namespace nf::binding
