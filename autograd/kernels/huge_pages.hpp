#pragma once
// Huge-page advice for large fresh buffers.

#include <cstddef>
#include <cstdint>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xgrad::kernels {

/// Huge pages are 2 MiB; a buffer smaller than two of them is left alone (it may hold no whole
/// one, and faults on it are few).
inline constexpr std::size_t huge_page_bytes = std::size_t(2) << 20;
inline constexpr std::size_t huge_page_min_buffer = 2 * huge_page_bytes;

namespace detail {
// madvise(advice) over the whole 2 MiB pages inside [p, p + bytes), so that no neighbour's
// memory is affected; nothing for a buffer below huge_page_min_buffer.
inline void advise_whole_huge_pages(void* p, std::size_t bytes, int advice) {
#if defined(__linux__)
    if (bytes < huge_page_min_buffer)
        return;
    constexpr std::uintptr_t huge = huge_page_bytes;
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (start + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (start + bytes) & ~(huge - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, advice);
#else
    (void)p;
    (void)bytes;
    (void)advice;
#endif
}
} // namespace detail

// Asks Linux to back the whole 2 MiB pages inside [p, p + bytes) with transparent huge
// pages, before the buffer is first written. A fresh buffer costs one page fault per 4 KiB
// touched otherwise: 8,192 for a 32 MiB dW, several percent of a training step of the
// large networks, which a hand-written loop reusing its buffers never pays. Advice only:
// a kernel that declines it changes nothing.
inline void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    detail::advise_whole_huge_pages(p, bytes, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

// The same for a buffer already written (a leaf made from the user's array): Linux 6.1's
// MADV_COLLAPSE moves its whole 2 MiB pages onto huge pages now, copying them once, rather
// than leaving it to the background khugepaged. Without it a large W read by every gemm of
// every step costs TLB misses a hand-written loop with fresh, advised buffers does not pay
// (a step of the large network, 2048 x 2048 weights, 20% slower). Older kernels refuse the
// advice, which changes nothing.
inline void collapse_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
#ifndef MADV_COLLAPSE
    constexpr int MADV_COLLAPSE = 25; // <linux/mman.h> since 6.1; Debian 12's glibc lacks it
#endif
    detail::advise_whole_huge_pages(p, bytes, MADV_HUGEPAGE);
    detail::advise_whole_huge_pages(p, bytes, MADV_COLLAPSE);
#else
    (void)p;
    (void)bytes;
#endif
}

} // namespace xgrad::kernels
