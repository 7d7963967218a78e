#include "autograd/core/tensor.hpp"

#include "autograd/core/backward_walk.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/huge_pages.hpp"

#include <mutex>

namespace xgrad {

namespace {
// HookHandle::remove: takes the hook `id` off the tensor `impl`, if it is still on.
template <class T>
void remove_hook(void* impl_ptr, std::uint64_t id) {
    auto& impl = *static_cast<TensorImpl<T>*>(impl_ptr);
    std::lock_guard<std::mutex> lock(detail::grad_mutex(&impl));
    if (!impl.hooks)
        return;
    const auto drop = [&](auto& list) {
        for (auto it = list.begin(); it != list.end(); ++it)
            if (it->id == id) {
                list.erase(it);
                if (impl.op == Op::leaf)
                    detail::count_leaf_hooks(-1);
                return;
            }
    };
    drop(impl.hooks->grad);
    drop(impl.hooks->post);
}

// Adds `hook` to one of the tensor's lists, under the lock the backward walk reads them by.
template <class T, class List, class F>
HookHandle add_hook(const std::shared_ptr<TensorImpl<T>>& impl, List TensorHooks<T>::*list,
                    F hook) {
    std::lock_guard<std::mutex> lock(detail::grad_mutex(impl.get()));
    if (!impl->hooks)
        impl->hooks = std::make_unique<TensorHooks<T>>();
    const std::uint64_t id = impl->hooks->next_id++;
    ((*impl->hooks).*list).push_back({id, std::make_shared<const F>(std::move(hook))});
    if (impl->op == Op::leaf)
        detail::count_leaf_hooks(1);
    return HookHandle(std::weak_ptr<void>(impl), id, &remove_hook<T>);
}
} // namespace

template <class T>
Tensor<T>::Tensor(Array<T> value, bool requires_grad, std::string label)
    : m_impl(std::make_shared<TensorImpl<T>>(std::move(value))) {
    m_impl->handles.set_one();
    m_impl->requires_grad = requires_grad;
    m_impl->label = std::move(label);
    // A parameter is read by every step's gemms: onto huge pages, as op results are.
    if (requires_grad)
        kernels::collapse_huge_pages(m_impl->value.data(), m_impl->value.size() * sizeof(T));
}
template <class T>
Tensor<T>::Tensor(std::shared_ptr<TensorImpl<T>> impl) : m_impl(std::move(impl)) {
    if (m_impl)
        m_impl->handles.add_one();
}
template <class T>
Tensor<T>::Tensor(const Tensor& other) : m_impl(other.m_impl) {
    if (m_impl)
        m_impl->handles.add_one();
}
template <class T>
Tensor<T>& Tensor<T>::operator=(const Tensor& other) {
    Tensor copy(other);
    m_impl.swap(copy.m_impl);
    return *this;
}
template <class T>
Tensor<T>& Tensor<T>::operator=(Tensor&& other) noexcept {
    Tensor taken(std::move(other));
    m_impl.swap(taken.m_impl);
    return *this;
}
template <class T>
Tensor<T>::~Tensor() {
    // The last handle of an op result that nodes still hold: its value goes unless a
    // recorded rule keeps it. (use_count() 1: the impl dies with this handle anyway.)
    if (m_impl && m_impl->handles.drop_one() && m_impl.use_count() > 1)
        detail::release_unkept_value(*m_impl);
}

template <class T>
Tensor<T> Tensor<T>::full(const Shape& shape, T fill, bool requires_grad) {
    auto value = Array<T>::from_shape(shape);
    value.fill(fill);
    return Tensor(std::move(value), requires_grad);
}

template <class T>
Tensor<T> Tensor<T>::scalar(T value, bool requires_grad) {
    return Tensor(Array<T>(value), requires_grad);
}

template <class T>
TensorImpl<T>& Tensor<T>::checked(const char* what) const {
    if (!m_impl)
        throw Error(std::string("Tensor::") + what + ": the tensor is undefined");
    return *m_impl;
}

template <class T>
const Array<T>& Tensor<T>::value() const {
    const auto& impl = checked("value");
    if (impl.value_released)
        throw_released("value");
    return impl.value;
}
template <class T>
bool Tensor<T>::value_released() const {
    return checked("value_released").value_released;
}
template <class T>
void Tensor<T>::throw_released(const char* what) const {
    const std::string where = scope().empty() ? "" : ", in " + scope();
    throw GraphError(std::string("Tensor::") + what + ": the values of " + op_name() +
                     "'s result " + describe(*this) + " (tape entry " + std::to_string(sequence()) +
                     where +
                     ") were released: no backward rule reads them (the op table's keeps "
                     "column) and no Tensor held them once the forward was done. Keep a "
                     "Tensor to it while recording to keep its values");
}
template <class T>
Array<T>& Tensor<T>::data() {
    auto& impl = checked("data");
    if (impl.value_released)
        throw_released("data");
    ++impl.version;
    return impl.value;
}
template <class T>
std::uint32_t Tensor<T>::version() const {
    return checked("version").version;
}
template <class T>
const Shape& Tensor<T>::shape() const {
    const auto& impl = checked("shape");
    return impl.value_released ? impl.released_shape : impl.value.shape();
}
template <class T>
std::size_t Tensor<T>::size() const {
    const auto& impl = checked("size");
    if (!impl.value_released)
        return impl.value.size();
    std::size_t n = 1;
    for (std::size_t extent : impl.released_shape)
        n *= extent;
    return n;
}
template <class T>
T Tensor<T>::item() const {
    checked("item");
    const auto& value = this->value();
    if (value.size() != 1)
        throw ShapeError("item: needs a one-element tensor, got " + describe(*this));
    return *value.data();
}

template <class T>
bool Tensor<T>::requires_grad() const {
    return checked("requires_grad").requires_grad;
}
template <class T>
Tensor<T>& Tensor<T>::requires_grad(bool flag) {
    auto& impl = checked("requires_grad");
    if (impl.op != Op::leaf)
        throw GraphError("requires_grad: " + describe(*this) + " is the result of " + op_name() +
                         ", not a leaf; its gradient flows from its inputs (use detach())");
    if (flag && !impl.requires_grad)
        kernels::collapse_huge_pages(impl.value.data(), impl.value.size() * sizeof(T));
    impl.requires_grad = flag;
    return *this;
}
template <class T>
bool Tensor<T>::has_grad() const {
    return checked("has_grad").grad.defined();
}
template <class T>
const Array<T>& Tensor<T>::grad() const {
    const auto& impl = checked("grad");
    if (!impl.grad.defined())
        throw GraphError("grad: " + describe(*this) + " has no gradient (" +
                         (impl.requires_grad
                              ? impl.op == Op::leaf
                                    ? "backward() has not reached it yet"
                                    : "not a leaf: call retain_grad() before backward()"
                              : "it does not require grad") +
                         ")");
    return impl.grad.value();
}
template <class T>
Tensor<T> Tensor<T>::grad_tensor() const {
    grad(); // same checks and message
    return m_impl->grad;
}
template <class T>
void Tensor<T>::zero_grad() {
    checked("zero_grad").grad = Tensor<T>();
}
template <class T>
Tensor<T>& Tensor<T>::retain_grad() {
    checked("retain_grad").retains_grad = true;
    return *this;
}
template <class T>
Array<T>& Tensor<T>::mutable_grad() {
    grad(); // same checks and message
    Tensor<T>& g = m_impl->grad;
    if (g.impl().use_count() > 1 || !g.is_leaf())
        g = Tensor<T>(Array<T>(g.value()));
    ++g.impl()->version;
    return g.impl()->value;
}

template <class T>
HookHandle Tensor<T>::add_grad_hook(GradHook hook) {
    checked("register_hook");
    if (!hook)
        throw GraphError("register_hook: the hook on " + describe(*this) + " is empty");
    return add_hook(m_impl, &TensorHooks<T>::grad, std::move(hook));
}
template <class T>
HookHandle Tensor<T>::register_post_accumulate_grad_hook(PostAccumulateHook hook) {
    const auto& impl = checked("register_post_accumulate_grad_hook");
    if (impl.op != Op::leaf)
        throw GraphError("register_post_accumulate_grad_hook: " + describe(*this) +
                         " is the result of " + op_name() +
                         ", not a leaf; only leaves accumulate a .grad (use register_hook)");
    if (!impl.requires_grad)
        throw GraphError("register_post_accumulate_grad_hook: " + describe(*this) +
                         " does not require grad, so backward never accumulates its gradient");
    if (!hook)
        throw GraphError("register_post_accumulate_grad_hook: the hook on " + describe(*this) +
                         " is empty");
    return add_hook(m_impl, &TensorHooks<T>::post, std::move(hook));
}
template <class T>
std::size_t Tensor<T>::hook_count() const {
    const auto& impl = checked("hook_count");
    std::lock_guard<std::mutex> lock(detail::grad_mutex(&impl));
    return impl.hooks ? impl.hooks->grad.size() : 0;
}
template <class T>
std::size_t Tensor<T>::post_accumulate_hook_count() const {
    const auto& impl = checked("post_accumulate_hook_count");
    std::lock_guard<std::mutex> lock(detail::grad_mutex(&impl));
    return impl.hooks ? impl.hooks->post.size() : 0;
}

template <class T>
Tensor<T> Tensor<T>::detach() const {
    const auto& impl = checked("detach");
    if (impl.value_released)
        throw_released("detach");
    Tensor<T> out(impl.value, false, impl.label);
    return out;
}

template <class T>
void Tensor<T>::backward(const BackwardOptions& options) const {
    BackwardWalk<T>({*this}, {}, options).run();
}
template <class T>
void Tensor<T>::backward(const Array<T>& seed, const BackwardOptions& options) const {
    backward(Tensor<T>(seed), options);
}
template <class T>
void Tensor<T>::backward(const Tensor<T>& seed, const BackwardOptions& options) const {
    BackwardWalk<T>({*this}, {seed}, options).run();
}

template <class T>
const std::string& Tensor<T>::label() const {
    return checked("label").label;
}
template <class T>
Tensor<T>& Tensor<T>::label(std::string text) {
    checked("label").label = std::move(text);
    return *this;
}
template <class T>
Op Tensor<T>::op() const {
    return checked("op").op;
}
template <class T>
const char* Tensor<T>::op_name() const {
    const auto& impl = checked("op_name");
    return impl.user_op ? impl.user_op->name.c_str() : op_info(impl.op).name;
}
template <class T>
const char* Tensor<T>::op_rule() const {
    const auto& impl = checked("op_rule");
    return impl.user_op ? impl.user_op->rule.c_str() : op_info(impl.op).rule;
}
template <class T>
std::vector<Tensor<T>> Tensor<T>::inputs() const {
    const auto& impl = checked("inputs");
    std::vector<Tensor<T>> out;
    for (std::size_t i = 0; i < impl.n_inputs; ++i)
        if (impl.inputs[i])
            out.emplace_back(impl.inputs[i]);
    return out;
}
template <class T>
std::vector<Shape> Tensor<T>::input_shapes() const {
    const auto& impl = checked("input_shapes");
    return {impl.input_shapes.begin(), impl.input_shapes.begin() + impl.n_inputs};
}
template <class T>
const OpParams& Tensor<T>::params() const {
    return checked("params").params;
}
template <class T>
bool Tensor<T>::is_freed() const {
    return checked("is_freed").freed;
}
template <class T>
std::uint64_t Tensor<T>::sequence() const {
    return checked("sequence").sequence;
}
template <class T>
const std::string& Tensor<T>::scope() const {
    static const std::string none;
    const auto* scope = checked("scope").scope;
    return scope ? *scope : none;
}

template class Tensor<float>;
template class Tensor<double>;

} // namespace xgrad
