#pragma once
// Telling a run that diverged from one that learns slowly. A loss that becomes NaN or Inf has
// diverged, but the stable losses (from logits) seldom do: with too large a learning rate
// they grow to hundreds while staying finite. DivergenceWatch also flags a loss that grew
// far beyond where the run started.

#include "autograd/autograd.hpp"
#include "nn/losses.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace xgrad::nn {

/// The cost of a model that knows nothing, for `outputs` output units: every sigmoid output
/// 0.5 costs log 2 per row (outputs * log 2), a uniform softmax over k classes log k.
double chance_loss(Loss loss, std::size_t outputs);

/// The rule (the same for fit and `xgrad train`): a run has diverged after an epoch whose
/// loss is not finite, or greater than `factor` times the larger of
///  - where the run started, the cost of its first mini-batch before any update (the
///    untrained model's, free to measure, and what training exists to bring down), and
///  - chance_loss, for a run that starts near its best (a resumed one) and may move a little.
/// Why a factor of 10: a healthy run's epoch loss wobbles by tens of percent (mini-batch
/// noise, dropout, Adam's first steps), never by ten times both its start and chance; and a
/// cost ten times chance means confidently wrong answers on average (for one sigmoid output,
/// 6.9 is the cost of giving the wrong class a probability of 0.999), from which gradient
/// descent at that learning rate does not come back.
class DivergenceWatch {
public:
    static constexpr double default_factor = 10;

    DivergenceWatch(Loss loss, std::size_t outputs, double factor = default_factor);
    /// The cost of the run's first mini-batch, before its update; only the first call counts.
    void start(double first_batch_loss);
    /// The loss above which an epoch has diverged (infinite until start()).
    double limit() const;
    /// After an epoch: "" when the run is healthy, else what was seen and what to try;
    /// `learning_rate` is named as `lr_name` ("the learning rate", "--lr"); `optimizer` is the
    /// optimiser's name ("gd", "adam", "adamw"), so that Adam's runs are not told to try Adam.
    std::string verdict(std::size_t epoch, double epoch_loss, double learning_rate,
                        const std::string& lr_name = "the learning rate",
                        std::string_view optimizer = "") const;

private:
    double m_chance, m_factor;
    double m_start = -1; // < 0: not started
};

/// A run stopped by DivergenceWatch. what() says what was seen and what to try.
class DivergenceError : public Error {
public:
    DivergenceError(const std::string& what, std::size_t epoch, double loss)
        : Error(what), m_epoch(epoch), m_loss(loss) {}
    /// The epoch (1-based) whose loss diverged, and that loss.
    std::size_t epoch() const noexcept { return m_epoch; }
    double loss() const noexcept { return m_loss; }

private:
    std::size_t m_epoch;
    double m_loss;
};

} // namespace xgrad::nn
