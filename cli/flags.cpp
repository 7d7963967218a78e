#include "cli/flags.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace xgrad::cli {

Flags::Flags(std::string command, std::string summary)
    : m_command(std::move(command)), m_summary(std::move(summary)) {}

Flags& Flags::option(const std::string& name, const std::string& value_name,
                     const std::string& default_value, const std::string& help) {
    m_specs.push_back(Spec{name, value_name, default_value, help, true});
    return *this;
}

Flags& Flags::flag(const std::string& name, const std::string& help) {
    m_specs.push_back(Spec{name, "", "", help, false});
    return *this;
}

Flags& Flags::positional(const std::string& name, const std::string& help) {
    m_specs.push_back(Spec{name, "", "", help, true, true});
    m_positional = name;
    return *this;
}

Flags& Flags::epilogue(std::string text) {
    m_epilogue = std::move(text);
    return *this;
}

const Flags::Spec& Flags::spec(const std::string& name) const {
    for (const Spec& s : m_specs)
        if (s.name == name)
            return s;
    // A programming error (asking for an undeclared flag), not the user's.
    throw std::logic_error(m_command + ": flag --" + name + " was never declared");
}

namespace {

// Levenshtein distance: how many letters to insert, delete or change to turn a into b.
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::string Flags::nearest_flag(const std::string& name) const {
    // A typo is a letter away in a short name (--layer), two in a longer one (--epcohs); a
    // name of one or two letters is too short to guess from (--m is not --lr).
    const std::size_t most = name.size() <= 2 ? 0 : name.size() <= 5 ? 1 : 2;
    std::string best;
    std::size_t best_distance = most + 1;
    for (const Spec& s : m_specs)
        if (!s.positional)
            if (const std::size_t d = edit_distance(name, s.name); d < best_distance) {
                best = s.name;
                best_distance = d;
            }
    return best.empty() ? "" : " (did you mean --" + best + "?)";
}

bool Flags::parse(const std::vector<std::string>& args) {
    m_values.clear();
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h")
            return false;
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            if (m_positional.empty() || m_values.count(m_positional))
                throw UsageError("unexpected argument '" + arg + "' (flags start with --)");
            m_values[m_positional] = arg;
            continue;
        }
        std::string name = arg.substr(2), value;
        bool inline_value = false;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            inline_value = true;
        }
        const auto it = std::find_if(m_specs.begin(), m_specs.end(), [&](const Spec& s) {
            return s.name == name && !s.positional;
        });
        if (it == m_specs.end())
            throw UsageError("unknown flag --" + name + nearest_flag(name));
        if (m_values.count(name))
            throw UsageError("--" + name + " given twice");
        if (!it->takes_value) {
            if (inline_value)
                throw UsageError("--" + name + " takes no value");
            m_values[name] = "1";
            continue;
        }
        if (!inline_value) {
            // "--lr -0.1" is a value; "--lr --epochs" is a forgotten one.
            if (i + 1 == args.size() || args[i + 1].compare(0, 2, "--") == 0)
                throw UsageError("--" + name + " needs a value (" + it->value_name + ")");
            value = args[++i];
        }
        m_values[name] = value;
    }
    return true;
}

bool Flags::given(const std::string& name) const {
    spec(name);
    return m_values.count(name) != 0;
}

std::string Flags::text(const std::string& name) const {
    const Spec& s = spec(name);
    const auto it = m_values.find(name);
    return it != m_values.end() ? it->second : s.default_value;
}

long long Flags::integer(const std::string& name, long long min, long long max) const {
    const std::string value = text(name);
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno == ERANGE)
        throw UsageError("--" + name + " '" + value + "' is not an integer");
    if (n < min || n > max)
        throw UsageError("--" + name + " " + value + " is out of range [" + std::to_string(min) +
                         ", " + std::to_string(max) + "]");
    return n;
}

double Flags::number(const std::string& name, double min, double max) const {
    const std::string value = text(name);
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x))
        throw UsageError("--" + name + " '" + value + "' is not a finite number");
    if (x < min || x > max) {
        std::ostringstream range;
        range << "[" << min << ", " << max << "]";
        throw UsageError("--" + name + " " + value + " is out of range " + range.str());
    }
    return x;
}

std::string Flags::choice(const std::string& name, const std::vector<std::string>& choices) const {
    const std::string value = text(name);
    if (std::find(choices.begin(), choices.end(), value) != choices.end())
        return value;
    std::string accepted;
    for (const auto& c : choices)
        accepted += (accepted.empty() ? "" : ", ") + c;
    throw UsageError("--" + name + " '" + value + "' is not one of " + accepted);
}

std::vector<std::size_t> Flags::sizes(const std::string& name) const {
    std::vector<std::size_t> out;
    for (const std::string& item : split_list(text(name))) {
        char* end = nullptr;
        errno = 0;
        const long long n = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || errno == ERANGE || n < 1 || n > 1000000)
            throw UsageError("--" + name + " '" + text(name) + "': '" + item +
                             "' is not a layer size (an integer from 1 to 1000000)");
        out.push_back(static_cast<std::size_t>(n));
    }
    return out;
}

std::string Flags::usage() const {
    std::ostringstream out;
    out << "usage: " << m_command << (m_positional.empty() ? "" : " [" + m_positional + "]")
        << " [flags]\n"
        << m_summary << "\n\nflags:\n";
    std::size_t width = 8; // "  --help"
    std::vector<std::string> heads;
    for (const Spec& s : m_specs) {
        heads.push_back(s.positional ? "  " + s.name
                                     : "  --" + s.name + (s.takes_value ? " " + s.value_name : ""));
        width = std::max(width, heads.back().size());
    }
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        const Spec& s = m_specs[i];
        out << heads[i] << std::string(width + 2 - heads[i].size(), ' ') << s.help;
        if (s.takes_value && !s.default_value.empty())
            out << " (default " << s.default_value << ")";
        out << '\n';
    }
    out << "  --help" << std::string(width + 2 - 8, ' ') << "this text\n";
    if (!m_epilogue.empty())
        out << '\n' << m_epilogue << (m_epilogue.back() == '\n' ? "" : "\n");
    return out.str();
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    if (text.find_first_not_of(" \t") == std::string::npos)
        return out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        out.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

} // namespace xgrad::cli
