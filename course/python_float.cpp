#include "course/python_float.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace xgrad::course {

std::string python_float(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[40];
    // The fewest significant digits that round-trip: what repr has printed since Python 3.1.
    int digits = 1;
    for (; digits < 17; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, value);
        if (std::strtod(buffer, nullptr) == value)
            break;
    }
    std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, value);
    const int exponent = value == 0 ? 0 : std::atoi(std::strchr(buffer, 'e') + 1);
    if (exponent < -4 || exponent >= 16) {
        // Python writes 1e-05 as "1e-05": at least two exponent digits, as C does.
        std::string s = buffer;
        return s;
    }
    // Positional: as many decimals as the significant digits need, at least one.
    const int decimals = std::max(1, digits - 1 - exponent);
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace xgrad::course
