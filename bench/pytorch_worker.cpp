// fashion10's PyTorch column, taking turns with the C++ columns epoch by epoch: bench.py runs
// as a worker process (`bench.py --serve-fashion10 f32 --limit m`) that trains one epoch per
// line it reads, times it itself and answers with its figures. So PyTorch's epochs fall in the
// same minutes of the machine's load as the others', which a separate run before or after
// cannot give. Each side lets its BLAS threads go idle (0.25 s) before the other runs: spinning
// OpenBLAS workers of one process would otherwise take a core from the other. A worker that
// does not answer within XGRAD_BENCH_WORKER_TIMEOUT seconds (default 900) is stopped, and the
// bench fails saying so, rather than wait for ever.
#include "minibatch.hpp"

#include "io/npy.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace xgrad::bench {

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fashion10 pytorch worker: %s\n", what.c_str());
    std::exit(1);
}

class PytorchWorker final : public EpochColumn {
public:
    PytorchWorker(const std::string& python, const std::vector<std::size_t>& layers,
                  const char* dtype, std::size_t m)
        : m_layers(layers) {
        // A worker that died must give our error message, not end this process on SIGPIPE
        // (restored when the worker goes, for a bench piped into head).
        m_sigpipe = std::signal(SIGPIPE, SIG_IGN);
        if (const char* text = std::getenv("XGRAD_BENCH_WORKER_TIMEOUT"); text && *text) {
            char* end = nullptr;
            const double seconds = std::strtod(text, &end);
            if (*end || !(seconds > 0) || !std::isfinite(seconds))
                fail(std::string("XGRAD_BENCH_WORKER_TIMEOUT=") + text +
                     ": expected a number of seconds above 0");
            m_timeout_s = seconds;
        }
        // Close-on-exec: the worker gets them only as its stdin and stdout (dup2 clears it).
        int to_child[2], from_child[2];
        if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
            fail(std::string("pipe: ") + std::strerror(errno));
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
        for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]})
            posix_spawn_file_actions_addclose(&actions, fd);
        const std::string limit = std::to_string(m);
        std::string script = XGRAD_BENCH_SCRIPT;
        std::vector<std::string> args = {python, script,    "--serve-fashion10",
                                         dtype,  "--limit", limit};
        std::vector<char*> argv;
        for (std::string& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        const int spawned =
            posix_spawnp(&m_pid, python.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(to_child[0]);
        close(from_child[1]);
        if (spawned != 0)
            fail("cannot run " + python + ": " + std::strerror(spawned));
        m_to = fdopen(to_child[1], "w");
        m_from = from_child[0];
        if (!m_to)
            fail(std::string("fdopen: ") + std::strerror(errno));
        m_command = python + " " + script + " --serve-fashion10 " + dtype + " --limit " + limit;
    }

    ~PytorchWorker() override {
        if (m_to) {
            std::fputs("quit\n", m_to);
            std::fclose(m_to);
        }
        if (m_from >= 0)
            close(m_from);
        if (m_pid > 0) { // told to quit; stopped if it has not within 10 s
            int status = 0;
            for (int tries = 0; waitpid(m_pid, &status, WNOHANG) == 0; ++tries) {
                if (tries == 1000)
                    kill(m_pid, SIGKILL);
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        std::signal(SIGPIPE, m_sigpipe);
    }

    void init() override { expect(ask(""), "ready"); }

    void epoch(std::size_t e) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(250)); // our BLAS threads idle
        std::istringstream reply(ask("epoch " + std::to_string(e)));
        // Read as words and strtod: iostreams do not read "nan", a loss PyTorch may report.
        std::string word, ms, cpu_ms, cost;
        reply >> word >> ms >> cpu_ms >> cost;
        char* end = nullptr;
        const auto number = [&](const std::string& text) {
            const double v = std::strtod(text.c_str(), &end);
            return text.empty() || *end ? NAN : v;
        };
        m_times.ms = number(ms);
        m_times.cpu_ms = number(cpu_ms);
        m_cost = number(cost);
        if (word != "done" || !(m_times.ms >= 0) || !(m_times.cpu_ms >= 0) || cost.empty())
            fail("'" + m_command + "' answered epoch " + std::to_string(e) + " with '" +
                 reply.str() + "'");
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        char path[] = "/tmp/xgrad-bench-pytorch-XXXXXX.npy";
        const int fd = mkstemps(path, 4); // the worker's np.save writes this very name
        if (fd < 0)
            fail(std::string("mkstemps: ") + std::strerror(errno));
        close(fd);
        expect(ask(std::string("params ") + path), "saved");
        Array<double> flat;
        try {
            flat = io::load_npy<double>(path);
        } catch (const std::exception& error) {
            std::remove(path);
            fail("'" + m_command + "' saved parameters that do not read: " + error.what());
        }
        std::remove(path);
        // torch's parameters() order: weight 1, bias 1, weight 2, ...: W[1], b[1], W[2], ...
        std::vector<std::vector<double>> out;
        std::size_t at = 0;
        for (std::size_t l = 1; l < m_layers.size(); ++l)
            for (std::size_t n : {m_layers[l] * m_layers[l - 1], m_layers[l]}) {
                if (at + n > flat.size())
                    fail("'" + m_command + "' saved " + std::to_string(flat.size()) +
                         " parameters, fewer than the network's");
                out.emplace_back(flat.data() + at, flat.data() + at + n);
                at += n;
            }
        if (at != flat.size())
            fail("'" + m_command + "' saved " + std::to_string(flat.size()) +
                 " parameters, more than the network's " + std::to_string(at));
        return out;
    }

    std::optional<WorkerTimes> worker_times() const override { return m_times; }

private:
    // Sends one line (none for an empty command) and reads the answer's line.
    std::string ask(const std::string& command) const {
        if (!command.empty() &&
            (std::fprintf(m_to, "%s\n", command.c_str()) < 0 || std::fflush(m_to) != 0))
            fail("'" + m_command + "' stopped reading (it printed its error above)");
        const std::string what =
            command.empty() ? std::string("'ready'") : "answer to '" + command + "'";
        using Clock = std::chrono::steady_clock;
        const auto deadline =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(std::min(m_timeout_s, 1e9)));
        std::size_t end;
        while ((end = m_received.find('\n')) == std::string::npos) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd ready{m_from, POLLIN, 0};
            const int polled =
                left.count() <= 0
                    ? 0
                    : poll(&ready, 1, static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
            if (polled < 0 && errno == EINTR)
                continue;
            if (polled < 0)
                fail(std::string("poll: ") + std::strerror(errno));
            if (polled == 0) {
                kill(m_pid, SIGKILL);
                char seconds[32];
                std::snprintf(seconds, sizeof seconds, "%g", m_timeout_s);
                fail("'" + m_command + "' sent no " + what + " within " + seconds +
                     " s (XGRAD_BENCH_WORKER_TIMEOUT); stopped it");
            }
            char chunk[512];
            const ssize_t got = read(m_from, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                fail("'" + m_command + "' ended before its " + what + " (its error is above)");
            m_received.append(chunk, std::size_t(got));
        }
        std::string text = m_received.substr(0, end);
        m_received.erase(0, end + 1);
        while (!text.empty() && text.back() == '\r')
            text.pop_back();
        return text;
    }
    void expect(const std::string& reply, const std::string& word) const {
        if (reply != word)
            fail("'" + m_command + "' answered '" + reply + "', not '" + word + "'");
    }

    std::vector<std::size_t> m_layers;
    pid_t m_pid = -1;
    void (*m_sigpipe)(int) = SIG_DFL;
    FILE* m_to = nullptr;
    int m_from = -1;                // the worker's stdout
    mutable std::string m_received; // what it sent past the last line read
    double m_timeout_s = 900;       // XGRAD_BENCH_WORKER_TIMEOUT
    std::string m_command;
    WorkerTimes m_times;
    double m_cost = NAN;
};

} // namespace

std::unique_ptr<EpochColumn> make_epoch_pytorch(const std::string& python,
                                                const std::vector<std::size_t>& layers,
                                                const char* dtype, std::size_t m) {
    return std::make_unique<PytorchWorker>(python, layers, dtype, m);
}

} // namespace xgrad::bench
