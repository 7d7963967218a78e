#pragma once
// The gradients of data-parallel training summed over the processes in buckets, as PyTorch's
// DistributedDataParallel and Horovod do: parameters are grouped, in the order backward
// completes their gradients (the last layer's first), into buckets of at least a byte
// threshold; each bucket is one MPI_Iallreduce of a flat buffer. Every process makes the same
// buckets (from the same network) and starts them in the same order, as MPI requires of
// collectives on one communicator.
//
// Mode::after_backward packs and starts every bucket once backward is done. Mode::overlap
// starts each bucket from the post-accumulate hooks of its parameters, as soon as its last
// gradient is complete, so that communication overlaps the rest of backward; a bucket ready
// before an earlier one waits for it (the same order everywhere). finish_backward(), before
// the optimiser's step, waits for them all and writes the sums into the parameters' .grad.

#include "nn/data_parallel.hpp"
#include "nn/distributed/processes.hpp"
#include "nn/model.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad::distributed {

/// How long the processes spent on the all-reduce, summed since construction.
struct AllReduceFigures {
    std::size_t steps = 0;        ///< finish_backward() calls
    std::size_t buckets = 0;      ///< per step
    std::size_t bytes = 0;        ///< per step, of every bucket
    double wait_seconds = 0;      ///< in finish_backward's wait: communication not hidden
    double compute_seconds = 0;   ///< from begin_backward() (before the forward) to the wait
    std::size_t early_starts = 0; ///< buckets started from a hook, before backward ended
};

template <class T>
class GradientAllReduce final : public nn::DataParallel {
public:
    enum class Mode { after_backward, overlap };

    /// Sums the gradients of `parameters` (model.parameters()) over `processes` in buckets of
    /// at least `bucket_bytes` (the last may be smaller). Mode::overlap registers a
    /// post-accumulate hook on each parameter. Throws std::invalid_argument when another
    /// process has other parameters (count or sizes).
    GradientAllReduce(Processes& processes, std::vector<nn::NamedTensor<T>> parameters,
                      std::size_t bucket_bytes = 1u << 20, Mode mode = Mode::overlap);
    ~GradientAllReduce() override;
    GradientAllReduce(const GradientAllReduce&) = delete;
    GradientAllReduce& operator=(const GradientAllReduce&) = delete;

    std::size_t rank() const override { return m_processes.rank(); }
    std::size_t size() const override { return m_processes.size(); }
    void begin_backward() override;
    void finish_backward() override;
    void sum(double* values, std::size_t n) override;

    Mode mode() const { return m_mode; }
    /// The buckets in starting order, each its parameters' names ("W2", "b2" ...).
    std::vector<std::vector<std::string>> buckets() const;
    const AllReduceFigures& figures() const { return m_figures; }

    /// Parameter k's gradient is complete for this backward (its post-accumulate hook).
    void gradient_ready(std::size_t k);

private:
    struct Bucket {
        std::vector<std::size_t> parameters; // indices into m_parameters
        std::vector<std::size_t> offsets;    // of each in the buffer
        std::vector<T> buffer;
        std::size_t ready = 0; // parameters packed this step
        MPI_Request request = MPI_REQUEST_NULL;
        bool started = false;
    };
    void pack(std::size_t k);
    void start_in_order();
    void register_hooks();

    std::vector<HookHandle> m_hooks; // Mode::overlap: one per parameter, removed with this
    Processes& m_processes;
    std::vector<nn::NamedTensor<T>> m_parameters;
    Mode m_mode;
    std::vector<Bucket> m_buckets;
    std::vector<std::size_t> m_bucket_of, m_slot_of; // parameter -> bucket, index in it
    std::vector<bool> m_packed;                      // parameter packed this step
    std::size_t m_next = 0;                          // the next bucket to start
    bool m_in_backward = false;
    double m_backward_start = 0;
    AllReduceFigures m_figures;
};

extern template class GradientAllReduce<float>;
extern template class GradientAllReduce<double>;

} // namespace xgrad::distributed
