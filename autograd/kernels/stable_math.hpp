#pragma once
// Scalar formulas written so that they never overflow, shared by ops and kernels.

#include <cmath>

namespace xgrad::kernels {

// sigmoid(v) = 1 / (1 + e^-v), written with e = e^-|v| so that it never overflows:
// sigmoid(+-1000) is exactly 1 or 0, never NaN. Given e when the caller has it already
// (the cross-entropy's forward).
template <class T>
inline T sigmoid_given_exp(T v, T e) {
    return v >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
}
template <class T>
inline T sigmoid_of(T v) {
    return sigmoid_given_exp(v, std::exp(-std::abs(v)));
}

} // namespace xgrad::kernels
