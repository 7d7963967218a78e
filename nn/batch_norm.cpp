#include "nn/batch_norm.hpp"

#include <sstream>
#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes

namespace {
template <class T>
void check_shapes(const char* where, const Tensor<T>& Z, const Shape& gamma, const Shape& beta) {
    if (Z.dim() != 2)
        throw ShapeError(std::string(where) + ": Z " + to_string(Z.shape()) +
                         " must be a matrix (units, m), one column per example");
    const Shape column{Z.shape()[0], 1};
    if (gamma != column || beta != column)
        throw ShapeError(std::string(where) + ": gamma " + to_string(gamma) + " and beta " +
                         to_string(beta) + " must be " + to_string(column) + " for Z " +
                         to_string(Z.shape()));
}

std::string numbered(const char* name, std::size_t l) {
    return l == 0 ? std::string(name) : std::string(name) + "[" + std::to_string(l) + "]";
}
} // namespace

template <class T>
Tensor<T> batch_norm(const Tensor<T>& Z, const Tensor<T>& gamma, const Tensor<T>& beta,
                     double epsilon) {
    check_shapes("batch_norm", Z, gamma.shape(), beta.shape());
    const Tensor<T> mu = mean(Z, 1, true);                  // (n, 1)
    const Tensor<T> centred = Z - mu;                       // z(i) - mu
    const Tensor<T> var = mean(centred * centred, 1, true); // sigma^2, 1/m
    return gamma * (centred / sqrt(var + static_cast<T>(epsilon))) + beta;
}

template <class T>
BatchNorm<T>::BatchNorm(std::size_t n, double momentum, double epsilon)
    : m_running_mean(xt::zeros<T>({n, std::size_t(1)})),
      m_running_var(xt::ones<T>({n, std::size_t(1)})), m_momentum(momentum), m_epsilon(epsilon) {
    if (n == 0)
        throw std::invalid_argument("BatchNorm: needs at least one unit");
    if (!(momentum >= 0 && momentum <= 1) || !(epsilon > 0)) {
        std::ostringstream out;
        out << "BatchNorm: momentum = " << momentum
            << " must be in [0, 1] and epsilon = " << epsilon << " > 0";
        throw std::invalid_argument(out.str());
    }
    m_gamma = Tensor<T>(xt::ones<T>({n, std::size_t(1)}), true, "gamma");
    m_beta = Tensor<T>(xt::zeros<T>({n, std::size_t(1)}), true, "beta");
}

template <class T>
Tensor<T> BatchNorm<T>::forward(const Tensor<T>& Z, bool training) {
    check_shapes("BatchNorm", Z, m_gamma.shape(), m_beta.shape());
    const T eps = static_cast<T>(m_epsilon);
    if (!training) {
        // The running averages are constants of the pass.
        const Tensor<T> mu(m_running_mean, false, "running_mean");
        const Tensor<T> sd(Array<T>(xt::sqrt(m_running_var + eps)), false,
                           "sqrt(running_var + epsilon)");
        return m_gamma * ((Z - mu) / sd) + m_beta;
    }
    const std::size_t m = Z.shape()[1];
    if (m < 2)
        throw std::invalid_argument("BatchNorm " + std::to_string(n()) +
                                    ": a training batch needs at least 2 examples, got Z " +
                                    to_string(Z.shape()) + " (one example has no variance)");
    const Tensor<T> mu = mean(Z, 1, true);
    const Tensor<T> centred = Z - mu;
    const Tensor<T> var = mean(centred * centred, 1, true);
    const Tensor<T> out = m_gamma * (centred / sqrt(var + eps)) + m_beta;
    const T a = static_cast<T>(m_momentum);
    const T unbiased = static_cast<T>(double(m) / double(m - 1));
    m_running_mean = (T(1) - a) * m_running_mean + a * mu.value();
    m_running_var = (T(1) - a) * m_running_var + a * unbiased * var.value();
    return out;
}

template <class T>
std::string BatchNorm<T>::name() const {
    return "BatchNorm " + std::to_string(n());
}

template <class T>
std::map<std::string, Array<T>> BatchNorm<T>::buffers() const {
    return {{"running_mean", m_running_mean}, {"running_var", m_running_var}};
}

template <class T>
void BatchNorm<T>::load_buffers(const std::map<std::string, Array<T>>& values) {
    const Array<T>& mean_ = values.at("running_mean");
    const Array<T>& var_ = values.at("running_var");
    if (mean_.shape() != m_running_mean.shape() || var_.shape() != m_running_var.shape())
        throw ShapeError("BatchNorm " + std::to_string(n()) + ": running_mean " +
                         to_string(mean_.shape()) + " and running_var " + to_string(var_.shape()) +
                         " must be " + to_string(m_running_mean.shape()));
    m_running_mean = mean_;
    m_running_var = var_;
}

template <class T>
void BatchNorm<T>::number(std::size_t l) {
    m_gamma.label(numbered("gamma", l));
    m_beta.label(numbered("beta", l));
}

template Tensor<float> batch_norm(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&,
                                  double);
template Tensor<double> batch_norm(const Tensor<double>&, const Tensor<double>&,
                                   const Tensor<double>&, double);
template class BatchNorm<float>;
template class BatchNorm<double>;

} // namespace xgrad::nn
