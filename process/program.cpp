#include "process/program.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace xgrad::process {

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        struct stat info;
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

TempFile::TempFile(const std::string& prefix) {
    std::string pattern = prefix + "-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = mkstemp(buffer.data());
    if (fd < 0) {
        m_error = pattern + ": cannot create a temporary file: " + std::strerror(errno);
        return;
    }
    close(fd);
    m_path = buffer.data();
}

TempFile::~TempFile() {
    if (!m_path.empty())
        std::remove(m_path.c_str());
}

std::string Finished::how() const {
    if (!error.empty())
        return ": " + error;
    return exited ? " (exit " + std::to_string(exit_code) + ")" : " (killed by a signal)";
}

Finished run_program(std::vector<std::string> argv, const std::string& messages_prefix) {
    Finished finished;
    if (argv.empty()) {
        finished.error = "no program to run (an empty argv)";
        return finished;
    }
    const TempFile messages(messages_prefix);
    if (!messages.ok()) {
        finished.error = messages.error();
        return finished;
    }
    std::vector<char*> args;
    for (std::string& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, messages.path().c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        finished.error = "cannot run " + argv[0] + ": " + std::strerror(spawned);
        return finished;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            finished.error = "lost track of " + argv[0] + ": " + std::strerror(errno);
            return finished;
        }
    finished.exited = WIFEXITED(status);
    finished.exit_code = finished.exited ? WEXITSTATUS(status) : 0;
    std::ifstream err(messages.path());
    finished.messages.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    while (!finished.messages.empty() &&
           (finished.messages.back() == '\n' || finished.messages.back() == ' '))
        finished.messages.pop_back();
    return finished;
}

} // namespace xgrad::process
