#include "autograd/core/anomaly.hpp"

#include "autograd/core/error.hpp"

namespace xgrad {

namespace {
thread_local bool t_anomaly = false;
} // namespace

bool anomaly_detection_enabled() {
    return t_anomaly;
}
DetectAnomaly::DetectAnomaly() : m_previous(t_anomaly) {
    t_anomaly = true;
}
DetectAnomaly::~DetectAnomaly() {
    t_anomaly = m_previous;
}

namespace detail {

AnomalyMode::AnomalyMode(bool enabled) : m_previous(t_anomaly) {
    t_anomaly = enabled;
}
AnomalyMode::~AnomalyMode() {
    t_anomaly = m_previous;
}

void throw_anomaly(const std::string& culprit, const char* verb, const std::string& where) {
    throw AnomalyError("anomaly: " + culprit + " " + verb + " NaN or Inf " + where);
}

} // namespace detail

} // namespace xgrad
