#pragma once
// What the binding files share: the Python tensor (a C++ tensor of either scalar type), the
// conversions between numpy arrays and xgrad arrays, and one bind_* function per file.

#include "autograd/autograd.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <variant>

namespace xgrad::python {

namespace py = pybind11;

/// xgrad.Tensor: one Python type for both scalar types, as numpy has one ndarray.
struct PyTensor {
    std::variant<Tensor<double>, Tensor<float>> t;

    bool is_double() const { return t.index() == 0; }
    const char* dtype_name() const { return is_double() ? "float64" : "float32"; }
    template <class F>
    decltype(auto) visit(F&& f) const {
        return std::visit(std::forward<F>(f), t);
    }
};

/// The scalar type an object becomes: float32 stays float32 (float16 too), every other real
/// dtype (float64, ints, bools) becomes float64 as numpy's true division makes it; None,
/// complex, strings and objects are refused with a TypeError naming `what` and the dtype.
bool wants_float32(py::handle obj, const std::string& what);

/// An xgrad array copied from any array-like (a copy: xgrad arrays own their memory).
/// Non-contiguous arrays and other dtypes are converted as numpy converts them.
template <class T>
Array<T> to_array(py::handle obj, const std::string& what);

/// A new numpy array holding a copy of `a`.
template <class T>
py::array to_numpy(const Array<T>& a);

/// A read-only numpy view of `a`, whose `base` keeps `owner` (the tensor that holds `a`)
/// alive: the view never dangles.
template <class T>
py::array view_of(const Array<T>& a, const Tensor<T>& owner);

/// `obj` as a tensor: a Tensor is itself; anything else becomes a constant leaf, float32 or
/// float64 as wants_float32 says.
PyTensor as_tensor(py::handle obj, const std::string& what);
/// `obj` as a tensor of `like`'s dtype: a Tensor must have it (else a TypeError naming `op`
/// and both dtypes), an array is converted to it.
PyTensor as_tensor_like(py::handle obj, const PyTensor& like, const std::string& op);

/// A TypeError unless a and b have the same dtype (xgrad has no cast op to differentiate).
void check_same_dtype(const std::string& op, const PyTensor& a, const PyTensor& b);

/// Numbers (Python or numpy scalars, 0-d arrays): their value; anything else: nothing.
bool as_scalar(py::handle obj, double& value);

void bind_errors(py::module_& m);
void bind_tensor(py::module_& m);
void bind_ops(py::module_& m);
void bind_nn(py::module_& m);
void bind_inspect(py::module_& m);
void bind_random(py::module_& m);

} // namespace xgrad::python
