#pragma once
// The optimisers' update loops (nn/optim.cpp), one pass over a parameter's n values.
// In place on W's storage: an xtensor expression would make a temporary of each term.

#include <cmath>
#include <cstddef>

namespace xgrad::kernels {

// W := W - alpha dW
template <class T>
inline void gradient_descent_update(T* __restrict w, const T* __restrict g, std::size_t n,
                                    T alpha) {
    for (std::size_t i = 0; i < n; ++i)
        w[i] -= alpha * g[i];
}

// v := beta v + (1 - beta) dW;  W := W - alpha v
template <class T>
inline void momentum_update(T* __restrict w, const T* __restrict g, T* __restrict v, std::size_t n,
                            T alpha, T beta) {
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = beta * v[i] + (T(1) - beta) * g[i];
        w[i] -= alpha * v[i];
    }
}

// v := beta1 v + (1 - beta1) dW;  s := beta2 s + (1 - beta2) dW^2;
// W := W - alpha (v / correction1) / (sqrt(s / correction2) + epsilon), computed as
// W - (alpha / correction1) v / (sqrt(s) / sqrt(correction2) + epsilon): one square root and
// one division per value (as torch's Adam). It vectorises only where sqrt need not set errno
// (nn/optim.cpp is built with -fno-math-errno); the arrays must not overlap.
template <class T>
inline void adam_update(T* __restrict w, const T* __restrict g, T* __restrict v, T* __restrict s,
                        std::size_t n, T alpha, T beta1, T beta2, T epsilon, T correction1,
                        T correction2) {
    const T step = alpha / correction1, root = T(1) / std::sqrt(correction2);
    const T keep1 = T(1) - beta1, keep2 = T(1) - beta2;
    for (std::size_t i = 0; i < n; ++i) {
        const T gi = g[i];
        const T vi = beta1 * v[i] + keep1 * gi;
        const T si = beta2 * s[i] + keep2 * gi * gi;
        v[i] = vi;
        s[i] = si;
        w[i] -= step * vi / (std::sqrt(si) * root + epsilon);
    }
}

} // namespace xgrad::kernels
