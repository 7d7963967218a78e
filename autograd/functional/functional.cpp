#include "autograd/functional/functional.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/grad.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/scalar_types.hpp"
#include "autograd/ops/ops.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace xgrad {

namespace {

// What is differentiated by: a fresh leaf of x's values, or x itself when the result is to
// be differentiable with respect to x.
template <class T>
Tensor<T> variable(const Tensor<T>& x, bool create_graph, const std::string& who) {
    if (!x.defined())
        throw GraphError(who + ": x is undefined");
    if (create_graph && x.requires_grad())
        return x;
    return Tensor<T>(x.value(), true, x.label());
}

template <class T>
Tensor<T> evaluate(const TensorFunction<T>& f, const Tensor<T>& x, const std::string& who) {
    Tensor<T> y = f(x);
    if (!y.defined())
        throw GraphError(who + ": the function returned an undefined tensor for x " + describe(x));
    return y;
}

template <class T>
void require_shape(const std::string& who, const char* name, const Tensor<T>& v, const Shape& shape,
                   const char* of) {
    if (!v.defined())
        throw GraphError(who + ": " + name + " is undefined");
    if (v.shape() != shape)
        throw ShapeError(who + ": " + name + " " + describe(v) + " must have the shape of " + of +
                         ", " + to_string(shape));
}

template <class T>
void require_one_element(const std::string& who, const Tensor<T>& y) {
    if (y.size() != 1)
        throw ShapeError(who + ": f(x) must have one element (a cost), not " + describe(y) +
                         "; for a vector f, take the jacobian of each gradient");
}

// An output handed back: cut off from the graph unless the caller wants to differentiate it.
template <class T>
Tensor<T> handed(const Tensor<T>& t, bool create_graph) {
    return create_graph ? t : t.detach();
}

Shape joined(const Shape& a, const Shape& b) {
    Shape out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// The rows g_i (each of n elements) as one (m, n) tensor: copied, or, when it must stay
// differentiable, recorded as the sum of outer products e_i g_i^T.
template <class T>
Tensor<T> stack_rows(const std::vector<Tensor<T>>& rows, std::size_t n, bool create_graph) {
    const std::size_t m = rows.size();
    if (!create_graph || m == 0) {
        Array<T> out = Array<T>::from_shape({m, n});
        for (std::size_t i = 0; i < m; ++i)
            std::copy_n(rows[i].value().data(), n, out.data() + i * n);
        return Tensor<T>(std::move(out));
    }
    Tensor<T> out;
    for (std::size_t i = 0; i < m; ++i) {
        Array<T> e = xt::zeros<T>({m, std::size_t(1)});
        e(i, 0) = T(1);
        const Tensor<T> term = matmul(Tensor<T>(std::move(e)), reshape(rows[i], {1, n}));
        out = out.defined() ? add(out, term) : term;
    }
    return out;
}

} // namespace

template <class T>
Tensor<T> jacobian(const TensorFunction<T>& f, const Tensor<T>& x, bool create_graph) {
    GradMode recording(true);
    const Tensor<T> input = variable(x, create_graph, "jacobian");
    const Tensor<T> y = evaluate(f, input, "jacobian");
    const Shape shape = joined(y.shape(), input.shape());
    if (!y.requires_grad())
        return Tensor<T>::zeros(shape); // f(x) does not depend on x
    // Row i of J is the gradient of f(x)[i]: a backward seeded with the i-th unit tensor.
    std::vector<Tensor<T>> rows;
    for (std::size_t i = 0; i < y.size(); ++i) {
        Array<T> seed = xt::zeros<T>(y.shape());
        seed.data()[i] = T(1);
        rows.push_back(grad<T>({y}, {input}, {Tensor<T>(std::move(seed))}, true, create_graph)[0]);
    }
    return reshape(stack_rows(rows, input.size(), create_graph), shape);
}

template <class T>
Tensor<T> hessian(const TensorFunction<T>& f, const Tensor<T>& x, bool create_graph) {
    const TensorFunction<T> gradient = [&f](const Tensor<T>& z) {
        const Tensor<T> y = evaluate(f, z, "hessian");
        require_one_element("hessian", y);
        if (!y.requires_grad())
            return Tensor<T>::zeros(z.shape());
        return grad<T>({y}, {z}, {}, true, true)[0]; // recorded, so that it has a Jacobian
    };
    return jacobian(gradient, x, create_graph);
}

template <class T>
std::pair<Tensor<T>, Tensor<T>> vjp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& v, bool create_graph) {
    GradMode recording(true);
    const Tensor<T> input = variable(x, create_graph, "vjp");
    const Tensor<T> y = evaluate(f, input, "vjp");
    require_shape("vjp", "v", v, y.shape(), "f(x)");
    if (!y.requires_grad())
        return {handed(y, create_graph), Tensor<T>::zeros(input.shape())};
    Tensor<T> product = grad<T>({y}, {input}, {v}, create_graph, create_graph)[0];
    return {handed(y, create_graph), product};
}

template <class T>
std::pair<Tensor<T>, Tensor<T>> jvp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& u, bool create_graph) {
    GradMode recording(true);
    const Tensor<T> input = variable(x, create_graph, "jvp");
    const Tensor<T> y = evaluate(f, input, "jvp");
    require_shape("jvp", "u", u, input.shape(), "x");
    if (!y.requires_grad())
        return {handed(y, create_graph), Tensor<T>::zeros(y.shape())};
    // g(w) = J^T w, recorded with w as a variable; its value at w is irrelevant (0 here),
    // since g is linear in w: the vjp of g with u is (J^T)^T u = J u.
    const Tensor<T> w = Tensor<T>::zeros(y.shape(), true);
    const Tensor<T> g = grad<T>({y}, {input}, {w}, true, true)[0];
    if (!g.requires_grad())
        return {handed(y, create_graph), Tensor<T>::zeros(y.shape())}; // J^T w = 0 for all w
    Tensor<T> product = grad<T>({g}, {w}, {u}, create_graph, create_graph)[0];
    return {handed(y, create_graph), product};
}

template <class T>
std::pair<Tensor<T>, Tensor<T>> hvp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& v, bool create_graph) {
    GradMode recording(true);
    const Tensor<T> input = variable(x, create_graph, "hvp");
    const Tensor<T> y = evaluate(f, input, "hvp");
    require_one_element("hvp", y);
    require_shape("hvp", "v", v, input.shape(), "x");
    if (!y.requires_grad())
        return {handed(y, create_graph), Tensor<T>::zeros(input.shape())};
    const Tensor<T> g = grad<T>({y}, {input}, {}, true, true)[0];
    if (!g.requires_grad())
        return {handed(y, create_graph), Tensor<T>::zeros(input.shape())}; // f is linear in x
    // H v = d <g, v> / dx: the recorded gradient's own backward, seeded with v.
    Tensor<T> product = grad<T>({g}, {input}, {v}, create_graph, create_graph)[0];
    return {handed(y, create_graph), product};
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Tensor<T> jacobian(const TensorFunction<T>&, const Tensor<T>&, bool);                 \
    template Tensor<T> hessian(const TensorFunction<T>&, const Tensor<T>&, bool);                  \
    template std::pair<Tensor<T>, Tensor<T>> vjp(const TensorFunction<T>&, const Tensor<T>&,       \
                                                 const Tensor<T>&, bool);                          \
    template std::pair<Tensor<T>, Tensor<T>> jvp(const TensorFunction<T>&, const Tensor<T>&,       \
                                                 const Tensor<T>&, bool);                          \
    template std::pair<Tensor<T>, Tensor<T>> hvp(const TensorFunction<T>&, const Tensor<T>&,       \
                                                 const Tensor<T>&, bool);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
