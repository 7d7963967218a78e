#pragma once
// A parameter and its key, as the course's dictionary names it ("W1", "b1", ...).

#include "autograd/autograd.hpp"

#include <string>

namespace xgrad::nn {

/// A parameter and its key in the course's dictionary: "W1", "b1", "W2", ...
template <class T>
struct NamedTensor {
    std::string name;
    Tensor<T> tensor;
};

} // namespace xgrad::nn
