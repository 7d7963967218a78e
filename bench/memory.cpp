// Replacing malloc: the executable defines malloc, free, calloc, realloc and the aligned
// allocators, and forwards each to glibc's own (__libc_*), counting usable sizes on the way.
// glibc documents this kind of replacement ("Replacing malloc" in its manual); the target is
// linked with ENABLE_EXPORTS so shared libraries (libstdc++, LibTorch) bind to these.
//
// Sanitizer builds (XGRAD_SANITIZE) bring their own malloc; there the replacement is left
// out (XGRAD_BENCH_NO_HEAP_COUNT) and every figure reads -1, printed as "-".
#include "memory.hpp"

#ifdef XGRAD_BENCH_NO_HEAP_COUNT
namespace xgrad::bench::memory {
long long live() {
    return -1;
}
long long peak() {
    return -1;
}
void reset_peak() {}
long long allocations() {
    return -1;
}
void counting(bool) {}
} // namespace xgrad::bench::memory
#else

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <malloc.h>

extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
std::atomic<long long> g_live{0};
std::atomic<long long> g_peak{0};
std::atomic<long long> g_allocations{0};
std::atomic<bool> g_counting{true};

void* counted(void* p) {
    if (p && g_counting.load(std::memory_order_relaxed)) {
        const auto n = static_cast<long long>(malloc_usable_size(p));
        const long long now = g_live.fetch_add(n, std::memory_order_relaxed) + n;
        long long seen = g_peak.load(std::memory_order_relaxed);
        while (now > seen && !g_peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    }
    return p;
}
void uncount(void* p) {
    if (p && g_counting.load(std::memory_order_relaxed))
        g_live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
}
} // namespace

extern "C" {
void* malloc(std::size_t n) {
    return counted(__libc_malloc(n));
}
void free(void* p) {
    uncount(p);
    __libc_free(p);
}
void* calloc(std::size_t count, std::size_t n) {
    return counted(__libc_calloc(count, n));
}
void* realloc(void* p, std::size_t n) {
    if (!g_counting.load(std::memory_order_relaxed))
        return __libc_realloc(p, n);
    // glibc's realloc may free p or return it resized: take p out first, count the result.
    const long long before = p ? static_cast<long long>(malloc_usable_size(p)) : 0;
    void* q = __libc_realloc(p, n);
    if (!q && n != 0)
        return nullptr; // p untouched and still counted
    g_live.fetch_sub(before, std::memory_order_relaxed);
    if (q) {
        g_allocations.fetch_sub(1, std::memory_order_relaxed); // counted() adds it back
        counted(q);
    }
    return q;
}
void* memalign(std::size_t alignment, std::size_t n) {
    return counted(__libc_memalign(alignment, n));
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
    return counted(__libc_memalign(alignment, n));
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void* p = __libc_memalign(alignment, n);
    if (!p && n != 0)
        return ENOMEM;
    *out = counted(p);
    return 0;
}
void* valloc(std::size_t n) {
    return counted(__libc_memalign(4096, n));
}
void* pvalloc(std::size_t n) {
    return counted(__libc_memalign(4096, (n + 4095) & ~std::size_t(4095)));
}
}

namespace xgrad::bench::memory {
long long live() {
    return g_live.load(std::memory_order_relaxed);
}
long long peak() {
    return g_peak.load(std::memory_order_relaxed);
}
void reset_peak() {
    g_peak.store(live(), std::memory_order_relaxed);
}
long long allocations() {
    return g_allocations.load(std::memory_order_relaxed);
}
void counting(bool on) {
    g_counting.store(on, std::memory_order_relaxed);
}
} // namespace xgrad::bench::memory
#endif // XGRAD_BENCH_NO_HEAP_COUNT
