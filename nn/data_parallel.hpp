#pragma once
// Data-parallel training as nn sees it: every global mini-batch is shared out among the
// processes training together, each computes the gradient of its share, and the processes
// sum their gradients before every optimiser step. nn knows no MPI: the processes and their
// communication are nn/distributed/'s, behind the DataParallel interface below.

#include <cstddef>

namespace xgrad::nn {

/// Columns [begin, end) of a batch.
struct Shard {
    std::size_t begin = 0, end = 0;
    std::size_t size() const { return end - begin; }
};

/// The share of process `rank` of `size` in a batch of `count` columns: contiguous, in rank
/// order, sizes differing by at most one (the first count % size ranks take one more), so
/// that the union over ranks is the batch, column for column. A rank may get none when
/// count < size. Throws std::invalid_argument when rank >= size.
Shard shard(std::size_t count, std::size_t rank, std::size_t size);

/// What Trainer asks of the processes training together (FitOptions::parallel).
///
/// Each process weights its share's cost by m_local / m, m being the global batch's columns,
/// so the sum of the processes' gradients is the gradient of the global batch's mean cost:
/// the course's 1/m stays exact with unequal shares (the last batch).
class DataParallel {
public:
    virtual ~DataParallel() = default;
    /// This process, 0-based, and the number of processes.
    virtual std::size_t rank() const = 0;
    virtual std::size_t size() const = 0;
    /// Before a batch's backward: the gradients about to be made are to be summed.
    virtual void begin_backward() = 0;
    /// After the batch's backward, before the optimiser's step: returns once every
    /// parameter's .grad holds the sum over the processes of their gradients (a process whose
    /// share was empty, or that did not reach a parameter, contributes zeros).
    virtual void finish_backward() = 0;
    /// Sums `n` values over the processes, in place (an epoch's loss and accuracy counts).
    virtual void sum(double* values, std::size_t n) = 0;
};

} // namespace xgrad::nn
