// Softmax, log-softmax and the stable binary cross-entropy from logits.
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/cross_entropy.hpp"
#include "autograd/kernels/new_array.hpp"
#include "autograd/kernels/reduce.hpp"
#include "autograd/ops/record.hpp"
#include "autograd/ops/shape_checks.hpp"

#include <cmath>
#include <optional>

namespace xgrad {

using detail::make_result;

namespace {
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
    Array<T> e = xt::exp(kernels::minus_max(x.value(), ax));
    if (e.size() > 0)
        e /= kernels::sum_keepdims(e, ax);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = A * (G - sum(G * A, axis)): the Jacobian diag(A) - A A^T
        const Tensor<T>& A = c.output;
        return {mul(A, sub(c.grad, sum(mul(c.grad, A), c.params().axis, true)))};
    };
    return make_result<T>(Op::softmax, std::move(e), {&x}, rule, params);
}
template Tensor<float> softmax(const Tensor<float>&, int);
template Tensor<double> softmax(const Tensor<double>&, int);

template <class T>
Tensor<T> log_softmax(const Tensor<T>& x, int axis) {
    const OpParams params = axis_param(Op::log_softmax, x, axis);
    const auto ax = static_cast<std::size_t>(params.axis);
    Array<T> s = kernels::minus_max(x.value(), ax);
    if (s.size() > 0) {
        Array<T> log_total = xt::log(kernels::sum_keepdims(xt::exp(s), ax));
        s -= log_total;
    }
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G - softmax(X) * sum(G, axis), softmax(X) = exp(A)
        return {sub(c.grad, mul(exp(c.output), sum(c.grad, c.params().axis, true)))};
    };
    return make_result<T>(Op::log_softmax, std::move(s), {&x}, rule, params);
}
template Tensor<float> log_softmax(const Tensor<float>&, int);
template Tensor<double> log_softmax(const Tensor<double>&, int);

template <class T>
Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>& logits, const Tensor<T>& targets) {
    detail::require_defined(Op::binary_cross_entropy_with_logits, logits, "logits");
    detail::require_defined(Op::binary_cross_entropy_with_logits, targets, "targets");
    // No broadcasting here: (1, m) labels against (m, 1) logits would silently make (m, m).
    if (logits.shape() != targets.shape())
        throw ShapeError(detail::in_scope("binary_cross_entropy_with_logits: logits " +
                                          describe(logits) + " and targets " + describe(targets) +
                                          " must have the same shape"));
    if (logits.size() == 0)
        throw ShapeError(detail::in_scope("binary_cross_entropy_with_logits: no examples in " +
                                          describe(logits)));
    // When a backward will follow, the forward keeps sigmoid(Z) for it.
    const bool recording = grad_enabled() && logits.requires_grad();
    std::optional<Array<T>> sigmoid_z;
    if (recording)
        sigmoid_z = kernels::new_array<T>(logits.shape());
    const T total =
        kernels::cross_entropy_sum(logits.value().data(), targets.value().data(), logits.size(),
                                   recording ? sigmoid_z->data() : nullptr);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dZ = G * (sigmoid(Z) - Y) / n, dY = -G * Z / n
        const Tensor<T> Z = c.input(0), Y = c.input(1);
        const T scale = T(1) / static_cast<T>(Z.size());
        const Tensor<T> dY = c.needs(1) ? mul(c.grad, mul_scalar(Z, -scale)) : Tensor<T>();
        if (c.needs(0) && !grad_enabled() && c.node.saved.defined()) {
            // A plain backward records nothing: one loop instead of four ops.
            Array<T> dZ = kernels::new_array<T>(Z.shape());
            kernels::cross_entropy_dZ(c.grad.item(), c.node.saved.value().data(), Y.value().data(),
                                      scale, dZ.size(), dZ.data());
            return {detail::constant(std::move(dZ)), dY};
        }
        return {c.needs(0) ? mul(c.grad, mul_scalar(sub(sigmoid(Z), Y), scale)) : Tensor<T>(), dY};
    };
    Tensor<T> loss =
        make_result<T>(Op::binary_cross_entropy_with_logits,
                       Array<T>(total / static_cast<T>(logits.size())), {&logits, &targets}, rule);
    if (recording)
        loss.impl()->saved = detail::constant(std::move(*sigmoid_z));
    return loss;
}
template Tensor<float> binary_cross_entropy_with_logits(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> binary_cross_entropy_with_logits(const Tensor<double>&,
                                                         const Tensor<double>&);

} // namespace xgrad
