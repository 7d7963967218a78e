// The extension module xgrad._xgrad, and xgrad's errors as Python exceptions.
//
// Each C++ error becomes a Python class that is also the built-in exception a Python user
// would catch for it: ShapeError and DataError are ValueErrors, GraphError and AnomalyError
// RuntimeErrors, FileError an OSError (with .filename). The message is the C++ what().

#include "common.hpp"

#include "autograd/inspect/render.hpp"
#include "io/file_error.hpp"
#include "nn/data_checks.hpp"
#include "nn/divergence.hpp"

namespace xgrad::python {

namespace {

// New exception classes; owned by the module (kept alive by its attributes).
PyObject* new_error(py::module_& m, const char* name, PyObject* base1, PyObject* base2,
                    const char* doc) {
    const std::string qualified = std::string("xgrad.") + name;
    py::tuple bases = base2 ? py::make_tuple(py::handle(base1), py::handle(base2))
                            : py::make_tuple(py::handle(base1));
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (!type)
        throw py::error_already_set();
    m.add_object(name, py::handle(type));
    return type;
}

} // namespace

void bind_errors(py::module_& m) {
    static PyObject* error = new_error(m, "Error", PyExc_Exception, nullptr,
                                       "Base of every error xgrad raises from C++.");
    static PyObject* shape_error =
        new_error(m, "ShapeError", error, PyExc_ValueError,
                  "Shapes that do not fit an op: broadcasting, matmul's inner dimension, an axis.");
    static PyObject* data_error =
        new_error(m, "DataError", error, PyExc_ValueError,
                  "An array that cannot be what it is meant to be (a NaN in X, labels not 0/1).");
    static PyObject* graph_error =
        new_error(m, "GraphError", error, PyExc_RuntimeError,
                  "Misuse of the graph: backward through a freed graph, another thread's tape.");
    static PyObject* anomaly_error = new_error(m, "AnomalyError", error, PyExc_RuntimeError,
                                               "A NaN or Inf found by detect_anomaly().");
    static PyObject* divergence_error =
        new_error(m, "DivergenceError", error, PyExc_RuntimeError,
                  "fit stopped a run whose loss went non-finite or far past where it started.");
    static PyObject* file_error =
        new_error(m, "FileError", error, PyExc_OSError, "A file could not be read or written.");
    static PyObject* graphviz_error = new_error(m, "GraphvizError", error, PyExc_RuntimeError,
                                                "Graphviz's dot is missing or refused the graph.");

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const io::FileError& e) {
            // OSError(errno, strerror, filename): str() then reads "[Errno None] ...", so the
            // message alone, and .filename set afterwards.
            py::object instance = py::handle(file_error)(e.what());
            instance.attr("filename") = e.path();
            PyErr_SetObject(file_error, instance.ptr());
        } catch (const nn::DataError& e) {
            PyErr_SetString(data_error, e.what());
        } catch (const ShapeError& e) {
            PyErr_SetString(shape_error, e.what());
        } catch (const GraphError& e) {
            PyErr_SetString(graph_error, e.what());
        } catch (const nn::DivergenceError& e) {
            PyErr_SetString(divergence_error, e.what());
        } catch (const AnomalyError& e) {
            PyErr_SetString(anomaly_error, e.what());
        } catch (const graphviz::Error& e) {
            PyErr_SetString(graphviz_error, e.what());
        } catch (const Error& e) {
            PyErr_SetString(error, e.what());
        }
    });
}

} // namespace xgrad::python

PYBIND11_MODULE(_xgrad, m) {
    using namespace xgrad::python;
    m.doc() = "xgrad's C++ engine; import xgrad, not this module.";
    bind_errors(m);
    bind_tensor(m);
    bind_ops(m);
    py::module_ nn = m.def_submodule("nn", "xgrad's nn layer (wrapped by xgrad.nn)");
    bind_nn(nn);
    bind_inspect(m);
    bind_random(m);
}
