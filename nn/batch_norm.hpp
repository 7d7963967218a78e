#pragma once
// Batch normalization, course 2 week 3 ("Normalizing activations in a network"): each unit's
// Z (a row: one column per example) is normalised over the mini-batch, then scaled and shifted
// by learned gamma and beta:
//   mu = 1/m sum_i z(i),  sigma^2 = 1/m sum_i (z(i) - mu)^2,
//   z_norm(i) = (z(i) - mu) / sqrt(sigma^2 + epsilon),  z~(i) = gamma z_norm(i) + beta
// with gamma and beta of shape (n, 1). It is composed of engine ops, so its backward (through
// mu and sigma^2 as well) is the engine's.
//
// At evaluation ("Batch Norm at test time") mu and sigma^2 are estimated by exponentially
// weighted averages over the training mini-batches:
//   running_mean := (1 - momentum) running_mean + momentum mu
//   running_var  := (1 - momentum) running_var  + momentum sigma^2 m / (m - 1)
// momentum being PyTorch's (the course's beta is 1 - momentum), and the variance averaged
// unbiased as PyTorch's BatchNorm1d does; the batch itself is normalised with the 1/m variance.

#include "nn/layer.hpp"

#include <cstddef>
#include <string>

namespace xgrad::nn {

/// z~ = gamma (Z - mu) / sqrt(sigma^2 + epsilon) + beta with the batch's mu and sigma^2 over
/// axis 1 (the examples), in engine ops. Z (n, m), gamma and beta (n, 1). Throws ShapeError
/// naming the shapes when they do not fit.
template <class T>
Tensor<T> batch_norm(const Tensor<T>& Z, const Tensor<T>& gamma, const Tensor<T>& beta,
                     double epsilon = 1e-5);

template <class T = double>
class BatchNorm : public Layer<T> {
public:
    /// n units; gamma = 1, beta = 0, running_mean = 0, running_var = 1. Throws
    /// std::invalid_argument unless n > 0, 0 <= momentum <= 1 and epsilon > 0.
    explicit BatchNorm(std::size_t n, double momentum = 0.1, double epsilon = 1e-5);

    /// Training: batch_norm(Z, gamma, beta, epsilon), and the running averages take in this
    /// batch's mu and sigma^2 (m >= 2 examples, else std::invalid_argument as in PyTorch).
    /// Evaluation: Z normalised with the running averages instead, nothing updated.
    Tensor<T> forward(const Tensor<T>& Z, bool training) override;
    /// "BatchNorm 4".
    std::string name() const override;
    /// "gamma" and "beta", (n, 1).
    std::vector<NamedTensor<T>> parameters() const override {
        return {{"gamma", m_gamma}, {"beta", m_beta}};
    }
    /// "running_mean" and "running_var", (n, 1).
    std::map<std::string, Array<T>> buffers() const override;
    void load_buffers(const std::map<std::string, Array<T>>& values) override;
    /// Labels gamma[l], beta[l].
    void number(std::size_t l) override;

    std::size_t n() const { return m_gamma.shape()[0]; }
    Tensor<T> gamma() const { return m_gamma; }
    Tensor<T> beta() const { return m_beta; }
    const Array<T>& running_mean() const { return m_running_mean; }
    const Array<T>& running_var() const { return m_running_var; }
    double momentum() const { return m_momentum; }
    double epsilon() const { return m_epsilon; }

private:
    Tensor<T> m_gamma, m_beta;
    Array<T> m_running_mean, m_running_var;
    double m_momentum, m_epsilon;
};

extern template class BatchNorm<float>;
extern template class BatchNorm<double>;

} // namespace xgrad::nn
