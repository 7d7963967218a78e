#pragma once
// `mpirun -np N xgrad train`: the processes of a data-parallel run, as the program sees them.
// With MPI (nn/distributed/), every process trains on its share of each batch and rank 0 alone
// prints, checkpoints and plots. Built without MPI, a program started by mpirun with more than
// one process refuses to train (each would train alone and write the same checkpoint).

#include "cli/flags.hpp"
#include "nn/data_parallel.hpp"
#include "nn/model.hpp"
#include "nn/optim.hpp"

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

namespace xgrad::cli {

/// --mpi-timeout, --bucket-kb, --no-overlap (train_flags() declares them).
void declare_parallel_flags(Flags& f);

struct ParallelSettings {
    double timeout = 120;                 ///< seconds a wait on another process may last
    std::size_t bucket_bytes = 256 << 10; ///< all-reduce bucket threshold
    bool overlap = true;                  ///< start buckets from post-accumulate hooks
};
ParallelSettings parallel_settings(const Flags& flags);

/// The processes training together: under mpirun with N > 1 all N, else this one alone.
template <class T>
class ParallelRun {
public:
    /// Under mpirun: initialises MPI, copies rank 0's parameters and optimiser state to every
    /// process, prepares the gradient all-reduce, and silences stdout on ranks other than 0.
    /// Alone: nothing.
    ParallelRun(const ParallelSettings& settings, nn::Model<T>& model, nn::Optimizer<T>& optimizer);
    /// Ends MPI unless an exception is on its way out (then the process exits without
    /// MPI_Finalize, and mpirun ends the others).
    ~ParallelRun();
    ParallelRun(const ParallelRun&) = delete;
    ParallelRun& operator=(const ParallelRun&) = delete;

    std::size_t rank() const;
    std::size_t size() const;
    /// Rank 0, or alone: the process that prints, checkpoints and plots.
    bool lead() const { return rank() == 0; }
    /// FitOptions::parallel; nullptr alone.
    nn::DataParallel* data_parallel();
    /// stderr on the lead, /dev/null on the others (the progress bar).
    std::FILE* progress_stream() const;
    /// "2 (mpirun) on node-a,node-b, gradients summed in 3 buckets of >= 256 KiB, ...".
    std::string description() const;
    /// The all-reduce's figures after training; "" alone.
    std::string report() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

extern template class ParallelRun<float>;
extern template class ParallelRun<double>;

} // namespace xgrad::cli
