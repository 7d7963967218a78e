#include "cli/parallel.hpp"

#ifdef XGRAD_HAVE_MPI
#include "nn/distributed/broadcast.hpp"
#include "nn/distributed/gradient_all_reduce.hpp"
#include "nn/distributed/processes.hpp"
#endif

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <string>

namespace xgrad::cli {

void declare_parallel_flags(Flags& f) {
    f.option("mpi-timeout", "S", "120",
             "under mpirun: end the run when another process has not answered for S seconds")
        .option("bucket-kb", "K", "256",
                "under mpirun: gradients are summed in buckets of at least K KiB")
        .flag("no-overlap", "under mpirun: sum the gradients after backward, not during it");
}

ParallelSettings parallel_settings(const Flags& flags) {
    ParallelSettings s;
    s.timeout = flags.number("mpi-timeout", 0.1, 1e6);
    s.bucket_bytes = std::size_t(flags.integer("bucket-kb", 1, 1 << 22)) << 10;
    s.overlap = !flags.is_set("no-overlap");
    return s;
}

namespace {
// mpirun's process count, read before MPI starts: 1 when not started by mpirun.
std::size_t launched_processes() {
    const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
    if (!size)
        size = std::getenv("PMI_SIZE");
    return size ? std::size_t(std::strtoul(size, nullptr, 10)) : 1;
}
} // namespace

#ifdef XGRAD_HAVE_MPI
namespace {
std::string kib(std::size_t bytes) {
    return bytes % (1u << 20) == 0 ? std::to_string(bytes >> 20) + " MiB"
                                   : std::to_string(bytes >> 10) + " KiB";
}
} // namespace

template <class T>
struct ParallelRun<T>::Impl {
    distributed::Processes& processes;
    distributed::GradientAllReduce<T> all_reduce;
    std::size_t bucket_bytes;
    std::FILE* null = nullptr;
};

template <class T>
ParallelRun<T>::ParallelRun(const ParallelSettings& settings, nn::Model<T>& model,
                            nn::Optimizer<T>& optimizer) {
    if (launched_processes() < 2)
        return;
    distributed::Processes& processes = distributed::Processes::world();
    processes.timeout(settings.timeout);
    distributed::broadcast_from_lead(processes, model, &optimizer);
    using Mode = typename distributed::GradientAllReduce<T>::Mode;
    m_impl.reset(new Impl{
        processes,
        distributed::GradientAllReduce<T>(processes, model.parameters(), settings.bucket_bytes,
                                          settings.overlap ? Mode::overlap : Mode::after_backward),
        settings.bucket_bytes, nullptr});
    if (!processes.lead()) {
        std::fflush(stdout);
        if (!std::freopen("/dev/null", "w", stdout))
            std::fclose(stdout);
        m_impl->null = std::fopen("/dev/null", "w");
    }
}

template <class T>
ParallelRun<T>::~ParallelRun() {
    if (!m_impl)
        return;
    if (m_impl->null)
        std::fclose(m_impl->null);
    distributed::Processes& processes = m_impl->processes;
    m_impl.reset();
    if (std::uncaught_exceptions() == 0)
        processes.finalize();
}

template <class T>
std::size_t ParallelRun<T>::rank() const {
    return m_impl ? m_impl->processes.rank() : 0;
}
template <class T>
std::size_t ParallelRun<T>::size() const {
    return m_impl ? m_impl->processes.size() : 1;
}
template <class T>
nn::DataParallel* ParallelRun<T>::data_parallel() {
    return m_impl ? &m_impl->all_reduce : nullptr;
}
template <class T>
std::FILE* ParallelRun<T>::progress_stream() const {
    return m_impl && m_impl->null ? m_impl->null : stderr;
}

template <class T>
std::string ParallelRun<T>::description() const {
    if (!m_impl)
        return "1 (alone)";
    const auto& a = m_impl->all_reduce;
    // The hosts, each once, in rank order.
    std::string hosts;
    for (std::size_t r = 0; r < size(); ++r) {
        const std::string& host = m_impl->processes.host(r);
        if (("," + hosts + ",").find("," + host + ",") == std::string::npos)
            hosts += (hosts.empty() ? "" : ",") + host;
    }
    return std::to_string(size()) + " (mpirun) on " + hosts + ", gradients summed in " +
           std::to_string(a.figures().buckets) + " bucket" + (a.figures().buckets == 1 ? "" : "s") +
           " of >= " + kib(m_impl->bucket_bytes) + ", " +
           (a.mode() == distributed::GradientAllReduce<T>::Mode::overlap ? "started during backward"
                                                                         : "after backward");
}

template <class T>
std::string ParallelRun<T>::report() const {
    if (!m_impl)
        return "";
    const distributed::AllReduceFigures& f = m_impl->all_reduce.figures();
    char line[256];
    std::snprintf(line, sizeof line,
                  "all-reduce     %zu steps x %zu buckets (%.2f MB), rank 0 waited %.3f s "
                  "(%.1f%% of %.3f s forward + backward); %zu buckets started during backward\n",
                  f.steps, f.buckets, double(f.bytes) / 1e6, f.wait_seconds,
                  100 * f.wait_seconds / std::max(f.compute_seconds + f.wait_seconds, 1e-12),
                  f.compute_seconds, f.early_starts);
    return line;
}

#else // built without MPI

template <class T>
struct ParallelRun<T>::Impl {};

template <class T>
ParallelRun<T>::ParallelRun(const ParallelSettings&, nn::Model<T>&, nn::Optimizer<T>&) {
    if (launched_processes() > 1)
        throw UsageError("this xgrad was built without MPI (install libopenmpi-dev and "
                         "rebuild): under mpirun each process would train alone");
}
template <class T>
ParallelRun<T>::~ParallelRun() = default;
template <class T>
std::size_t ParallelRun<T>::rank() const {
    return 0;
}
template <class T>
std::size_t ParallelRun<T>::size() const {
    return 1;
}
template <class T>
nn::DataParallel* ParallelRun<T>::data_parallel() {
    return nullptr;
}
template <class T>
std::FILE* ParallelRun<T>::progress_stream() const {
    return stderr;
}
template <class T>
std::string ParallelRun<T>::description() const {
    return "1 (alone)";
}
template <class T>
std::string ParallelRun<T>::report() const {
    return "";
}
#endif

template class ParallelRun<float>;
template class ParallelRun<double>;

} // namespace xgrad::cli
