#include "plot/render.hpp"

#include "io/file_error.hpp"
#include "io/npy.hpp"
#include "process/program.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace xgrad::plot {

namespace fs = std::filesystem;

namespace {

std::string extension(const std::string& path) {
    return fs::path(path).extension().string();
}

const char* const rsvg_missing = "rsvg-convert is not on PATH, so the plot cannot be drawn as "
                                 "PNG; install it (Debian: apt-get install librsvg2-bin), or "
                                 "write .svg, which any browser opens";

// A temporary file beside `near` (on the same file system; the PNG's own directory).
void require(const process::TempFile& file, const std::string& near) {
    if (!file.ok())
        throw io::FileError(near, file.error()); // "<near>...-XXXXXX: cannot create ..."
}

} // namespace

std::string find_rsvg_convert() {
    return process::find_program("rsvg-convert");
}

std::string plot_extension_problem(const std::string& path) {
    const std::string ext = extension(path);
    if (ext == ".svg" || ext == ".png")
        return "";
    return "a plot is written as .svg or .png, not '" + ext + "'";
}

void check_plot_path(const std::string& path) {
    const std::string ext = extension(path);
    if (const std::string problem = plot_extension_problem(path); !problem.empty())
        throw io::FileError(path, problem);
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw io::FileError(path, "is a directory; give a file name ending in " + ext);
    const fs::path parent = fs::path(path).parent_path();
    const std::string dir = parent.empty() ? "." : parent.string();
    if (!fs::is_directory(dir, ec))
        throw io::FileError(path, "the directory " + dir + " does not exist");
    if (access(dir.c_str(), W_OK) != 0)
        throw io::FileError(path, "the directory " + dir + " is not writable (" +
                                      std::strerror(errno) + ")");
    if (ext == ".png" && find_rsvg_convert().empty())
        throw io::FileError(path, rsvg_missing);
}

void write_png(const std::string& path, const std::string& svg) {
    const std::string rsvg = find_rsvg_convert();
    if (rsvg.empty())
        throw io::FileError(path, rsvg_missing);
    const process::TempFile input(path + ".svg.tmp"), output(path + ".tmp");
    require(input, path);
    require(output, path);
    {
        std::ofstream out(input.path(), std::ios::binary);
        out << svg;
        if (!out)
            throw io::FileError(input.path(), "cannot write the SVG text for rsvg-convert");
    }
    const process::Finished run = process::run_program(
        {rsvg, "--format", "png", "--output", output.path(), input.path()}, path + ".log.tmp");
    if (!run.error.empty())
        throw io::FileError(path, run.error);
    if (!run.succeeded())
        throw io::FileError(path, "rsvg-convert failed" + run.how() +
                                      (run.messages.empty() ? "" : ": " + run.messages));
    // Into place at once, as write_svg does: a reader never sees half a PNG. Written anew
    // rather than renamed: mkstemp made rsvg-convert's file 0600, and the plot gets what
    // any new file gets (the umask's), as the SVG does.
    std::ifstream png(output.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(png)),
                            std::istreambuf_iterator<char>());
    if (bytes.compare(0, 8, "\x89PNG\r\n\x1a\n", 8) != 0)
        throw io::FileError(path, "rsvg-convert exited 0 but wrote no PNG (" +
                                      std::to_string(bytes.size()) + " bytes, no PNG signature)");
    io::write_file_atomic(path, bytes);
}

void write_plot(const std::string& path, const std::vector<Chart>& charts,
                const std::string& title) {
    check_plot_path(path);
    if (extension(path) == ".png")
        write_png(path, render_svg(charts, 480, 360, title));
    else
        write_svg(path, charts, title);
}

void write_training_plot(const std::string& path, const TrainingHistory& history,
                         const std::string& title) {
    write_plot(path, training_charts(history), title);
}

} // namespace xgrad::plot
