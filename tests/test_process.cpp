// process/: programs found on PATH, run without a shell, their messages and exit codes kept;
// temporary files that remove themselves.
#include "process/program.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace xgrad::process;

TEST_CASE("find_program finds an executable on PATH and nothing else") {
    const std::string sh = find_program("sh");
    REQUIRE(!sh.empty());
    CHECK(fs::path(sh).filename() == "sh");
    CHECK(find_program("xgrad-no-such-program").empty());
    const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", "/nonexistent", 1);
    CHECK(find_program("sh").empty());
    ::setenv("PATH", saved.c_str(), 1);
}

TEST_CASE("a TempFile is made empty and removed when it goes; a bad prefix says why") {
    std::string path;
    {
        const TempFile file((fs::temp_directory_path() / "xgrad-test-process").string());
        REQUIRE(file.ok());
        path = file.path();
        CHECK(path.find("xgrad-test-process-") != std::string::npos);
        CHECK(fs::exists(path));
        CHECK(fs::file_size(path) == 0);
    }
    CHECK_FALSE(fs::exists(path));
    const TempFile bad("/nonexistent-dir/x");
    CHECK_FALSE(bad.ok());
    CHECK(bad.error().find("/nonexistent-dir/x-XXXXXX: cannot create a temporary file") == 0);
}

TEST_CASE("run_program keeps a program's exit code and its messages, and says when it cannot run") {
    const std::string prefix = (fs::temp_directory_path() / "xgrad-test-messages").string();
    const std::string sh = find_program("sh");
    REQUIRE(!sh.empty());
    const Finished ok = run_program({sh, "-c", "echo to stdout; exit 0"}, prefix);
    CHECK(ok.succeeded());
    CHECK(ok.messages.empty()); // stdout goes to /dev/null

    const Finished failed = run_program({sh, "-c", "echo 'it went wrong' >&2; exit 3"}, prefix);
    CHECK_FALSE(failed.succeeded());
    CHECK(failed.error.empty());
    CHECK(failed.exited);
    CHECK(failed.exit_code == 3);
    CHECK(failed.messages == "it went wrong"); // the trailing new line trimmed
    CHECK(failed.how() == " (exit 3)");

    const Finished killed = run_program({sh, "-c", "kill -9 $$"}, prefix);
    CHECK_FALSE(killed.succeeded());
    CHECK_FALSE(killed.exited);
    CHECK(killed.how() == " (killed by a signal)");

    // Its messages' temporary file is gone once they are read.
    std::size_t left = 0;
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
        left += entry.path().filename().string().rfind("xgrad-test-messages-", 0) == 0;
    CHECK(left == 0);

    const Finished empty = run_program({}, prefix);
    CHECK_FALSE(empty.succeeded());
    CHECK(empty.error == "no program to run (an empty argv)");

    const Finished missing = run_program({"/nonexistent/program", "x"}, prefix);
    CHECK_FALSE(missing.succeeded());
    CHECK(missing.error.find("cannot run /nonexistent/program: ") == 0);
    CHECK(missing.how() == ": " + missing.error);
}
