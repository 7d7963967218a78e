// The course's regularization, written out by hand (see regularization.hpp). Each line is the
// notebook's numpy line in xtensor: np.dot is xt::linalg::dot, A.T is xt::transpose(A).
#include "nn/reference/regularization.hpp"

#include "autograd/xtensor_linalg.hpp"
#include "random/random_state.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::reference {

namespace {

std::string shape_of(const Array<double>::shape_type& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ')';
    return out.str();
}

template <class T>
void require_three_layers(const char* where, const Array<T>& X, const Parameters<T>& parameters) {
    if (parameters.L() != 3)
        throw std::invalid_argument(std::string(where) +
                                    ": the course's 3-layer model needs W1, "
                                    "b1, W2, b2, W3, b3; got " +
                                    std::to_string(parameters.L()) + " layers");
    if (X.dimension() != 2 || parameters.W[1].dimension() != 2 ||
        parameters.W[1].shape()[1] != X.shape()[0])
        throw std::invalid_argument(std::string(where) + ": X has shape " + shape_of(X.shape()) +
                                    " but W1 has shape " + shape_of(parameters.W[1].shape()) +
                                    ": W1's columns must equal X's rows");
    for (std::size_t l = 2; l <= 3; ++l)
        if (parameters.W[l].dimension() != 2 ||
            parameters.W[l].shape()[1] != parameters.W[l - 1].shape()[0])
            throw std::invalid_argument(std::string(where) + ": W" + std::to_string(l) +
                                        " has shape " + shape_of(parameters.W[l].shape()) +
                                        " but W" + std::to_string(l - 1) + " has shape " +
                                        shape_of(parameters.W[l - 1].shape()));
}

template <class T>
void require_same_shape(const char* where, const char* a_name, const Array<T>& a,
                        const char* b_name, const Array<T>& b) {
    if (a.shape() != b.shape())
        throw std::invalid_argument(std::string(where) + ": " + a_name + " has shape " +
                                    shape_of(a.shape()) + " but " + b_name + " has shape " +
                                    shape_of(b.shape()) + ": they must be equal");
}

void check_keep_prob(const char* where, double keep_prob) {
    if (!(keep_prob > 0 && keep_prob <= 1)) {
        std::ostringstream out;
        out << where << ": keep_prob = " << keep_prob << " must be in (0, 1]";
        throw std::invalid_argument(out.str());
    }
}

template <class T>
Array<T> rectify(const Array<T>& Z) { // reg_utils.relu
    return xt::maximum(T(0), Z);      // np.maximum(0, x)
}

template <class T>
Array<T> logistic(const Array<T>& Z) {  // reg_utils.sigmoid
    return T(1) / (T(1) + xt::exp(-Z)); // 1 / (1 + np.exp(-x))
}

// np.int64(A > 0) as T
template <class T>
Array<T> positive(const Array<T>& A) {
    return xt::cast<T>(A > T(0));
}

// D = np.random.rand(A.shape[0], A.shape[1]); D = (D < keep_prob), as 0 and 1
template <class T>
Array<T> draw_mask(random::RandomState& numpy, const Array<T>& A, double keep_prob) {
    const Array<double> D = numpy.rand(A.shape()[0], A.shape()[1]);
    return xt::cast<T>(D < keep_prob);
}

} // namespace

template <class T>
std::pair<Array<T>, RegularizationCache<T>> forward_propagation(const Array<T>& X,
                                                                const Parameters<T>& parameters) {
    require_three_layers("forward_propagation", X, parameters);
    RegularizationCache<T> c;
    c.W1 = parameters.W[1];
    c.b1 = parameters.b[1];
    c.W2 = parameters.W[2];
    c.b2 = parameters.b[2];
    c.W3 = parameters.W[3];
    c.b3 = parameters.b[3];
    // LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID
    c.Z1 = xt::linalg::dot(c.W1, X) + c.b1;
    c.A1 = rectify(c.Z1);
    c.Z2 = xt::linalg::dot(c.W2, c.A1) + c.b2;
    c.A2 = rectify(c.Z2);
    c.Z3 = xt::linalg::dot(c.W3, c.A2) + c.b3;
    c.A3 = logistic(c.Z3);
    Array<T> A3 = c.A3;
    return {std::move(A3), std::move(c)};
}

namespace {
// np.sum's pairwise summation (numpy's pairwise_sum: 8 accumulators up to 128 values, halves
// above), so that a sum of many terms rounds as the notebook's does.
double pairwise_sum(const double* a, std::size_t n) {
    if (n < 8) {
        double res = 0.;
        for (std::size_t i = 0; i < n; ++i)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (std::size_t j = 0; j < 8; ++j)
            r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (std::size_t j = 0; j < 8; ++j)
                r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}
} // namespace

template <class T>
T compute_cost_nansum(const Array<T>& A3, const Array<T>& Y) {
    require_same_shape("compute_cost", "a3", A3, "Y", Y);
    const double m = static_cast<double>(Y.shape()[1]);
    // logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    const Array<T> logprobs = (-xt::log(A3)) * Y + (-xt::log(T(1) - A3)) * (T(1) - Y);
    // cost = 1./m * np.nansum(logprobs): NaN (0 * inf) counts as 0
    std::vector<double> terms(logprobs.size());
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const double value = static_cast<double>(logprobs.data()[i]);
        terms[i] = std::isnan(value) ? 0. : value;
    }
    return static_cast<T>(1. / m * (0. + pairwise_sum(terms.data(), terms.size())));
}

template <class T>
T compute_cost_with_regularization(const Array<T>& A3, const Array<T>& Y,
                                   const Parameters<T>& parameters, double lambd) {
    if (parameters.L() != 3)
        throw std::invalid_argument("compute_cost_with_regularization: the course's 3-layer "
                                    "model needs W1, W2, W3; got " +
                                    std::to_string(parameters.L()) + " layers");
    const double m = static_cast<double>(Y.shape()[1]);
    const Array<T>& W1 = parameters.W[1];
    const Array<T>& W2 = parameters.W[2];
    const Array<T>& W3 = parameters.W[3];
    // cross_entropy_cost = compute_cost(A3, Y)
    const double cross_entropy_cost = compute_cost_nansum(A3, Y);
    // L2_regularization_cost = lambd/(2*m) * (np.sum(np.square(W1)) + np.sum(np.square(W2))
    //                                          + np.sum(np.square(W3)))
    const double L2_regularization_cost =
        lambd / (2 * m) *
        (double(xt::sum(xt::square(W1))()) + double(xt::sum(xt::square(W2))()) +
         double(xt::sum(xt::square(W3))()));
    return static_cast<T>(cross_entropy_cost + L2_regularization_cost);
}

template <class T>
Grads<T> backward_propagation_with_regularization(const Array<T>& X, const Array<T>& Y,
                                                  const RegularizationCache<T>& cache,
                                                  double lambd) {
    require_same_shape("backward_propagation_with_regularization", "A3", cache.A3, "Y", Y);
    const T m = static_cast<T>(X.shape()[1]);
    const T l = static_cast<T>(lambd);
    const auto& [Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3] = cache;
    (void)Z1, (void)b1, (void)Z2, (void)b2, (void)Z3, (void)b3;
    Grads<T> g(3);
    g.dZ[3] = A3 - Y;
    // dW3 = 1./m * np.dot(dZ3, A2.T) + (lambd/m) * W3
    g.dW[3] = T(1) / m * xt::linalg::dot(g.dZ[3], xt::transpose(A2)) + (l / m) * W3;
    g.db[3] = T(1) / m * xt::sum(g.dZ[3], {1}, xt::keep_dims);
    g.dA[2] = xt::linalg::dot(xt::transpose(W3), g.dZ[3]);
    g.dZ[2] = g.dA[2] * positive(A2); // np.multiply(dA2, np.int64(A2 > 0))
    g.dW[2] = T(1) / m * xt::linalg::dot(g.dZ[2], xt::transpose(A1)) + (l / m) * W2;
    g.db[2] = T(1) / m * xt::sum(g.dZ[2], {1}, xt::keep_dims);
    g.dA[1] = xt::linalg::dot(xt::transpose(W2), g.dZ[2]);
    g.dZ[1] = g.dA[1] * positive(A1);
    g.dW[1] = T(1) / m * xt::linalg::dot(g.dZ[1], xt::transpose(X)) + (l / m) * W1;
    g.db[1] = T(1) / m * xt::sum(g.dZ[1], {1}, xt::keep_dims);
    return g;
}

template <class T>
std::pair<Array<T>, DropoutCache<T>>
forward_propagation_with_dropout(const Array<T>& X, const Parameters<T>& parameters,
                                 double keep_prob, unsigned seed) {
    require_three_layers("forward_propagation_with_dropout", X, parameters);
    check_keep_prob("forward_propagation_with_dropout", keep_prob);
    random::RandomState numpy(seed); // np.random.seed(1)
    const T k = static_cast<T>(keep_prob);
    DropoutCache<T> c;
    c.W1 = parameters.W[1];
    c.b1 = parameters.b[1];
    c.W2 = parameters.W[2];
    c.b2 = parameters.b[2];
    c.W3 = parameters.W[3];
    c.b3 = parameters.b[3];
    c.Z1 = xt::linalg::dot(c.W1, X) + c.b1;
    c.A1 = rectify(c.Z1);
    c.D1 = draw_mask(numpy, c.A1, keep_prob); // D1 = np.random.rand(...); D1 = (D1 < keep_prob)
    c.A1 = c.A1 * c.D1;                       // A1 = A1 * D1
    c.A1 = c.A1 / k;                          // A1 = A1 / keep_prob
    c.Z2 = xt::linalg::dot(c.W2, c.A1) + c.b2;
    c.A2 = rectify(c.Z2);
    c.D2 = draw_mask(numpy, c.A2, keep_prob);
    c.A2 = c.A2 * c.D2;
    c.A2 = c.A2 / k;
    c.Z3 = xt::linalg::dot(c.W3, c.A2) + c.b3;
    c.A3 = logistic(c.Z3);
    Array<T> A3 = c.A3;
    return {std::move(A3), std::move(c)};
}

template <class T>
Grads<T> backward_propagation_with_dropout(const Array<T>& X, const Array<T>& Y,
                                           const DropoutCache<T>& cache, double keep_prob) {
    require_same_shape("backward_propagation_with_dropout", "A3", cache.A3, "Y", Y);
    check_keep_prob("backward_propagation_with_dropout", keep_prob);
    const T m = static_cast<T>(X.shape()[1]);
    const T k = static_cast<T>(keep_prob);
    const auto& [Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3] = cache;
    (void)Z1, (void)W1, (void)b1, (void)Z2, (void)b2, (void)Z3, (void)b3;
    Grads<T> g(3);
    g.dZ[3] = A3 - Y;
    g.dW[3] = T(1) / m * xt::linalg::dot(g.dZ[3], xt::transpose(A2));
    g.db[3] = T(1) / m * xt::sum(g.dZ[3], {1}, xt::keep_dims);
    g.dA[2] = xt::linalg::dot(xt::transpose(W3), g.dZ[3]);
    g.dA[2] = g.dA[2] * D2; // dA2 = dA2 * D2: the units shut down in the forward pass
    g.dA[2] = g.dA[2] / k;  // dA2 = dA2 / keep_prob: scaled as A2 was
    g.dZ[2] = g.dA[2] * positive(A2);
    g.dW[2] = T(1) / m * xt::linalg::dot(g.dZ[2], xt::transpose(A1));
    g.db[2] = T(1) / m * xt::sum(g.dZ[2], {1}, xt::keep_dims);
    g.dA[1] = xt::linalg::dot(xt::transpose(W2), g.dZ[2]);
    g.dA[1] = g.dA[1] * D1;
    g.dA[1] = g.dA[1] / k;
    g.dZ[1] = g.dA[1] * positive(A1);
    g.dW[1] = T(1) / m * xt::linalg::dot(g.dZ[1], xt::transpose(X));
    g.db[1] = T(1) / m * xt::sum(g.dZ[1], {1}, xt::keep_dims);
    return g;
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template std::pair<Array<T>, RegularizationCache<T>> forward_propagation(                      \
        const Array<T>&, const Parameters<T>&);                                                    \
    template T compute_cost_nansum(const Array<T>&, const Array<T>&);                              \
    template T compute_cost_with_regularization(const Array<T>&, const Array<T>&,                  \
                                                const Parameters<T>&, double);                     \
    template Grads<T> backward_propagation_with_regularization(                                    \
        const Array<T>&, const Array<T>&, const RegularizationCache<T>&, double);                  \
    template std::pair<Array<T>, DropoutCache<T>> forward_propagation_with_dropout(                \
        const Array<T>&, const Parameters<T>&, double, unsigned);                                  \
    template Grads<T> backward_propagation_with_dropout(const Array<T>&, const Array<T>&,          \
                                                        const DropoutCache<T>&, double);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::reference
