#pragma once
// Tensor: an xtensor array that remembers how it was made.
//
// A tensor is a handle (a shared pointer) to its data. A tensor made by an op also
// holds the op's node: which op, its inputs, its parameters and its backward rule.
// Results point to their inputs, never the other way, so a graph lives exactly as
// long as the tensors at its end. Every node is also entered on the thread's tape
// (autograd/tape.hpp) in recording order, which backward() walks in reverse.

#include "autograd/xtensor.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xgrad {

/// Every op the engine records, from the op table autograd/op_list.def.
enum class Op : std::uint8_t {
    leaf,
#define XGRAD_OP(name, arity, rule) name,
#include "autograd/core/op_list.def"
#undef XGRAD_OP
};

/// What the op table says of one op.
struct OpInfo {
    const char* name;
    int arity;        ///< number of tensor inputs (0 for a leaf)
    const char* rule; ///< its local derivative, for people reading a graph
};

/// The op table row of `op`.
const OpInfo& op_info(Op op);
/// All ops but leaf, in table order.
std::vector<Op> all_ops();

/// Non-tensor arguments of an op, kept on its node for backward and for inspection.
struct OpParams {
    double scalar = 0;      ///< exponent (pow), constant (add/mul_scalar), slope, clip's lo
    double scalar2 = 0;     ///< clip's hi
    int axis = -1;          ///< reductions, softmax: the axis; -1 with all_axes = every axis
    bool all_axes = false;  ///< reductions: over every axis
    bool keepdims = false;  ///< reductions: keep reduced axes with extent 1
    bool transpose_a = false, transpose_b = false; ///< matmul: use A^T / B^T
};

template <class T>
struct TensorImpl;
template <class T>
class Tensor;

/// What a backward rule sees: the gradient at the op's output, the output itself,
/// the inputs, and the op's parameters. Rules use the engine's own ops, so the
/// gradients they return are themselves differentiable under create_graph.
template <class T>
struct BackwardContext {
    const Tensor<T>& grad;   ///< G: dLoss/dOutput
    const Tensor<T>& output; ///< A: the op's result (saved by no one: no reference cycle)
    const TensorImpl<T>& node;
    Tensor<T> input(int i) const;
    /// Whether input i wants a gradient; rules skip the work for those that do not.
    bool needs(int i) const;
    const OpParams& params() const;
};

/// Gradients for each input, in input order; an undefined tensor means "none".
template <class T>
using InputGrads = std::array<Tensor<T>, 3>;

template <class T>
using BackwardFn = InputGrads<T> (*)(const BackwardContext<T>&);

/// How backward runs.
struct BackwardOptions {
    bool retain_graph = false; ///< keep the graph for another backward
    bool create_graph = false; ///< record the backward so gradients can be differentiated
    bool retain_grads = false; ///< keep every intermediate gradient in .grad (inspection)
};

/// A differentiable tensor holding an `Array<T>`. Copying a Tensor copies the handle.
template <class T = double>
class Tensor {
public:
    using value_type = T;

    /// An undefined tensor (no data); `defined()` is false.
    Tensor() = default;
    /// A leaf holding `value`.
    explicit Tensor(Array<T> value, bool requires_grad = false, std::string label = {});
    /// A leaf of the given shape filled with `fill`.
    static Tensor full(const Shape& shape, T fill, bool requires_grad = false);
    static Tensor zeros(const Shape& shape, bool requires_grad = false) {
        return full(shape, T(0), requires_grad);
    }
    static Tensor scalar(T value, bool requires_grad = false);

    bool defined() const { return static_cast<bool>(m_impl); }

    // --- data ---
    const Array<T>& value() const;
    /// Mutable data, for optimisers and initialisers (not recorded on the tape). Counts as
    /// an in-place change (see version()).
    Array<T>& data();
    const Shape& shape() const;
    std::size_t dim() const { return shape().size(); }
    std::size_t size() const;
    /// The single value of a one-element tensor.
    T item() const;

    // --- gradient ---
    bool requires_grad() const;
    /// Ask for (or stop asking for) a gradient; only on leaves.
    Tensor& requires_grad(bool flag);
    /// Whether .grad holds a gradient (leaves after backward, and retain_grad() tensors).
    bool has_grad() const;
    /// The accumulated gradient's values; throws if there is none.
    const Array<T>& grad() const;
    /// The accumulated gradient as a tensor (differentiable after create_graph).
    Tensor grad_tensor() const;
    /// Forget the accumulated gradient.
    void zero_grad();
    /// Keep this non-leaf tensor's gradient in .grad after backward (as PyTorch's retain_grad).
    Tensor& retain_grad();
    /// The same data, cut off from the graph.
    Tensor detach() const;

    // --- backward ---
    using BackwardOptions = xgrad::BackwardOptions;
    /// Backward from a one-element tensor (the loss), seeded with 1.
    void backward() const { backward(BackwardOptions{}); }
    void backward(const BackwardOptions& options) const;
    /// Backward seeded with `seed` (same shape as this tensor), like the course's dA[L].
    void backward(const Array<T>& seed, const BackwardOptions& options = {}) const;
    void backward(const Tensor& seed, const BackwardOptions& options = {}) const;

    // --- identity and graph ---
    const std::string& label() const;
    Tensor& label(std::string text);
    /// The op that made this tensor (Op::leaf for leaves).
    Op op() const;
    bool is_leaf() const { return op() == Op::leaf; }
    /// The op's inputs (empty for leaves and after the node was freed).
    std::vector<Tensor> inputs() const;
    /// The shapes the op's inputs had (kept after the node is freed).
    std::vector<Shape> input_shapes() const;
    const OpParams& params() const;
    /// Whether backward already released this node's inputs.
    bool is_freed() const;
    /// Position in recording order on the thread's tape (0 for leaves).
    std::uint64_t sequence() const;
    /// The scope (e.g. "layer 2 (Dense 4 -> 1)") active when the op ran, or "".
    const std::string& scope() const;
    /// How many times data() handed out the values for changing. An op records its inputs'
    /// versions; backward refuses to run through a tensor changed since, as PyTorch does,
    /// rather than use values the forward never saw.
    std::uint32_t version() const;
    /// Identity of the underlying data, for graph exports.
    const void* id() const { return m_impl.get(); }

    explicit Tensor(std::shared_ptr<TensorImpl<T>> impl) : m_impl(std::move(impl)) {}
    const std::shared_ptr<TensorImpl<T>>& impl() const { return m_impl; }

private:
    TensorImpl<T>& checked(const char* what) const;
    std::shared_ptr<TensorImpl<T>> m_impl;
};

/// The data and, for op results, the node. Internal: use Tensor.
template <class T>
struct TensorImpl {
    Array<T> value;
    Tensor<T> grad;    // accumulated gradient (leaves; retained non-leaves)
    Tensor<T> pending; // gradient gathered during a backward walk
    std::string label;
    bool requires_grad = false;
    bool retains_grad = false;
    std::uint32_t version = 0; // bumped by Tensor::data()
    // The node: set for op results only.
    Op op = Op::leaf;
    bool freed = false;
    std::uint8_t n_inputs = 0;
    std::array<std::shared_ptr<TensorImpl>, 3> inputs{};
    std::array<Shape, 3> input_shapes{};
    std::array<std::uint32_t, 3> input_versions{};
    Tensor<T> saved; // what the forward computed for the backward to reuse (bce: sigmoid(Z))
    OpParams params{};
    BackwardFn<T> backward = nullptr;
    std::uint64_t sequence = 0;
    const std::string* scope = nullptr;

    // Made with its value: an xarray made empty first allocates its 0-d element.
    explicit TensorImpl(Array<T>&& v) : value(std::move(v)) {}
    TensorImpl(const TensorImpl&) = delete;
    TensorImpl& operator=(const TensorImpl&) = delete;
    /// Releases a dropped graph iteratively: a 100,000-op chain must not recurse.
    ~TensorImpl();
};

extern template struct TensorImpl<float>;
extern template struct TensorImpl<double>;

extern template class Tensor<float>;
extern template class Tensor<double>;

/// Gradients of `outputs` (seeded with ones, or with `seeds`) with respect to `inputs`,
/// returned in input order without touching any .grad. An input the outputs do not
/// depend on gets a zero gradient.
template <class T>
std::vector<Tensor<T>> grad(const std::vector<Tensor<T>>& outputs,
                            const std::vector<Tensor<T>>& inputs,
                            const std::vector<Tensor<T>>& seeds = {},
                            bool retain_graph = false, bool create_graph = false);

} // namespace xgrad
