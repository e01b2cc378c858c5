// Device entry points of the native surface (see device.cpp); registered in addon.cpp.
#pragma once
#include "core/device.h"
#include <napi.h>

namespace nf::binding {

// toDevice, synchronize, cudaInfo, cudaMemory, cudaEmptyCache, cudaSetMemoryLimit,
// cudaSetAllowTf32, opDevices.
void add_device_exports(Napi::Env env, Napi::Object exports);

} // namespace nf::binding
