#pragma once
// Which BLAS does the products: OpenBLAS's version, its kernels and threads, for a program's
// header and the benchmark's (the figures moved 1.3-1.7x with the kernels on an AVX-512 CPU).
//
// OpenBLAS picks its kernels ("cores") from the CPU when it loads, unless OPENBLAS_CORETYPE
// names them. xgrad never changes that choice; it only says when the environment has forced
// AVX2 kernels (Haswell, Zen) on a CPU that has AVX-512, which OpenBLAS's own choice would use,
// and when OpenBLAS did not know the CPU and fell back to kernels older than it (0.3.21 runs
// its SSE3 Prescott kernels on an Emerald Rapids Xeon: medium's floor took 4.4x (float64) and
// 5.4x (float32) its time with OPENBLAS_CORETYPE=SkylakeX).

#include <string>
#include <string_view>

namespace xgrad::kernels {

struct BlasInfo {
    std::string library;  ///< "OpenBLAS 0.3.21", from openblas_get_config()
    std::string kernels;  ///< openblas_get_corename(): "Haswell", "SkylakeX", "Cooperlake"...
    int threads = 1;      ///< openblas_get_num_threads()
    std::string coretype; ///< OPENBLAS_CORETYPE, or "" when unset
    bool cpu_avx512 = false;
    bool cpu_avx2 = false;     ///< AVX2 and FMA, what the Haswell kernels use
    bool dynamic_arch = false; ///< OpenBLAS built with DYNAMIC_ARCH: OPENBLAS_CORETYPE works
};

/// True when this CPU has AVX-512 F, CD, BW, DQ and VL (what OpenBLAS's SkylakeX kernels use).
bool cpu_has_avx512();

/// True for AVX2 kernels forced by OPENBLAS_CORETYPE on a CPU with AVX-512.
bool avx2_kernels_forced_on_avx512(std::string_view kernels, std::string_view coretype,
                                   bool cpu_avx512);

/// When a `dynamic_arch` OpenBLAS fell back to its Prescott kernels (`coretype` empty: it found
/// none for this CPU) on a CPU with AVX2 or AVX-512, the kernels OPENBLAS_CORETYPE could name
/// instead: "SkylakeX" on an AVX-512 CPU, "Haswell" on an AVX2 one; "" otherwise.
std::string faster_coretype(std::string_view kernels, std::string_view coretype, bool dynamic_arch,
                            bool cpu_avx512, bool cpu_avx2);

BlasInfo blas_info();

/// One line: "OpenBLAS 0.3.21, Haswell kernels, 1 thread (OPENBLAS_CORETYPE=Haswell; ...)",
/// with the AVX-512 remark when avx2_kernels_forced_on_avx512(), and the kernels to name
/// when faster_coretype() has some.
std::string describe(const BlasInfo& info);

} // namespace xgrad::kernels
