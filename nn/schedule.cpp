#include "nn/schedule.hpp"

#include <stdexcept>
#include <string>

namespace xgrad::nn {

namespace {
void check_decay_rate(const char* where, double decay_rate) {
    if (!(decay_rate >= 0))
        throw std::invalid_argument(
            std::string(where) + ": decay_rate = " + std::to_string(decay_rate) + " must be >= 0");
}
} // namespace

double update_lr(double learning_rate0, std::size_t epoch_num, double decay_rate) {
    check_decay_rate("update_lr", decay_rate);
    // learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)
    return learning_rate0 / (1 + decay_rate * static_cast<double>(epoch_num));
}

double schedule_lr_decay(double learning_rate0, std::size_t epoch_num, double decay_rate,
                         std::size_t time_interval) {
    check_decay_rate("schedule_lr_decay", decay_rate);
    if (time_interval == 0)
        throw std::invalid_argument("schedule_lr_decay: time_interval must be at least 1 epoch");
    // learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval)): integer
    // division is the floor for non-negative epochs (a copy without the floor is wrong).
    const double steps = static_cast<double>(epoch_num / time_interval);
    return learning_rate0 / (1 + decay_rate * steps);
}

} // namespace xgrad::nn
