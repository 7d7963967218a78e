#include "nn/train.hpp"

#include "nn/batches.hpp"
#include "nn/data_checks.hpp"
#include "nn/divergence.hpp"
#include "nn/regularization.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <numeric>
#include <random>
#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class T>
void require_same_shape(const char* where, const Array<T>& A, const Array<T>& Y) {
    if (A.dimension() != 2 || A.shape() != Y.shape())
        throw ShapeError(std::string(where) + ": predictions " + to_string(A.shape()) + " and Y " +
                         to_string(Y.shape()) + " must be matrices of the same shape (classes, m)");
}

// Entries with (z > threshold) == (y > 0.5).
template <class T>
std::size_t binary_correct(const Array<T>& A, const Array<T>& Y, T threshold) {
    std::size_t correct = 0;
    const T* a = A.data();
    const T* y = Y.data();
    for (std::size_t i = 0, n = A.size(); i < n; ++i)
        correct += (a[i] > threshold) == (y[i] > T(0.5));
    return correct;
}

// Columns whose argmax in A is the argmax in Y, scanning row by row (row-major data).
template <class T>
std::size_t categorical_correct(const Array<T>& A, const Array<T>& Y) {
    const std::size_t k = A.shape()[0], m = A.shape()[1];
    if (m == 0 || k == 0)
        return 0;
    std::vector<std::size_t> best_a(m, 0), best_y(m, 0);
    for (std::size_t i = 1; i < k; ++i)
        for (std::size_t j = 0; j < m; ++j) {
            if (A(i, j) > A(best_a[j], j))
                best_a[j] = i;
            if (Y(i, j) > Y(best_y[j], j))
                best_y[j] = i;
        }
    std::size_t correct = 0;
    for (std::size_t j = 0; j < m; ++j)
        correct += best_a[j] == best_y[j];
    return correct;
}

// Correct decisions from the logits ZL: sigmoid(z) > 0.5 exactly when z > 0, and softmax
// keeps the order of a column, so no activation is needed.
template <class T>
std::size_t correct_from_logits(Loss loss, const Array<T>& ZL, const Array<T>& Y) {
    return loss == Loss::binary_cross_entropy ? binary_correct(ZL, Y, T(0))
                                              : categorical_correct(ZL, Y);
}

// What accuracy divides by: every entry for binary outputs, every column for classes.
template <class T>
std::size_t decisions(Loss loss, const Array<T>& Y) {
    return loss == Loss::binary_cross_entropy ? Y.size() : Y.shape()[1];
}
} // namespace

template <class T>
T train_step(const Model<T>& model, Optimizer<T>& optimizer, const Tensor<T>& X, const Tensor<T>& Y,
             double lambd, DropoutMasks<T>* masks) {
    optimizer.zero_grad();
    Tensor<T> J = model.loss(X, Y, nullptr, masks);
    if (lambd != 0)
        J = J + l2_penalty(model, lambd, X.shape()[1]);
    J.backward();
    optimizer.step();
    return J.item();
}

template <class T>
Trainer<T>::Trainer(const Model<T>& model, Optimizer<T>& optimizer, const Array<T>& X,
                    const Array<T>& Y, FitOptions options)
    : m_model(model), m_optimizer(optimizer), m_X(X), m_Y(Y), m_options(std::move(options)),
      m_loss(model.loss_kind()) {
    // Once, before the first epoch: a NaN in X or a label of 2 is named here, with its index.
    check_examples(X, Y, m_loss, model.layer(model.L()).n_out(), "fit");
    const std::size_t m = X.shape()[1];
    if (m == 0)
        throw ShapeError("fit: no examples (m = 0)");
    const std::size_t batch = m_options.batch_size;
    m_size = batch == 0 || batch >= m ? m : batch;
    if (model.has_dropout())
        m_masks = m_options.generator == Generator::numpy
                      ? DropoutMasks<T>::course(m_options.dropout_seed)
                      : DropoutMasks<T>(m_options.dropout_seed, Generator::standard);
    DataParallel* parallel = m_options.parallel;
    if (m_size == m && !parallel) {
        m_buffers.emplace_back(Tensor<T>(X), Tensor<T>(Y));
        m_offset.push_back(0);
        m_count.push_back(m);
        m_global.push_back(m);
        return;
    }
    for (std::size_t start = 0; start < m; start += m_size) {
        const std::size_t count = std::min(m_size, m - start);
        // Data parallel: this process's columns of the global batch.
        const Shard mine =
            parallel ? shard(count, parallel->rank(), parallel->size()) : Shard{0, count};
        m_offset.push_back(start + mine.begin);
        m_count.push_back(mine.size());
        m_global.push_back(count);
    }
    m_X_rows.emplace(X);
    m_Y_rows.emplace(Y);
    m_order.resize(m);
    std::iota(m_order.begin(), m_order.end(), std::size_t(0));
}

template <class T>
const std::pair<Tensor<T>, Tensor<T>>& Trainer<T>::batch(std::size_t i) {
    if (!m_X_rows) // the full batch
        return m_buffers.front();
    const std::size_t count = m_count[i];
    auto buffer = std::find_if(m_buffers.begin(), m_buffers.end(),
                               [&](const auto& b) { return b.first.shape()[1] == count; });
    if (buffer == m_buffers.end()) {
        m_buffers.emplace_back(Tensor<T>(Array<T>::from_shape({m_X.shape()[0], count})),
                               Tensor<T>(Array<T>::from_shape({m_Y.shape()[0], count})));
        buffer = std::prev(m_buffers.end());
    }
    m_X_rows->gather(m_order.data() + m_offset[i], buffer->first.data());
    m_Y_rows->gather(m_order.data() + m_offset[i], buffer->second.data());
    return *buffer;
}

template <class T>
EpochStats Trainer<T>::train_epoch(std::size_t epoch) {
    const auto start_time = Clock::now();
    const std::size_t m = examples();
    // One full batch is never shuffled: the order of columns cannot change its gradient.
    if (m_X_rows && m_options.shuffle) {
        if (m_options.generator == Generator::numpy) {
            random::RandomState numpy(std::int64_t(m_options.seed) + std::int64_t(epoch));
            m_order = shuffled_columns(m, numpy);
        } else {
            std::seed_seq seed{m_options.seed, static_cast<unsigned>(epoch)};
            std::mt19937 generator(seed);
            m_order = shuffled_columns(m, generator);
        }
    }
    double loss_sum = 0;
    std::size_t correct = 0, total = 0, done = 0;
    if (m_options.parallel) // data parallel: a block of its own, the loop below is one process's
        return train_epoch_parallel(epoch, start_time);
    for (std::size_t i = 0; i < batches(); ++i) {
        const auto& [Xb, Yb] = batch(i);
        m_optimizer.zero_grad();
        const Tensor<T> ZL = m_model.logits(Xb, nullptr, m_masks ? &*m_masks : nullptr);
        Tensor<T> J = m_model.loss_from_logits(ZL, Yb);
        const std::size_t count = m_count[i];
        if (m_options.lambd != 0)
            J = J + l2_penalty(m_model, m_options.lambd, count);
        J.backward();
        m_optimizer.step();

        const double batch_loss = static_cast<double>(J.item());
        loss_sum += batch_loss * static_cast<double>(count);
        correct += correct_from_logits(m_loss, ZL.value(), Yb.value());
        total += decisions(m_loss, Yb.value());
        done += count;
        if (m_options.on_batch)
            m_options.on_batch(BatchProgress{epoch, m_options.epochs, i + 1, batches(), done, m,
                                             batch_loss, seconds_since(start_time)});
    }
    return EpochStats{epoch, loss_sum / static_cast<double>(m),
                      static_cast<double>(correct) / static_cast<double>(total),
                      seconds_since(start_time), static_cast<double>(m_optimizer.learning_rate())};
}

// --- data parallel (nn/data_parallel.hpp) ---------------------------------------------------
// The loop above, on this process's shard of each global batch: its cost weighted by
// m_local / m so that the gradients summed over processes are the global batch's (the course's
// 1/m), the L2 term's gradient added by rank 0 alone, and the sum awaited before the step.
template <class T>
EpochStats Trainer<T>::train_epoch_parallel(std::size_t epoch, Clock::time_point start_time) {
    DataParallel& parallel = *m_options.parallel;
    const bool lead = parallel.rank() == 0;
    const std::size_t m = examples();
    // loss x columns, correct decisions, decisions: summed over processes at the end.
    double sums[3] = {0, 0, 0};
    std::size_t done = 0; // global columns so far
    for (std::size_t i = 0; i < batches(); ++i) {
        m_optimizer.zero_grad();
        const std::size_t count = m_count[i], global = m_global[i];
        double batch_loss = 0;
        parallel.begin_backward();
        if (count > 0) {
            const auto& [Xb, Yb] = batch(i);
            const Tensor<T> ZL = m_model.logits(Xb, nullptr, m_masks ? &*m_masks : nullptr);
            const Tensor<T> cost = m_model.loss_from_logits(ZL, Yb);
            Tensor<T> J = cost * static_cast<T>(double(count) / double(global));
            double penalty = 0;
            if (m_options.lambd != 0) {
                if (lead) {
                    const Tensor<T> l2 = l2_penalty(m_model, m_options.lambd, global);
                    J = J + l2;
                    penalty = static_cast<double>(l2.item());
                } else {
                    NoGrad no_grad;
                    penalty =
                        static_cast<double>(l2_penalty(m_model, m_options.lambd, global).item());
                }
            }
            J.backward();
            batch_loss = static_cast<double>(cost.item()) + penalty;
            sums[0] += batch_loss * static_cast<double>(count);
            sums[1] += static_cast<double>(correct_from_logits(m_loss, ZL.value(), Yb.value()));
            sums[2] += static_cast<double>(decisions(m_loss, Yb.value()));
        }
        parallel.finish_backward();
        m_optimizer.step();
        done += global;
        if (m_options.on_batch)
            m_options.on_batch(BatchProgress{epoch, m_options.epochs, i + 1, batches(), done, m,
                                             batch_loss, seconds_since(start_time)});
    }
    parallel.sum(sums, 3);
    return EpochStats{epoch, sums[0] / static_cast<double>(m), sums[1] / sums[2],
                      seconds_since(start_time), static_cast<double>(m_optimizer.learning_rate())};
}
// --- end of data parallel ---------------------------------------------------------------------

template <class T>
std::vector<EpochStats> fit(const Model<T>& model, Optimizer<T>& optimizer, const Array<T>& X,
                            const Array<T>& Y, const FitOptions& options) {
    // The watch learns where the run started from the first batch's cost (before its update).
    DivergenceWatch watch(model.loss_kind(), model.layer(model.L()).n_out(),
                          options.divergence_factor);
    FitOptions watched = options;
    watched.on_batch = [&](const BatchProgress& p) {
        watch.start(p.loss);
        if (options.on_batch)
            options.on_batch(p);
    };
    Trainer<T> trainer(model, optimizer, X, Y, options.divergence_factor > 0 ? watched : options);
    std::vector<EpochStats> history;
    history.reserve(options.epochs);
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        const double alpha = static_cast<double>(optimizer.learning_rate());
        history.push_back(trainer.train_epoch(epoch));
        if (options.divergence_factor > 0) {
            const std::string verdict = watch.verdict(epoch, history.back().loss, alpha,
                                                      "the learning rate", optimizer.name());
            if (!verdict.empty())
                throw DivergenceError("fit: " + verdict, epoch, history.back().loss);
        }
        if (options.decay) {
            optimizer.learning_rate(static_cast<T>(options.decay(epoch - 1)));
            history.back().learning_rate = static_cast<double>(optimizer.learning_rate());
        }
        if (options.on_epoch)
            options.on_epoch(history.back());
    }
    return history;
}

template <class T>
Evaluation evaluate(const Model<T>& model, const Tensor<T>& X, const Tensor<T>& Y) {
    const Loss loss = model.loss_kind();
    if (X.defined() && Y.defined())
        check_examples(X.value(), Y.value(), loss, model.layer(model.L()).n_out(), "evaluate");
    NoGrad no_grad;
    const Tensor<T> ZL = model.logits(X);
    const Tensor<T> J = model.loss_from_logits(ZL, Y);
    return {static_cast<double>(J.item()),
            static_cast<double>(correct_from_logits(loss, ZL.value(), Y.value())) /
                static_cast<double>(decisions(loss, Y.value()))};
}

template <class T>
Evaluation evaluate(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                    std::size_t batch_size) {
    const Loss loss = model.loss_kind();
    check_examples(X, Y, loss, model.layer(model.L()).n_out(), "evaluate");
    const std::size_t m = X.shape()[1];
    if (batch_size == 0 || batch_size >= m)
        return evaluate(model, Tensor<T>(X), Tensor<T>(Y));
    NoGrad no_grad;
    std::vector<std::size_t> columns(batch_size);
    double loss_sum = 0;
    std::size_t correct = 0, total = 0;
    for (std::size_t start = 0; start < m; start += batch_size) {
        const std::size_t count = std::min(batch_size, m - start);
        std::iota(columns.begin(), columns.begin() + count, start);
        Tensor<T> Xb(Array<T>::from_shape({X.shape()[0], count}));
        Tensor<T> Yb(Array<T>::from_shape({Y.shape()[0], count}));
        gather_columns(X, columns.data(), Xb.data());
        gather_columns(Y, columns.data(), Yb.data());
        const Tensor<T> ZL = model.logits(Xb);
        // Each chunk's cost is a mean over its columns: weight it by their number.
        loss_sum +=
            static_cast<double>(model.loss_from_logits(ZL, Yb).item()) * static_cast<double>(count);
        correct += correct_from_logits(loss, ZL.value(), Yb.value());
        total += decisions(loss, Yb.value());
    }
    return {loss_sum / static_cast<double>(m),
            static_cast<double>(correct) / static_cast<double>(total)};
}

template <class T>
double binary_accuracy(const Array<T>& AL, const Array<T>& Y) {
    require_same_shape("binary_accuracy", AL, Y);
    if (AL.size() == 0)
        throw ShapeError("binary_accuracy: no examples");
    return static_cast<double>(binary_correct(AL, Y, T(0.5))) / static_cast<double>(AL.size());
}

template <class T>
double categorical_accuracy(const Array<T>& AL, const Array<T>& Y) {
    require_same_shape("categorical_accuracy", AL, Y);
    if (AL.shape()[1] == 0)
        throw ShapeError("categorical_accuracy: no examples");
    return static_cast<double>(categorical_correct(AL, Y)) / static_cast<double>(AL.shape()[1]);
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template T train_step(const Model<T>&, Optimizer<T>&, const Tensor<T>&, const Tensor<T>&,      \
                          double, DropoutMasks<T>*);                                               \
    template std::vector<EpochStats> fit(const Model<T>&, Optimizer<T>&, const Array<T>&,          \
                                         const Array<T>&, const FitOptions&);                      \
    template Evaluation evaluate(const Model<T>&, const Array<T>&, const Array<T>&, std::size_t);  \
    template Evaluation evaluate(const Model<T>&, const Tensor<T>&, const Tensor<T>&);             \
    template double binary_accuracy(const Array<T>&, const Array<T>&);                             \
    template double categorical_accuracy(const Array<T>&, const Array<T>&);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

template class Trainer<float>;
template class Trainer<double>;

} // namespace xgrad::nn
