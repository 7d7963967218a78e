// Built with -fno-math-errno (sqrt need not set errno, so its loop vectorises; it never sees
// a negative value here) and -ffp-contract=off (the same bits at every width).
#include "autograd/kernels/optim.hpp"

#include <cmath>

namespace xgrad::kernels {

namespace {

template <class T>
[[gnu::always_inline]] inline void gradient_descent_loop(T* __restrict w, const T* __restrict g,
                                                         std::size_t n, T alpha) {
    for (std::size_t i = 0; i < n; ++i)
        w[i] -= alpha * g[i];
}

template <class T>
[[gnu::always_inline]] inline void momentum_loop(T* __restrict w, const T* __restrict g,
                                                 T* __restrict v, std::size_t n, T alpha, T beta) {
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = beta * v[i] + (T(1) - beta) * g[i];
        w[i] -= alpha * v[i];
    }
}

template <class T>
[[gnu::always_inline]] inline void
adam_loop(T* __restrict w, const T* __restrict g, T* __restrict v, T* __restrict s, std::size_t n,
          T step, T root, T beta1, T beta2, T keep1, T keep2, T epsilon) {
    for (std::size_t i = 0; i < n; ++i) {
        const T gi = g[i];
        const T vi = beta1 * v[i] + keep1 * gi;
        const T si = beta2 * s[i] + keep2 * gi * gi;
        v[i] = vi;
        s[i] = si;
        w[i] -= step * vi / (std::sqrt(si) * root + epsilon);
    }
}

template <class T>
void adam(T* w, const T* g, T* v, T* s, std::size_t n, T alpha, T beta1, T beta2, T epsilon,
          T correction1, T correction2, VectorWidth width) {
    const T step = alpha / correction1, root = T(1) / std::sqrt(correction2);
    at_width<adam_loop<T>>(width, w, g, v, s, n, step, root, beta1, beta2, T(1) - beta1,
                           T(1) - beta2, epsilon);
}

} // namespace

void gradient_descent_update(float* w, const float* g, std::size_t n, float alpha,
                             VectorWidth width) {
    at_width<gradient_descent_loop<float>>(width, w, g, n, alpha);
}
void gradient_descent_update(double* w, const double* g, std::size_t n, double alpha,
                             VectorWidth width) {
    at_width<gradient_descent_loop<double>>(width, w, g, n, alpha);
}

void momentum_update(float* w, const float* g, float* v, std::size_t n, float alpha, float beta,
                     VectorWidth width) {
    at_width<momentum_loop<float>>(width, w, g, v, n, alpha, beta);
}
void momentum_update(double* w, const double* g, double* v, std::size_t n, double alpha,
                     double beta, VectorWidth width) {
    at_width<momentum_loop<double>>(width, w, g, v, n, alpha, beta);
}

void adam_update(float* w, const float* g, float* v, float* s, std::size_t n, float alpha,
                 float beta1, float beta2, float epsilon, float correction1, float correction2,
                 VectorWidth width) {
    adam(w, g, v, s, n, alpha, beta1, beta2, epsilon, correction1, correction2, width);
}
void adam_update(double* w, const double* g, double* v, double* s, std::size_t n, double alpha,
                 double beta1, double beta2, double epsilon, double correction1, double correction2,
                 VectorWidth width) {
    adam(w, g, v, s, n, alpha, beta1, beta2, epsilon, correction1, correction2, width);
}

} // namespace xgrad::kernels
