#pragma once
// The command line of one `xgrad` subcommand: `--name value` (or `--name=value`) options and
// `--flag` switches, declared with a default and a line of help so the usage text is built
// from the same table the parser reads.
//
// Anything the user got wrong (an unknown flag, a missing or malformed value, a number out of
// range, a stray argument) throws UsageError with a message naming the flag; the dispatcher
// prints it with one line on where to get help (`xgrad train --help`) and exits with code 2.

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::cli {

/// Exit codes shared by every subcommand.
enum ExitCode : int {
    exit_ok = 0,
    exit_error = 1,        ///< a file could not be read or written, shapes do not fit, ...
    exit_usage = 2,        ///< the command line was wrong
    exit_check_failed = 3, ///< `xgrad check` ran and a gradient disagreed
};

/// The command line was wrong: the message names the flag and what was wrong with it.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Flags {
public:
    /// `command` is "xgrad train"; `summary` one line saying what it does.
    Flags(std::string command, std::string summary);

    /// Declares `--name VALUE_NAME` with a default ("" for none) and a line of help.
    Flags& option(const std::string& name, const std::string& value_name,
                  const std::string& default_value, const std::string& help);
    /// Declares the switch `--name`.
    Flags& flag(const std::string& name, const std::string& help);
    /// Declares one optional positional argument, read with text(name): `xgrad course NAME`.
    Flags& positional(const std::string& name, const std::string& help);
    /// Free text printed after the flags in usage() (examples, conventions).
    Flags& epilogue(std::string text);

    /// Reads args (without the program and subcommand names). Returns false when --help or -h
    /// was given (the caller prints usage() and exits 0). Throws UsageError.
    bool parse(const std::vector<std::string>& args);

    /// Whether the user gave --name (options and switches).
    bool given(const std::string& name) const;
    /// A switch's state.
    bool is_set(const std::string& name) const { return given(name); }

    /// The option's value, or its default.
    std::string text(const std::string& name) const;
    /// The value as an integer in [min, max]; a malformed or out-of-range value throws
    /// UsageError naming the flag.
    long long integer(const std::string& name, long long min, long long max) const;
    /// The value as a finite number in [min, max].
    double number(const std::string& name, double min, double max) const;
    /// One of `choices`.
    std::string choice(const std::string& name, const std::vector<std::string>& choices) const;
    /// A comma-separated list of positive integers, "2,8,1"; an empty value gives {}.
    std::vector<std::size_t> sizes(const std::string& name) const;

    /// "usage: xgrad train [flags]", the summary, one line per flag with its default.
    std::string usage() const;
    const std::string& command() const { return m_command; }

private:
    struct Spec {
        std::string name, value_name, default_value, help;
        bool takes_value = true;
        bool positional = false; // given without --name
    };
    const Spec& spec(const std::string& name) const;
    /// " (did you mean --epochs?)" for a flag a typo away from `name`, else "".
    std::string nearest_flag(const std::string& name) const;

    std::string m_command, m_summary, m_epilogue;
    std::string m_positional; // its name, "" when the command takes none
    std::vector<Spec> m_specs;
    std::map<std::string, std::string> m_values; // what the user gave
};

/// Splits "relu, relu,sigmoid" at commas, trimming spaces.
std::vector<std::string> split_list(const std::string& text);

} // namespace xgrad::cli
