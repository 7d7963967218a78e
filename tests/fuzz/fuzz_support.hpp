#pragma once
// What the file-reader fuzz targets share: the fuzzer's bytes written to a per-process
// temporary file (the readers take paths, as users' code does), and the rule that only
// xgrad::io::FileError may escape a reader.

#include "io/file_error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>
#include <string>
#include <typeinfo>
#include <unistd.h>

namespace xgrad::fuzz {

/// A file under $TMPDIR (or /tmp) named for this process and `suffix`, holding `size`
/// bytes of `data`. Reused across runs of one process; every such file is removed at exit.
inline std::string write_temp(const std::uint8_t* data, std::size_t size,
                              const std::string& suffix) {
    static std::set<std::string> made;
    static const bool registered = [] {
        std::atexit([] {
            for (const std::string& p : made)
                std::remove(p.c_str());
        });
        return true;
    }();
    (void)registered;
    const char* dir = std::getenv("TMPDIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/xgrad-fuzz-" +
                             std::to_string(::getpid()) + suffix;
    made.insert(path);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
        std::perror(path.c_str());
        std::abort(); // the harness, not the reader, failed
    }
    return path;
}

/// Runs `read`; a FileError that names `path` is a fine answer, anything else aborts so
/// libFuzzer keeps the input.
template <class F>
void expect_file_errors_only(const std::string& path, F&& read) {
    try {
        read();
    } catch (const io::FileError& e) {
        if (e.path().empty() || std::string(e.what()).find(e.path()) != 0) {
            std::fprintf(stderr, "FileError without its path: %s\n", e.what());
            std::abort();
        }
        (void)path;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "reader threw %s, not FileError: %s\n", typeid(e).name(), e.what());
        std::abort();
    }
}

} // namespace xgrad::fuzz
