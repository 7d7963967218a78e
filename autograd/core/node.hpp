#pragma once
// TensorImpl: a tensor's data and, for an op's result, its node in the graph: which op,
// its inputs, their shapes and versions, the op's parameters and its backward rule.
// Results point to their inputs, never the other way, so a graph lives exactly as long
// as the tensors at its end. Internal: use Tensor.

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/xtensor.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace xgrad {

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

    // Made with its value (see autograd/kernels/new_array.hpp).
    explicit TensorImpl(Array<T>&& v) : value(std::move(v)) {}
    TensorImpl(const TensorImpl&) = delete;
    TensorImpl& operator=(const TensorImpl&) = delete;
    /// Releases a dropped graph iteratively: a 100,000-op chain must not recurse.
    ~TensorImpl();
};

extern template struct TensorImpl<float>;
extern template struct TensorImpl<double>;

} // namespace xgrad
