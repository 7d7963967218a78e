#include "autograd/ops/shape_checks.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/scalar_types.hpp"

#include <algorithm>
#include <string>

namespace xgrad::detail {

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
    if (sa == sb)
        return sa;
    const std::size_t rank = std::max(sa.size(), sb.size());
    Shape out(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::size_t da = i < rank - sa.size() ? 1 : sa[i - (rank - sa.size())];
        const std::size_t db = i < rank - sb.size() ? 1 : sb[i - (rank - sb.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(in_scope(std::string(op_info(op).name) + ": cannot broadcast " +
                                      describe(a) + " with " + describe(b) + ": axis " +
                                      std::to_string(i) + " has " + std::to_string(da) + " vs " +
                                      std::to_string(db)));
        out[i] = da == 1 ? db : da;
    }
    return out;
}

template <class T>
std::size_t checked_axis(Op op, const Tensor<T>& x, int axis) {
    const int rank = static_cast<int>(x.dim());
    if (axis < -rank || axis >= rank)
        throw ShapeError(in_scope(std::string(op_info(op).name) + ": axis " + std::to_string(axis) +
                                  " is out of range for " + describe(x) + " of rank " +
                                  std::to_string(rank)));
    return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

template <class T>
Shape checked_axes(Op op, const Tensor<T>& x, const std::vector<int>& axes, bool permutation) {
    const std::string name = op_info(op).name;
    std::string list;
    for (const int axis : axes)
        list += (list.empty() ? "" : ", ") + std::to_string(axis);
    list = "(" + list + (axes.size() == 1 ? ",)" : ")");
    if (permutation && axes.size() != x.dim())
        throw ShapeError(in_scope(name + ": axes " + list + " name " + std::to_string(axes.size()) +
                                  " axes of " + describe(x) + ", which has " +
                                  std::to_string(x.dim()) + ": give each axis once"));
    Shape out;
    for (const int axis : axes) {
        const std::size_t a = checked_axis(op, x, axis);
        if (std::find(out.begin(), out.end(), a) != out.end())
            throw ShapeError(in_scope(name + ": axis " + std::to_string(axis) + " of axes " + list +
                                      " names axis " + std::to_string(a) + " of " + describe(x) +
                                      " again"));
        out.push_back(a);
    }
    return out;
}

Shape reduced_shape(const Shape& shape, const Shape& axes, bool keepdims) {
    Shape out;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (std::find(axes.begin(), axes.end(), i) == axes.end())
            out.push_back(shape[i]);
        else if (keepdims)
            out.push_back(1);
    }
    return out;
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

#define XGRAD_INSTANTIATE(T)                                                                       \
    template void require_defined(Op, const Tensor<T>&, const char*);                              \
    template Shape broadcast_shape(Op, const Tensor<T>&, const Tensor<T>&);                        \
    template std::size_t checked_axis(Op, const Tensor<T>&, int);                                  \
    template Shape checked_axes(Op, const Tensor<T>&, const std::vector<int>&, bool);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::detail
