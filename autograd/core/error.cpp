#include "autograd/core/error.hpp"

#include "autograd/core/scope.hpp"

#include <sstream>

namespace xgrad {

std::string to_string(const Shape& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ')';
    return out.str();
}

template <class T>
std::string describe(const Tensor<T>& tensor) {
    if (!tensor.defined())
        return "<undefined tensor>";
    if (tensor.label().empty())
        return to_string(tensor.shape());
    return tensor.label() + " " + to_string(tensor.shape());
}

namespace detail {
std::string in_scope(std::string message) {
    if (const std::string* scope = current_scope())
        message += " [in " + *scope + "]";
    return message;
}
} // namespace detail

template std::string describe(const Tensor<float>&);
template std::string describe(const Tensor<double>&);

} // namespace xgrad
