#include "nn/losses.hpp"

#include <stdexcept>
#include <string>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {
// Costs take one column per example: ZL and Y of one shape (k, m), m >= 1. Broadcasting
// here would turn (1, m) labels against (m, 1) outputs into an (m, m) matrix, silently.
template <class T>
void require_examples(const char* where, const char* name, const Tensor<T>& A, const Tensor<T>& Y) {
    if (!A.defined() || !Y.defined())
        throw ShapeError(xgrad::detail::in_scope(std::string(where) + ": undefined " +
                                                 (A.defined() ? "Y" : name)));
    if (A.dim() != 2 || A.shape() != Y.shape())
        throw ShapeError(xgrad::detail::in_scope(
            std::string(where) + ": " + name + " " + describe(A) + " and Y " + describe(Y) +
            " must be matrices of the same shape (classes, m)"));
    if (A.shape()[1] == 0)
        throw ShapeError(xgrad::detail::in_scope(std::string(where) + ": no examples (m = 0) in " +
                                                 name + " " + describe(A)));
}
} // namespace

template <class T>
Tensor<T> binary_cross_entropy(const Tensor<T>& AL, const Tensor<T>& Y, T eps) {
    require_examples("binary_cross_entropy", "AL", AL, Y);
    const T m = static_cast<T>(AL.shape()[1]);
    const Tensor<T> P = clip(AL, eps, T(1) - eps);
    // -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))
    return sum(Y * log(P) + (T(1) - Y) * log(T(1) - P)) * (T(-1) / m);
}

template <class T>
Tensor<T> binary_cross_entropy_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y) {
    require_examples("binary_cross_entropy_from_logits", "ZL", ZL, Y);
    // The engine's op averages over all k * m entries; the course sums over the k rows.
    Tensor<T> J = binary_cross_entropy_with_logits(ZL, Y);
    const std::size_t k = ZL.shape()[0];
    return k == 1 ? J : J * static_cast<T>(k);
}

template <class T>
Tensor<T> categorical_cross_entropy_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y) {
    require_examples("categorical_cross_entropy_from_logits", "ZL", ZL, Y);
    const T m = static_cast<T>(ZL.shape()[1]);
    return sum(Y * log_softmax(ZL, 0)) * (T(-1) / m);
}

std::string_view to_string(Loss loss) {
    switch (loss) {
    case Loss::binary_cross_entropy:
        return "binary cross-entropy";
    case Loss::categorical_cross_entropy:
        return "categorical cross-entropy";
    }
    return "?";
}

Loss loss_for(Activation output) {
    switch (output) {
    case Activation::sigmoid:
        return Loss::binary_cross_entropy;
    case Activation::softmax:
        return Loss::categorical_cross_entropy;
    default:
        throw std::invalid_argument(
            "no cross-entropy loss for an output layer with " + std::string(to_string(output)) +
            ": the last activation must be sigmoid (binary) or softmax (classes)");
    }
}

template <class T>
Tensor<T> loss_from_logits(Loss loss, const Tensor<T>& ZL, const Tensor<T>& Y) {
    return loss == Loss::binary_cross_entropy ? binary_cross_entropy_from_logits(ZL, Y)
                                              : categorical_cross_entropy_from_logits(ZL, Y);
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Tensor<T> binary_cross_entropy(const Tensor<T>&, const Tensor<T>&, T);                \
    template Tensor<T> binary_cross_entropy_from_logits(const Tensor<T>&, const Tensor<T>&);       \
    template Tensor<T> categorical_cross_entropy_from_logits(const Tensor<T>&, const Tensor<T>&);  \
    template Tensor<T> loss_from_logits(Loss, const Tensor<T>&, const Tensor<T>&);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::nn
