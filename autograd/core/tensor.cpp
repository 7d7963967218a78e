#include "autograd/core/tensor.hpp"

#include "autograd/core/error.hpp"
#include "autograd/kernels/elementwise.hpp"
#include "autograd/ops/ops.hpp"
#include "autograd/core/tape.hpp"

#include <cmath>
#include <sstream>

namespace xgrad {

// --- the op table ---------------------------------------------------------------

namespace {
constexpr OpInfo leaf_info{"leaf", 0, "a leaf: gradients accumulate in .grad"};
constexpr OpInfo op_table[] = {
#define XGRAD_OP(name, arity, rule) {#name, arity, rule},
#include "autograd/core/op_list.def"
#undef XGRAD_OP
};
constexpr std::size_t op_count = sizeof(op_table) / sizeof(op_table[0]);
} // namespace

const OpInfo& op_info(Op op) {
    if (op == Op::leaf) return leaf_info;
    const auto index = static_cast<std::size_t>(op) - 1;
    if (index >= op_count) throw Error("op_info: unknown op id " + std::to_string(index + 1));
    return op_table[index];
}

std::vector<Op> all_ops() {
    std::vector<Op> ops;
    for (std::size_t i = 1; i <= op_count; ++i) ops.push_back(static_cast<Op>(i));
    return ops;
}

// --- messages -------------------------------------------------------------------

std::string to_string(const Shape& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ')';
    return out.str();
}

template <class T>
std::string describe(const Tensor<T>& tensor) {
    if (!tensor.defined()) return "<undefined tensor>";
    if (tensor.label().empty()) return to_string(tensor.shape());
    return tensor.label() + " " + to_string(tensor.shape());
}

namespace detail {
std::string in_scope(std::string message) {
    if (const std::string* scope = current_scope()) message += " [in " + *scope + "]";
    return message;
}
} // namespace detail

// --- TensorImpl -------------------------------------------------------------------

template <class T>
TensorImpl<T>::~TensorImpl() {
    // Destroying the last handle of a long chain would recurse once per node. Inputs
    // that only this node holds and that have inputs of their own are taken apart
    // here, in a loop, before they are destroyed.
    std::vector<std::shared_ptr<TensorImpl>> doomed;
    auto take = [&doomed](std::shared_ptr<TensorImpl>& input) {
        if (input && input.use_count() == 1 && !input->freed &&
            input->n_inputs > 0) doomed.push_back(std::move(input));
        input.reset();
    };
    for (auto& input : inputs) take(input);
    while (!doomed.empty()) {
        std::shared_ptr<TensorImpl> node = std::move(doomed.back());
        doomed.pop_back();
        for (auto& input : node->inputs) take(input);
    }
    detail::give_buffer_to_cache(value);
}

template struct TensorImpl<float>;
template struct TensorImpl<double>;

// --- Tensor -----------------------------------------------------------------------

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
    if (!m_impl) throw Error(std::string("Tensor::") + what + ": the tensor is undefined");
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
        throw GraphError("grad: " + describe(*this) +
                         " has no gradient (" +
                         (impl.requires_grad ? impl.op == Op::leaf
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
        if (impl.inputs[i]) out.emplace_back(impl.inputs[i]);
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

// --- BackwardContext ----------------------------------------------------------

template <class T>
Tensor<T> BackwardContext<T>::input(int i) const {
    return Tensor<T>(node.inputs[static_cast<std::size_t>(i)]);
}
template <class T>
bool BackwardContext<T>::needs(int i) const {
    const auto& in = node.inputs[static_cast<std::size_t>(i)];
    return in && in->requires_grad;
}
template <class T>
const OpParams& BackwardContext<T>::params() const {
    return node.params;
}

// --- recording an op ------------------------------------------------------------

namespace detail {

template <class T>
static bool all_finite(const Array<T>& value) {
    for (const T& v : value)
        if (!std::isfinite(v)) return false;
    return true;
}

template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, std::initializer_list<const Tensor<T>*> inputs,
                      BackwardFn<T> backward, const OpParams& params) {
    bool needs_grad = false;
    if (grad_enabled())
        for (const Tensor<T>* in : inputs) needs_grad = needs_grad || in->requires_grad();
    auto impl = std::make_shared<TensorImpl<T>>(std::move(value));
    if (anomaly_detection_enabled() && !all_finite(impl->value)) {
        std::string shapes;
        for (const Tensor<T>* in : inputs) shapes += (shapes.empty() ? "" : ", ") + describe(*in);
        throw AnomalyError(in_scope(std::string("anomaly: ") + op_info(op).name +
                                    " produced NaN or Inf in its output " +
                                    to_string(impl->value.shape()) + " from inputs " + shapes +
                                    " (tape position " +
                                    std::to_string(Tape<T>::current().next_sequence()) + ")"));
    }
    if (!needs_grad) return Tensor<T>(std::move(impl));
    impl->requires_grad = true;
    impl->op = op;
    impl->backward = backward;
    impl->params = params;
    impl->scope = current_scope();
    std::size_t i = 0;
    for (const Tensor<T>* in : inputs) {
        impl->inputs[i] = in->impl();
        impl->input_shapes[i] = in->shape();
        impl->input_versions[i] = in->impl()->version;
        ++i;
    }
    impl->n_inputs = static_cast<std::uint8_t>(i);
    Tape<T>::current().record(impl);
    return Tensor<T>(std::move(impl));
}

template <class T>
void require_defined(Op op, const Tensor<T>& x, const char* role) {
    if (!x.defined())
        throw Error(in_scope(std::string(op_info(op).name) + ": " + role + " is undefined"));
}

template <class T>
Shape broadcast_shape(Op op, const Tensor<T>& a, const Tensor<T>& b) {
    require_defined(op, a, "first input");
    require_defined(op, b, "second input");
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    if (sa == sb) return sa;
    const std::size_t rank = std::max(sa.size(), sb.size());
    Shape out(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::size_t da = i < rank - sa.size() ? 1 : sa[i - (rank - sa.size())];
        const std::size_t db = i < rank - sb.size() ? 1 : sb[i - (rank - sb.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(in_scope(std::string(op_info(op).name) + ": cannot broadcast " +
                                      describe(a) + " with " + describe(b) + ": axis " +
                                      std::to_string(i) + " has " + std::to_string(da) +
                                      " vs " + std::to_string(db)));
        out[i] = da == 1 ? db : da;
    }
    return out;
}

template <class T>
std::size_t checked_axis(Op op, const Tensor<T>& x, int axis) {
    const int rank = static_cast<int>(x.dim());
    if (axis < -rank || axis >= rank)
        throw ShapeError(in_scope(std::string(op_info(op).name) + ": axis " +
                                  std::to_string(axis) + " is out of range for " + describe(x) +
                                  " of rank " + std::to_string(rank)));
    return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdims) {
    Shape out;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i != axis)
            out.push_back(shape[i]);
        else if (keepdims)
            out.push_back(1);
    }
    return out;
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template Tensor<T> make_result(Op, Array<T>&&, std::initializer_list<const Tensor<T>*>,       \
                                   BackwardFn<T>, const OpParams&);                               \
    template void require_defined(Op, const Tensor<T>&, const char*);                             \
    template Shape broadcast_shape(Op, const Tensor<T>&, const Tensor<T>&);                       \
    template std::size_t checked_axis(Op, const Tensor<T>&, int);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace detail

template class Tensor<float>;
template class Tensor<double>;
template struct BackwardContext<float>;
template struct BackwardContext<double>;
template std::string describe(const Tensor<float>&);
template std::string describe(const Tensor<double>&);

} // namespace xgrad
