#pragma once
// Huge-page advice for large fresh buffers.

#include <cstddef>
#include <cstdint>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xgrad::kernels {

// Asks Linux to back the whole 2 MiB pages inside [p, p + bytes) with transparent huge
// pages, before the buffer is first written. A fresh buffer costs one page fault per 4 KiB
// touched otherwise: 8,192 for a 32 MiB dW, several percent of a training step of the
// large networks, which a hand-written loop reusing its buffers never pays. Only pages
// wholly inside the buffer are advised, so no neighbour's memory is affected. Advice only:
// a kernel that declines it changes nothing.
inline void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    if (bytes < 2 * huge)
        return;
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (start + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (start + bytes) & ~(huge - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
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
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    if (bytes < 2 * huge)
        return;
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (start + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (start + bytes) & ~(huge - 1);
    if (end > begin) {
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_COLLAPSE);
    }
#else
    (void)p;
    (void)bytes;
#endif
}

} // namespace xgrad::kernels
