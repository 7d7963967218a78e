#pragma once
// Training loops: one step, whole epochs over (shuffled) mini-batches, and evaluation.

#include "nn/batches.hpp"
#include "nn/data_parallel.hpp"
#include "nn/model.hpp"
#include "nn/optim.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace xgrad::nn {

/// Where an epoch is, after each mini-batch (for progress bars).
struct BatchProgress {
    std::size_t epoch = 0, epochs = 0;  ///< 1-based epoch, of `epochs`
    std::size_t batch = 0, batches = 0; ///< 1-based batch, of `batches` in this epoch
    std::size_t examples_done = 0;      ///< examples seen so far this epoch
    std::size_t examples = 0;           ///< m, examples per epoch
    double loss = 0;                    ///< this batch's cost
    double seconds = 0;                 ///< since the epoch started
};

/// One epoch's figures. Loss and accuracy are those of the mini-batches as they were trained
/// on (before each batch's update), averaged over the epoch's examples: no extra forward pass.
struct EpochStats {
    std::size_t epoch = 0;
    double loss = 0; ///< with FitOptions::lambd, the regularised cost
    double accuracy = 0;
    double seconds = 0;
    double learning_rate = 0; ///< the optimiser's, after this epoch's FitOptions::decay
};

struct FitOptions {
    std::size_t epochs = 1;
    /// Examples per mini-batch; 0 (or >= m) means all m at once, the course's batch gradient
    /// descent (then nothing is shuffled or copied between epochs).
    std::size_t batch_size = 0;
    /// Draw a new order of the examples every epoch (random_mini_batches).
    bool shuffle = true;
    unsigned seed = 0;
    /// Generator::numpy: epoch e's order is the course's random_mini_batches(X, Y, batch_size,
    /// seed + e), np.random.permutation(m) after np.random.seed(seed + e); with seed = 10 it is
    /// the optimization notebook's schedule (seed = 10, then seed += 1 before each epoch).
    Generator generator = Generator::standard;
    /// L2 regularization: each batch's cost gains l2_penalty(model, lambd, batch columns), the
    /// course's lambd / (2 m) sum ||W[l]||^2 (nn/regularization.hpp). 0: none.
    double lambd = 0;
    /// Masks for the model's dropout layers (Model::dropout), seeded dropout_seed. With
    /// Generator::standard a fresh std::mt19937 stream; with Generator::numpy the course's
    /// forward_propagation_with_dropout: np.random.seed(dropout_seed) before every pass, so
    /// every step draws the same masks (DropoutMasks::course).
    unsigned dropout_seed = 1;
    /// Learning-rate decay: after epoch e (1-based), the optimiser's learning rate becomes
    /// decay(e - 1), the course's `learning_rate = decay(learning_rate0, i, decay_rate)` with
    /// epoch index i = e - 1; e.g. [](std::size_t i) { return schedule_lr_decay(0.1, i, 1.0); }
    /// (nn/schedule.hpp). Empty: the rate stays.
    std::function<double(std::size_t epoch_index)> decay;
    /// Stop with DivergenceError after an epoch whose loss is not finite or above this many
    /// times where the run started (nn/divergence.hpp gives the rule and its reasons). 0: never.
    double divergence_factor = 10;
    /// Data-parallel training (nn/data_parallel.hpp): when set, batch_size is the global
    /// batch, each epoch's order is the single process's, and this process trains on its
    /// shard() of every batch; the gradients are summed through `parallel` before each step
    /// and the epoch's figures are those of the whole epoch. Borrowed; nullptr: one process.
    DataParallel* parallel = nullptr;
    std::function<void(const BatchProgress&)> on_batch; ///< after every mini-batch
    std::function<void(const EpochStats&)> on_epoch;    ///< after every epoch
};

/// One optimisation step on (X, Y): zero_grad, J = model.loss(X, Y) (plus
/// l2_penalty(model, lambd, m) when lambd > 0), backward, step. Returns J. Dropout layers act
/// only when `masks` is given.
template <class T>
T train_step(const Model<T>& model, Optimizer<T>& optimizer, const Tensor<T>& X, const Tensor<T>& Y,
             double lambd = 0, DropoutMasks<T>* masks = nullptr);

/// Trains for options.epochs epochs of mini-batches of X (n_x, m) against Y (k, m), and
/// returns each epoch's figures. (A Trainer run for epochs 1..options.epochs.) X and Y are
/// checked first (check_examples: DataError naming the first NaN, Inf or bad label, ShapeError
/// for different m); a run that diverges throws DivergenceError (FitOptions::divergence_factor).
template <class T>
std::vector<EpochStats> fit(const Model<T>& model, Optimizer<T>& optimizer, const Array<T>& X,
                            const Array<T>& Y, const FitOptions& options = {});

/// Trains epoch by epoch, keeping the mini-batch buffers from one epoch to the next: for loops
/// that report, evaluate or checkpoint between epochs. Epoch e's shuffle depends only on
/// options.seed and e, so a run resumed at epoch e shuffles as the uninterrupted run did.
/// X and Y are borrowed: keep them alive and unchanged while the trainer is used.
template <class T>
class Trainer {
public:
    Trainer(const Model<T>& model, Optimizer<T>& optimizer, const Array<T>& X, const Array<T>& Y,
            FitOptions options = {});
    // The trainer would borrow a temporary that dies at the end of the statement.
    Trainer(const Model<T>&, Optimizer<T>&, Array<T>&&, const Array<T>&, FitOptions = {}) = delete;
    Trainer(const Model<T>&, Optimizer<T>&, const Array<T>&, Array<T>&&, FitOptions = {}) = delete;

    /// Trains epoch number `epoch` (1-based: it picks the shuffle and is reported to
    /// on_batch); calls options.on_batch after each mini-batch, not on_epoch.
    EpochStats train_epoch(std::size_t epoch);
    /// Sets FitOptions::seed for the epochs trained next: a loop that seeds each epoch itself
    /// keeps one trainer (and its batch buffers) for the whole run.
    void seed(unsigned seed) { m_options.seed = seed; }
    /// Mini-batches per epoch.
    std::size_t batches() const { return m_offset.size(); }
    /// m, examples per epoch.
    std::size_t examples() const { return m_X.shape()[1]; }
    const FitOptions& options() const { return m_options; }

private:
    // The epoch with FitOptions::parallel (nn/train.cpp's data-parallel block).
    EpochStats train_epoch_parallel(std::size_t epoch,
                                    std::chrono::steady_clock::time_point start_time);
    // Batch i of this epoch's order in its buffer (a full batch: X and Y themselves).
    const std::pair<Tensor<T>, Tensor<T>>& batch(std::size_t i);

    const Model<T>& m_model;
    Optimizer<T>& m_optimizer;
    const Array<T>& m_X;
    const Array<T>& m_Y;
    FitOptions m_options;
    Loss m_loss;
    std::size_t m_size; // columns per batch (the last may have fewer)
    // Where this process's share of batch i starts in the epoch's order, its columns, and the
    // global batch's (one process: i * m_size, and the batch's own twice).
    std::vector<std::size_t> m_offset, m_count, m_global;
    std::vector<std::size_t> m_order; // the epoch's order of the examples
    // Mini-batches are gathered from example-major copies of X and Y (none for a full batch).
    std::optional<ExampleRows<T>> m_X_rows, m_Y_rows;
    // One (X, Y) buffer pair per batch size, refilled in place for every batch: no allocation
    // per step. A full batch is X and Y, copied once into its pair.
    std::vector<std::pair<Tensor<T>, Tensor<T>>> m_buffers;
    std::optional<DropoutMasks<T>> m_masks; // when the model has dropout
};

extern template class Trainer<float>;
extern template class Trainer<double>;

struct Evaluation {
    double loss = 0;
    double accuracy = 0;
};

/// Cost and accuracy of the model on (X, Y), checked as fit checks them, without recording
/// (NoGrad), in chunks of
/// `batch_size` columns so that a large test set needs no copy of itself and no activations
/// for every example at once (0: one pass over all columns).
template <class T>
Evaluation evaluate(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                    std::size_t batch_size = 4096);
/// The same in one pass over tensors already made.
template <class T>
Evaluation evaluate(const Model<T>& model, const Tensor<T>& X, const Tensor<T>& Y);

/// The fraction of entries where (AL > 0.5) equals (Y > 0.5): binary labels, one or more rows.
template <class T>
double binary_accuracy(const Array<T>& AL, const Array<T>& Y);
/// The fraction of columns whose largest entry in AL is in the row of Y's largest (one-hot Y,
/// one column per example). AL may be probabilities or logits.
template <class T>
double categorical_accuracy(const Array<T>& AL, const Array<T>& Y);

} // namespace xgrad::nn
