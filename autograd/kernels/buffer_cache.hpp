#pragma once
// The buffer cache: large op results are reused from one training step to the next.
//
// A training loop makes the same activations and gradients, of the same sizes, every step.
// A fresh buffer of several MiB comes from the kernel as new (huge) pages that must be
// faulted in and zeroed on first write, which a hand-written loop that keeps its buffers
// never pays (several percent of a step on the large benchmark networks). So when a tensor
// of at least `buffer_cache_min_bytes` (4 MiB, where huge pages start) dies, its buffer is
// kept, and the next op result with the same number of elements takes it instead of asking
// malloc. Smaller buffers are left to malloc: glibc serves them again from its free lists
// without fresh pages, and keeping them here only held memory at the peak (medium's was
// 0.76x the floor's with them cached, 0.68x without, at the same speed on medium, course and
// fashion10: bench/README.md). PyTorch's CUDA caching allocator does this for device memory.
//
// Per thread and per dtype, no locks. Bounded: the oldest buffers are let go beyond
// `limit` bytes (256 MiB, or XGRAD_BUFFER_CACHE_MB from the environment). The cache holds
// memory that no tensor uses; `clear_buffer_cache()` hands it back (for example after
// training), `set_buffer_cache_limit(0)` or XGRAD_BUFFER_CACHE_MB=0 turns the cache off.

#include "autograd/kernels/huge_pages.hpp"
#include "autograd/xtensor.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace xgrad {

struct BufferCacheStats {
    std::size_t buffers = 0;  ///< buffers held now, for reuse
    std::size_t bytes = 0;    ///< their total size
    std::size_t limit = 0;    ///< the most bytes this thread's cache holds
    std::uint64_t reused = 0; ///< op results that took a cached buffer
    std::uint64_t missed = 0; ///< op results of cacheable size that found none
};

/// Buffers smaller than this are never cached: those that go on huge pages are.
inline constexpr std::size_t buffer_cache_min_bytes = kernels::huge_page_min_buffer;
/// The default limit per thread (both dtypes together).
inline constexpr std::size_t buffer_cache_default_limit = std::size_t(256) << 20;

/// This thread's cache, float and double together.
BufferCacheStats buffer_cache_stats();
/// Frees every buffer this thread's cache holds (the counters stay).
void clear_buffer_cache();
/// Sets this thread's limit in bytes, freeing the oldest buffers beyond it; 0 turns the
/// cache off.
void set_buffer_cache_limit(std::size_t bytes);

namespace kernels {
// A buffer of `size` elements (at least buffer_cache_min_bytes) kept from a dead tensor,
// reshaped to `shape`; none when none fits.
template <class T>
std::optional<Array<T>> take_cached_buffer(const Shape& shape, std::size_t size);
// Called as a tensor dies: keeps its buffer when it is large and the cache has room.
template <class T>
void give_buffer_to_cache(Array<T>& buffer);
} // namespace kernels

} // namespace xgrad
