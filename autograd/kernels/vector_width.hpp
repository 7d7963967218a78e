#pragma once
// How wide the loops of kernels/*.cpp run: the widest vectors this CPU has, chosen once at run
// time, as PyTorch's ATen picks its CPU capability. xgrad builds for baseline x86-64 (SSE2:
// two doubles or four floats a vector), where Adam's loop took 1.9-2.0x its AVX2 time and
// 2.5-3.2x its AVX-512 time (bench/README.md). Each dispatched loop is compiled once per width
// (at_width below); none contracts a * b + c into a fused multiply-add (their files are built
// with -ffp-contract=off), so every width gives the same bits, on every x86-64 CPU.

#include <string>
#include <string_view>
#include <vector>

namespace xgrad::kernels {

enum class VectorWidth { baseline, avx2, avx512 };

/// "baseline", "avx2", "avx512".
std::string_view name(VectorWidth width);

/// The width named by XGRAD_VECTOR_WIDTH's value; std::invalid_argument naming the variable,
/// the value and the choices otherwise.
VectorWidth parse_vector_width(std::string_view value);

/// Every width this CPU runs, narrowest first (baseline only, off x86-64).
std::vector<VectorWidth> supported_vector_widths();

/// The widest this CPU runs, or XGRAD_VECTOR_WIDTH's width when that is narrower (to compare
/// with a baseline build, or to rule the wide loops out). Read once, on the first call.
VectorWidth vector_width();

/// One line for a program's header: "avx512 (this CPU's widest)", or, when XGRAD_VECTOR_WIDTH
/// caps it, "baseline (XGRAD_VECTOR_WIDTH=baseline; this CPU runs avx512)".
std::string describe_vector_width();

#if defined(__x86_64__) && defined(__GNUC__)
namespace detail {
// The loop `loop` inlined into a function built for the width (it must be always_inline).
template <auto loop, class... Args>
[[gnu::target("avx512f")]] void run_avx512(Args... args) {
    loop(args...);
}
template <auto loop, class... Args>
[[gnu::target("avx2")]] void run_avx2(Args... args) {
    loop(args...);
}
} // namespace detail
#endif

/// loop(args...) compiled for `width`. The width must be one supported_vector_widths() has.
template <auto loop, class... Args>
inline void at_width(VectorWidth width, Args... args) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (width == VectorWidth::avx512)
        return detail::run_avx512<loop>(args...);
    if (width == VectorWidth::avx2)
        return detail::run_avx2<loop>(args...);
#endif
    (void)width;
    loop(args...);
}

} // namespace xgrad::kernels
