// What the programs' and the benchmark's headers say about the BLAS. CMakeLists.txt runs this
// file twice: with OPENBLAS_CORETYPE unset (OpenBLAS's own choice), and set to Haswell.

#include "autograd/kernels/blas_info.hpp"

#include <cblas.h>
#include <cstdlib>
#include <doctest/doctest.h>
#include <string>

using namespace xgrad;

TEST_CASE("avx2_kernels_forced_on_avx512: only forced AVX2 kernels on an AVX-512 CPU") {
    CHECK(kernels::avx2_kernels_forced_on_avx512("Haswell", "Haswell", true));
    CHECK(kernels::avx2_kernels_forced_on_avx512("Zen", "zen", true));
    CHECK_FALSE(kernels::avx2_kernels_forced_on_avx512("Haswell", "", true)); // OpenBLAS chose
    CHECK_FALSE(kernels::avx2_kernels_forced_on_avx512("Haswell", "Haswell", false));
    CHECK_FALSE(kernels::avx2_kernels_forced_on_avx512("SkylakeX", "SkylakeX", true));
    CHECK_FALSE(kernels::avx2_kernels_forced_on_avx512("Cooperlake", "", true));
}

TEST_CASE("faster_coretype: only where OpenBLAS fell back to Prescott on a newer CPU") {
    // 0.3.21 on an Emerald Rapids Xeon it does not know: its SSE3 fallback.
    CHECK(kernels::faster_coretype("Prescott", "", true, true, true) == "SkylakeX");
    CHECK(kernels::faster_coretype("prescott", "", true, false, true) == "Haswell");
    CHECK(kernels::faster_coretype("Prescott", "Prescott", true, true, true).empty()); // asked for
    CHECK(kernels::faster_coretype("Prescott", "", true, false, false).empty()); // the CPU's best
    // Built without DYNAMIC_ARCH: OPENBLAS_CORETYPE would change nothing.
    CHECK(kernels::faster_coretype("Prescott", "", false, true, true).empty());
    // OpenBLAS's own choice for a CPU it knows, even an older-looking one (Excavator has AVX2
    // and runs Piledriver's kernels).
    for (const char* chosen : {"Haswell", "Zen", "SkylakeX", "Cooperlake", "Piledriver"})
        CHECK(kernels::faster_coretype(chosen, "", true, true, true).empty());
}

TEST_CASE("blas_info reads OpenBLAS and the environment; describe says what runs") {
    const kernels::BlasInfo info = kernels::blas_info();
    const std::string line = kernels::describe(info);
    CAPTURE(line);
    CHECK(info.library.rfind("OpenBLAS 0.", 0) == 0);
    CHECK(info.kernels == std::string(openblas_get_corename()));
    CHECK(info.threads == openblas_get_num_threads());
    CHECK(line.rfind(info.library + ", " + info.kernels + " kernels, ", 0) == 0);

    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    const std::string faster = kernels::faster_coretype(
        info.kernels, info.coretype, info.dynamic_arch, info.cpu_avx512, info.cpu_avx2);
    CHECK((line.find("fallback for a CPU it does not know: OPENBLAS_CORETYPE=" + faster + " ") !=
           std::string::npos) == !faster.empty());
    if (!coretype) {
        CHECK(info.coretype.empty());
        CHECK((line.find("OPENBLAS_CORETYPE") == std::string::npos) == faster.empty());
        return;
    }
    CHECK(line.find("fallback") == std::string::npos); // the environment chose
    // OpenBLAS runs the kernels the environment named, and the line says who chose them.
    CHECK(info.coretype == coretype);
    CHECK(info.kernels == std::string(coretype));
    CHECK(line.find(std::string("(OPENBLAS_CORETYPE=") + coretype) != std::string::npos);
    CHECK((line.find("OPENBLAS_CORETYPE=SkylakeX runs this CPU's AVX-512 kernels") !=
           std::string::npos) == kernels::cpu_has_avx512());
}
