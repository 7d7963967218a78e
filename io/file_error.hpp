#pragma once
// The one exception type of the data layer: every failure to read or write a file.

#include <stdexcept>
#include <string>

namespace xgrad::io {

/// A file could not be read or written. `what()` is "<path>: <reason>", e.g.
/// `X.npy: truncated: header says shape (2, 3) float64 = 48 bytes of data, file has 40`.
class FileError : public std::runtime_error {
public:
    FileError(const std::string& path, const std::string& reason)
        : std::runtime_error(path + ": " + reason), m_path(path), m_reason(reason) {}

    /// The file (or directory) the error is about.
    const std::string& path() const noexcept { return m_path; }
    /// What was wrong, without the path.
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::string m_path;
    std::string m_reason;
};

} // namespace xgrad::io
