#pragma once
// Heap accounting for the benchmark binary: memory.cpp replaces malloc and friends for
// the whole process (glibc allows an executable to do so), so every heap byte is seen,
// whoever allocates it: operator new (xtensor, std::vector), LibTorch's posix_memalign,
// BLAS work buffers taken with malloc. Sizes are glibc's usable sizes (what the block
// really occupies, rounding included). Memory mapped by a library outside malloc (OpenBLAS'
// per-thread buffers, set up once when it loads) is not heap and is the same for every
// column.

#include <cstddef>

namespace xgrad::bench::memory {

/// Bytes currently allocated on the heap by the whole process.
long long live();
/// The highest live() since the last reset_peak().
long long peak();
/// Starts a new peak from the current live bytes.
void reset_peak();
/// Number of allocations counted so far (malloc, calloc, realloc, aligned).
long long allocations();
/// Turns counting off (for timed steps: counting costs a few ns per call, which would tax
/// the columns that allocate) or back on. Blocks that cross a switch make live() drift,
/// so only differences taken with counting on, around work done with it on, mean anything.
void counting(bool on);

} // namespace xgrad::bench::memory
