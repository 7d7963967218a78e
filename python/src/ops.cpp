// Every op of the op table (autograd/core/op_list.def) as a function of xgrad, and the
// operators + - * / @ ** of xgrad.Tensor. Arguments may be tensors, numpy arrays or numbers;
// arrays become constant leaves of the tensor's dtype. The GIL is released while an op runs.

#include "common.hpp"

#include <algorithm>
#include <cmath>

namespace xgrad::python {

namespace {

template <class F>
PyTensor unary(py::handle x, const char* op, F f) {
    PyTensor t = as_tensor(x, op);
    return t.visit([&](const auto& v) {
        py::gil_scoped_release release;
        return PyTensor{f(v)};
    });
}

template <class F>
PyTensor binary(py::handle a, py::handle b, const char* op, F f) {
    PyTensor ta, tb;
    if (py::isinstance<PyTensor>(a)) {
        ta = a.cast<PyTensor>();
        tb = as_tensor_like(b, ta, op);
    } else if (py::isinstance<PyTensor>(b)) {
        tb = b.cast<PyTensor>();
        ta = as_tensor_like(a, tb, op);
    } else {
        ta = as_tensor(a, op);
        tb = as_tensor_like(b, ta, op);
    }
    return ta.visit([&](const auto& x) {
        using Tn = std::decay_t<decltype(x)>;
        const Tn& y = std::get<Tn>(tb.t);
        py::gil_scoped_release release;
        return PyTensor{f(x, y)};
    });
}

// A Python shape (tuple or list of ints, one -1 allowed for reshape) as a Shape.
Shape to_shape(py::handle obj, std::size_t size, bool infer, const char* op) {
    std::vector<long long> dims;
    if (py::isinstance<py::int_>(obj))
        dims.push_back(obj.cast<long long>());
    else
        for (py::handle h : obj)
            dims.push_back(h.cast<long long>());
    Shape shape(dims.size());
    std::size_t known = 1;
    int unknown = -1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == -1 && infer && unknown < 0) {
            unknown = static_cast<int>(i);
            continue;
        }
        if (dims[i] < 0)
            throw ShapeError(std::string(op) + ": negative extent " + std::to_string(dims[i]) +
                             " in the shape");
        shape[i] = static_cast<std::size_t>(dims[i]);
        known *= shape[i];
    }
    if (unknown >= 0) {
        if (known == 0 || size % known != 0)
            throw ShapeError(std::string(op) + ": cannot infer -1: " + std::to_string(size) +
                             " elements do not divide into the other extents' " +
                             std::to_string(known));
        shape[static_cast<std::size_t>(unknown)] = size / known;
    }
    return shape;
}

// sum/mean over None (all), one axis or several (numpy's axis tuple).
template <bool mean>
PyTensor reduce(py::handle x, py::object axis, bool keepdims) {
    const char* op = mean ? "mean" : "sum";
    PyTensor t = as_tensor(x, op);
    return t.visit([&](const auto& v) {
        using Tn = std::decay_t<decltype(v)>;
        if (axis.is_none()) {
            py::gil_scoped_release release;
            Tn r = mean ? xgrad::mean(v) : xgrad::sum(v);
            if (keepdims) // numpy's keepdims for all axes: every extent 1
                r = xgrad::reshape(r, Shape(v.dim(), 1));
            return PyTensor{r};
        }
        std::vector<int> axes;
        auto axis_error = [op] {
            return py::type_error(std::string(op) +
                                  ": axis must be None, an int or a tuple of ints");
        };
        if (py::isinstance<py::int_>(axis)) {
            axes.push_back(axis.cast<int>());
        } else {
            if (!py::isinstance<py::tuple>(axis) && !py::isinstance<py::list>(axis))
                throw axis_error();
            for (py::handle h : axis) {
                if (!py::isinstance<py::int_>(h))
                    throw axis_error();
                axes.push_back(h.cast<int>());
            }
        }
        // The engine's several-axes reduction checks the axes and names a bad one.
        py::gil_scoped_release release;
        Tn r = mean ? xgrad::mean(v, axes, keepdims) : xgrad::sum(v, axes, keepdims);
        return PyTensor{r};
    });
}

template <class T>
T as(double c) {
    return static_cast<T>(c);
}

// pow with a tensor on either side and a number on the other.
PyTensor power(py::handle base, py::handle exponent) {
    double p = 0;
    if (py::isinstance<PyTensor>(base) && as_scalar(exponent, p))
        return unary(base, "pow", [p](const auto& x) {
            using T = typename std::decay_t<decltype(x)>::value_type;
            return xgrad::pow(x, as<T>(p));
        });
    double c = 0;
    if (py::isinstance<PyTensor>(exponent) && as_scalar(base, c)) {
        if (!(c > 0))
            throw py::value_error("pow: " + std::to_string(c) +
                                  " ** tensor is taken as exp(tensor * log(c)), so c must be > 0");
        return unary(exponent, "pow", [c](const auto& x) {
            using T = typename std::decay_t<decltype(x)>::value_type;
            return xgrad::exp(xgrad::mul_scalar(x, as<T>(std::log(c))));
        });
    }
    throw py::type_error("pow: one side must be a number (xgrad's pow has a scalar exponent); "
                         "for a tensor exponent write exp(y * log(x))");
}

// x <op> other with other a number (a scalar op) or anything else (a tensor op).
template <class Scalar, class Tensorwise>
py::object arith(const PyTensor& self, py::handle other, const char* op, Scalar scalar,
                 Tensorwise tensorwise, bool reflected) {
    double c = 0;
    py::object me = py::cast(self);
    if (as_scalar(other, c))
        return py::cast(unary(me, op, [&](const auto& x) {
            using T = typename std::decay_t<decltype(x)>::value_type;
            return scalar(x, as<T>(c));
        }));
    if (reflected)
        return py::cast(binary(other, me, op, tensorwise));
    return py::cast(binary(me, other, op, tensorwise));
}

} // namespace

void bind_ops(py::module_& m) {
    auto d = [](const char* what) { return what; };
    // ---- elementwise ----
    m.def(
        "add",
        [](py::object a, py::object b) {
            return binary(a, b, "add", [](const auto& x, const auto& y) { return add(x, y); });
        },
        d("a + b, broadcasting as numpy does"));
    m.def("sub", [](py::object a, py::object b) {
        return binary(a, b, "sub", [](const auto& x, const auto& y) { return sub(x, y); });
    });
    m.def("mul", [](py::object a, py::object b) {
        return binary(a, b, "mul", [](const auto& x, const auto& y) { return mul(x, y); });
    });
    m.def("div", [](py::object a, py::object b) {
        return binary(a, b, "div", [](const auto& x, const auto& y) { return div(x, y); });
    });
    m.def("maximum", [](py::object a, py::object b) {
        return binary(a, b, "maximum", [](const auto& x, const auto& y) { return maximum(x, y); });
    });
    m.def("minimum", [](py::object a, py::object b) {
        return binary(a, b, "minimum", [](const auto& x, const auto& y) { return minimum(x, y); });
    });
#define XGRAD_PY_UNARY(name)                                                                       \
    m.def(#name, [](py::object x) {                                                                \
        return unary(x, #name, [](const auto& v) { return xgrad::name(v); });                      \
    });
    XGRAD_PY_UNARY(neg)
    XGRAD_PY_UNARY(exp)
    XGRAD_PY_UNARY(log)
    XGRAD_PY_UNARY(sqrt)
    XGRAD_PY_UNARY(abs)
    XGRAD_PY_UNARY(tanh)
    XGRAD_PY_UNARY(sigmoid)
    XGRAD_PY_UNARY(relu)
    XGRAD_PY_UNARY(softplus)
#undef XGRAD_PY_UNARY
    m.def(
        "transpose",
        [](py::object x, py::object axes) {
            if (axes.is_none())
                return unary(x, "transpose", [](const auto& v) { return xgrad::transpose(v); });
            auto perm = axes.cast<std::vector<int>>(); // numpy's transpose(x, axes)
            return unary(x, "transpose",
                         [&perm](const auto& v) { return xgrad::transpose(v, perm); });
        },
        py::arg("x"), py::arg("axes") = py::none());
    m.def(
        "add_scalar",
        [](py::object x, double c) {
            return unary(x, "add_scalar", [c](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                return add_scalar(v, as<T>(c));
            });
        },
        py::arg("x"), py::arg("c"));
    m.def(
        "mul_scalar",
        [](py::object x, double c) {
            return unary(x, "mul_scalar", [c](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                return mul_scalar(v, as<T>(c));
            });
        },
        py::arg("x"), py::arg("c"));
    m.def(
        "pow", [](py::object x, py::object p) { return power(x, p); }, py::arg("x"), py::arg("p"),
        "x ** p for a number p (or p ** x for a number p > 0)");
    m.def(
        "leaky_relu",
        [](py::object x, double slope) {
            return unary(x, "leaky_relu", [slope](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                return leaky_relu(v, as<T>(slope));
            });
        },
        py::arg("x"), py::arg("slope") = 0.01);
    m.def(
        "clip",
        [](py::object x, double lo, double hi) {
            return unary(x, "clip", [lo, hi](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                return clip(v, as<T>(lo), as<T>(hi));
            });
        },
        py::arg("x"), py::arg("lo"), py::arg("hi"));
    // ---- reductions and shapes ----
    m.def(
        "sum", [](py::object x, py::object axis, bool k) { return reduce<false>(x, axis, k); },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false,
        "Sum over every element (axis=None), one axis or a tuple of axes, as numpy's sum.");
    m.def(
        "mean", [](py::object x, py::object axis, bool k) { return reduce<true>(x, axis, k); },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
    m.def(
        "sum_to",
        [](py::object x, py::object shape) {
            const Shape s = to_shape(shape, 0, false, "sum_to");
            return unary(x, "sum_to", [&](const auto& v) { return sum_to(v, s); });
        },
        py::arg("x"), py::arg("shape"));
    m.def(
        "broadcast_to",
        [](py::object x, py::object shape) {
            const Shape s = to_shape(shape, 0, false, "broadcast_to");
            return unary(x, "broadcast_to", [&](const auto& v) { return broadcast_to(v, s); });
        },
        py::arg("x"), py::arg("shape"));
    m.def(
        "reshape",
        [](py::object x, py::object shape) {
            PyTensor t = as_tensor(x, "reshape");
            const Shape s =
                to_shape(shape, t.visit([](const auto& v) { return v.size(); }), true, "reshape");
            return unary(py::cast(t), "reshape", [&](const auto& v) { return reshape(v, s); });
        },
        py::arg("x"), py::arg("shape"), "The same data in a new shape; one extent may be -1.");
    // ---- linear algebra ----
    m.def(
        "matmul",
        [](py::object a, py::object b, bool ta, bool tb) {
            return binary(a, b, "matmul",
                          [&](const auto& x, const auto& y) { return matmul(x, y, ta, tb); });
        },
        py::arg("a"), py::arg("b"), py::arg("transpose_a") = false, py::arg("transpose_b") = false,
        "a @ b of 2-D tensors through BLAS (a^T, b^T as flags).");
    m.def(
        "linear",
        [](py::object W, py::object A, py::object b) {
            PyTensor tW = as_tensor(W, "linear");
            PyTensor tA = as_tensor_like(A, tW, "linear");
            PyTensor tb = as_tensor_like(b, tW, "linear");
            return tW.visit([&](const auto& w) {
                using Tn = std::decay_t<decltype(w)>;
                const Tn& a = std::get<Tn>(tA.t);
                const Tn& bb = std::get<Tn>(tb.t);
                py::gil_scoped_release release;
                return PyTensor{linear(w, a, bb)};
            });
        },
        py::arg("W"), py::arg("A"), py::arg("b"), "The course's Z = W A + b in one op.");
    // ---- softmax and losses ----
    m.def(
        "softmax",
        [](py::object x, int axis) {
            return unary(x, "softmax", [axis](const auto& v) { return softmax(v, axis); });
        },
        py::arg("x"), py::arg("axis") = 0,
        "Softmax over `axis` (0: the classes, one column per example, as the course).");
    m.def(
        "log_softmax",
        [](py::object x, int axis) {
            return unary(x, "log_softmax", [axis](const auto& v) { return log_softmax(v, axis); });
        },
        py::arg("x"), py::arg("axis") = 0);
    auto bce = [](py::object Z, py::object Y) {
        return binary(Z, Y, "binary_cross_entropy_with_logits", [](const auto& z, const auto& y) {
            return binary_cross_entropy_with_logits(z, y);
        });
    };
    const char* bce_doc = "Mean cross-entropy of sigmoid(Z) against Y, from the logits Z "
                          "(finite for any Z). Z and Y have the same shape.";
    m.def("binary_cross_entropy_with_logits", bce, py::arg("Z"), py::arg("Y"), bce_doc);
    // ---- backward helpers ----
    m.def("sigmoid_grad", [](py::object g, py::object a) {
        return binary(g, a, "sigmoid_grad",
                      [](const auto& x, const auto& y) { return sigmoid_grad(x, y); });
    });
    m.def("tanh_grad", [](py::object g, py::object a) {
        return binary(g, a, "tanh_grad",
                      [](const auto& x, const auto& y) { return tanh_grad(x, y); });
    });
    m.def("relu_grad", [](py::object g, py::object a) {
        return binary(g, a, "relu_grad",
                      [](const auto& x, const auto& y) { return relu_grad(x, y); });
    });
    m.def(
        "leaky_relu_grad",
        [](py::object g, py::object x, double slope) {
            return binary(g, x, "leaky_relu_grad", [slope](const auto& a, const auto& b) {
                using T = typename std::decay_t<decltype(a)>::value_type;
                return leaky_relu_grad(a, b, as<T>(slope));
            });
        },
        py::arg("g"), py::arg("x"), py::arg("slope") = 0.01);

    // The op table, so that a test can ask every row to have its function here.
    m.def(
        "op_table",
        [] {
            py::list rows;
            for (Op op : all_ops()) {
                const OpInfo& info = op_info(op);
                rows.append(py::make_tuple(info.name, info.arity, info.rule));
            }
            return rows;
        },
        "(name, arity, local derivative) of every op in autograd/core/op_list.def.");

    // ---- operators ----
    py::class_<PyTensor> tensor = py::reinterpret_borrow<py::class_<PyTensor>>(m.attr("Tensor"));
    auto add_t = [](const auto& x, const auto& y) { return add(x, y); };
    auto sub_t = [](const auto& x, const auto& y) { return sub(x, y); };
    auto mul_t = [](const auto& x, const auto& y) { return mul(x, y); };
    auto div_t = [](const auto& x, const auto& y) { return div(x, y); };
    tensor
        .def("__add__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "add", [](const auto& x, auto c) { return add_scalar(x, c); }, add_t,
                     false);
             })
        .def("__radd__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "add", [](const auto& x, auto c) { return add_scalar(x, c); }, add_t,
                     true);
             })
        .def("__sub__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "sub", [](const auto& x, auto c) { return add_scalar(x, -c); }, sub_t,
                     false);
             })
        .def("__rsub__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "sub", [](const auto& x, auto c) { return add_scalar(neg(x), c); },
                     sub_t, true);
             })
        .def("__mul__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "mul", [](const auto& x, auto c) { return mul_scalar(x, c); }, mul_t,
                     false);
             })
        .def("__rmul__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "mul", [](const auto& x, auto c) { return mul_scalar(x, c); }, mul_t,
                     true);
             })
        .def("__truediv__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "div",
                     [](const auto& x, auto c) { return mul_scalar(x, decltype(c)(1) / c); }, div_t,
                     false);
             })
        .def("__rtruediv__",
             [=](const PyTensor& s, py::object o) {
                 return arith(
                     s, o, "div",
                     [](const auto& x, auto c) {
                         return mul_scalar(xgrad::pow(x, decltype(c)(-1)), c);
                     },
                     div_t, true);
             })
        .def("__matmul__",
             [](const PyTensor& s, py::object o) {
                 return binary(py::cast(s), o, "matmul",
                               [](const auto& x, const auto& y) { return matmul(x, y); });
             })
        .def("__rmatmul__",
             [](const PyTensor& s, py::object o) {
                 return binary(o, py::cast(s), "matmul",
                               [](const auto& x, const auto& y) { return matmul(x, y); });
             })
        .def("__neg__",
             [](const PyTensor& s) {
                 return unary(py::cast(s), "neg", [](const auto& x) { return neg(x); });
             })
        .def("__pos__", [](const PyTensor& s) { return s; })
        .def("__pow__", [](const PyTensor& s, py::object p) { return power(py::cast(s), p); })
        .def("__rpow__", [](const PyTensor& s, py::object c) { return power(c, py::cast(s)); });
}

} // namespace xgrad::python
