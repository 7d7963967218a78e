#pragma once
// Running the external programs xgrad draws with (Graphviz's dot, librsvg's rsvg-convert):
// found on PATH, run directly with no shell (file names need no quoting), their messages kept
// for the error a caller throws, and the temporary files they read and write.

#include <string>
#include <vector>

namespace xgrad::process {

/// The path of the executable `name` on PATH, or "" when none is there.
std::string find_program(const std::string& name);

/// A new, empty temporary file named `prefix` and six random characters (mkstemp), removed
/// when this goes. When it cannot be made, ok() is false and error() says why.
class TempFile {
public:
    explicit TempFile(const std::string& prefix);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path, m_error;
};

/// How a program run ended.
struct Finished {
    std::string error;    ///< why it did not run, or was lost track of ("" when it ran)
    bool exited = false;  ///< it ended by itself (not by a signal)
    int exit_code = 0;    ///< when exited
    std::string messages; ///< what it wrote to stderr, without the trailing new lines
    bool succeeded() const { return error.empty() && exited && exit_code == 0; }
    /// " (exit 2)", " (killed by a signal)", or ": <error>" when it did not run.
    std::string how() const;
};

/// Runs argv[0] (a path, as find_program gives) with `argv`, stdout to /dev/null, stderr kept
/// in a TempFile(messages_prefix) until it is read, and waits for it.
Finished run_program(std::vector<std::string> argv, const std::string& messages_prefix);

} // namespace xgrad::process
