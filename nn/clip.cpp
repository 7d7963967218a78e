#include "nn/clip.hpp"

#include "autograd/core/node.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace xgrad::nn {

namespace {
// Replaces W's accumulated gradient by `g`. A new tensor, never a change in place: leaves'
// gradients may alias (add's backward hands one tensor to both of its inputs).
template <class T>
void set_grad(const Tensor<T>& W, Array<T> g) {
    W.impl()->grad = Tensor<T>(std::move(g));
}
} // namespace

template <class T>
double clip_grad_norm(const std::vector<NamedTensor<T>>& parameters, double max_norm,
                      double norm_type) {
    if (!(max_norm >= 0) || !(norm_type >= 1))
        throw std::invalid_argument("clip_grad_norm: max_norm = " + std::to_string(max_norm) +
                                    " must be >= 0 and norm_type = " + std::to_string(norm_type) +
                                    " >= 1");
    const bool infinite = std::isinf(norm_type);
    double total = 0; // sum |g|^p, or max |g|
    for (const auto& p : parameters) {
        if (!p.tensor.has_grad())
            continue;
        for (const T g : p.tensor.grad()) {
            const double a = std::abs(double(g));
            total = infinite         ? std::max(total, a)
                    : norm_type == 2 ? total + a * a
                                     : total + std::pow(a, norm_type);
        }
    }
    const double norm = infinite         ? total
                        : norm_type == 2 ? std::sqrt(total)
                                         : std::pow(total, 1 / norm_type);
    const double coefficient = max_norm / (norm + 1e-6);
    if (coefficient < 1)
        for (const auto& p : parameters)
            if (p.tensor.has_grad())
                set_grad(p.tensor, Array<T>(p.tensor.grad() * static_cast<T>(coefficient)));
    return norm;
}

template <class T>
double clip_grad_value(const std::vector<NamedTensor<T>>& parameters, double clip_value) {
    if (!(clip_value >= 0))
        throw std::invalid_argument("clip_grad_value: clip_value = " + std::to_string(clip_value) +
                                    " must be >= 0");
    const T hi = static_cast<T>(clip_value);
    double largest = 0;
    for (const auto& p : parameters) {
        if (!p.tensor.has_grad())
            continue;
        Array<T> g = p.tensor.grad();
        for (T& x : g) {
            largest = std::max(largest, std::abs(double(x)));
            x = std::clamp(x, -hi, hi);
        }
        set_grad(p.tensor, std::move(g));
    }
    return largest;
}

template double clip_grad_norm(const std::vector<NamedTensor<float>>&, double, double);
template double clip_grad_norm(const std::vector<NamedTensor<double>>&, double, double);
template double clip_grad_value(const std::vector<NamedTensor<float>>&, double);
template double clip_grad_value(const std::vector<NamedTensor<double>>&, double);

} // namespace xgrad::nn
