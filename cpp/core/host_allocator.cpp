// Size-class cache of freed host blocks (see host_allocator.h). Classes: multiples of 64 bytes
// below 64 KiB, else 8 classes per power of two, so a reused block wastes at most 12.5%. The
// cache is bounded; beyond it blocks are freed. A lookup is a lock and a map search, about what
// malloc's own small bins cost, so small blocks are cached too.
#include "core/host_allocator.h"
#include "core/check.h"
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace nf {

namespace {

constexpr size_t kAlign = 64;
constexpr size_t kFineClasses = 64 * 1024;   // below: 64-byte classes
constexpr size_t kCacheLimit = size_t(1) << 30;   // 1 GiB of idle blocks at most

struct Cache {
    std::mutex mu;
    std::map<size_t, std::vector<void *>> free_by_class;
    size_t bytes = 0;
    int64_t system_allocs = 0;
};

Cache & cache() {
    static Cache * c = new Cache();   // never destroyed: tensors may be freed at process exit
    return *c;
}

size_t size_class(size_t n) {
    n = std::max<size_t>(n, 1);
    if (n < kFineClasses) return (n + kAlign - 1) / kAlign * kAlign;
    size_t pow2 = kFineClasses;
    while (pow2 * 2 <= n) pow2 *= 2;
    const size_t step = pow2 / 8;
    return (n + step - 1) / step * step;
}

} // namespace

void * host_alloc(size_t nbytes) {
    const size_t cls = size_class(nbytes);
    {
        Cache & c = cache();
        std::lock_guard<std::mutex> lock(c.mu);
        auto it = c.free_by_class.find(cls);
        if (it != c.free_by_class.end() && !it->second.empty()) {
            void * p = it->second.back();
            it->second.pop_back();
            c.bytes -= cls;
            return p;
        }
        c.system_allocs++;
    }
    void * p = std::aligned_alloc(kAlign, cls);
    NF_CHECK(p != nullptr, "out of host memory allocating %zu bytes", nbytes);
    return p;
}

void host_free(void * p, size_t nbytes) {
    const size_t cls = size_class(nbytes);
    {
        Cache & c = cache();
        std::lock_guard<std::mutex> lock(c.mu);
        if (c.bytes + cls <= kCacheLimit) {
            c.free_by_class[cls].push_back(p);
            c.bytes += cls;
            return;
        }
    }
    std::free(p);
}

size_t host_cache_bytes() {
    Cache & c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    return c.bytes;
}

int64_t host_system_allocs() {
    Cache & c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    return c.system_allocs;
}

void host_cache_clear() {
    Cache & c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    for (auto & kv : c.free_by_class) {
        for (void * p : kv.second) std::free(p);
    }
    c.free_by_class.clear();
    c.bytes = 0;
}

} // namespace nf
