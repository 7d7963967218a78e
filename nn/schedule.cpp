#include "nn/schedule.hpp"

#include <cmath>
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

StepDecay::StepDecay(std::size_t step_size, double gamma) : m_step_size(step_size), m_gamma(gamma) {
    if (step_size == 0 || !(gamma > 0))
        throw std::invalid_argument("StepDecay: step_size = " + std::to_string(step_size) +
                                    " must be >= 1 and gamma = " + std::to_string(gamma) + " > 0");
}
double StepDecay::rate(double lr0, std::size_t epoch) const {
    return lr0 * std::pow(m_gamma, static_cast<double>(epoch / m_step_size));
}
std::map<std::string, double> StepDecay::hyperparameters() const {
    return {{"step_size", static_cast<double>(m_step_size)}, {"gamma", m_gamma}};
}

ExponentialDecay::ExponentialDecay(double gamma) : m_gamma(gamma) {
    if (!(gamma > 0))
        throw std::invalid_argument("ExponentialDecay: gamma = " + std::to_string(gamma) +
                                    " must be > 0");
}
double ExponentialDecay::rate(double lr0, std::size_t epoch) const {
    return lr0 * std::pow(m_gamma, static_cast<double>(epoch));
}
std::map<std::string, double> ExponentialDecay::hyperparameters() const {
    return {{"gamma", m_gamma}};
}

InverseTimeDecay::InverseTimeDecay(double decay_rate, std::size_t time_interval)
    : m_decay_rate(decay_rate), m_time_interval(time_interval) {
    check_decay_rate("InverseTimeDecay", decay_rate);
}
double InverseTimeDecay::rate(double lr0, std::size_t epoch) const {
    return m_time_interval == 0 ? update_lr(lr0, epoch, m_decay_rate)
                                : schedule_lr_decay(lr0, epoch, m_decay_rate, m_time_interval);
}
std::map<std::string, double> InverseTimeDecay::hyperparameters() const {
    return {{"decay_rate", m_decay_rate}, {"time_interval", static_cast<double>(m_time_interval)}};
}

} // namespace xgrad::nn
