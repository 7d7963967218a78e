#pragma once
// The optimization notebook's learning-rate decay (course 2, week 2, "Optimization Methods",
// 2021 version), to set an optimiser's rate between epochs: FitOptions::decay, or by hand with
// optimizer.learning_rate(update_lr(lr0, epoch, decay_rate)).

#include <cstddef>

namespace xgrad::nn {

/// update_lr: learning_rate0 / (1 + decay_rate * epoch_num), decaying every epoch.
/// Throws std::invalid_argument when decay_rate < 0.
double update_lr(double learning_rate0, std::size_t epoch_num, double decay_rate);

/// schedule_lr_decay: learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)),
/// decaying in steps every time_interval epochs. Throws std::invalid_argument when
/// time_interval is 0 or decay_rate < 0.
double schedule_lr_decay(double learning_rate0, std::size_t epoch_num, double decay_rate,
                         std::size_t time_interval = 1000);

} // namespace xgrad::nn
