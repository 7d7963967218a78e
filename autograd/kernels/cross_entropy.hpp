#pragma once
// The binary cross-entropy from logits as two loops, forward and backward.

#include "autograd/kernels/stable_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace xgrad::kernels {

// Sum over i of max(z, 0) - z y + log(1 + e^-|z|): finite for z = +-1000. When `s` is
// given, sigmoid(z) is written there from the same e^-|z| (as the course's code keeps AL):
// the backward needs it, and a second exp per element is a tenth of a small step.
template <class T>
inline T cross_entropy_sum(const T* z, const T* y, std::size_t n, T* s) {
    T total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const T e = std::exp(-std::abs(z[i]));
        total += std::max(z[i], T(0)) - z[i] * y[i] + std::log1p(e);
        if (s)
            s[i] = sigmoid_given_exp(z[i], e);
    }
    return total;
}

// dZ[i] = g ((s[i] - y[i]) scale), s = sigmoid(Z) kept by the forward: the arithmetic, in the
// same order, of the recorded rule's four ops, as one loop with one buffer.
template <class T>
inline void cross_entropy_dZ(T g, const T* s, const T* y, T scale, std::size_t n, T* dZ) {
    for (std::size_t i = 0; i < n; ++i)
        dZ[i] = g * ((s[i] - y[i]) * scale);
}

} // namespace xgrad::kernels
