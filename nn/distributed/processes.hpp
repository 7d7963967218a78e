#pragma once
// The processes of a data-parallel run: MPI initialised from mpirun's environment, this
// process's rank among them, and waits that never hang forever.
//
// nn/distributed/ is built only when MPI is installed (Debian's libopenmpi-dev); the rest of
// xgrad builds without it. Every wait on another process polls (MPI_Testall) against a
// timeout: past it, the ranks still in the run exchange a message on a channel of their own,
// the one that does not answer is named (host and pid), and MPI_Abort ends the whole job.
// A rank that dies is seen by mpirun itself, which ends the job ("mpirun noticed that process
// rank 1 ... exited on signal 9").

// MPI's C interface only: its deprecated C++ bindings are not used (and warn).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad::distributed {

/// Whether mpirun (or another PMIx launcher) started this process: OMPI_COMM_WORLD_SIZE or
/// PMIX_RANK is set. Reads the environment only; MPI stays uninitialised.
bool launched_by_mpirun();

/// The exit status of a run that MPI_Abort ends after a timeout (mpirun passes it on).
constexpr int abort_status = 1;

/// MPI_COMM_WORLD's processes. One per process, made on first use.
class Processes {
public:
    /// Initialises MPI (MPI_Init) on the first call; throws std::runtime_error when it fails.
    static Processes& world();

    std::size_t rank() const { return m_rank; }
    std::size_t size() const { return m_size; }
    bool lead() const { return m_rank == 0; }
    /// The host rank `rank` runs on (MPI_Get_processor_name).
    const std::string& host(std::size_t rank) const { return m_hosts.at(rank); }
    /// "rank 1 (host, pid 1234)".
    std::string describe(std::size_t rank) const;
    MPI_Comm comm() const { return m_comm; }

    /// Seconds a wait may last before the run is ended (default 120).
    double timeout() const { return m_timeout; }
    void timeout(double seconds) { m_timeout = seconds; }

    /// Waits for `n` requests (polling, so Open MPI progresses them). Past timeout(): names
    /// the ranks that do not answer on stderr, with `what` was awaited, and calls MPI_Abort
    /// with abort_status. Returns the seconds waited.
    double wait(MPI_Request* requests, int n, const std::string& what);
    /// Drives the requests on without waiting (MPI_Testall); true when all are done.
    bool test(MPI_Request* requests, int n);

    /// Ends MPI (MPI_Finalize) once every process is here; call it at the end of a run that
    /// succeeded. A process that exits without it (after an error) makes mpirun end the job.
    void finalize();

    Processes(const Processes&) = delete;
    Processes& operator=(const Processes&) = delete;

private:
    Processes();
    [[noreturn]] void stalled(const std::string& what, double waited);

    std::size_t m_rank = 0, m_size = 1;
    MPI_Comm m_comm = MPI_COMM_NULL;  // the run's collectives
    MPI_Comm m_watch = MPI_COMM_NULL; // roll calls after a timeout, apart from the collectives
    std::vector<std::string> m_hosts;
    std::vector<long> m_pids;
    double m_timeout = 120;
    bool m_finalized = false;
};

/// MPI's datatype for T (MPI_FLOAT, MPI_DOUBLE).
template <class T>
MPI_Datatype mpi_type();

} // namespace xgrad::distributed
