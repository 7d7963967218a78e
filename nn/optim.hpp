#pragma once
// Optimisers of the course's "Optimization Methods": gradient descent, momentum and Adam,
// and AdamW. They update the parameters' .data() in place from their .grad(), so a step
// records nothing on the tape. Their state (velocities, Adam's moments and step count, a
// learning-rate schedule's place) can be read and set, for checkpoints.

#include "nn/model.hpp"
#include "nn/named_tensor.hpp"
#include "nn/schedule.hpp"

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
    /// "s_dW1" (Adam's second moment), "t" (Adam's step count, a 0-d array), and with a
    /// schedule "lr", "lr0", "lr_epoch" (0-d). Empty for gradient descent without a schedule.
    virtual std::map<std::string, Array<T>> state() const;
    /// Sets the state from state()'s keys and shapes; throws std::invalid_argument naming a
    /// missing, unexpected or misshapen entry, leaving the state unchanged.
    virtual void load_state(const std::map<std::string, Array<T>>& state);

    T learning_rate() const { return m_learning_rate; }
    void learning_rate(T alpha) { m_learning_rate = alpha; }
    const std::vector<NamedTensor<T>>& parameters() const { return m_parameters; }

    /// Weight decay. Coupled (L2, torch.optim.SGD's and Adam's weight_decay) in gd, momentum
    /// and adam: each step uses dW + weight_decay W for dW, the gradient of the cost
    /// + weight_decay/2 ||W||^2 (the course's L2 with weight_decay = lambd / m), on every
    /// parameter given. Decoupled in AdamW. 0 (the default): none. Throws
    /// std::invalid_argument when negative.
    T weight_decay() const { return m_weight_decay; }
    void weight_decay(T decay);

    /// Gives the optimiser a learning-rate schedule (nn/schedule.hpp), starting at epoch 0
    /// from the current rate lr0; null removes it. Its state() then holds "lr" (the rate),
    /// "lr0" and "lr_epoch" (epochs counted), so checkpoints resume the schedule.
    void schedule(std::shared_ptr<const LRSchedule> schedule);
    const LRSchedule* schedule() const { return m_schedule.get(); }
    /// After an epoch: counts it and sets the rate to schedule()->rate(lr0, epochs counted).
    /// Throws std::logic_error without a schedule.
    void step_schedule();
    /// Epochs the schedule has counted.
    std::size_t schedule_epoch() const { return m_schedule_epoch; }

protected:
    /// Throws unless `state` holds exactly `expected`'s keys with the same shapes.
    void check_state(const std::map<std::string, Array<T>>& state,
                     const std::map<std::string, Array<T>>& expected) const;
    /// Parameter k's gradient for the update: dW, or dW + weight_decay W (in `scratch`) when
    /// the decay is coupled.
    const T* gradient(std::size_t k, Array<T>& scratch) const;
    /// The schedule's entries of state(), and setting them (from a checked state).
    void add_schedule_state(std::map<std::string, Array<T>>& state) const;
    void load_schedule_state(const std::map<std::string, Array<T>>& state);

    std::vector<NamedTensor<T>> m_parameters;
    T m_learning_rate;
    T m_weight_decay = 0;
    bool m_decoupled_decay = false; // AdamW: the decay is applied to W, not added to dW
    std::shared_ptr<const LRSchedule> m_schedule;
    T m_lr0 = 0;
    std::size_t m_schedule_epoch = 0;
};

/// W := W - alpha dW.
template <class T = double>
class GradientDescent : public Optimizer<T> {
public:
    GradientDescent(std::vector<NamedTensor<T>> parameters, T learning_rate)
        : Optimizer<T>(std::move(parameters), learning_rate) {}
    void step() override;
    std::string_view name() const override { return "gd"; }

private:
    Array<T> m_scratch;
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
    Array<T> m_scratch;
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
    Array<T> m_scratch;
};

/// AdamW (Loshchilov and Hutter, torch.optim.AdamW): Adam with the weight decay decoupled
/// from the gradient, W := W - alpha weight_decay W, then Adam's step from dW alone. Its
/// state is Adam's.
template <class T = double>
class AdamW : public Adam<T> {
public:
    AdamW(std::vector<NamedTensor<T>> parameters, T learning_rate, T weight_decay = T(0.01),
          T beta1 = T(0.9), T beta2 = T(0.999), T epsilon = T(1e-8));
    void step() override;
    std::string_view name() const override { return "adamw"; }
};

/// An optimiser by name: "gd" (also "sgd"), "momentum", "adam" or "adamw" with the course's
/// (and torch's, for adamw) default hyperparameters; throws std::invalid_argument naming the
/// accepted names otherwise.
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
extern template class AdamW<float>;
extern template class AdamW<double>;

} // namespace xgrad::nn
