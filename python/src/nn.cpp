// xgrad._xgrad.nn: the course's L-layer Model (float64), its optimisers, fit, and the
// gradient check (nn/compare) on the course's own dictionaries. xgrad/nn.py wraps these.

#include "common.hpp"

#include "nn/data_checks.hpp"
#include "nn/nn.hpp"

#include <map>
#include <sstream>

namespace xgrad::python {

namespace {

using Model = nn::Model<double>;
using Optimizer = nn::Optimizer<double>;

std::vector<nn::Activation> activations_of(py::handle obj) {
    if (py::isinstance<py::str>(obj))
        return nn::parse_activations(obj.cast<std::string>());
    std::vector<nn::Activation> out;
    for (py::handle h : obj)
        out.push_back(nn::parse_activation(py::str(h).cast<std::string>()));
    return out;
}

// "dW1", "db2", "dz3", "DA0": d, one of W b Z A in either case, then digits.
bool looks_like_gradient_key(const std::string& name) {
    if (name.size() < 3 || (name[0] != 'd' && name[0] != 'D') ||
        std::string("WwBbZzAa").find(name[1]) == std::string::npos)
        return false;
    for (std::size_t i = 2; i < name.size(); ++i)
        if (name[i] < '0' || name[i] > '9')
            return false;
    return true;
}

py::list activation_names(const Model& model) {
    py::list out;
    for (nn::Activation a : model.activations())
        out.append(std::string(nn::to_string(a)));
    return out;
}

// The course's dictionary {"W1": ndarray, ...} as xgrad arrays, each a real float array.
std::map<std::string, Array<double>> arrays_of(py::dict d, const std::string& what) {
    std::map<std::string, Array<double>> out;
    for (auto [key, value] : d) {
        const std::string name = py::str(key).cast<std::string>();
        out.emplace(name, to_array<double>(value, what + "[\"" + name + "\"]"));
    }
    return out;
}

py::dict dict_of(const std::map<std::string, Array<double>>& arrays) {
    py::dict out;
    for (const auto& [key, value] : arrays)
        out[py::str(key)] = to_numpy(value);
    return out;
}

Tensor<double> tensor_of(py::handle obj, const char* what) {
    PyTensor t = as_tensor(obj, what);
    if (!t.is_double()) { // the model is float64: a float32 X is converted, as numpy would
        const auto& f = std::get<Tensor<float>>(t.t);
        return Tensor<double>(Array<double>(xt::cast<double>(f.value())));
    }
    return std::get<Tensor<double>>(t.t);
}

Array<double> array_of(py::handle obj, const char* what) {
    if (py::isinstance<PyTensor>(obj))
        return Array<double>(tensor_of(obj, what).value());
    return to_array<double>(obj, what);
}

py::dict epoch_dict(const nn::EpochStats& e) {
    py::dict d;
    d["epoch"] = e.epoch;
    d["loss"] = e.loss;
    d["accuracy"] = e.accuracy;
    d["seconds"] = e.seconds;
    d["learning_rate"] = e.learning_rate;
    return d;
}

py::dict difference_dict(const nn::Difference& d) {
    py::dict out;
    out["available"] = d.available;
    out["relative"] = d.available ? py::cast(d.relative) : py::none();
    out["max_abs"] = d.available ? py::cast(d.max_abs) : py::none();
    out["passed"] = d.passed;
    out["entries"] = d.entries;
    out["worst_index"] = py::tuple(py::cast(d.worst_index));
    out["worst_autodiff"] = d.worst_autodiff;
    out["worst_other"] = d.worst_other;
    out["note"] = d.note;
    return out;
}

// The comparison as plain Python data; xgrad/check.py makes the report object of it.
py::dict comparison_dict(const nn::Comparison& c) {
    py::dict out;
    out["network"] = c.network;
    out["loss"] = c.loss;
    out["m"] = c.m;
    out["epsilon"] = c.epsilon;
    out["threshold"] = c.threshold;
    out["network_threshold"] = c.network_threshold;
    out["stencil"] = c.stencil == nn::Stencil::two_point ? "two-point" : "five-point";
    out["manual_label"] = c.manual_label;
    out["manual_source"] = c.manual_source;
    out["network_autodiff"] = c.network_autodiff < 0 ? py::none() : py::cast(c.network_autodiff);
    out["network_manual"] = c.network_manual < 0 ? py::none() : py::cast(c.network_manual);
    out["not_supplied"] = c.not_supplied;
    out["manual_breakdown"] = c.manual_breakdown;
    out["notes"] = c.notes;
    out["failing"] = c.failing();
    out["first_disagreement"] = c.first_disagreement();
    const nn::CompareRow* wrong = c.first_manual_failure();
    out["first_wrong"] = wrong ? py::cast(wrong->tensor) : py::none();
    out["passed"] = c.passed();
    py::list rows;
    for (const nn::CompareRow& r : c.rows) {
        py::dict row;
        row["layer"] = r.layer;
        row["tensor"] = r.tensor;
        row["shape"] =
            py::tuple(py::cast(std::vector<std::size_t>(r.shape.begin(), r.shape.end())));
        row["autodiff_finite"] = r.autodiff_finite;
        row["manual"] = difference_dict(r.manual);
        row["numeric"] = difference_dict(r.numeric);
        row["supplied"] = r.supplied;
        row["hint"] = r.hint;
        row["passed"] = r.passed();
        row["verdict"] = r.verdict(c.manual_label);
        rows.append(row);
    }
    out["rows"] = rows;
    std::ostringstream text;
    nn::print(text, c);
    out["text"] = text.str();
    return out;
}

} // namespace

void bind_nn(py::module_& m) {
    py::class_<Model>(m, "Model", "The course's L-layer network (float64); see xgrad.nn.Model.")
        .def(py::init([](std::vector<std::size_t> dims, py::object activations,
                         const std::string& init, unsigned seed, const std::string& generator) {
                 return Model(dims, activations_of(activations),
                              nn::Initializer<double>(nn::parse_init(init), seed,
                                                      nn::parse_generator(generator)));
             }),
             py::arg("layer_dims"), py::arg("activations"), py::arg("init") = "he",
             py::arg("seed") = 1, py::arg("generator") = "standard")
        .def_static(
            "from_parameters",
            [](py::dict parameters, py::object activations) {
                return Model::from_parameters(arrays_of(parameters, "parameters"),
                                              activations_of(activations));
            },
            py::arg("parameters"), py::arg("activations"))
        .def_property_readonly("L", &Model::L)
        .def_property_readonly("layer_dims", &Model::layer_dims)
        .def_property_readonly("activations", &activation_names)
        .def("summary", &Model::summary)
        .def("parameter_count", &Model::parameter_count)
        .def("parameters", [](const Model& model) { return dict_of(model.parameter_values()); })
        .def("tensors",
             [](const Model& model) {
                 py::dict out;
                 for (const auto& p : model.parameters())
                     out[py::str(p.name)] = PyTensor{p.tensor};
                 return out;
             })
        .def("load_parameters",
             [](Model& model, py::dict values) {
                 // In place, so that numpy views of the parameters stay valid.
                 auto arrays = arrays_of(values, "parameters");
                 auto current = model.parameter_values();
                 for (const auto& [key, a] : arrays) {
                     auto it = current.find(key);
                     if (it == current.end())
                         throw py::key_error("load_parameters: " + key + " is not a parameter of " +
                                             model.summary());
                     if (a.shape() != it->second.shape())
                         throw ShapeError("load_parameters: " + key + " has shape " +
                                          to_string(a.shape()) + ", the model's is " +
                                          to_string(it->second.shape()));
                 }
                 for (auto& p : model.parameters())
                     if (auto it = arrays.find(p.name); it != arrays.end())
                         std::copy(it->second.begin(), it->second.end(), p.tensor.data().begin());
             })
        .def("zero_grad", &Model::zero_grad)
        .def("forward",
             [](const Model& model, py::object X) {
                 Tensor<double> x = tensor_of(X, "forward: X");
                 py::gil_scoped_release release;
                 return PyTensor{model.forward(x)};
             })
        .def("logits",
             [](const Model& model, py::object X) {
                 Tensor<double> x = tensor_of(X, "logits: X");
                 py::gil_scoped_release release;
                 return PyTensor{model.logits(x)};
             })
        .def("loss",
             [](const Model& model, py::object X, py::object Y) {
                 Tensor<double> x = tensor_of(X, "loss: X"), y = tensor_of(Y, "loss: Y");
                 py::gil_scoped_release release;
                 return PyTensor{model.loss(x, y)};
             })
        .def("predict",
             [](const Model& model, py::object X) {
                 Tensor<double> x = tensor_of(X, "predict: X");
                 Array<double> out;
                 {
                     py::gil_scoped_release release;
                     out = model.predict(x);
                 }
                 return to_numpy(out);
             })
        .def("predict_proba",
             [](const Model& model, py::object X) {
                 Tensor<double> x = tensor_of(X, "predict_proba: X");
                 Array<double> out;
                 {
                     py::gil_scoped_release release;
                     out = model.predict_proba(x);
                 }
                 return to_numpy(out);
             })
        .def("evaluate",
             [](const Model& model, py::object X, py::object Y) {
                 Array<double> x = array_of(X, "evaluate: X"), y = array_of(Y, "evaluate: Y");
                 nn::Evaluation e;
                 {
                     py::gil_scoped_release release;
                     e = nn::evaluate(model, x, y);
                 }
                 py::dict d;
                 d["loss"] = e.loss;
                 d["accuracy"] = e.accuracy;
                 return d;
             })
        .def("__repr__", [](const Model& model) { return "Model(" + model.summary() + ")"; });

    py::class_<Optimizer>(m, "Optimizer")
        .def("step",
             [](Optimizer& o) {
                 py::gil_scoped_release release;
                 o.step();
             })
        .def("zero_grad", &Optimizer::zero_grad)
        .def_property_readonly("name", [](const Optimizer& o) { return std::string(o.name()); })
        .def_property(
            "learning_rate", [](const Optimizer& o) { return o.learning_rate(); },
            [](Optimizer& o, double alpha) { o.learning_rate(alpha); })
        .def("state", [](const Optimizer& o) { return dict_of(o.state()); })
        .def("load_state",
             [](Optimizer& o, py::dict state) { o.load_state(arrays_of(state, "state")); });
    // Each optimiser keeps the model alive: it updates the model's tensors.
    py::class_<nn::GradientDescent<double>, Optimizer>(m, "GradientDescent")
        .def(py::init([](const Model& model, double lr) {
                 return nn::GradientDescent<double>(model.parameters(), lr);
             }),
             py::arg("model"), py::arg("learning_rate"), py::keep_alive<1, 2>());
    py::class_<nn::Momentum<double>, Optimizer>(m, "Momentum")
        .def(py::init([](const Model& model, double lr, double beta) {
                 return nn::Momentum<double>(model.parameters(), lr, beta);
             }),
             py::arg("model"), py::arg("learning_rate"), py::arg("beta") = 0.9,
             py::keep_alive<1, 2>());
    py::class_<nn::Adam<double>, Optimizer>(m, "Adam")
        .def(py::init([](const Model& model, double lr, double beta1, double beta2, double eps) {
                 return nn::Adam<double>(model.parameters(), lr, beta1, beta2, eps);
             }),
             py::arg("model"), py::arg("learning_rate"), py::arg("beta1") = 0.9,
             py::arg("beta2") = 0.999, py::arg("epsilon") = 1e-8, py::keep_alive<1, 2>())
        .def_property_readonly("t", &nn::Adam<double>::t);

    m.def(
        "fit",
        [](const Model& model, Optimizer& optimizer, py::object X, py::object Y, std::size_t epochs,
           std::size_t batch_size, bool shuffle, unsigned seed, const std::string& generator,
           double lambd, py::object on_batch, py::object on_epoch) {
            const Array<double> x = array_of(X, "fit: X"), y = array_of(Y, "fit: Y");
            nn::FitOptions o;
            o.epochs = epochs;
            o.batch_size = batch_size;
            o.shuffle = shuffle;
            o.seed = seed;
            o.generator = nn::parse_generator(generator);
            o.lambd = lambd;
            // The callbacks run Python: they take the GIL back, and a KeyboardInterrupt or
            // an error in them stops training as an exception through fit.
            if (!on_batch.is_none())
                o.on_batch = [&on_batch](const nn::BatchProgress& p) {
                    py::gil_scoped_acquire gil;
                    on_batch(p.epoch, p.epochs, p.batch, p.batches, p.loss, p.seconds);
                    if (PyErr_CheckSignals() != 0)
                        throw py::error_already_set();
                };
            if (!on_epoch.is_none())
                o.on_epoch = [&on_epoch](const nn::EpochStats& e) {
                    py::gil_scoped_acquire gil;
                    on_epoch(epoch_dict(e));
                    if (PyErr_CheckSignals() != 0)
                        throw py::error_already_set();
                };
            std::vector<nn::EpochStats> stats;
            {
                py::gil_scoped_release release;
                stats = nn::fit(model, optimizer, x, y, o);
            }
            py::list out;
            for (const auto& e : stats)
                out.append(epoch_dict(e));
            return out;
        },
        py::arg("model"), py::arg("optimizer"), py::arg("X"), py::arg("Y"), py::arg("epochs") = 1,
        py::arg("batch_size") = 0, py::arg("shuffle") = true, py::arg("seed") = 0,
        py::arg("generator") = "standard", py::arg("lambd") = 0.0, py::arg("on_batch") = py::none(),
        py::arg("on_epoch") = py::none());

    m.def(
        "check",
        [](py::dict parameters, py::object X, py::object Y, py::object activations,
           py::object grads, bool planted_bug, bool numeric, const std::string& stencil,
           py::object epsilon, double threshold, py::object max_numeric_entries) {
            const auto acts = activations_of(activations);
            Model model = Model::from_parameters(arrays_of(parameters, "parameters"), acts);
            Array<double> x = array_of(X, "X"), y = array_of(Y, "Y");
            // As `xgrad check` reads its files: the course's shapes, finite, labels 0/1.
            nn::check_not_rank1(x, "(n_x, m), one column per example", false, "X");
            nn::check_finite(x, "X");
            const std::size_t n_x = model.layer_dims().front();
            if (x.dimension() != 2 || x.shape()[0] != n_x)
                throw nn::DataError("", "X",
                                    "X has shape " + to_string(x.shape()) +
                                        " but the network takes (n_x, m) = (" +
                                        std::to_string(n_x) + ", m), one column per example" +
                                        (x.dimension() == 2 && x.shape()[1] == n_x
                                             ? ": one example per row? X.T is (n_x, m)"
                                             : ""));
            const std::size_t m_examples = x.shape()[1];
            nn::check_finite(y, "Y");
            nn::check_shape(y, Shape{model.layer_dims().back(), m_examples}, "Y");
            if (acts.back() == nn::Activation::sigmoid)
                nn::check_binary_labels(y, "Y");
            nn::CompareOptions o;
            if (stencil != "five-point" && stencil != "two-point")
                throw py::value_error("check: stencil '" + stencil + "': five-point or two-point");
            o.stencil = stencil == "two-point" ? nn::Stencil::two_point : nn::Stencil::five_point;
            o.epsilon = epsilon.is_none() ? (o.stencil == nn::Stencil::two_point ? 1e-7 : 1e-4)
                                          : epsilon.cast<double>();
            o.threshold = threshold;
            o.numeric = numeric;
            o.max_numeric_entries = max_numeric_entries.is_none()
                                        ? (model.parameter_count() > 5000 ? 200 : 0)
                                        : max_numeric_entries.cast<std::size_t>();
            if (grads.is_none()) {
                o.planted_bug = planted_bug ? reference::PlantedBug::course_gradient_check
                                            : reference::PlantedBug::none;
                nn::Comparison c;
                {
                    py::gil_scoped_release release;
                    c = nn::compare_gradients(model, x, y, o);
                }
                return comparison_dict(c);
            }
            if (planted_bug)
                throw py::value_error("check: planted_bug corrupts the course's formulas; with "
                                      "grads the manual column is yours");
            // The learner's grads: float arrays of the network's keys, in autodiff's shape or
            // its transpose (a mistake the report names with a hint).
            const std::vector<std::size_t> n = model.layer_dims();
            std::map<std::string, Shape> expected;
            for (std::size_t l = 1; l <= model.L(); ++l) {
                expected["dW" + std::to_string(l)] = Shape{n[l], n[l - 1]};
                expected["db" + std::to_string(l)] = Shape{n[l], 1};
                expected["dZ" + std::to_string(l)] = Shape{n[l], m_examples};
                expected["dA" + std::to_string(l - 1)] = Shape{n[l - 1], m_examples};
            }
            if (!py::isinstance<py::dict>(grads) &&
                py::isinstance(grads, py::module_::import("collections.abc").attr("Mapping")))
                grads = py::dict(grads);
            if (!py::isinstance<py::dict>(grads))
                throw py::type_error(
                    "check: grads is a " +
                    py::str(grads.get_type().attr("__name__")).cast<std::string>() +
                    ", not a dict: give your L_model_backward's grads "
                    "dictionary, {\"dW1\": ..., \"db1\": ..., ...} (dict(pairs) for a list "
                    "of pairs)");
            std::map<std::string, Array<double>> yours;
            for (auto [key, value] : py::dict(grads)) {
                const std::string name = py::str(key).cast<std::string>();
                auto it = expected.find(name);
                if (it == expected.end()) {
                    // The course's grads may hold more (dA of the output, caches); a key shaped
                    // like a gradient's that is none of this network's is a typo or a layer too
                    // many, and would otherwise pass unchecked.
                    if (looks_like_gradient_key(name) && name != "dA" + std::to_string(model.L()))
                        throw py::value_error("check: grads[\"" + name + "\"]" +
                                              nn::not_a_gradient_key(name, model.L()) +
                                              "; unchecked, it would pass unnoticed");
                    continue;
                }
                if (value.is_none())
                    throw py::type_error("check: grads[\"" + name + "\"] is None");
                py::array a = py::array::ensure(value);
                if (!a || a.dtype().kind() != 'f')
                    throw py::type_error(
                        "check: grads[\"" + name + "\"] has dtype " +
                        (a ? py::str(a.dtype()).cast<std::string>() : std::string("?")) +
                        ": a gradient is floating point; expected float64 (or "
                        "float32) of shape " +
                        to_string(it->second));
                Array<double> g = to_array<double>(value, "grads[\"" + name + "\"]");
                nn::check_gradient_shape(g, it->second, name, "");
                yours.emplace(name, std::move(g));
            }
            if (yours.empty())
                throw py::value_error("check: none of your grads are of this network: expected "
                                      "dW1, db1, ... and any of dZ1, ..., dA0, ... (the keys of "
                                      "the course's grads)");
            nn::Comparison c;
            {
                py::gil_scoped_release release;
                c = nn::compare_gradients(model, x, y, yours, o);
            }
            c.manual_source = "your grads dictionary, the course's grads (dZ, dA per example)";
            return comparison_dict(c);
        },
        py::arg("parameters"), py::arg("X"), py::arg("Y"), py::arg("activations"),
        py::arg("grads") = py::none(), py::arg("planted_bug") = false, py::arg("numeric") = true,
        py::arg("stencil") = "five-point", py::arg("epsilon") = py::none(),
        py::arg("threshold") = 1e-7, py::arg("max_numeric_entries") = py::none());

    m.def(
        "autodiff_gradients",
        [](py::dict parameters, py::object X, py::object Y, py::object activations,
           bool with_activations) {
            Model model = Model::from_parameters(arrays_of(parameters, "parameters"),
                                                 activations_of(activations));
            Array<double> x = array_of(X, "X"), y = array_of(Y, "Y");
            std::map<std::string, Array<double>> g;
            {
                py::gil_scoped_release release;
                g = nn::autodiff_gradients(model, x, y, with_activations);
            }
            return dict_of(g);
        },
        py::arg("parameters"), py::arg("X"), py::arg("Y"), py::arg("activations"),
        py::arg("activations_too") = true,
        "The engine's gradients keyed as the course's grads (dZ, dA per example).");
}

} // namespace xgrad::python
