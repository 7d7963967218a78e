// xgrad.inspect (graphs as text, DOT, JSON, SVG), step-through backward, and the course's
// generator xgrad.RandomState (numpy's np.random.RandomState, draw for draw).

#include "common.hpp"

#include "autograd/inspect/inspect.hpp"
#include "autograd/inspect/render.hpp"
#include "random/random_state.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace xgrad::python {

namespace {

// Graphviz draws into a file; the SVG text comes back from it.
std::string render_svg(const std::string& dot) {
    static std::atomic<unsigned> counter{0};
    const auto path =
        std::filesystem::temp_directory_path() /
        ("xgrad-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".svg");
    graphviz::render(dot, path.string());
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return text.str();
}

struct PyGraph {
    Graph graph;
    std::size_t batch_size = 0;
};

DotOptions dot_options(std::size_t batch_size, bool values, const std::string& rankdir,
                       const std::string& title) {
    DotOptions o;
    o.batch_size = batch_size;
    o.values = values;
    o.rankdir = rankdir;
    o.title = title;
    return o;
}

std::vector<std::size_t> shape_of(py::object obj) {
    if (obj.is_none())
        return {};
    return obj.cast<std::vector<std::size_t>>();
}

py::array numpy_of(const Array<double>& a) {
    return to_numpy(a);
}

} // namespace

void bind_inspect(py::module_& m) {
    py::class_<PyGraph>(m, "Graph", "A snapshot of a computation graph (see xgrad.inspect).")
        .def_property_readonly("op_count", [](const PyGraph& g) { return g.graph.op_count(); })
        .def("__len__", [](const PyGraph& g) { return g.graph.tensors.size(); })
        .def_property_readonly("warnings", [](const PyGraph& g) { return g.graph.warnings; })
        .def(
            "to_text",
            [](const PyGraph& g, py::object batch_size) {
                TextOptions o;
                o.batch_size = batch_size.is_none() ? g.batch_size : batch_size.cast<std::size_t>();
                return to_text(g.graph, o);
            },
            py::arg("batch_size") = py::none(),
            "One line per tensor in tape order, then broadcasts and warnings.")
        .def(
            "to_dot",
            [](const PyGraph& g, bool values, const std::string& rankdir,
               const std::string& title) {
                return to_dot(g.graph, dot_options(g.batch_size, values, rankdir, title));
            },
            py::arg("values") = false, py::arg("rankdir") = "TB", py::arg("title") = "",
            "The graph as Graphviz DOT text.")
        .def(
            "to_json",
            [](const PyGraph& g, bool values) {
                JsonOptions o;
                o.batch_size = g.batch_size;
                o.values = values;
                return to_json(g.graph, o);
            },
            py::arg("values") = true, "The graph as JSON, schema xgrad-graph (docs/graph-json.md).")
        .def(
            "to_svg",
            [](const PyGraph& g, bool values, const std::string& rankdir,
               const std::string& title) {
                const std::string dot =
                    to_dot(g.graph, dot_options(g.batch_size, values, rankdir, title));
                py::gil_scoped_release release; // dot runs as a program
                return render_svg(dot);
            },
            py::arg("values") = false, py::arg("rankdir") = "TB", py::arg("title") = "",
            "The graph drawn by Graphviz's dot (Debian's graphviz), as SVG text.")
        .def("__str__", [](const PyGraph& g) {
            TextOptions o;
            o.batch_size = g.batch_size;
            return to_text(g.graph, o);
        });

    m.def(
        "_inspect",
        [](py::object outputs, std::size_t batch_size) {
            std::vector<PyTensor> outs;
            if (py::isinstance<PyTensor>(outputs))
                outs.push_back(outputs.cast<PyTensor>());
            else
                for (py::handle h : outputs)
                    outs.push_back(h.cast<PyTensor>());
            if (outs.empty())
                throw py::value_error("inspect: no tensors");
            for (const auto& t : outs)
                check_same_dtype("inspect", outs[0], t);
            PyGraph g;
            g.batch_size = batch_size;
            g.graph = outs[0].visit([&](const auto& first) {
                using Tn = std::decay_t<decltype(first)>;
                std::vector<Tn> v;
                for (auto& t : outs)
                    v.push_back(std::get<Tn>(t.t));
                return inspect(v);
            });
            return g;
        },
        py::arg("outputs"), py::arg("batch_size") = 0);

    m.def("graphviz_available", [] { return graphviz::available(); });
    m.def("render_svg", [](const std::string& dot) {
        py::gil_scoped_release release;
        return render_svg(dot);
    });

    using Step = StepThrough<double>;
    py::class_<Step>(m, "StepThrough",
                     "Backward one op's rule at a time (float64), on the engine's own walk.")
        .def(py::init([](const PyTensor& output, bool retain_graph) {
                 if (!output.is_double())
                     throw py::type_error("step_through: a float64 tensor is needed");
                 BackwardOptions o;
                 o.retain_graph = retain_graph;
                 return std::make_unique<Step>(std::get<Tensor<double>>(output.t), o);
             }),
             py::arg("output"), py::arg("retain_graph") = false)
        .def("step", &Step::step, "Runs the next op's backward rule; False once done.")
        .def_property_readonly("steps_taken", [](const Step& s) { return s.steps().size(); })
        .def(
            "text", [](const Step& s, std::size_t batch_size) { return s.last().text(batch_size); },
            py::arg("batch_size") = 0, "What the newest step did.")
        .def_property_readonly("op",
                               [](const Step& s) { return std::string(op_info(s.last().op).name); })
        .def_property_readonly("label", [](const Step& s) { return s.last().label; })
        .def(
            "frame",
            [](const Step& s, std::size_t batch_size) {
                DotOptions o;
                o.batch_size = batch_size;
                return s.frame(o);
            },
            py::arg("batch_size") = 0, "The graph with the newest step drawn, as DOT.");
}

void bind_random(py::module_& m) {
    using random::RandomState;
    py::class_<RandomState>(m, "RandomState",
                            "numpy's np.random.RandomState(seed), draw for draw (the course's "
                            "generator): the same numbers as np.random.seed(seed) then "
                            "np.random.rand/randn/... .")
        .def(py::init<std::int64_t>(), py::arg("seed") = 0)
        .def("seed", &RandomState::seed, py::arg("seed"))
        .def("rand",
             [](RandomState& r, py::args dims) -> py::object {
                 if (dims.empty())
                     return py::float_(r.random_sample());
                 Shape s(dims.size());
                 for (std::size_t i = 0; i < dims.size(); ++i)
                     s[i] = dims[i].cast<std::size_t>();
                 return numpy_of(r.random_sample(s));
             })
        .def("randn",
             [](RandomState& r, py::args dims) -> py::object {
                 if (dims.empty())
                     return py::float_(r.standard_normal());
                 Shape s(dims.size());
                 for (std::size_t i = 0; i < dims.size(); ++i)
                     s[i] = dims[i].cast<std::size_t>();
                 return numpy_of(r.standard_normal(s));
             })
        .def(
            "random_sample",
            [](RandomState& r, py::object size) -> py::object {
                if (size.is_none())
                    return py::float_(r.random_sample());
                const auto d = py::isinstance<py::int_>(size)
                                   ? std::vector<std::size_t>{size.cast<std::size_t>()}
                                   : shape_of(size);
                return numpy_of(r.random_sample(Shape(d.begin(), d.end())));
            },
            py::arg("size") = py::none())
        .def(
            "standard_normal",
            [](RandomState& r, py::object size) -> py::object {
                if (size.is_none())
                    return py::float_(r.standard_normal());
                const auto d = py::isinstance<py::int_>(size)
                                   ? std::vector<std::size_t>{size.cast<std::size_t>()}
                                   : shape_of(size);
                return numpy_of(r.standard_normal(Shape(d.begin(), d.end())));
            },
            py::arg("size") = py::none())
        .def(
            "normal",
            [](RandomState& r, double loc, double scale, py::object size) -> py::object {
                if (size.is_none())
                    return py::float_(r.normal(loc, scale));
                const auto d = py::isinstance<py::int_>(size)
                                   ? std::vector<std::size_t>{size.cast<std::size_t>()}
                                   : shape_of(size);
                return numpy_of(r.normal(loc, scale, Shape(d.begin(), d.end())));
            },
            py::arg("loc") = 0.0, py::arg("scale") = 1.0, py::arg("size") = py::none())
        .def(
            "uniform",
            [](RandomState& r, double low, double high, py::object size) -> py::object {
                if (size.is_none())
                    return py::float_(r.uniform(low, high));
                const auto d = py::isinstance<py::int_>(size)
                                   ? std::vector<std::size_t>{size.cast<std::size_t>()}
                                   : shape_of(size);
                return numpy_of(r.uniform(low, high, Shape(d.begin(), d.end())));
            },
            py::arg("low") = 0.0, py::arg("high") = 1.0, py::arg("size") = py::none())
        .def(
            "randint",
            [](RandomState& r, std::int64_t low, py::object high, py::object size) -> py::object {
                std::int64_t lo = low, hi = 0;
                if (high.is_none()) {
                    lo = 0;
                    hi = low;
                } else {
                    hi = high.cast<std::int64_t>();
                }
                if (size.is_none())
                    return py::int_(r.randint(lo, hi));
                const auto d = py::isinstance<py::int_>(size)
                                   ? std::vector<std::size_t>{size.cast<std::size_t>()}
                                   : shape_of(size);
                const Array<std::int64_t> a = r.randint(lo, hi, Shape(d.begin(), d.end()));
                return to_numpy(a);
            },
            py::arg("low"), py::arg("high") = py::none(), py::arg("size") = py::none())
        .def("permutation",
             [](RandomState& r, std::size_t n) { return to_numpy(r.permutation(n)); });
}

} // namespace xgrad::python
