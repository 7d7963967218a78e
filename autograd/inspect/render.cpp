#include "autograd/inspect/render.hpp"

#include "process/program.hpp"

#include <cstdlib>
#include <fstream>

namespace xgrad::graphviz {

namespace {

std::string format_of(const std::string& path) {
    const auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (ext == "svg" || ext == "png" || ext == "pdf")
        return ext;
    throw Error(path + ": cannot tell the picture format from the extension \"" + ext +
                "\"; use .svg, .png or .pdf");
}

// Where dot's input and messages go: $TMPDIR, else /tmp.
std::string temp_prefix(const char* what) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/xgrad-" + what;
}

} // namespace

std::string find_dot() {
    return process::find_program("dot");
}

void render(const std::string& dot_source, const std::string& path) {
    const std::string format = format_of(path);
    const std::string dot = find_dot();
    if (dot.empty())
        throw Error(path + ": Graphviz's dot program is not on PATH, so the graph cannot be "
                           "drawn; install it (Debian: apt-get install graphviz), or draw the "
                           ".dot file elsewhere");
    const process::TempFile input(temp_prefix("graph"));
    if (!input.ok())
        throw Error(input.error());
    {
        std::ofstream out(input.path(), std::ios::binary);
        out << dot_source;
        if (!out)
            throw Error(input.path() + ": cannot write the DOT text to a temporary file");
    }
    const std::string type = "-T" + format;
    const process::Finished run =
        process::run_program({dot, type, "-o", path, input.path()}, temp_prefix("dot-stderr"));
    if (!run.error.empty())
        throw Error(path + ": " + run.error);
    if (!run.succeeded())
        throw Error(path + ": dot -" + type.substr(1) + " failed" + run.how() +
                    (run.messages.empty() ? "" : ": " + run.messages));
}

} // namespace xgrad::graphviz
