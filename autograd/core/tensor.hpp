#pragma once
// Tensor: an xtensor array that remembers how it was made.
//
// A tensor is a handle (a shared pointer) to its data. A tensor made by an op also
// holds the op's node (autograd/core/node.hpp): which op, its inputs, its parameters and
// its backward rule. Every node is also entered on the thread's tape
// (autograd/core/tape.hpp) in recording order, which backward() walks in reverse.

#include "autograd/core/backward_options.hpp"
#include "autograd/core/hooks.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/xtensor.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace xgrad {

template <class T>
struct TensorImpl;

/// A differentiable tensor holding an `Array<T>`. Copying a Tensor copies the handle.
template <class T = double>
class Tensor {
public:
    using value_type = T;

    /// An undefined tensor (no data); `defined()` is false.
    Tensor() = default;
    // A Tensor is a counted handle: when an op result's last handle goes while the graph
    // still holds it, a value no backward rule keeps is released (value_released()).
    Tensor(const Tensor& other);
    Tensor(Tensor&& other) noexcept : m_impl(std::move(other.m_impl)) {}
    Tensor& operator=(const Tensor& other);
    Tensor& operator=(Tensor&& other) noexcept;
    ~Tensor();
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
    /// The values. Throws GraphError when they were released (value_released()).
    const Array<T>& value() const;
    /// Whether this op result's values were released: no recorded backward rule reads them
    /// (the op table's keeps column) and no Tensor held them any more, so the graph kept
    /// only the node. Such a tensor is reached only through another's inputs(); its shape
    /// stays known. Keep a Tensor to an intermediate while recording to keep its values.
    bool value_released() const;
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
    /// The accumulated gradient's values, for changing in place (a post-accumulate hook
    /// averaging gradients across processes). Shared or recorded, it is first replaced by a
    /// copy of its own, so no other tensor's gradient and no recorded graph changes with it.
    Array<T>& mutable_grad();
    /// The same data, cut off from the graph.
    Tensor detach() const;

    // --- hooks (as PyTorch's; docs/hooks-and-custom-ops.md) ---
    /// A tensor hook: sees the gradient arriving at this tensor in a backward walk (for a
    /// leaf, its whole gradient from this walk, before it is added to .grad; for an op
    /// result, before its op's rule uses it) and may return a replacement of the same shape.
    using GradHook = std::function<std::optional<Tensor>(const Tensor& grad)>;
    /// Called once a leaf's .grad is complete for this backward (after its last contribution
    /// was added), with the leaf; it may change the leaf's mutable_grad().
    using PostAccumulateHook = std::function<void(Tensor& leaf)>;
    /// Registers a tensor hook, on a leaf or an op result. `hook` takes the gradient as a
    /// `const Tensor<T>&` or a `const Array<T>&`, and returns nothing (it only looks), a
    /// replacement, or an optional replacement (std::nullopt: keep the gradient). Hooks run
    /// in registration order, each seeing the previous one's replacement; grad() runs them
    /// too. They stay through retain_graph and further backward calls until removed.
    template <class F>
    HookHandle register_hook(F hook);
    /// Registers a post-accumulate hook on a leaf that requires grad. Not run by grad(),
    /// which accumulates nothing.
    HookHandle register_post_accumulate_grad_hook(PostAccumulateHook hook);
    /// How many tensor hooks / post-accumulate hooks are registered.
    std::size_t hook_count() const;
    std::size_t post_accumulate_hook_count() const;

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
    /// The op that made this tensor (Op::leaf for leaves, Op::custom for a CustomOp's).
    Op op() const;
    /// The op's name: the op table's, or a CustomOp's own ("swish").
    const char* op_name() const;
    /// The op's local derivative: the op table's rule, or a CustomOp's.
    const char* op_rule() const;
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

    explicit Tensor(std::shared_ptr<TensorImpl<T>> impl);
    const std::shared_ptr<TensorImpl<T>>& impl() const { return m_impl; }

private:
    TensorImpl<T>& checked(const char* what) const;
    [[noreturn]] void throw_released(const char* what) const;
    HookHandle add_grad_hook(GradHook hook);
    std::shared_ptr<TensorImpl<T>> m_impl;
};

template <class T>
template <class F>
HookHandle Tensor<T>::register_hook(F hook) {
    // Every accepted form becomes a GradHook: gradient in, optional replacement out.
    if constexpr (std::is_invocable_v<F&, const Tensor&>) {
        using R = std::invoke_result_t<F&, const Tensor&>;
        return add_grad_hook([hook = std::move(hook)](const Tensor& g) mutable {
            if constexpr (std::is_void_v<R>) {
                hook(g);
                return std::optional<Tensor>();
            } else if constexpr (detail::is_optional<R>::value) {
                return std::optional<Tensor>(hook(g));
            } else {
                return std::optional<Tensor>(Tensor(hook(g)));
            }
        });
    } else {
        static_assert(std::is_invocable_v<F&, const Array<T>&>,
                      "register_hook: the hook takes the gradient as const Tensor<T>& or "
                      "const Array<T>&");
        using R = std::invoke_result_t<F&, const Array<T>&>;
        return add_grad_hook([hook = std::move(hook)](const Tensor& g) mutable {
            if constexpr (std::is_void_v<R>) {
                hook(g.value());
                return std::optional<Tensor>();
            } else if constexpr (detail::is_optional<R>::value) {
                auto replacement = hook(g.value());
                return replacement
                           ? std::optional<Tensor>(Tensor(Array<T>(std::move(*replacement))))
                           : std::optional<Tensor>();
            } else {
                return std::optional<Tensor>(Tensor(Array<T>(hook(g.value()))));
            }
        });
    }
}

extern template class Tensor<float>;
extern template class Tensor<double>;

} // namespace xgrad
