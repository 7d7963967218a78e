#pragma once
// What the graph writers (autograd/inspect_*.cpp) share: number and shape formatting.
// Not a public header.

#include "autograd/inspect/graph.hpp"
#include "autograd/inspect/text.hpp"

#include <string>

namespace xgrad::detail {

/// A number in 4 significant digits ("0.1235", "1.2e+04"); "nan"/"inf" as such.
std::string number(double value);
/// The extents joined by `separator`, the last written m when it equals batch_size > 1.
std::string dims(const Shape& shape, std::size_t batch_size, const char* separator);
/// "4 x m" for pictures, "scalar" for (); parameters never get an m.
std::string picture_dims(const Shape& shape, std::size_t batch_size, Role role);
/// A gradient under its tensor in a picture: "dW[1] 4 x 3  |g| 0.12", or "dL = 1".
std::string gradient_line(const std::string& label, const Summary& grad, std::size_t batch_size,
                          Role role);
/// A shape for a tensor: parameters never have an example axis, so no m for them.
std::string shape_of(const GraphTensor& tensor, std::size_t batch_size);
/// The course's name for a gradient: "dW[1]" for "W[1]", "grad" when unlabelled.
std::string grad_name(const std::string& label);
/// "shape, norm n, min a, max b, mean c", plus the values when there are few.
std::string summary_text(const Summary& summary, std::size_t batch_size, bool with_values);
/// The values of a small summary: "[1 2; 3 4]" for a matrix, "[1 2 3]" otherwise.
std::string values_text(const Summary& summary);
/// "96 B", "1.5 KiB", "19.6 MiB".
std::string bytes_text(std::size_t bytes);
/// The op with its parameters, as a node caption: "sum axis=1", "* 0.5", "matmul A^T".
std::string op_caption(Op op, const OpParams& params);
/// The same for a tensor of a graph, which knows a custom op's name.
std::string op_caption(const GraphTensor& tensor);
/// ", hooks: 2, post-accumulate hooks: 1" (each only when there are some), or "".
std::string hooks_text(const GraphTensor& tensor);

} // namespace xgrad::detail
