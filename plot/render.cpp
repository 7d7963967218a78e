#include "plot/render.hpp"

#include "io/file_error.hpp"
#include "io/npy.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace xgrad::plot {

namespace fs = std::filesystem;

namespace {

std::string extension(const std::string& path) {
    return fs::path(path).extension().string();
}

const char* const rsvg_missing = "rsvg-convert is not on PATH, so the plot cannot be drawn as "
                                 "PNG; install it (Debian: apt-get install librsvg2-bin), or "
                                 "write .svg, which any browser opens";

// A temporary file beside `near` (the same file system, so it can be renamed into place).
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& near) {
        std::string pattern = near + ".tmp-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const int fd = mkstemp(buffer.data());
        if (fd < 0)
            throw io::FileError(near, std::string("cannot create a temporary file beside it: ") +
                                          std::strerror(errno));
        close(fd);
        path = buffer.data();
    }
    ~TempFile() { std::remove(path.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

} // namespace

std::string find_rsvg_convert() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/rsvg-convert";
        struct stat info;
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

bool has_plot_extension(const std::string& path) {
    const std::string ext = extension(path);
    return ext == ".svg" || ext == ".png";
}

void check_plot_path(const std::string& path) {
    const std::string ext = extension(path);
    if (!has_plot_extension(path))
        throw io::FileError(path, "a plot is written as .svg or .png, not '" + ext + "'");
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
    TempFile input(path + ".svg"), output(path), messages(path + ".log");
    {
        std::ofstream out(input.path, std::ios::binary);
        out << svg;
        if (!out)
            throw io::FileError(input.path, "cannot write the SVG text for rsvg-convert");
    }
    std::vector<std::string> args = {rsvg, "--format", "png", "--output", output.path, input.path};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, messages.path.c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, rsvg.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw io::FileError(path, "cannot run " + rsvg + ": " + std::strerror(spawned));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw io::FileError(path, "lost track of " + rsvg + ": " + std::strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::ifstream err(messages.path);
        std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        throw io::FileError(path, "rsvg-convert failed" +
                                      (WIFEXITED(status)
                                           ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")"
                                           : std::string(" (killed by a signal)")) +
                                      (text.empty() ? "" : ": " + text));
    }
    // Into place at once, as write_svg does: a reader never sees half a PNG. Written anew
    // rather than renamed: mkstemp made rsvg-convert's file 0600, and the plot gets what
    // any new file gets (the umask's), as the SVG does.
    std::ifstream png(output.path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(png)),
                            std::istreambuf_iterator<char>());
    if (!png && !png.eof())
        throw io::FileError(output.path, "cannot read the PNG rsvg-convert wrote");
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
