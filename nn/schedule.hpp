#pragma once
// The optimization notebook's learning-rate decay (course 2, week 2, "Optimization Methods",
// 2021 version), to set an optimiser's rate between epochs: FitOptions::decay, or by hand with
// optimizer.learning_rate(update_lr(lr0, epoch, decay_rate)).

#include <cstddef>
#include <map>
#include <string>

namespace xgrad::nn {

/// update_lr: learning_rate0 / (1 + decay_rate * epoch_num), decaying every epoch.
/// Throws std::invalid_argument when decay_rate < 0.
double update_lr(double learning_rate0, std::size_t epoch_num, double decay_rate);

/// schedule_lr_decay: learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)),
/// decaying in steps every time_interval epochs. Throws std::invalid_argument when
/// time_interval is 0 or decay_rate < 0.
double schedule_lr_decay(double learning_rate0, std::size_t epoch_num, double decay_rate,
                         std::size_t time_interval = 1000);

// ---- schedules held by an optimiser ----------------------------------------------------
// An optimiser given a schedule (Optimizer::schedule) counts epochs: after each,
// Optimizer::step_schedule() sets its rate to rate(lr0, epochs so far), lr0 being its rate
// when the schedule was given. The count, lr0 and the rate are part of the optimiser's state,
// so a checkpoint resumes the schedule where it was (torch.optim.lr_scheduler's state_dict).

class LRSchedule {
public:
    virtual ~LRSchedule() = default;
    /// The learning rate after `epoch` epochs, from the rate lr0 at epoch 0.
    virtual double rate(double lr0, std::size_t epoch) const = 0;
    /// "step", "exponential", "inverse_time": saved in checkpoints, which load only into an
    /// optimiser with a schedule of the same name.
    virtual std::string name() const = 0;
    /// The schedule's settings by name (for the checkpoint's manifest).
    virtual std::map<std::string, double> hyperparameters() const = 0;
};

/// lr0 * gamma^floor(epoch / step_size), torch's StepLR. Throws std::invalid_argument when
/// step_size is 0 or gamma <= 0.
class StepDecay : public LRSchedule {
public:
    StepDecay(std::size_t step_size, double gamma = 0.1);
    double rate(double lr0, std::size_t epoch) const override;
    std::string name() const override { return "step"; }
    std::map<std::string, double> hyperparameters() const override;

private:
    std::size_t m_step_size;
    double m_gamma;
};

/// lr0 * gamma^epoch, torch's ExponentialLR (xgrad train's --decay). Throws
/// std::invalid_argument when gamma <= 0.
class ExponentialDecay : public LRSchedule {
public:
    explicit ExponentialDecay(double gamma);
    double rate(double lr0, std::size_t epoch) const override;
    std::string name() const override { return "exponential"; }
    std::map<std::string, double> hyperparameters() const override;

private:
    double m_gamma;
};

/// The course's decay: with time_interval 0, update_lr, lr0 / (1 + decay_rate * epoch) (it
/// decays every epoch); otherwise schedule_lr_decay, lr0 / (1 + decay_rate * floor(epoch /
/// time_interval)). Throws std::invalid_argument when decay_rate < 0.
class InverseTimeDecay : public LRSchedule {
public:
    explicit InverseTimeDecay(double decay_rate, std::size_t time_interval = 0);
    double rate(double lr0, std::size_t epoch) const override;
    std::string name() const override { return "inverse_time"; }
    std::map<std::string, double> hyperparameters() const override;

private:
    double m_decay_rate;
    std::size_t m_time_interval;
};

} // namespace xgrad::nn
