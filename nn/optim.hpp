#pragma once
// Optimisers of the course's "Optimization Methods": gradient descent, momentum and Adam.
// They update the parameters' .data() in place from their .grad(), so a step records nothing
// on the tape. Their state (velocities, Adam's moments and step count) can be read and set,
// for checkpoints.

#include "nn/model.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xgrad::nn {

template <class T = double>
class Optimizer {
public:
    /// Optimises `parameters` (typically model.parameters(): W1, b1, W2, ...).
    Optimizer(std::vector<NamedTensor<T>> parameters, T learning_rate);
    virtual ~Optimizer() = default;

    /// One update of every parameter from its accumulated .grad(). Parameters without a
    /// gradient (not reached by the last backward) are left unchanged, as in PyTorch.
    virtual void step() = 0;
    /// Forgets every parameter's gradient; call it before the next backward, which adds up.
    void zero_grad();

    /// "gd", "momentum" or "adam".
    virtual std::string_view name() const = 0;

    /// The optimiser's state, keyed as the course names it: "v_dW1" (velocity, first moment),
    /// "s_dW1" (Adam's second moment), "t" (Adam's step count, a 0-d array). Empty for
    /// gradient descent.
    virtual std::map<std::string, Array<T>> state() const { return {}; }
    /// Sets the state from state()'s keys and shapes; throws std::invalid_argument naming a
    /// missing, unexpected or misshapen entry, leaving the state unchanged.
    virtual void load_state(const std::map<std::string, Array<T>>& state);

    T learning_rate() const { return m_learning_rate; }
    void learning_rate(T alpha) { m_learning_rate = alpha; }
    const std::vector<NamedTensor<T>>& parameters() const { return m_parameters; }

protected:
    /// Throws unless `state` holds exactly `expected`'s keys with the same shapes.
    void check_state(const std::map<std::string, Array<T>>& state,
                     const std::map<std::string, Array<T>>& expected) const;

    std::vector<NamedTensor<T>> m_parameters;
    T m_learning_rate;
};

/// W := W - alpha dW.
template <class T = double>
class GradientDescent : public Optimizer<T> {
public:
    GradientDescent(std::vector<NamedTensor<T>> parameters, T learning_rate)
        : Optimizer<T>(std::move(parameters), learning_rate) {}
    void step() override;
    std::string_view name() const override { return "gd"; }
};

/// v := beta v + (1 - beta) dW; W := W - alpha v (the course's update_parameters_with_momentum;
/// v starts at zero).
template <class T = double>
class Momentum : public Optimizer<T> {
public:
    Momentum(std::vector<NamedTensor<T>> parameters, T learning_rate, T beta = T(0.9));
    void step() override;
    std::string_view name() const override { return "momentum"; }
    std::map<std::string, Array<T>> state() const override;
    void load_state(const std::map<std::string, Array<T>>& state) override;
    T beta() const { return m_beta; }

private:
    T m_beta;
    std::vector<Array<T>> m_v;
};

/// The course's update_parameters_with_adam, t counting steps from 1:
///   v := beta1 v + (1 - beta1) dW          v_corrected = v / (1 - beta1^t)
///   s := beta2 s + (1 - beta2) dW^2        s_corrected = s / (1 - beta2^t)
///   W := W - alpha v_corrected / (sqrt(s_corrected) + epsilon)
template <class T = double>
class Adam : public Optimizer<T> {
public:
    Adam(std::vector<NamedTensor<T>> parameters, T learning_rate, T beta1 = T(0.9),
         T beta2 = T(0.999), T epsilon = T(1e-8));
    void step() override;
    std::string_view name() const override { return "adam"; }
    std::map<std::string, Array<T>> state() const override;
    void load_state(const std::map<std::string, Array<T>>& state) override;
    /// Steps taken so far.
    long t() const { return m_t; }
    T beta1() const { return m_beta1; }
    T beta2() const { return m_beta2; }
    T epsilon() const { return m_epsilon; }

private:
    T m_beta1, m_beta2, m_epsilon;
    long m_t = 0;
    std::vector<Array<T>> m_v, m_s;
};

/// An optimiser by name: "gd" (also "sgd"), "momentum" or "adam" with the course's default
/// hyperparameters; throws std::invalid_argument naming the accepted names otherwise.
template <class T>
std::unique_ptr<Optimizer<T>>
make_optimizer(std::string_view name, std::vector<NamedTensor<T>> parameters, T learning_rate);

extern template class Optimizer<float>;
extern template class Optimizer<double>;
extern template class GradientDescent<float>;
extern template class GradientDescent<double>;
extern template class Momentum<float>;
extern template class Momentum<double>;
extern template class Adam<float>;
extern template class Adam<double>;

} // namespace xgrad::nn
