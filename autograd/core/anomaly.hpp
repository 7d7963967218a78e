#pragma once
// Anomaly detection: NaN and Inf caught at the op (forward) or rule (backward) that made them.

#include "autograd/xtensor.hpp"

#include <cmath>
#include <string>

namespace xgrad {

/// While alive, every op checks its output, and backward every gradient, for NaN and
/// Inf, and throws AnomalyError at the first one, naming the op and where it was made.
class DetectAnomaly {
public:
    DetectAnomaly();
    ~DetectAnomaly();
    DetectAnomaly(const DetectAnomaly&) = delete;
    DetectAnomaly& operator=(const DetectAnomaly&) = delete;

private:
    bool m_previous;
};
bool anomaly_detection_enabled();

namespace detail {

/// While alive, sets anomaly detection on this thread to `enabled` (the backward walk turns
/// it off while a rule runs, and checks the rule's gradients itself).
class AnomalyMode {
public:
    explicit AnomalyMode(bool enabled);
    ~AnomalyMode();
    AnomalyMode(const AnomalyMode&) = delete;
    AnomalyMode& operator=(const AnomalyMode&) = delete;

private:
    bool m_previous;
};

/// Whether no entry of `value` is NaN or Inf.
template <class T>
bool all_finite(const Array<T>& value) {
    for (const T& v : value)
        if (!std::isfinite(v))
            return false;
    return true;
}

/// Throws AnomalyError "anomaly: <culprit> <verb> NaN or Inf <where>", the one wording of
/// an anomaly: "anomaly: add produced NaN or Inf in its output (2, 3) ...".
[[noreturn]] void throw_anomaly(const std::string& culprit, const char* verb,
                                const std::string& where);

} // namespace detail

} // namespace xgrad
