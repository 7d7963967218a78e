// The loops compiled once per vector width (autograd/kernels/vector_width.hpp): each width this
// CPU runs gives the baseline's bits, and XGRAD_VECTOR_WIDTH caps the width. CMakeLists.txt
// runs this file twice: as the CPU chooses, and with XGRAD_VECTOR_WIDTH=baseline.

#include "autograd/kernels/optim.hpp"
#include "autograd/kernels/vector_width.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace xgrad;
using kernels::VectorWidth;

namespace {

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed, T low, T high) {
    std::mt19937 engine(seed);
    std::uniform_real_distribution<double> pick{double(low), double(high)};
    std::vector<T> out(n);
    for (T& x : out)
        x = static_cast<T>(pick(engine));
    return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    // memcmp must not see an empty vector's null data().
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// One update of every optimiser's loop at `width`, on fixed random data: W, v, s afterwards.
template <class T>
std::vector<std::vector<T>> updates(VectorWidth width, std::size_t n) {
    const std::vector<T> g = random_values<T>(n, 1, T(-2), T(2));
    std::vector<T> w_gd = random_values<T>(n, 2, T(-1), T(1));
    std::vector<T> w_mom = w_gd, v_mom = random_values<T>(n, 3, T(-1), T(1));
    std::vector<T> w_adam = w_gd, v_adam = v_mom, s_adam = random_values<T>(n, 4, T(0), T(1));
    kernels::gradient_descent_update(w_gd.data(), g.data(), n, T(0.01), width);
    kernels::momentum_update(w_mom.data(), g.data(), v_mom.data(), n, T(0.01), T(0.9), width);
    for (int t = 1; t <= 3; ++t)
        kernels::adam_update(w_adam.data(), g.data(), v_adam.data(), s_adam.data(), n, T(1e-3),
                             T(0.9), T(0.999), T(1e-8), T(1) - T(std::pow(0.9, t)),
                             T(1) - T(std::pow(0.999, t)), width);
    return {w_gd, w_mom, v_mom, w_adam, v_adam, s_adam};
}

} // namespace

TEST_CASE_TEMPLATE("every vector width gives the baseline's bits", T, float, double) {
    const std::vector<VectorWidth> widths = kernels::supported_vector_widths();
    REQUIRE(widths.front() == VectorWidth::baseline);
    // Sizes below, at and past each width's vector and unrolled block, and a layer's W.
    for (std::size_t n : {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1027, 784 * 256 + 5}) {
        const auto expected = updates<T>(VectorWidth::baseline, n);
        for (VectorWidth width : widths) {
            CAPTURE(n);
            CAPTURE(std::string(kernels::name(width)));
            const auto got = updates<T>(width, n);
            REQUIRE(got.size() == expected.size());
            for (std::size_t k = 0; k < got.size(); ++k) {
                CAPTURE(k);
                CHECK(same_bits(got[k], expected[k]));
            }
        }
    }
}

TEST_CASE("the Adam loop computes torch's formula at every width") {
    // One step from v = s = 0: v = 0.1 g, s = 0.001 g^2, W -= lr v/c1 / (sqrt(s/c2) + eps).
    const double g = 0.5, lr = 1e-3, c1 = 0.1, c2 = 0.001, eps = 1e-8;
    const double v = 0.1 * g, s = 0.001 * g * g;
    const double expected = 1.0 - lr * (v / c1) / (std::sqrt(s / c2) + eps);
    for (VectorWidth width : kernels::supported_vector_widths()) {
        std::vector<double> w(37, 1.0), grad(37, g), vs(37, 0.0), ss(37, 0.0);
        kernels::adam_update(w.data(), grad.data(), vs.data(), ss.data(), w.size(), lr, 0.9, 0.999,
                             eps, c1, c2, width);
        for (double x : w)
            CHECK(x == doctest::Approx(expected).epsilon(1e-14));
    }
}

TEST_CASE("parse_vector_width names the variable and the choices") {
    CHECK(kernels::parse_vector_width("baseline") == VectorWidth::baseline);
    CHECK(kernels::parse_vector_width("avx2") == VectorWidth::avx2);
    CHECK(kernels::parse_vector_width("avx512") == VectorWidth::avx512);
    for (VectorWidth width : {VectorWidth::baseline, VectorWidth::avx2, VectorWidth::avx512})
        CHECK(kernels::parse_vector_width(kernels::name(width)) == width);
    CHECK_THROWS_WITH_AS(kernels::parse_vector_width("AVX2"),
                         "XGRAD_VECTOR_WIDTH=AVX2: expected baseline, avx2 or avx512",
                         std::invalid_argument);
}

TEST_CASE("vector_width is the CPU's widest, capped by XGRAD_VECTOR_WIDTH") {
    const VectorWidth widest = kernels::supported_vector_widths().back();
    const char* cap = std::getenv("XGRAD_VECTOR_WIDTH");
    CAPTURE(cap ? cap : "(unset)");
    if (cap && *cap) {
        const VectorWidth asked = kernels::parse_vector_width(cap);
        CHECK(kernels::vector_width() == (asked < widest ? asked : widest));
        if (std::string(cap) == "baseline")
            CHECK(kernels::vector_width() == VectorWidth::baseline);
    } else {
        CHECK(kernels::vector_width() == widest);
    }
    // The header line says which width runs, and names the variable when it caps the CPU's.
    const std::string line = kernels::describe_vector_width();
    CAPTURE(line);
    CHECK(line.rfind(std::string(kernels::name(kernels::vector_width())) + " (", 0) == 0);
    if (kernels::vector_width() == widest)
        CHECK(line.find("this CPU's widest") != std::string::npos);
    else
        CHECK(line.find(std::string("XGRAD_VECTOR_WIDTH=") + cap + "; this CPU runs " +
                        std::string(kernels::name(widest))) != std::string::npos);
#if defined(__x86_64__)
    CHECK(kernels::supported_vector_widths().size() >= 1);
    // __builtin_cpu_supports agrees with the widths listed.
    const auto widths = kernels::supported_vector_widths();
    const auto has = [&](VectorWidth w) {
        for (VectorWidth x : widths)
            if (x == w)
                return true;
        return false;
    };
    CHECK(has(VectorWidth::avx2) == bool(__builtin_cpu_supports("avx2")));
    CHECK(has(VectorWidth::avx512) == bool(__builtin_cpu_supports("avx512f")));
#endif
}
