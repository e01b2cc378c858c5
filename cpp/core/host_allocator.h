// Host memory for tensor storage: 64-byte aligned, with a cache of freed blocks by size class.
// A training step allocates the same sizes every step, so after the first steps every block
// comes from the cache: the steady state makes no system allocation (tf.memory() shows the
// count), and large blocks (which glibc would mmap and munmap, paying page faults on every
// first touch) stay mapped.
#pragma once
#include <cstddef>
#include <cstdint>

namespace nf {

void * host_alloc(size_t nbytes);        // never null (throws nf::Error when out of memory)
void host_free(void * p, size_t nbytes); // nbytes as passed to host_alloc
// Bytes held in the cache (not in use by any tensor), and a way to return them to the system.
size_t host_cache_bytes();
void host_cache_clear();
// Blocks obtained from the system allocator since the process started (cache misses).
int64_t host_system_allocs();

} // namespace nf
