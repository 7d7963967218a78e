#pragma once
// The mini-batch configuration of the benchmark ("fashion10"): whole epochs of shuffled
// mini-batches, as `xgrad train --data fashion10` trains. Plain std::vector, so the LibTorch
// column's translation unit never sees xtensor.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xgrad::bench {

/// Fashion-MNIST's training set and `xgrad train --data fashion10`'s defaults: 784-256-128-10,
/// relu, softmax cross-entropy, He (uniform) init, Adam at lr 1e-3 times 0.8 after each epoch,
/// batches of 128 (the last one smaller). Course layout: X (784, m), Y one-hot (10, m).
template <class T>
struct EpochProblem {
    std::vector<std::size_t> layers{784, 256, 128, 10};
    std::size_t m = 0, batch = 128;
    double learning_rate = 1e-3, decay = 0.8;
    unsigned seed = 1;      // epoch e's order is numpy's RandomState(seed + e).permutation(m)
    std::vector<T> X, Y;    // (784, m) and (10, m), row-major
    std::vector<int> label; // (m), the class of each example
    std::vector<std::vector<T>> W, b;             // W[l] (n_l, n_{l-1}), b[l] (n_l); index 0 unused
    std::vector<std::vector<std::int64_t>> order; // order[e], e = 1..epochs

    std::size_t L() const { return layers.size() - 1; }
    double alpha(std::size_t epoch) const; // the learning rate of epoch e (1-based)
};

/// The problem on Fashion-MNIST's first `limit` training examples (0: all 60,000) with the
/// orders of `epochs` epochs; empty X when the data set is not installed. The initial
/// parameters come from splitmix64, so bench.py draws the same ones.
template <class T>
EpochProblem<T> make_epoch_problem(std::size_t limit, std::size_t epochs);

/// An epoch's figures, as a column in another process measured them itself.
struct WorkerTimes {
    double ms = 0, cpu_ms = 0;
};

/// One way of training whole epochs.
class EpochColumn {
public:
    virtual ~EpochColumn() = default;
    /// Copies the initial parameters and makes what the column keeps between epochs.
    virtual void init() = 0;
    /// Trains epoch e (1-based): its order, gather, forward, cost, backward, Adam, per batch.
    virtual void epoch(std::size_t e) = 0;
    /// The cost of the last batch.
    virtual double cost() const = 0;
    /// W[1], b[1], ..., W[L], b[L] as doubles.
    virtual std::vector<std::vector<double>> parameters() const = 0;
    /// For a column in another process (PyTorch's): the last epoch as it timed it there, where
    /// this process can see neither its CPU time nor its heap. None for the others.
    virtual std::optional<WorkerTimes> worker_times() const { return std::nullopt; }
};

/// `split`: the "floor omp" column (minibatch_floor.cpp).
template <class T>
std::unique_ptr<EpochColumn> make_epoch_floor(const EpochProblem<T>& p, bool split = false);
template <class T>
std::unique_ptr<EpochColumn> make_epoch_xgrad(const EpochProblem<T>& p);
template <class T>
std::unique_ptr<EpochColumn> make_epoch_nn(const EpochProblem<T>& p);
/// PyTorch's column: bench.py as a worker process, run by `python`, training an epoch when
/// asked (pytorch_worker.cpp).
std::unique_ptr<EpochColumn> make_epoch_pytorch(const std::string& python,
                                                const std::vector<std::size_t>& layers,
                                                const char* dtype, std::size_t m);
#ifdef XGRAD_BENCH_TORCH
template <class T>
std::unique_ptr<EpochColumn> make_epoch_torch(const EpochProblem<T>& p);
#endif

} // namespace xgrad::bench
