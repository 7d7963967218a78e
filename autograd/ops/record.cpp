#include "autograd/ops/record.hpp"

#include "autograd/core/anomaly.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/node.hpp"
#include "autograd/core/scope.hpp"
#include "autograd/core/tape.hpp"

namespace xgrad::detail {

namespace {
template <class T>
struct Inputs {
    const Tensor<T>* const* first;
    std::size_t count;
    const Tensor<T>* const* begin() const { return first; }
    const Tensor<T>* const* end() const { return first + count; }
};
} // namespace

template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, const Tensor<T>* const* input_list,
                      std::size_t count, BackwardFn<T> backward, const OpParams& params,
                      std::shared_ptr<const UserOp<T>> user_op) {
    const Inputs<T> inputs{input_list, count};
    bool needs_grad = false;
    if (grad_enabled())
        for (const Tensor<T>* in : inputs)
            needs_grad = needs_grad || in->requires_grad();
    auto impl = std::make_shared<TensorImpl<T>>(std::move(value));
    if (anomaly_detection_enabled() && !all_finite(impl->value)) {
        std::string shapes;
        for (const Tensor<T>* in : inputs)
            shapes += (shapes.empty() ? "" : ", ") + describe(*in);
        throw_anomaly(user_op ? user_op->name.c_str() : op_info(op).name, "produced",
                      in_scope("in its output " + to_string(impl->value.shape()) + " from inputs " +
                               shapes + " (tape position " +
                               std::to_string(Tape<T>::current().next_sequence()) + ")"));
    }
    if (!needs_grad)
        return Tensor<T>(std::move(impl));
    impl->requires_grad = true;
    impl->op = op;
    impl->backward = backward;
    impl->params = params;
    impl->scope = current_scope();
    impl->user_op = std::move(user_op);
    // What the rule will read stays; other op results' values may go with their handles.
    const std::uint8_t keeps = op_info(op).keeps; // a CustomOp's row keeps everything
    std::size_t i = 0;
    for (const Tensor<T>* in : inputs) {
        impl->inputs[i] = in->impl();
        impl->input_shapes[i] = in->shape();
        impl->input_versions[i] = in->impl()->version;
        if ((keeps & keeps::input(static_cast<int>(i))) && in->impl()->op != Op::leaf)
            in->impl()->value_kept.store(true, std::memory_order_relaxed);
        ++i;
    }
    if (keeps & keeps::out)
        impl->value_kept.store(true, std::memory_order_relaxed);
    impl->n_inputs = static_cast<std::uint8_t>(i);
    Tape<T>::current().record(impl);
    return Tensor<T>(std::move(impl));
}

template <class T>
Array<T>* spare_grad_values(const BackwardContext<T>& c) {
    const std::shared_ptr<TensorImpl<T>>& g = c.grad.impl();
    if (!c.grad_is_spare || grad_enabled() || !g || g.use_count() != 1 || g->op != Op::leaf ||
        g->hooks || g->value_released)
        return nullptr;
    return &g->value;
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Array<T>* spare_grad_values(const BackwardContext<T>&);                               \
    template Tensor<T> make_result(Op, Array<T>&&, const Tensor<T>* const*, std::size_t,           \
                                   BackwardFn<T>, const OpParams&,                                 \
                                   std::shared_ptr<const UserOp<T>>);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::detail
