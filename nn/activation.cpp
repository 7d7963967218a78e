#include "nn/activation.hpp"

#include <stdexcept>

namespace xgrad::nn {

namespace {
constexpr Activation all[] = {Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                              Activation::tanh, Activation::softmax};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}
} // namespace

std::string_view to_string(Activation activation) {
    switch (activation) {
    case Activation::relu:
        return "relu";
    case Activation::leaky_relu:
        return "leaky_relu";
    case Activation::sigmoid:
        return "sigmoid";
    case Activation::tanh:
        return "tanh";
    case Activation::softmax:
        return "softmax";
    }
    return "?";
}

bool has_kink_at_zero(Activation activation) {
    return activation == Activation::relu || activation == Activation::leaky_relu;
}

Activation parse_activation(std::string_view name) {
    const std::string_view trimmed = trim(name);
    for (Activation a : all)
        if (to_string(a) == trimmed)
            return a;
    throw std::invalid_argument("unknown activation \"" + std::string(name) +
                                "\": expected relu, leaky_relu, sigmoid, tanh or softmax");
}

std::vector<Activation> parse_activations(std::string_view names) {
    std::vector<Activation> out;
    while (true) {
        const std::size_t comma = names.find(',');
        out.push_back(parse_activation(names.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        names.remove_prefix(comma + 1);
    }
    return out;
}

template <class T>
Tensor<T> activate(Activation activation, const Tensor<T>& Z) {
    switch (activation) {
    case Activation::relu:
        return relu(Z);
    case Activation::leaky_relu:
        return leaky_relu(Z, T(leaky_relu_slope));
    case Activation::sigmoid:
        return sigmoid(Z);
    case Activation::tanh:
        return tanh(Z);
    case Activation::softmax:
        return softmax(Z, 0);
    }
    throw std::invalid_argument("activate: unknown activation");
}

template Tensor<float> activate(Activation, const Tensor<float>&);
template Tensor<double> activate(Activation, const Tensor<double>&);

} // namespace xgrad::nn
