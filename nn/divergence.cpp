#include "nn/divergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace xgrad::nn {

double chance_loss(Loss loss, std::size_t outputs) {
    return loss == Loss::binary_cross_entropy ? static_cast<double>(outputs) * std::log(2.0)
                                              : std::log(static_cast<double>(outputs));
}

DivergenceWatch::DivergenceWatch(Loss loss, std::size_t outputs, double factor)
    : m_chance(chance_loss(loss, outputs)), m_factor(factor) {}

void DivergenceWatch::start(double first_batch_loss) {
    if (m_start < 0)
        m_start = std::isfinite(first_batch_loss) ? std::max(first_batch_loss, 0.0)
                                                  : std::numeric_limits<double>::infinity();
}

double DivergenceWatch::limit() const {
    return m_start < 0 ? std::numeric_limits<double>::infinity()
                       : m_factor * std::max(m_start, m_chance);
}

std::string DivergenceWatch::verdict(std::size_t epoch, double loss, double learning_rate,
                                     const std::string& lr_name, std::string_view optimizer) const {
    char seen[256];
    if (!std::isfinite(loss))
        std::snprintf(seen, sizeof seen, "the loss is %g at epoch %zu", loss, epoch);
    else if (loss > limit())
        std::snprintf(seen, sizeof seen,
                      "the loss is %.4g at epoch %zu, more than %g times where the run started "
                      "(%.4g, its first mini-batch; a model that knows nothing costs %.4g)",
                      loss, epoch, m_factor, m_start, m_chance);
    else
        return "";
    char advice[256];
    std::snprintf(advice, sizeof advice, ": training diverged. Try %s 10 times smaller (now %g)%s",
                  lr_name.c_str(), learning_rate,
                  optimizer.rfind("adam", 0) == 0 // adam, adamw
                      ? " and inputs scaled to about [0, 1]"
                      : ", an adaptive optimiser (adam), and inputs scaled to about [0, 1]");
    return std::string(seen) + advice;
}

} // namespace xgrad::nn
