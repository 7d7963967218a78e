#include "course/python_float.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace xgrad::course {

std::string python_repr(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    if (value == 0)
        return std::signbit(value) ? "-0.0" : "0.0";
    // The shortest round-trip digits, as d.ddde[+-]XX: Python's float_repr_style 'short'.
    char buffer[64];
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific).ptr;
    std::string s(buffer, end);
    const bool negative = s[0] == '-';
    if (negative)
        s.erase(0, 1);
    const std::size_t e = s.find('e');
    const int exponent = std::atoi(s.c_str() + e + 1);
    std::string digits = s.substr(0, 1) + (e > 2 ? s.substr(2, e - 2) : "");
    std::string out;
    if (exponent < -4 || exponent >= 16) {
        // repr(1.18e-07) = '1.18e-07': mantissa without a trailing ".0", two exponent digits
        out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e" +
              (exponent < 0 ? "-" : "+") + (std::abs(exponent) < 10 ? "0" : "") +
              std::to_string(std::abs(exponent));
    } else if (exponent < 0) {
        out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
        const std::size_t point = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= point)
            out = digits + std::string(point - digits.size(), '0') + ".0";
        else
            out = digits.substr(0, point) + "." + digits.substr(point);
    }
    return negative ? "-" + out : out;
}

} // namespace xgrad::course
