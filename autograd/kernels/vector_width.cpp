#include "autograd/kernels/vector_width.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace xgrad::kernels {

std::string_view name(VectorWidth width) {
    switch (width) {
    case VectorWidth::baseline:
        return "baseline";
    case VectorWidth::avx2:
        return "avx2";
    case VectorWidth::avx512:
        return "avx512";
    }
    return "?";
}

VectorWidth parse_vector_width(std::string_view value) {
    for (VectorWidth width : {VectorWidth::baseline, VectorWidth::avx2, VectorWidth::avx512})
        if (value == name(width))
            return width;
    throw std::invalid_argument("XGRAD_VECTOR_WIDTH=" + std::string(value) +
                                ": expected baseline, avx2 or avx512");
}

std::vector<VectorWidth> supported_vector_widths() {
    std::vector<VectorWidth> out{VectorWidth::baseline};
#if defined(__x86_64__) && defined(__GNUC__)
    // libgcc's and compiler-rt's checks include the OS's saving of the wide registers (XCR0).
    if (__builtin_cpu_supports("avx2"))
        out.push_back(VectorWidth::avx2);
    if (__builtin_cpu_supports("avx512f"))
        out.push_back(VectorWidth::avx512);
#endif
    return out;
}

VectorWidth vector_width() {
    static const VectorWidth chosen = [] {
        VectorWidth widest = supported_vector_widths().back();
        if (const char* cap = std::getenv("XGRAD_VECTOR_WIDTH"); cap && *cap) {
            const VectorWidth asked = parse_vector_width(cap);
            if (asked < widest)
                widest = asked;
        }
        return widest;
    }();
    return chosen;
}

std::string describe_vector_width() {
    const std::string chosen(name(vector_width()));
    const std::string widest(name(supported_vector_widths().back()));
    if (chosen == widest)
        return chosen + " (this CPU's widest)";
    return chosen + " (XGRAD_VECTOR_WIDTH=" + chosen + "; this CPU runs " + widest + ")";
}

} // namespace xgrad::kernels
