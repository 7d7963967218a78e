#pragma once
// The optimisers' update loops (nn/optim.cpp), one pass over a parameter's n values, in place
// on W's storage (an xtensor expression would make a temporary of each term). They run at the
// CPU's vector width (vector_width.hpp); every width gives the same bits. The arrays must not
// overlap.

#include "autograd/kernels/vector_width.hpp"

#include <cstddef>

namespace xgrad::kernels {

/// W := W - alpha dW
void gradient_descent_update(float* w, const float* g, std::size_t n, float alpha,
                             VectorWidth width = vector_width());
void gradient_descent_update(double* w, const double* g, std::size_t n, double alpha,
                             VectorWidth width = vector_width());

/// v := beta v + (1 - beta) dW;  W := W - alpha v
void momentum_update(float* w, const float* g, float* v, std::size_t n, float alpha, float beta,
                     VectorWidth width = vector_width());
void momentum_update(double* w, const double* g, double* v, std::size_t n, double alpha,
                     double beta, VectorWidth width = vector_width());

/// v := beta1 v + (1 - beta1) dW;  s := beta2 s + (1 - beta2) dW^2;
/// W := W - alpha (v / correction1) / (sqrt(s / correction2) + epsilon), computed as
/// W - (alpha / correction1) v / (sqrt(s) / sqrt(correction2) + epsilon): one square root and
/// one division per value, as torch's Adam.
void adam_update(float* w, const float* g, float* v, float* s, std::size_t n, float alpha,
                 float beta1, float beta2, float epsilon, float correction1, float correction2,
                 VectorWidth width = vector_width());
void adam_update(double* w, const double* g, double* v, double* s, std::size_t n, double alpha,
                 double beta1, double beta2, double epsilon, double correction1, double correction2,
                 VectorWidth width = vector_width());

} // namespace xgrad::kernels
