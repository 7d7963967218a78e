// The engine's columns of the fashion10 configuration. xgrad: the engine's ops as a user
// writes a mini-batch loop (nn::gather_column_batches into reused batch tensors, linear, relu,
// sum(Y * log_softmax(ZL)) / -m, backward, Adam's update loop). xgrad nn: nn::Model, nn::Adam
// and nn::Trainer, as `xgrad train --data fashion10` runs them.
#include "minibatch.hpp"

#include "autograd/autograd.hpp"
#include "autograd/kernels/optim.hpp"
#include "nn/nn.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace xgrad::bench {

namespace {

template <class T>
Array<T> matrix(const std::vector<T>& values, std::size_t rows, std::size_t cols) {
    Array<T> out = Array<T>::from_shape({rows, cols});
    std::copy(values.begin(), values.end(), out.begin());
    return out;
}

template <class T>
std::vector<std::vector<double>> values(const std::vector<Tensor<T>>& parameters) {
    std::vector<std::vector<double>> out;
    for (const Tensor<T>& p : parameters)
        out.emplace_back(p.value().begin(), p.value().end());
    return out;
}

template <class T>
class EpochXgrad final : public EpochColumn {
public:
    explicit EpochXgrad(const EpochProblem<T>& p)
        : m_p(p), m_X(matrix(p.X, p.layers[0], p.m)), m_Y(matrix(p.Y, p.layers[p.L()], p.m)) {}

    void init() override {
        m_parameters.clear();
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            m_parameters.emplace_back(matrix(m_p.W[l], m_p.layers[l], m_p.layers[l - 1]), true);
            m_parameters.emplace_back(matrix(m_p.b[l], m_p.layers[l], 1), true);
        }
        m_v.clear();
        m_s.clear();
        for (const Tensor<T>& p : m_parameters) {
            m_v.push_back(xt::zeros<T>(p.shape()));
            m_s.push_back(xt::zeros<T>(p.shape()));
        }
        // As nn::Trainer: the set example-major once, each batch gathered from its rows into a
        // buffer of its size (the last batch is smaller), refilled in place.
        m_X_rows.emplace(m_X);
        m_Y_rows.emplace(m_Y);
        m_Xb.clear();
        m_Yb.clear();
        for (std::size_t count : {m_p.batch, m_p.m % m_p.batch}) {
            m_Xb.emplace_back(Array<T>::from_shape({m_p.layers[0], count}));
            m_Yb.emplace_back(Array<T>::from_shape({m_p.layers[m_p.L()], count}));
        }
    }

    void epoch(std::size_t e) override {
        const T alpha = static_cast<T>(m_p.alpha(e));
        const std::vector<std::int64_t>& order = m_p.order[e];
        m_columns.assign(order.begin(), order.end());
        for (std::size_t start = 0; start < m_p.m; start += m_p.batch) {
            const std::size_t k = start + m_p.batch <= m_p.m ? 0 : 1;
            m_X_rows->gather(m_columns.data() + start, m_Xb[k].data());
            m_Y_rows->gather(m_columns.data() + start, m_Yb[k].data());
            step(m_Xb[k], m_Yb[k], alpha);
        }
    }

    double cost() const override { return m_cost; }
    std::vector<std::vector<double>> parameters() const override { return values(m_parameters); }

private:
    void step(const Tensor<T>& X, const Tensor<T>& Y, T alpha) {
        const std::size_t L = m_p.L();
        Tensor<T> A = X;
        for (std::size_t l = 1; l < L; ++l)
            A = relu(linear(m_parameters[2 * l - 2], A, m_parameters[2 * l - 1]));
        const Tensor<T> ZL = linear(m_parameters[2 * L - 2], A, m_parameters[2 * L - 1]);
        const T m = static_cast<T>(X.shape()[1]);
        const Tensor<T> J = sum(Y * log_softmax(ZL, 0)) * (T(-1) / m);
        J.backward();
        ++m_t;
        const T c1 = T(1) - static_cast<T>(std::pow(0.9, double(m_t)));
        const T c2 = T(1) - static_cast<T>(std::pow(0.999, double(m_t)));
        for (std::size_t k = 0; k < m_parameters.size(); ++k) {
            Tensor<T>& p = m_parameters[k];
            kernels::adam_update(p.data().data(), p.grad().data(), m_v[k].data(), m_s[k].data(),
                                 p.size(), alpha, T(0.9), T(0.999), T(1e-8), c1, c2);
            p.zero_grad();
        }
        m_cost = static_cast<double>(J.item());
    }

    const EpochProblem<T>& m_p;
    Array<T> m_X, m_Y;
    std::vector<Tensor<T>> m_parameters, m_Xb, m_Yb;
    std::optional<nn::ExampleRows<T>> m_X_rows, m_Y_rows;
    std::vector<Array<T>> m_v, m_s;
    std::vector<std::size_t> m_columns;
    long m_t = 0;
    double m_cost = 0;
};

template <class T>
class EpochNn final : public EpochColumn {
public:
    explicit EpochNn(const EpochProblem<T>& p)
        : m_p(p), m_X(matrix(p.X, p.layers[0], p.m)), m_Y(matrix(p.Y, p.layers[p.L()], p.m)) {}

    void init() override {
        std::map<std::string, Array<T>> parameters;
        std::vector<nn::Activation> activations;
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            parameters["W" + std::to_string(l)] =
                matrix(m_p.W[l], m_p.layers[l], m_p.layers[l - 1]);
            parameters["b" + std::to_string(l)] = matrix(m_p.b[l], m_p.layers[l], 1);
            activations.push_back(l < m_p.L() ? nn::Activation::relu : nn::Activation::softmax);
        }
        m_model = nn::Model<T>::from_parameters(parameters, activations);
        m_optimizer =
            std::make_unique<nn::Adam<T>>(m_model.parameters(), static_cast<T>(m_p.learning_rate));
        nn::FitOptions options;
        options.batch_size = m_p.batch;
        options.generator = nn::Generator::numpy; // RandomState(seed + e).permutation(m)
        options.seed = m_p.seed;
        options.on_batch = [this](const nn::BatchProgress& progress) { m_cost = progress.loss; };
        m_trainer = std::make_unique<nn::Trainer<T>>(m_model, *m_optimizer, m_X, m_Y, options);
    }

    void epoch(std::size_t e) override {
        m_optimizer->learning_rate(static_cast<T>(m_p.alpha(e)));
        m_trainer->train_epoch(e);
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<Tensor<T>> tensors;
        for (const auto& p : m_model.parameters())
            tensors.push_back(p.tensor);
        return values(tensors);
    }

private:
    const EpochProblem<T>& m_p;
    Array<T> m_X, m_Y;
    nn::Model<T> m_model;
    std::unique_ptr<nn::Adam<T>> m_optimizer;
    std::unique_ptr<nn::Trainer<T>> m_trainer;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<EpochColumn> make_epoch_xgrad(const EpochProblem<T>& p) {
    return std::make_unique<EpochXgrad<T>>(p);
}
template <class T>
std::unique_ptr<EpochColumn> make_epoch_nn(const EpochProblem<T>& p) {
    return std::make_unique<EpochNn<T>>(p);
}
template std::unique_ptr<EpochColumn> make_epoch_xgrad(const EpochProblem<float>&);
template std::unique_ptr<EpochColumn> make_epoch_xgrad(const EpochProblem<double>&);
template std::unique_ptr<EpochColumn> make_epoch_nn(const EpochProblem<float>&);
template std::unique_ptr<EpochColumn> make_epoch_nn(const EpochProblem<double>&);

} // namespace xgrad::bench
