#pragma once
// The optimisers' update loops (nn/optim.cpp), one pass over a parameter's n values.
// In place on W's storage: an xtensor expression would make a temporary of each term.

#include <cmath>
#include <cstddef>

namespace xgrad::kernels {

// W := W - alpha dW
template <class T>
inline void gradient_descent_update(T* w, const T* g, std::size_t n, T alpha) {
    for (std::size_t i = 0; i < n; ++i)
        w[i] -= alpha * g[i];
}

// v := beta v + (1 - beta) dW;  W := W - alpha v
template <class T>
inline void momentum_update(T* w, const T* g, T* v, std::size_t n, T alpha, T beta) {
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = beta * v[i] + (T(1) - beta) * g[i];
        w[i] -= alpha * v[i];
    }
}

// v := beta1 v + (1 - beta1) dW;  s := beta2 s + (1 - beta2) dW^2;
// W := W - alpha (v / correction1) / (sqrt(s / correction2) + epsilon)
template <class T>
inline void adam_update(T* w, const T* g, T* v, T* s, std::size_t n, T alpha, T beta1, T beta2,
                        T epsilon, T correction1, T correction2) {
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = beta1 * v[i] + (T(1) - beta1) * g[i];
        s[i] = beta2 * s[i] + (T(1) - beta2) * g[i] * g[i];
        const T v_corrected = v[i] / correction1, s_corrected = s[i] / correction2;
        w[i] -= alpha * v_corrected / (std::sqrt(s_corrected) + epsilon);
    }
}

} // namespace xgrad::kernels
