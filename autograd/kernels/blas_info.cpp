#include "autograd/kernels/blas_info.hpp"

#include <cblas.h>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace xgrad::kernels {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

bool cpu_has_avx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return false;
#endif
}

bool avx2_kernels_forced_on_avx512(std::string_view kernels, std::string_view coretype,
                                   bool cpu_avx512) {
    return cpu_avx512 && !coretype.empty() &&
           (same_name(kernels, "Haswell") || same_name(kernels, "Zen"));
}

std::string faster_coretype(std::string_view kernels, std::string_view coretype, bool dynamic_arch,
                            bool cpu_avx512, bool cpu_avx2) {
    // A DYNAMIC_ARCH OpenBLAS that finds no kernels for the CPU runs Prescott's (SSE3): only
    // then is its choice a fallback (older names are its choice for those CPUs). Without
    // DYNAMIC_ARCH, OPENBLAS_CORETYPE changes nothing.
    if (!dynamic_arch || !coretype.empty() || !(cpu_avx512 || cpu_avx2) ||
        !same_name(kernels, "Prescott"))
        return "";
    return cpu_avx512 ? "SkylakeX" : "Haswell";
}

BlasInfo blas_info() {
    BlasInfo info;
    // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...": the first two words.
    std::istringstream words(openblas_get_config());
    std::string name, version;
    words >> name >> version;
    info.library = name + " " + version;
    info.kernels = openblas_get_corename();
    info.dynamic_arch =
        std::string(openblas_get_config()).find("DYNAMIC_ARCH") != std::string::npos;
    info.threads = openblas_get_num_threads();
    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    info.coretype = coretype ? coretype : "";
    info.cpu_avx512 = cpu_has_avx512();
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    info.cpu_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return info;
}

std::string describe(const BlasInfo& info) {
    std::string line = info.library + ", " + info.kernels + " kernels, " +
                       std::to_string(info.threads) + (info.threads == 1 ? " thread" : " threads");
    if (!info.coretype.empty()) {
        line += " (OPENBLAS_CORETYPE=" + info.coretype;
        if (avx2_kernels_forced_on_avx512(info.kernels, info.coretype, info.cpu_avx512))
            line += "; OPENBLAS_CORETYPE=SkylakeX runs this CPU's AVX-512 kernels: 1.3-1.7x faster "
                    "gemm";
        line += ")";
    }
    const std::string faster = faster_coretype(info.kernels, info.coretype, info.dynamic_arch,
                                               info.cpu_avx512, info.cpu_avx2);
    if (!faster.empty())
        line += " (OpenBLAS's fallback for a CPU it does not know: OPENBLAS_CORETYPE=" + faster +
                " runs this CPU's " + (info.cpu_avx512 ? "AVX-512" : "AVX2") +
                " kernels, several times faster gemm)";
    return line;
}

} // namespace xgrad::kernels
