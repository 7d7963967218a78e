// xgrad.Tensor on numpy arrays, backward and grad(), no_grad and detect_anomaly, gradcheck.

#include "common.hpp"

#include <algorithm>
#include <memory>
#include <optional>

namespace xgrad::python {

// ---- numpy <-> xgrad ---------------------------------------------------------------------

bool wants_float32(py::handle obj, const std::string& what) {
    if (obj.is_none())
        throw py::type_error(what + ": got None, expected an array or a number");
    // numpy's own asarray: a ragged list raises numpy's ValueError (array::ensure would clear it)
    py::array a = py::isinstance<py::array>(obj)
                      ? py::reinterpret_borrow<py::array>(obj)
                      : py::array(py::module_::import("numpy").attr("asarray")(obj));
    const char kind = a.dtype().kind();
    if (kind == 'f')
        return a.itemsize() <= 4;
    if (kind == 'i' || kind == 'u' || kind == 'b')
        return false;
    throw py::type_error(what + ": dtype " + py::str(a.dtype()).cast<std::string>() +
                         " is not a real number type; xgrad computes in float64 and float32 "
                         "(convert with np.asarray(x, dtype=np.float64))");
}

template <class T>
Array<T> to_array(py::handle obj, const std::string& what) {
    wants_float32(obj, what); // refuses None, complex, strings, objects by name
    auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(obj);
    if (!a)
        throw py::error_already_set();
    Shape shape(a.shape(), a.shape() + a.ndim());
    Array<T> out = Array<T>::from_shape(shape);
    std::copy(a.data(), a.data() + a.size(), out.data());
    return out;
}

namespace {
// Row-major strides in bytes (xtensor gives extent-1 axes stride 0; numpy wants real ones).
template <class T>
std::vector<py::ssize_t> c_strides(const Shape& shape) {
    std::vector<py::ssize_t> strides(shape.size());
    py::ssize_t step = sizeof(T);
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = step;
        step *= static_cast<py::ssize_t>(std::max<std::size_t>(shape[i], 1));
    }
    return strides;
}
} // namespace

template <class T>
py::array to_numpy(const Array<T>& a) {
    std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
    return py::array_t<T>(shape, c_strides<T>(a.shape()), a.data()); // no base: copies
}

template <class T>
py::array view_of(const Array<T>& a, const Tensor<T>& owner) {
    // The capsule holds a handle on the tensor's data: the array keeps it alive, whatever
    // becomes of the Python Tensor (or of the tensor's .grad after zero_grad()).
    py::capsule base(new Tensor<T>(owner), [](void* p) { delete static_cast<Tensor<T>*>(p); });
    std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
    py::array_t<T> out(shape, c_strides<T>(a.shape()), a.data(), base);
    // Read-only: writing into it would change values the tape recorded, behind its back.
    py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return std::move(out);
}

PyTensor as_tensor(py::handle obj, const std::string& what) {
    if (py::isinstance<PyTensor>(obj))
        return obj.cast<PyTensor>();
    if (wants_float32(obj, what))
        return PyTensor{Tensor<float>(to_array<float>(obj, what))};
    return PyTensor{Tensor<double>(to_array<double>(obj, what))};
}

void check_same_dtype(const std::string& op, const PyTensor& a, const PyTensor& b) {
    if (a.t.index() != b.t.index())
        throw py::type_error(op + ": a " + a.dtype_name() + " tensor and a " + b.dtype_name() +
                             " tensor; xgrad does not mix them (make both the same dtype)");
}

PyTensor as_tensor_like(py::handle obj, const PyTensor& like, const std::string& op) {
    if (py::isinstance<PyTensor>(obj)) {
        PyTensor other = obj.cast<PyTensor>();
        check_same_dtype(op, like, other);
        return other;
    }
    wants_float32(obj, op);
    if (like.is_double())
        return PyTensor{Tensor<double>(to_array<double>(obj, op))};
    return PyTensor{Tensor<float>(to_array<float>(obj, op))};
}

bool as_scalar(py::handle obj, double& value) {
    if (py::isinstance<py::bool_>(obj) || py::isinstance<py::int_>(obj) ||
        py::isinstance<py::float_>(obj)) {
        value = obj.cast<double>();
        return true;
    }
    if (py::isinstance<py::array>(obj) || py::hasattr(obj, "dtype")) {
        py::array a = py::array::ensure(obj);
        if (a && a.ndim() == 0 && std::string("fiub").find(a.dtype().kind()) != std::string::npos) {
            value = py::float_(py::reinterpret_borrow<py::object>(obj)).cast<double>();
            return true;
        }
    }
    return false;
}

template Array<double> to_array<double>(py::handle, const std::string&);
template Array<float> to_array<float>(py::handle, const std::string&);
template py::array to_numpy<double>(const Array<double>&);
template py::array to_numpy<float>(const Array<float>&);
template py::array to_numpy<std::int64_t>(const Array<std::int64_t>&);

// ---- context managers ----------------------------------------------------------------------

namespace {

// `with xgrad.no_grad():` and friends: the C++ guard lives from __enter__ to __exit__.
template <class Guard>
struct GuardContext {
    std::unique_ptr<Guard> guard;
};

template <class Guard>
void bind_guard(py::module_& m, const char* cls, const char* fn, const char* doc) {
    using Context = GuardContext<Guard>;
    py::class_<Context>(m, cls, doc)
        .def(py::init<>())
        .def("__enter__",
             [](Context& c) -> Context& {
                 c.guard = std::make_unique<Guard>();
                 return c;
             })
        .def("__exit__", [](Context& c, py::args) {
            c.guard.reset();
            return false;
        });
    m.def(
        fn, [] { return GuardContext<Guard>{}; }, doc);
}

BackwardOptions backward_options(bool retain_graph, bool create_graph, bool retain_grads) {
    BackwardOptions o;
    o.retain_graph = retain_graph;
    o.create_graph = create_graph;
    o.retain_grads = retain_grads;
    return o;
}

py::tuple shape_tuple(const Shape& shape) {
    py::tuple t(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i)
        t[i] = shape[i];
    return t;
}

std::string op_name(Op op) {
    return op == Op::leaf ? "leaf" : op_info(op).name;
}

} // namespace

void bind_tensor(py::module_& m) {
    py::class_<PyTensor> tensor(m, "Tensor", R"(A differentiable array (float64 or float32).

Tensor(array, requires_grad=False, label=None, dtype=None): a leaf holding a copy of
`array`. float32 arrays stay float32; other real dtypes become float64 as numpy's true
division makes them; complex, strings, objects and None are refused. `dtype` ("float64",
"float32", np.float32, ...) converts first.)");

    tensor
        .def(py::init([](py::object value, bool requires_grad, py::object label, py::object dtype) {
                 if (!dtype.is_none()) {
                     py::object numpy = py::module_::import("numpy");
                     value = numpy.attr("asarray")(value, py::arg("dtype") = dtype);
                 }
                 PyTensor t = as_tensor(value, "Tensor");
                 if (py::isinstance<PyTensor>(value)) // Tensor(t): a new leaf, t's values
                     t = t.visit([](const auto& x) {
                         using Tn = std::decay_t<decltype(x)>;
                         using T = typename Tn::value_type;
                         return PyTensor{Tn(Array<T>(x.value()))};
                     });
                 const std::string text = label.is_none() ? "" : py::str(label).cast<std::string>();
                 t.visit([&](auto x) {
                     if (requires_grad)
                         x.requires_grad(true);
                     if (!text.empty())
                         x.label(text);
                 });
                 return t;
             }),
             py::arg("value"), py::arg("requires_grad") = false, py::arg("label") = py::none(),
             py::arg("dtype") = py::none())
        .def_property(
            "value",
            [](const PyTensor& self) {
                return self.visit([](const auto& x) { return view_of(x.value(), x); });
            },
            [](PyTensor& self, py::object v) {
                self.visit([&](auto x) {
                    using T = typename decltype(x)::value_type;
                    Array<T> a = to_array<T>(v, "Tensor.value");
                    if (a.shape() != x.shape())
                        throw ShapeError("Tensor.value: a value of shape " + to_string(a.shape()) +
                                         " for " + describe(x) + ": the shape stays");
                    std::copy(a.begin(), a.end(), x.data().begin()); // in place: views stay
                });
            },
            "The values, as a read-only numpy view that keeps the tensor's data alive. "
            "Assigning copies new values in (same shape).")
        .def_property_readonly(
            "grad",
            [](const PyTensor& self) -> py::object {
                return self.visit([](const auto& x) -> py::object {
                    if (!x.has_grad())
                        return py::none();
                    auto g = x.grad_tensor();
                    return view_of(g.value(), g);
                });
            },
            "The accumulated gradient as a read-only numpy view, or None before backward.")
        .def_property_readonly(
            "grad_tensor",
            [](const PyTensor& self) {
                return self.visit([](const auto& x) { return PyTensor{x.grad_tensor()}; });
            },
            "The gradient as a Tensor (differentiable after backward(create_graph=True)).")
        .def_property_readonly("shape",
                               [](const PyTensor& self) {
                                   return self.visit(
                                       [](const auto& x) { return shape_tuple(x.shape()); });
                               })
        .def_property_readonly(
            "ndim",
            [](const PyTensor& self) { return self.visit([](const auto& x) { return x.dim(); }); })
        .def_property_readonly(
            "size",
            [](const PyTensor& self) { return self.visit([](const auto& x) { return x.size(); }); })
        .def_property_readonly(
            "dtype", [](const PyTensor& self) { return py::dtype(std::string(self.dtype_name())); })
        .def_property(
            "requires_grad",
            [](const PyTensor& self) {
                return self.visit([](const auto& x) { return x.requires_grad(); });
            },
            [](PyTensor& self, bool flag) { self.visit([&](auto x) { x.requires_grad(flag); }); })
        .def_property(
            "label",
            [](const PyTensor& self) -> py::object {
                const std::string& text =
                    self.visit([](const auto& x) -> const std::string& { return x.label(); });
                if (text.empty())
                    return py::none();
                return py::str(text);
            },
            [](PyTensor& self, py::object text) {
                self.visit([&](auto x) {
                    x.label(text.is_none() ? std::string() : py::str(text).cast<std::string>());
                });
            })
        .def_property_readonly(
            "op",
            [](const PyTensor& self) {
                return self.visit([](const auto& x) { return op_name(x.op()); });
            },
            "The op that made it: 'leaf', 'matmul', 'relu', ...")
        .def_property_readonly("is_leaf",
                               [](const PyTensor& self) {
                                   return self.visit([](const auto& x) { return x.is_leaf(); });
                               })
        .def_property_readonly(
            "value_released",
            [](const PyTensor& self) {
                return self.visit([](const auto& x) { return x.value_released(); });
            },
            "Whether this op result's values were released: no backward rule reads them and "
            "no tensor held them (reached through another tensor's inputs)")
        .def_property_readonly("inputs",
                               [](const PyTensor& self) {
                                   return self.visit([](const auto& x) {
                                       std::vector<PyTensor> out;
                                       for (auto& i : x.inputs())
                                           out.push_back(PyTensor{i});
                                       return out;
                                   });
                               })
        .def("item",
             [](const PyTensor& self) {
                 return self.visit([](const auto& x) { return static_cast<double>(x.item()); });
             })
        .def("detach",
             [](const PyTensor& self) {
                 return self.visit([](const auto& x) { return PyTensor{x.detach()}; });
             })
        .def("retain_grad",
             [](PyTensor& self) -> PyTensor& {
                 self.visit([](auto x) { x.retain_grad(); });
                 return self;
             })
        .def("zero_grad", [](PyTensor& self) { self.visit([](auto x) { x.zero_grad(); }); })
        .def(
            "backward",
            [](const PyTensor& self, py::object seed, bool retain_graph, bool create_graph,
               bool retain_grads) {
                const BackwardOptions o =
                    backward_options(retain_graph, create_graph, retain_grads);
                if (seed.is_none()) {
                    self.visit([&](const auto& x) {
                        py::gil_scoped_release release;
                        x.backward(o);
                    });
                    return;
                }
                PyTensor s = as_tensor_like(seed, self, "backward");
                self.visit([&](const auto& x) {
                    using Tn = std::decay_t<decltype(x)>;
                    const Tn& st = std::get<Tn>(s.t);
                    py::gil_scoped_release release;
                    x.backward(st, o);
                });
            },
            py::arg("seed") = py::none(), py::arg("retain_graph") = false,
            py::arg("create_graph") = false, py::arg("retain_grads") = false,
            "Backward from this tensor: seeded with 1 for a one-element loss, or with `seed` "
            "(same shape; the course's dA[L]). Gradients add up in the leaves' .grad. "
            "retain_graph keeps the graph for another backward (and for inspect), retain_grads "
            "keeps every intermediate gradient, create_graph records the backward.")
        .def(
            "__array__",
            [](const PyTensor& self, py::object dtype) {
                py::array a = self.visit([](const auto& x) { return to_numpy(x.value()); });
                if (!dtype.is_none())
                    return py::array(a.attr("astype")(dtype));
                return a;
            },
            py::arg("dtype") = py::none())
        .def("__len__",
             [](const PyTensor& self) {
                 return self.visit([](const auto& x) -> std::size_t {
                     if (x.dim() == 0)
                         throw py::type_error("len() of a 0-d tensor");
                     return x.shape()[0];
                 });
             })
        .def("__float__",
             [](const PyTensor& self) {
                 return self.visit([](const auto& x) { return static_cast<double>(x.item()); });
             })
        .def("__repr__", [](const PyTensor& self) {
            return self.visit([&](const auto& x) {
                std::string out = "Tensor(";
                if (x.value_released()) // reached through inputs: only its shape is left
                    out += "<values released>, shape=" +
                           py::repr(shape_tuple(x.shape())).template cast<std::string>();
                else
                    out += py::repr(to_numpy(x.value())).template cast<std::string>();
                if (!x.label().empty())
                    out += ", label='" + x.label() + "'";
                if (!x.is_leaf())
                    out += ", op=" + op_name(x.op());
                if (x.requires_grad())
                    out += ", requires_grad=True";
                return out + ")";
            });
        });

    m.def(
        "grad",
        [](py::object outputs, py::object inputs, py::object grad_outputs, bool retain_graph,
           bool create_graph) {
            auto listed = [](py::object o, const char* what) {
                std::vector<PyTensor> out;
                if (py::isinstance<PyTensor>(o))
                    out.push_back(o.cast<PyTensor>());
                else
                    for (py::handle h : o)
                        out.push_back(as_tensor(h, what));
                return out;
            };
            const bool single = py::isinstance<PyTensor>(inputs);
            std::vector<PyTensor> outs = listed(outputs, "grad: outputs");
            std::vector<PyTensor> ins = listed(inputs, "grad: inputs");
            std::vector<PyTensor> seeds;
            if (!grad_outputs.is_none()) {
                if (py::isinstance<PyTensor>(grad_outputs) ||
                    py::isinstance<py::array>(grad_outputs))
                    seeds.push_back(as_tensor_like(grad_outputs, outs.at(0), "grad"));
                else
                    for (py::handle h : grad_outputs)
                        seeds.push_back(as_tensor_like(h, outs.at(0), "grad"));
            }
            if (outs.empty())
                throw py::value_error("grad: no outputs");
            for (const auto& t : outs)
                check_same_dtype("grad", outs[0], t);
            for (const auto& t : ins)
                check_same_dtype("grad", outs[0], t);
            std::vector<PyTensor> result = outs[0].visit([&](const auto& first) {
                using Tn = std::decay_t<decltype(first)>;
                std::vector<Tn> o, i, s;
                for (auto& t : outs)
                    o.push_back(std::get<Tn>(t.t));
                for (auto& t : ins)
                    i.push_back(std::get<Tn>(t.t));
                for (auto& t : seeds)
                    s.push_back(std::get<Tn>(t.t));
                std::vector<Tn> g;
                {
                    py::gil_scoped_release release;
                    g = xgrad::grad(o, i, s, retain_graph, create_graph);
                }
                std::vector<PyTensor> r;
                for (auto& t : g)
                    r.push_back(PyTensor{t});
                return r;
            });
            if (single)
                return py::cast(result.at(0));
            return py::cast(result);
        },
        py::arg("outputs"), py::arg("inputs"), py::arg("grad_outputs") = py::none(),
        py::arg("retain_graph") = false, py::arg("create_graph") = false,
        "Gradients of `outputs` with respect to `inputs` (a Tensor, or a list: then a list), "
        "without touching any .grad; as torch.autograd.grad.");

    bind_guard<NoGrad>(m, "_NoGrad", "no_grad",
                       "with xgrad.no_grad(): ops on this thread record nothing.");
    bind_guard<DetectAnomaly>(m, "_DetectAnomaly", "detect_anomaly",
                              "with xgrad.detect_anomaly(): the first NaN or Inf in an op's "
                              "output or gradient raises AnomalyError naming the op.");
    m.def("grad_enabled", &grad_enabled, "Whether ops on this thread record for backward.");

    // gradcheck: the engine's float64 check against central differences.
    py::class_<GradcheckInput>(m, "GradcheckInput")
        .def_readonly("relative_difference", &GradcheckInput::relative_difference)
        .def_readonly("worst_entry", &GradcheckInput::worst_entry)
        .def_readonly("analytic", &GradcheckInput::analytic)
        .def_readonly("numeric", &GradcheckInput::numeric)
        .def_readonly("passed", &GradcheckInput::passed)
        .def("__repr__", [](const GradcheckInput& i) {
            return "GradcheckInput(relative_difference=" + std::to_string(i.relative_difference) +
                   ", passed=" + (i.passed ? "True" : "False") + ")";
        });
    py::class_<GradcheckResult>(m, "GradcheckResult")
        .def_readonly("inputs", &GradcheckResult::inputs)
        .def_readonly("threshold", &GradcheckResult::threshold)
        .def_readonly("passed", &GradcheckResult::passed)
        .def("__bool__", [](const GradcheckResult& r) { return r.passed; })
        .def("__str__", &GradcheckResult::report)
        .def("__repr__", &GradcheckResult::report);
    m.def(
        "gradcheck",
        [](py::function f, py::object inputs, double epsilon, double threshold, unsigned seed) {
            std::vector<Array<double>> values;
            for (py::handle h : inputs) {
                if (py::isinstance<PyTensor>(h)) {
                    PyTensor t = h.cast<PyTensor>();
                    values.push_back(t.visit([](const auto& x) {
                        Array<double> a = xt::cast<double>(x.value());
                        return a;
                    }));
                } else {
                    values.push_back(to_array<double>(h, "gradcheck: inputs"));
                }
            }
            GradcheckOptions o;
            o.epsilon = epsilon;
            o.threshold = threshold;
            o.seed = seed;
            DifferentiableFunction fn = [&f](const std::vector<Tensor<double>>& xs) {
                py::tuple args(xs.size());
                for (std::size_t i = 0; i < xs.size(); ++i)
                    args[i] = py::cast(PyTensor{xs[i]});
                py::object y = f(*args);
                if (!py::isinstance<PyTensor>(y))
                    throw py::type_error("gradcheck: f returned " +
                                         py::repr(py::type::of(y)).cast<std::string>() +
                                         ", expected an xgrad.Tensor made from its inputs");
                PyTensor out = y.cast<PyTensor>();
                if (!out.is_double())
                    throw py::type_error("gradcheck: f returned a float32 tensor; the check "
                                         "differentiates in float64");
                return std::get<Tensor<double>>(out.t);
            };
            return gradcheck(fn, values, o);
        },
        py::arg("f"), py::arg("inputs"), py::arg("epsilon") = 1e-6, py::arg("threshold") = 1e-7,
        py::arg("seed") = 0,
        "Checks f(*inputs)'s gradient against central differences in float64: per input "
        "||g - g_num|| / (||g|| + ||g_num||), the worst entry, pass/fail against `threshold`.");
}

} // namespace xgrad::python
