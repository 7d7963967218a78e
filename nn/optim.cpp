#include "nn/optim.hpp"

#include "autograd/kernels/optim.hpp"

#include <cmath>
#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {
template <class T>
std::vector<Array<T>> zeros_like(const std::vector<NamedTensor<T>>& parameters) {
    std::vector<Array<T>> out;
    out.reserve(parameters.size());
    for (const auto& p : parameters)
        out.push_back(xt::zeros<T>(p.tensor.shape()));
    return out;
}
} // namespace

template <class T>
Optimizer<T>::Optimizer(std::vector<NamedTensor<T>> parameters, T learning_rate)
    : m_parameters(std::move(parameters)), m_learning_rate(learning_rate) {
    for (const auto& p : m_parameters)
        if (!p.tensor.defined() || !p.tensor.requires_grad())
            throw std::invalid_argument("optimiser: parameter " + p.name +
                                        " is undefined or does not require a gradient");
}

template <class T>
void Optimizer<T>::zero_grad() {
    for (auto& p : m_parameters)
        p.tensor.zero_grad();
}

template <class T>
void Optimizer<T>::check_state(const std::map<std::string, Array<T>>& state,
                               const std::map<std::string, Array<T>>& expected) const {
    const std::string who = std::string(name()) + " optimiser: load_state: ";
    for (const auto& [key, value] : expected) {
        const auto it = state.find(key);
        if (it == state.end())
            throw std::invalid_argument(who + "missing entry " + key);
        if (it->second.shape() != value.shape())
            throw std::invalid_argument(who + key + " has shape " + to_string(it->second.shape()) +
                                        ", expected " + to_string(value.shape()));
    }
    for (const auto& entry : state)
        if (!expected.count(entry.first))
            throw std::invalid_argument(who + "unexpected entry " + entry.first +
                                        " (a state saved by another optimiser or model?)");
}

template <class T>
std::map<std::string, Array<T>> Optimizer<T>::state() const {
    std::map<std::string, Array<T>> out;
    add_schedule_state(out);
    return out;
}

template <class T>
void Optimizer<T>::load_state(const std::map<std::string, Array<T>>& state) {
    check_state(state, this->state());
    load_schedule_state(state);
}

template <class T>
void Optimizer<T>::weight_decay(T decay) {
    if (!(decay >= 0))
        throw std::invalid_argument(std::string(name()) + " optimiser: weight_decay = " +
                                    std::to_string(double(decay)) + " must be >= 0");
    m_weight_decay = decay;
}

template <class T>
const T* Optimizer<T>::gradient(std::size_t k, Array<T>& scratch) const {
    const Tensor<T>& W = m_parameters[k].tensor;
    if (m_weight_decay == T(0) || m_decoupled_decay)
        return W.grad().data();
    // dW + weight_decay W: the gradient of + weight_decay / 2 ||W||^2.
    scratch = W.grad() + m_weight_decay * W.value();
    return scratch.data();
}

template <class T>
void Optimizer<T>::schedule(std::shared_ptr<const LRSchedule> schedule) {
    m_schedule = std::move(schedule);
    m_lr0 = m_learning_rate;
    m_schedule_epoch = 0;
}

template <class T>
void Optimizer<T>::step_schedule() {
    if (!m_schedule)
        throw std::logic_error(std::string(name()) +
                               " optimiser: step_schedule without a schedule (give one with "
                               "schedule())");
    ++m_schedule_epoch;
    m_learning_rate = static_cast<T>(m_schedule->rate(double(m_lr0), m_schedule_epoch));
}

template <class T>
void Optimizer<T>::add_schedule_state(std::map<std::string, Array<T>>& state) const {
    if (!m_schedule)
        return;
    state.emplace("lr", Array<T>(m_learning_rate));
    state.emplace("lr0", Array<T>(m_lr0));
    state.emplace("lr_epoch", Array<T>(static_cast<T>(m_schedule_epoch)));
}

template <class T>
void Optimizer<T>::load_schedule_state(const std::map<std::string, Array<T>>& state) {
    if (!m_schedule)
        return;
    const T epoch = state.at("lr_epoch")();
    if (!(epoch >= 0) || epoch != std::floor(epoch))
        throw std::invalid_argument(std::string(name()) +
                                    " optimiser: load_state: lr_epoch must be an epoch count >= 0");
    m_schedule_epoch = static_cast<std::size_t>(epoch);
    m_lr0 = state.at("lr0")();
    m_learning_rate = state.at("lr")();
}

template <class T>
void GradientDescent<T>::step() {
    const T alpha = this->m_learning_rate;
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k) {
        auto& p = this->m_parameters[k];
        if (!p.tensor.has_grad())
            continue;
        const T* g = this->gradient(k, m_scratch);
        kernels::gradient_descent_update(p.tensor.data().data(), g, p.tensor.size(), alpha);
    }
}

template <class T>
Momentum<T>::Momentum(std::vector<NamedTensor<T>> parameters, T learning_rate, T beta)
    : Optimizer<T>(std::move(parameters), learning_rate), m_beta(beta),
      m_v(zeros_like(this->m_parameters)) {}

template <class T>
void Momentum<T>::step() {
    const T alpha = this->m_learning_rate, beta = m_beta;
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k) {
        auto& p = this->m_parameters[k];
        if (!p.tensor.has_grad())
            continue;
        const T* g = this->gradient(k, m_scratch);
        kernels::momentum_update(p.tensor.data().data(), g, m_v[k].data(), p.tensor.size(), alpha,
                                 beta);
    }
}

template <class T>
std::map<std::string, Array<T>> Momentum<T>::state() const {
    std::map<std::string, Array<T>> out;
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k)
        out.emplace("v_d" + this->m_parameters[k].name, m_v[k]);
    this->add_schedule_state(out);
    return out;
}

template <class T>
void Momentum<T>::load_state(const std::map<std::string, Array<T>>& state) {
    this->check_state(state, this->state());
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k)
        m_v[k] = state.at("v_d" + this->m_parameters[k].name);
    this->load_schedule_state(state);
}

template <class T>
Adam<T>::Adam(std::vector<NamedTensor<T>> parameters, T learning_rate, T beta1, T beta2, T epsilon)
    : Optimizer<T>(std::move(parameters), learning_rate), m_beta1(beta1), m_beta2(beta2),
      m_epsilon(epsilon), m_v(zeros_like(this->m_parameters)), m_s(zeros_like(this->m_parameters)) {
}

template <class T>
void Adam<T>::step() {
    ++m_t;
    const T alpha = this->m_learning_rate, beta1 = m_beta1, beta2 = m_beta2, eps = m_epsilon;
    const T correction1 = T(1) - static_cast<T>(std::pow(double(beta1), double(m_t)));
    const T correction2 = T(1) - static_cast<T>(std::pow(double(beta2), double(m_t)));
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k) {
        auto& p = this->m_parameters[k];
        if (!p.tensor.has_grad())
            continue;
        const T* g = this->gradient(k, m_scratch);
        kernels::adam_update(p.tensor.data().data(), g, m_v[k].data(), m_s[k].data(),
                             p.tensor.size(), alpha, beta1, beta2, eps, correction1, correction2);
    }
}

template <class T>
std::map<std::string, Array<T>> Adam<T>::state() const {
    std::map<std::string, Array<T>> out;
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k) {
        out.emplace("v_d" + this->m_parameters[k].name, m_v[k]);
        out.emplace("s_d" + this->m_parameters[k].name, m_s[k]);
    }
    out.emplace("t", Array<T>(static_cast<T>(m_t)));
    this->add_schedule_state(out);
    return out;
}

template <class T>
void Adam<T>::load_state(const std::map<std::string, Array<T>>& state) {
    this->check_state(state, this->state());
    const T t = state.at("t")();
    if (!(t >= 0) || t != std::floor(t))
        throw std::invalid_argument("adam optimiser: load_state: t must be a step count >= 0");
    for (std::size_t k = 0; k < this->m_parameters.size(); ++k) {
        m_v[k] = state.at("v_d" + this->m_parameters[k].name);
        m_s[k] = state.at("s_d" + this->m_parameters[k].name);
    }
    m_t = static_cast<long>(t);
    this->load_schedule_state(state);
}

template <class T>
AdamW<T>::AdamW(std::vector<NamedTensor<T>> parameters, T learning_rate, T weight_decay, T beta1,
                T beta2, T epsilon)
    : Adam<T>(std::move(parameters), learning_rate, beta1, beta2, epsilon) {
    this->m_decoupled_decay = true;
    this->weight_decay(weight_decay);
}

template <class T>
void AdamW<T>::step() {
    // W := W (1 - alpha weight_decay) before Adam's update, which does not read W.
    const T shrink = T(1) - this->m_learning_rate * this->m_weight_decay;
    if (shrink != T(1))
        for (auto& p : this->m_parameters)
            if (p.tensor.has_grad())
                p.tensor.data() *= shrink;
    Adam<T>::step();
}

template <class T>
std::unique_ptr<Optimizer<T>>
make_optimizer(std::string_view name, std::vector<NamedTensor<T>> parameters, T learning_rate) {
    if (name == "gd" || name == "sgd")
        return std::make_unique<GradientDescent<T>>(std::move(parameters), learning_rate);
    if (name == "momentum")
        return std::make_unique<Momentum<T>>(std::move(parameters), learning_rate);
    if (name == "adam")
        return std::make_unique<Adam<T>>(std::move(parameters), learning_rate);
    if (name == "adamw")
        return std::make_unique<AdamW<T>>(std::move(parameters), learning_rate);
    throw std::invalid_argument("unknown optimiser \"" + std::string(name) +
                                "\": expected gd, momentum, adam or adamw");
}

template class Optimizer<float>;
template class Optimizer<double>;
template class GradientDescent<float>;
template class GradientDescent<double>;
template class Momentum<float>;
template class Momentum<double>;
template class Adam<float>;
template class Adam<double>;
template class AdamW<float>;
template class AdamW<double>;
template std::unique_ptr<Optimizer<float>> make_optimizer(std::string_view,
                                                          std::vector<NamedTensor<float>>, float);
template std::unique_ptr<Optimizer<double>>
make_optimizer(std::string_view, std::vector<NamedTensor<double>>, double);

} // namespace xgrad::nn
