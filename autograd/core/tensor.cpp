#include "autograd/core/tensor.hpp"

#include "autograd/core/backward_walk.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"

namespace xgrad {

template <class T>
Tensor<T>::Tensor(Array<T> value, bool requires_grad, std::string label)
    : m_impl(std::make_shared<TensorImpl<T>>(std::move(value))) {
    m_impl->requires_grad = requires_grad;
    m_impl->label = std::move(label);
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
    return checked("value").value;
}
template <class T>
Array<T>& Tensor<T>::data() {
    auto& impl = checked("data");
    ++impl.version;
    return impl.value;
}
template <class T>
std::uint32_t Tensor<T>::version() const {
    return checked("version").version;
}
template <class T>
const Shape& Tensor<T>::shape() const {
    return checked("shape").value.shape();
}
template <class T>
std::size_t Tensor<T>::size() const {
    return checked("size").value.size();
}
template <class T>
T Tensor<T>::item() const {
    const auto& value = checked("item").value;
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
        throw GraphError("requires_grad: " + describe(*this) + " is the result of " +
                         op_info(impl.op).name +
                         ", not a leaf; its gradient flows from its inputs (use detach())");
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
Tensor<T> Tensor<T>::detach() const {
    const auto& impl = checked("detach");
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
