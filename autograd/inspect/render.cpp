#include "autograd/inspect/render.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// A temporary file that removes itself.
struct TempFile {
    std::string path;
    explicit TempFile(const char* suffix_hint) {
        const char* dir = std::getenv("TMPDIR");
        std::string pattern =
            std::string(dir && *dir ? dir : "/tmp") + "/xgrad-" + suffix_hint + "-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const int fd = mkstemp(buffer.data());
        if (fd < 0)
            throw Error(pattern + ": cannot create a temporary file: " + std::strerror(errno));
        close(fd);
        path = buffer.data();
    }
    ~TempFile() { std::remove(path.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

} // namespace

std::string find_dot() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/dot";
        struct stat info;
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

void render(const std::string& dot_source, const std::string& path) {
    const std::string format = format_of(path);
    const std::string dot = find_dot();
    if (dot.empty())
        throw Error(path + ": Graphviz's dot program is not on PATH, so the graph cannot be "
                           "drawn; install it (Debian: apt-get install graphviz), or draw the "
                           ".dot file elsewhere");
    TempFile input("graph"), messages("dot-stderr");
    {
        std::ofstream out(input.path, std::ios::binary);
        out << dot_source;
        if (!out)
            throw Error(input.path + ": cannot write the DOT text to a temporary file");
    }

    // dot itself, no shell: file names need no quoting.
    const std::string type = "-T" + format;
    std::vector<std::string> args = {dot, type, "-o", path, input.path};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, messages.path.c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, dot.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw Error(path + ": cannot run " + dot + ": " + std::strerror(spawned));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw Error(path + ": lost track of " + dot + ": " + std::strerror(errno));

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::ifstream err(messages.path);
        std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        throw Error(path + ": dot -" + type.substr(1) + " failed" +
                    (WIFEXITED(status) ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")"
                                       : " (killed by a signal)") +
                    (text.empty() ? "" : ": " + text));
    }
}

} // namespace xgrad::graphviz
