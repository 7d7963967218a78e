// Softmax, log-softmax and the stable binary cross-entropy from logits.
#include "autograd/kernels/elementwise.hpp"
#include "autograd/ops/ops.hpp"

#include <cmath>
#include <optional>

namespace xgrad {

using detail::make_result;

namespace {
// x - max(x) along the axis: exp of it never overflows.
template <class T>
Array<T> shifted(const Array<T>& x, std::size_t axis) {
    // max over an empty axis has no value (xtensor reads past the data): empty stays empty.
    if (x.size() == 0) return x;
    Array<T> top = xt::amax(x, {axis}, xt::keep_dims | xt::evaluation_strategy::immediate);
    return x - top;
}

template <class T>
OpParams axis_param(Op op, const Tensor<T>& x, int axis) {
    detail::require_defined(op, x, "input");
    OpParams params;
    params.axis = static_cast<int>(detail::checked_axis(op, x, axis));
    return params;
}
} // namespace

template <class T>
Tensor<T> softmax(const Tensor<T>& x, int axis) {
    const OpParams params = axis_param(Op::softmax, x, axis);
    const auto ax = static_cast<std::size_t>(params.axis);
    Array<T> e = xt::exp(shifted(x.value(), ax));
    if (e.size() > 0) { // (xtensor's immediate reductions read through null on empty arrays)
        Array<T> total = xt::sum(e, {ax}, xt::keep_dims | xt::evaluation_strategy::immediate);
        e /= total;
    }
    return make_result<T>(Op::softmax, std::move(e), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // dX = A * (G - sum(G * A, axis)): the Jacobian diag(A) - A A^T
                              const Tensor<T>& A = c.output;
                              return {mul(A, sub(c.grad, sum(mul(c.grad, A), c.params().axis, true)))};
                          },
                          params);
}

template <class T>
Tensor<T> log_softmax(const Tensor<T>& x, int axis) {
    const OpParams params = axis_param(Op::log_softmax, x, axis);
    const auto ax = static_cast<std::size_t>(params.axis);
    Array<T> s = shifted(x.value(), ax);
    if (s.size() > 0) {
        Array<T> log_total = xt::log(xt::sum(xt::exp(s), {ax}, xt::keep_dims | xt::evaluation_strategy::immediate));
        s -= log_total;
    }
    return make_result<T>(Op::log_softmax, std::move(s), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // dX = G - softmax(X) * sum(G, axis), softmax(X) = exp(A)
                              return {sub(c.grad, mul(exp(c.output), sum(c.grad, c.params().axis, true)))};
                          },
                          params);
}

template <class T>
Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>& logits, const Tensor<T>& targets) {
    detail::require_defined(Op::bce_with_logits, logits, "logits");
    detail::require_defined(Op::bce_with_logits, targets, "targets");
    // No broadcasting here: (1, m) labels against (m, 1) logits would silently make (m, m).
    if (logits.shape() != targets.shape())
        throw ShapeError(detail::in_scope(
            "binary_cross_entropy_with_logits: logits " + describe(logits) + " and targets " +
            describe(targets) + " must have the same shape"));
    if (logits.size() == 0)
        throw ShapeError(detail::in_scope("binary_cross_entropy_with_logits: no examples in " +
                                          describe(logits)));
    // Per element max(z, 0) - z y + log(1 + e^-|z|): finite for z = +-1000. When a backward
    // will follow, sigmoid(z) is kept from the same e^-|z| (as the course's code keeps AL):
    // the backward needs it, and a second exp per element is a tenth of a small step.
    const T* z = logits.value().data();
    const T* y = targets.value().data();
    const std::size_t n = logits.size();
    const bool recording = grad_enabled() && logits.requires_grad();
    std::optional<Array<T>> sigmoid_z;
    if (recording) sigmoid_z = detail::new_array<T>(logits.shape());
    T* s = recording ? sigmoid_z->data() : nullptr;
    T total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const T e = std::exp(-std::abs(z[i]));
        total += std::max(z[i], T(0)) - z[i] * y[i] + std::log1p(e);
        if (recording) s[i] = detail::sigmoid_given_exp(z[i], e);
    }
    Tensor<T> loss = make_result<T>(
        Op::bce_with_logits, Array<T>(total / static_cast<T>(n)), {&logits, &targets},
        [](const BackwardContext<T>& c) -> InputGrads<T> {
            // dZ = G (sigmoid(Z) - Y) / n ; dY = -G Z / n
            const Tensor<T> Z = c.input(0), Y = c.input(1);
            const T scale = T(1) / static_cast<T>(Z.size());
            if (c.needs(0) && !grad_enabled() && c.node.saved.defined()) {
                // A plain backward records nothing: the same arithmetic, in the same order,
                // as one loop instead of four ops and their four buffers.
                const T g = c.grad.item();
                const T* s = c.node.saved.value().data(); // sigmoid(Z), from the forward
                const T* y = Y.value().data();
                Array<T> dZ = detail::new_array<T>(Z.shape());
                T* d = dZ.data();
                for (std::size_t i = 0, n = dZ.size(); i < n; ++i) d[i] = g * ((s[i] - y[i]) * scale);
                return {detail::constant(std::move(dZ)),
                        c.needs(1) ? mul(c.grad, mul_scalar(Z, -scale)) : Tensor<T>()};
            }
            return {c.needs(0) ? mul(c.grad, mul_scalar(sub(sigmoid(Z), Y), scale)) : Tensor<T>(),
                    c.needs(1) ? mul(c.grad, mul_scalar(Z, -scale)) : Tensor<T>()};
        });
    if (recording) loss.impl()->saved = detail::constant(std::move(*sigmoid_z));
    return loss;
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template Tensor<T> softmax(const Tensor<T>&, int);                                            \
    template Tensor<T> log_softmax(const Tensor<T>&, int);                                        \
    template Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>&, const Tensor<T>&);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
