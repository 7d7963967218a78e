#include "course/notebook.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace xgrad::course {

namespace {

// One value as numpy prints it in its positional mode at `precision`: rounded, trailing zeros
// dropped but the point kept ("0.", "-0." for negative zero, "0.0043651").
std::string numpy_value(double v, int precision) {
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", precision, v);
    std::string s = buffer;
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0')
            s.pop_back();
    }
    return s;
}

// A value in numpy's exponent mode, split as numpy lines the parts up: "-1", "02420756", "-06".
struct Scientific {
    std::string integer, fraction, exponent;
};

// The fewest mantissa digits that read back as v, at most `precision` after the point (numpy's
// unique=True), trailing zeros dropped.
Scientific numpy_scientific(double v, int precision) {
    char buffer[64];
    for (int digits = 0; digits <= precision; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*e", digits, v);
        if (std::strtod(buffer, nullptr) == v)
            break;
    }
    const std::string s = buffer; // the last one tried: `precision` digits when none read back
    const std::size_t e = s.find('e'), dot = s.find('.');
    Scientific out;
    out.integer = s.substr(0, std::min(dot, e));
    out.fraction = dot < e ? s.substr(dot + 1, e - dot - 1) : "";
    while (!out.fraction.empty() && out.fraction.back() == '0')
        out.fraction.pop_back();
    out.exponent = s.substr(e + 1);
    return out;
}

// numpy's choice of mode (arrayprint's FloatingFormat): exponents when a finite non-zero entry
// is >= 1e8 or < 1e-4 in size, or the largest is over 1000 times the smallest.
bool numpy_uses_exponents(const Array<double>& a) {
    double lo = INFINITY, hi = 0;
    for (double v : a) {
        if (std::isfinite(v) && v != 0) {
            lo = std::min(lo, std::abs(v));
            hi = std::max(hi, std::abs(v));
        }
    }
    return hi > 0 && (hi >= 1e8 || lo < 1e-4 || hi / lo > 1e3);
}

// Every entry's text, padded as numpy pads them so that columns line up: positional entries
// to the widest integer part (spaces on the left) and the widest fraction (spaces on the
// right); exponent entries to the widest integer part, the longest fraction (zeros) and the
// longest exponent (zeros); nan and inf right-aligned in that width.
std::vector<std::string> numpy_entries(const Array<double>& a, int precision) {
    std::vector<std::string> text(a.size());
    std::size_t left = 0, right = 0, special = 0; // right: the point and what follows it
    if (!numpy_uses_exponents(a)) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            text[i] = numpy_value(a.data()[i], precision);
            if (!std::isfinite(a.data()[i])) {
                special = std::max(special, text[i].size());
                continue;
            }
            const std::size_t dot = std::min(text[i].find('.'), text[i].size());
            left = std::max(left, dot);
            right = std::max(right, text[i].size() - dot);
        }
        left = std::max(left, special > right ? special - right : 0);
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::string& s = text[i];
            if (!std::isfinite(a.data()[i])) {
                s = std::string(left + right - s.size(), ' ') + s;
                continue;
            }
            const std::size_t dot = std::min(s.find('.'), s.size());
            s = std::string(left - dot, ' ') + s + std::string(right - (s.size() - dot), ' ');
        }
        return text;
    }
    std::vector<Scientific> parts(a.size());
    std::size_t fraction = 0, exponent = 2;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double v = a.data()[i];
        if (!std::isfinite(v)) {
            text[i] = numpy_value(v, precision);
            special = std::max(special, text[i].size());
            continue;
        }
        parts[i] = numpy_scientific(v, precision);
        fraction = std::max(fraction, parts[i].fraction.size());
        exponent = std::max(exponent, parts[i].exponent.size() - 1);
        left = std::max(left, parts[i].integer.size());
    }
    right = 1 + fraction + 2 + exponent; // ".", the fraction, "e", the sign, the exponent
    left = std::max(left, special > right ? special - right : 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a.data()[i])) {
            text[i] = std::string(left + right - text[i].size(), ' ') + text[i];
            continue;
        }
        const Scientific& p = parts[i];
        text[i] = std::string(left - p.integer.size(), ' ') + p.integer + "." + p.fraction +
                  std::string(fraction - p.fraction.size(), '0') + "e" + p.exponent.substr(0, 1) +
                  std::string(exponent - (p.exponent.size() - 1), '0') + p.exponent.substr(1);
    }
    return text;
}

} // namespace

std::string numpy_str(const Array<double>& a, int precision) {
    if (a.dimension() == 0 || a.dimension() > 2) {
        std::ostringstream out;
        out << '[';
        for (std::size_t i = 0; i < a.size(); ++i)
            out << (i ? " " : "") << numpy_value(a.data()[i], precision);
        out << ']';
        return out.str();
    }
    const std::vector<std::string> text = numpy_entries(a, precision);
    const std::size_t rows = a.dimension() == 2 ? a.shape()[0] : 1;
    const std::size_t cols = a.dimension() == 2 ? a.shape()[1] : a.shape()[0];
    std::ostringstream out;
    if (a.dimension() == 2)
        out << '[';
    for (std::size_t r = 0; r < rows; ++r) {
        out << (r ? "\n [" : "[");
        for (std::size_t c = 0; c < cols; ++c)
            out << (c ? " " : "") << text[r * cols + c];
        out << ']';
    }
    if (a.dimension() == 2)
        out << ']';
    return out.str();
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> numbers;
    const char* p = text.c_str();
    while (*p) {
        const bool starts =
            std::isdigit(static_cast<unsigned char>(*p)) ||
            ((*p == '-' || *p == '.') && std::isdigit(static_cast<unsigned char>(p[1]))) ||
            (*p == '-' && p[1] == '.' && std::isdigit(static_cast<unsigned char>(p[2])));
        // A digit inside a word ("W1", "dA0", "iteration 1000:") is part of a name unless it
        // follows a space, '[', '(', '=', ':' or ','.
        const bool after_name =
            p != text.c_str() && (std::isalpha(static_cast<unsigned char>(p[-1])) || p[-1] == '_');
        if (starts && !after_name) {
            char* end = nullptr;
            const double v = std::strtod(p, &end);
            if (end != p) {
                numbers.push_back(v);
                p = end;
                continue;
            }
        }
        if (!std::strncmp(p, "nan", 3) || !std::strncmp(p, "inf", 3)) {
            const bool negative = p != text.c_str() && p[-1] == '-';
            numbers.push_back(p[0] == 'n' ? std::nan("") : negative ? -INFINITY : INFINITY);
            p += 3;
            continue;
        }
        ++p;
    }
    return numbers;
}

Notebook::Notebook(std::ostream& out) : m_out(out) {}

void Notebook::section(const std::string& title) {
    m_out << "\n## " << title << "\n";
}

void Notebook::note(const std::string& text) {
    m_out << text << "\n";
}

void Notebook::line(const std::string& ours, const std::string& notebook, double tolerance,
                    const std::string& why) {
    m_out << ours << "\n  notebook: " << notebook;
    verdict(numbers_in(ours), numbers_in(notebook), tolerance, why);
}

void Notebook::array(const std::string& label, const Array<double>& ours,
                     const std::string& notebook, double tolerance, const std::string& why) {
    const std::string indent(label.size() + 3, ' ');
    std::string text = numpy_str(ours), shown;
    for (char c : text)
        shown += c == '\n' ? "\n" + indent : std::string(1, c);
    m_out << label << " = " << shown << "\n  notebook: ";
    std::vector<double> mine(ours.begin(), ours.end());
    std::string flat = notebook;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    m_out << flat;
    verdict(mine, numbers_in(notebook), tolerance, why);
}

void Notebook::verdict(const std::vector<double>& ours, const std::vector<double>& notebook,
                       double tolerance, const std::string& why) {
    ++m_compared;
    bool ok = ours.size() == notebook.size();
    double worst = 0;
    for (std::size_t i = 0; ok && i < ours.size(); ++i) {
        const double a = ours[i], b = notebook[i];
        if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b)) {
            ok = (std::isnan(a) && std::isnan(b)) || a == b;
            continue;
        }
        worst = std::max(worst, std::abs(a - b));
    }
    ok = ok && worst <= tolerance;
    std::ostringstream diff;
    if (ours.size() != notebook.size())
        diff << ours.size() << " numbers vs the notebook's " << notebook.size();
    else
        diff << "|diff| " << std::scientific << std::setprecision(1) << worst;
    m_out << "\n  " << (ok ? "ok" : "DIFFERS") << " (" << diff.str() << ", tolerance "
          << std::scientific << std::setprecision(0) << tolerance << ")";
    if (!why.empty())
        m_out << ": " << why;
    m_out << "\n";
    if (!ok)
        ++m_mismatches;
}

} // namespace xgrad::course
