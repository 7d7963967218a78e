#include "nn/distributed/processes.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace xgrad::distributed {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(int code, const char* call) {
    if (code == MPI_SUCCESS)
        return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw std::runtime_error(std::string("MPI: ") + call + " failed: " + std::string(text, length));
}

// Polls until done() or `limit` seconds: spins a little (a reduction of a small bucket takes
// microseconds), then yields the core, then sleeps, so that a wait on a slow peer does not
// take a core from the processes that compute.
template <class Done>
bool poll(Done done, double limit, Clock::time_point start) {
    for (long round = 0;; ++round) {
        if (done())
            return true;
        if (round < 64)
            continue;
        const double waited = seconds_since(start);
        if (waited > limit)
            return false;
        if (waited < 0.01)
            std::this_thread::yield();
        else
            std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
}
} // namespace

bool launched_by_mpirun() {
    return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

Processes& Processes::world() {
    static Processes processes;
    return processes;
}

Processes::Processes() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        check(MPI_Init(nullptr, nullptr), "MPI_Init");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &m_comm), "MPI_Comm_dup");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &m_watch), "MPI_Comm_dup");
    int rank = 0, size = 1;
    MPI_Comm_rank(m_comm, &rank);
    MPI_Comm_size(m_comm, &size);
    m_rank = static_cast<std::size_t>(rank);
    m_size = static_cast<std::size_t>(size);
    // Who is who, for the messages that name a rank.
    char host[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(host, &length);
    std::vector<char> hosts(m_size * MPI_MAX_PROCESSOR_NAME);
    check(MPI_Allgather(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, hosts.data(),
                        MPI_MAX_PROCESSOR_NAME, MPI_CHAR, m_comm),
          "MPI_Allgather");
    long pid = static_cast<long>(getpid());
    m_pids.resize(m_size);
    check(MPI_Allgather(&pid, 1, MPI_LONG, m_pids.data(), 1, MPI_LONG, m_comm), "MPI_Allgather");
    for (std::size_t r = 0; r < m_size; ++r)
        m_hosts.emplace_back(hosts.data() + r * MPI_MAX_PROCESSOR_NAME);
}

std::string Processes::describe(std::size_t rank) const {
    return "rank " + std::to_string(rank) + " (" + m_hosts.at(rank) + ", pid " +
           std::to_string(m_pids.at(rank)) + ")";
}

bool Processes::test(MPI_Request* requests, int n) {
    int done = 0;
    check(MPI_Testall(n, requests, &done, MPI_STATUSES_IGNORE), "MPI_Testall");
    return done != 0;
}

double Processes::wait(MPI_Request* requests, int n, const std::string& what) {
    const auto start = Clock::now();
    if (!poll([&] { return test(requests, n); }, m_timeout, start))
        stalled(what, seconds_since(start));
    return seconds_since(start);
}

void Processes::stalled(const std::string& what, double waited) {
    // A roll call on a channel of its own: every rank still running answers every other
    // (they time out on the same collective within a step of each other); one that does not
    // answer within the grace period is hung, stopped, or cut off.
    const double grace = std::min(10.0, std::max(2.0, m_timeout / 2));
    const int me = static_cast<int>(m_rank);
    std::vector<int> heard(m_size, -1);
    std::vector<MPI_Request> receives(m_size, MPI_REQUEST_NULL), sends(m_size, MPI_REQUEST_NULL);
    for (std::size_t r = 0; r < m_size; ++r)
        if (r != m_rank) {
            MPI_Irecv(&heard[r], 1, MPI_INT, static_cast<int>(r), 7, m_watch, &receives[r]);
            MPI_Isend(&me, 1, MPI_INT, static_cast<int>(r), 7, m_watch, &sends[r]);
        }
    const auto start = Clock::now();
    poll([&] { return test(receives.data(), static_cast<int>(m_size)); }, grace, start);
    std::string silent;
    for (std::size_t r = 0; r < m_size; ++r)
        if (r != m_rank && heard[r] != static_cast<int>(r))
            silent += (silent.empty() ? "" : ", ") + describe(r);
    char seconds[64];
    std::snprintf(seconds, sizeof seconds, "%.1f s (timeout %g s)", waited, m_timeout);
    const std::string message =
        "xgrad: " + describe(m_rank) + ": " + what + " waited " + seconds + "; " +
        (silent.empty() ? std::string("every rank answered a roll call: they are waiting on "
                                      "each other, out of step")
                        : "no answer from " + silent + ": hung, stopped or unreachable") +
        ". Ending the run (MPI_Abort, exit status " + std::to_string(abort_status) + ").\n";
    std::fputs(message.c_str(), stderr);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, abort_status);
    std::_Exit(abort_status);
}

void Processes::finalize() {
    if (m_finalized)
        return;
    m_finalized = true;
    MPI_Comm_free(&m_watch);
    MPI_Comm_free(&m_comm);
    MPI_Finalize();
}

template <>
MPI_Datatype mpi_type<float>() {
    return MPI_FLOAT;
}
template <>
MPI_Datatype mpi_type<double>() {
    return MPI_DOUBLE;
}

} // namespace xgrad::distributed
