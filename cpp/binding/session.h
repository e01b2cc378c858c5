// Session entry points of the native surface (see session.cpp); registered in addon.cpp.
#pragma once
#include <napi.h>

namespace nf::binding {

Napi::Value create_plan(const Napi::CallbackInfo & info);
Napi::Value create_store(const Napi::CallbackInfo & info);
Napi::Value run_plan_sync(const Napi::CallbackInfo & info);
Napi::Value run_plan_async(const Napi::CallbackInfo & info);
Napi::Value store_get(const Napi::CallbackInfo & info);
Napi::Value store_set(const Napi::CallbackInfo & info);
Napi::Value store_clear(const Napi::CallbackInfo & info);
Napi::Value store_get_counter(const Napi::CallbackInfo & info);
Napi::Value store_set_counter(const Napi::CallbackInfo & info);
Napi::Value plan_placement(const Napi::CallbackInfo & info);

} // namespace nf::binding
