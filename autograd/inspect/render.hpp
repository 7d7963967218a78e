#pragma once
// Drawing DOT text (autograd/inspect/dot.hpp's to_dot) with Graphviz's `dot` program.
//
// `dot` comes from the Debian package graphviz. It is run directly (no shell), with the
// DOT text in a temporary file; when it is not installed, render() says so and how to
// get it, and the .dot file can still be written and drawn elsewhere.

#include <stdexcept>
#include <string>

namespace xgrad::graphviz {

/// Rendering failed: `dot` missing, an unknown format, or `dot` reporting an error.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The path of `dot` found on PATH, or "" when Graphviz is not installed.
std::string find_dot();
/// Whether `dot` is on PATH.
inline bool available() {
    return !find_dot().empty();
}

/// Draws `dot_source` into `path`; the format comes from the extension: .svg, .png or
/// .pdf. Throws graphviz::Error naming the file and what went wrong (dot's own message
/// when it rejects the input).
void render(const std::string& dot_source, const std::string& path);

} // namespace xgrad::graphviz
