#pragma once
// Errors the engine throws. Each message names the op, the shapes and labels of the
// tensors involved, and the scope (layer) the op ran in, so it reads where it happened.

#include "autograd/core/tensor.hpp"

#include <stdexcept>
#include <string>

namespace xgrad {

/// Base of every error xgrad throws.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
/// Shapes that do not fit an op: broadcasting, matmul's inner dimension, an axis, a seed.
class ShapeError : public Error {
public:
    using Error::Error;
};
/// Misuse of the graph: backward through a freed graph, on a tensor without a gradient...
class GraphError : public Error {
public:
    using Error::Error;
};
/// A NaN or Inf found while anomaly detection is on.
class AnomalyError : public Error {
public:
    using Error::Error;
};

/// "(4, 3)"; "()" for a scalar.
std::string to_string(const Shape& shape);
/// "W[2] (4, 3)" for a labelled tensor, "(4, 3)" otherwise.
template <class T>
std::string describe(const Tensor<T>& tensor);

namespace detail {
/// `message`, followed by " [in <scope>]" when ops run inside a Scope.
std::string in_scope(std::string message);
} // namespace detail

} // namespace xgrad
