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

// One value as numpy prints it at `precision`: rounded, trailing zeros (and a bare '.') kept
// as "0." the way numpy writes whole numbers ("[[0.]]").
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
    if (s == "-0.")
        s = "0.";
    return s;
}

} // namespace

std::string numpy_str(const Array<double>& a, int precision) {
    if (a.dimension() != 2) {
        std::ostringstream out;
        out << '[';
        for (std::size_t i = 0; i < a.size(); ++i)
            out << (i ? " " : "") << numpy_value(a.data()[i], precision);
        out << ']';
        return out.str();
    }
    // numpy pads every entry to the widest integer part (on the left) and the widest fraction
    // (on the right), so columns line up.
    std::vector<std::string> text(a.size());
    std::size_t left = 0, right = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        text[i] = numpy_value(a.data()[i], precision);
        const std::size_t dot = std::min(text[i].find('.'), text[i].size());
        left = std::max(left, dot);
        right = std::max(right, text[i].size() - dot);
    }
    std::ostringstream out;
    const std::size_t rows = a.shape()[0], cols = a.shape()[1];
    out << '[';
    for (std::size_t r = 0; r < rows; ++r) {
        out << (r ? "\n [" : "[");
        for (std::size_t c = 0; c < cols; ++c) {
            const std::string& s = text[r * cols + c];
            const std::size_t dot = std::min(s.find('.'), s.size());
            out << (c ? " " : "") << std::string(left - dot, ' ') << s
                << std::string(right - (s.size() - dot), ' ');
        }
        out << ']';
    }
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
