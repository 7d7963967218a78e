// The course's forward and backward propagation, written out by hand (see backprop.hpp).
// Each line is the notebook's numpy line in xtensor: np.dot is xtensor-blas's xt::linalg::dot,
// A.T is xt::transpose(A). Legibility and independence from the engine matter here, not speed.
#include "nn/reference/backprop.hpp"

#include "autograd/xtensor_linalg.hpp"
#include "random/random_state.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace xgrad::reference {

namespace detail {

// An array with no entries: shape (0). (A default-constructed xarray is a 0-D scalar, size 1.)
template <class T>
Array<T> empty() {
    return Array<T>::from_shape({0});
}

template <class T>
std::string shape_str(const Array<T>& a) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < a.dimension(); ++i)
        out << (i ? ", " : "") << a.shape()[i];
    out << ')';
    return out.str();
}

[[noreturn]] inline void fail(std::string_view where, const std::string& what) {
    throw std::invalid_argument(std::string(where) + ": " + what);
}

template <class T>
void require_matrix(std::string_view where, std::string_view name, const Array<T>& a) {
    if (a.dimension() != 2)
        fail(where, std::string(name) + " has shape " + shape_str(a) +
                        " but must be a matrix (2 axes, one column per example)");
}

template <class T>
void require_same_shape(std::string_view where, std::string_view name_a, const Array<T>& a,
                        std::string_view name_b, const Array<T>& b) {
    if (a.shape() != b.shape())
        fail(where, std::string(name_a) + " has shape " + shape_str(a) + " but " +
                        std::string(name_b) + " has shape " + shape_str(b) +
                        ": they must be equal (no broadcasting)");
}

// Rethrows a shape error from inside a layer with the caller and the layer in front.
[[noreturn]] inline void rethrow_in_layer(std::string_view where, std::size_t l,
                                          const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(where) + ", layer " + std::to_string(l) + ": " +
                                e.what());
}

// ---- The activations, forward and backward side by side -------------------------------------

template <class T>
Array<T> logistic(const Array<T>& Z) {
    return T(1) / (T(1) + xt::exp(-Z));
}

template <class T>
Array<T> activation_forward(const Array<T>& Z, Activation g) {
    switch (g) {
    case Activation::relu:
        return xt::maximum(Z, T(0));
    case Activation::leaky_relu:
        return xt::where(Z > T(0), Z, T(leaky_relu_slope) * Z);
    case Activation::sigmoid:
        return logistic(Z);
    case Activation::tanh:
        return xt::tanh(Z);
    }
    throw std::invalid_argument("activation_forward: unknown activation");
}

template <class T>
Array<T> activation_backward(const Array<T>& dA, const Array<T>& Z, Activation g) {
    require_same_shape(std::string(to_string(g)) + "_backward", "dA", dA,
                       "Z (the activation cache)", Z);
    switch (g) {
    // relu'(z) = 1 for z > 0, else 0 (0 at the kink, like PyTorch)
    case Activation::relu:
        return xt::where(Z > T(0), dA, T(0));
    // leaky_relu'(z) = 1 for z > 0, else 0.01
    case Activation::leaky_relu:
        return xt::where(Z > T(0), dA, T(leaky_relu_slope) * dA);
    // sigmoid'(z) = s (1 - s)
    case Activation::sigmoid: {
        const Array<T> s = logistic(Z);
        return dA * s * (T(1) - s);
    }
    // tanh'(z) = 1 - tanh(z)^2
    case Activation::tanh: {
        const Array<T> t = xt::tanh(Z);
        return dA * (T(1) - t * t);
    }
    }
    throw std::invalid_argument("activation_backward: unknown activation");
}

// The activations backward uses: the recorded ones, checked against the caller's if given.
template <class T>
const std::vector<Activation>& backward_activations(std::string_view where, const Caches<T>& caches,
                                                    const std::vector<Activation>& activations) {
    if (!activations.empty() && activations != caches.activations()) {
        std::string given, used;
        for (auto g : activations)
            given += (given.empty() ? "" : ", ") + std::string(to_string(g));
        for (auto g : caches.activations())
            used += (used.empty() ? "" : ", ") + std::string(to_string(g));
        fail(where, "activations {" + given + "} differ from the forward pass's {" + used + "}");
    }
    return caches.activations();
}

// The course's linear_backward; dA_prev is left empty when not wanted.
template <class T>
std::tuple<Array<T>, Array<T>, Array<T>>
linear_backward(const Array<T>& dZ, const LinearCache<T>& cache, bool want_dA_prev) {
    constexpr std::string_view where = "linear_backward";
    const Array<T>& A_prev = *cache.A_prev;
    const Array<T>& W = *cache.W;
    require_matrix(where, "dZ", dZ);
    if (dZ.shape()[0] != W.shape()[0] || dZ.shape()[1] != A_prev.shape()[1])
        fail(where, "dZ has shape " + shape_str(dZ) + " but W has shape " + shape_str(W) +
                        " and A_prev " + shape_str(A_prev) +
                        ": dZ must be (W's rows, A_prev's columns)");
    const T one_over_m = T(1) / static_cast<T>(A_prev.shape()[1]);

    // dW = 1./m * np.dot(dZ, A_prev.T)
    Array<T> dW = one_over_m * xt::linalg::dot(dZ, xt::transpose(A_prev));
    // db = 1./m * np.sum(dZ, axis=1, keepdims=True)
    Array<T> db = one_over_m * xt::sum(dZ, {1}, xt::keep_dims);
    // dA_prev = np.dot(W.T, dZ)
    Array<T> dA_prev = empty<T>();
    if (want_dA_prev)
        dA_prev = xt::linalg::dot(xt::transpose(W), dZ);
    return {std::move(dA_prev), std::move(dW), std::move(db)};
}

// Layers L..1 from grads.dZ[L]: dZ[l] for l < L through the activation, then linear_backward.
template <class T>
void backward_through_layers(std::string_view where, Grads<T>& grads, const Caches<T>& caches,
                             const std::vector<Activation>& g, const BackwardOptions& options) {
    const std::size_t L = caches.size();
    for (std::size_t l = L; l >= 1; --l) {
        const auto& cache = caches[l - 1];
        try {
            if (l < L)
                grads.dZ[l] = activation_backward(grads.dA[l], cache.activation_cache, g[l - 1]);
            // dA0 is the gradient for X: skipped when the caller does not want it
            const bool want_dA_prev = l > 1 || options.compute_dA0;
            std::tie(grads.dA[l - 1], grads.dW[l], grads.db[l]) =
                linear_backward(grads.dZ[l], cache.linear_cache, want_dA_prev);
        } catch (const std::invalid_argument& e) {
            rethrow_in_layer(where, l, e);
        }
    }
    if (options.planted_bug == PlantedBug::course_gradient_check)
        corrupt_like_course(grads);
}

// Course key "W12" -> ('W', 12); anything else -> ("", npos).
inline std::pair<std::string_view, std::size_t> split_key(std::string_view key,
                                                          std::size_t prefix_length) {
    if (key.size() <= prefix_length)
        return {"", std::string::npos};
    std::size_t index = 0;
    for (char c : key.substr(prefix_length)) {
        if (c < '0' || c > '9')
            return {"", std::string::npos};
        index = index * 10 + static_cast<std::size_t>(c - '0');
    }
    return {key.substr(0, prefix_length), index};
}

[[noreturn]] inline void unknown_key(std::string_view where, std::string_view key, std::size_t L) {
    throw std::out_of_range(std::string(where) + ": no array \"" + std::string(key) +
                            "\" in a model of " + std::to_string(L) + " layers");
}

} // namespace detail

// ---- Activations ---------------------------------------------------------------------------

Activation parse_activation(std::string_view name) {
    for (auto g : {Activation::relu, Activation::leaky_relu, Activation::sigmoid, Activation::tanh})
        if (name == to_string(g))
            return g;
    throw std::invalid_argument("parse_activation: unknown activation \"" + std::string(name) +
                                "\" (expected relu, leaky_relu, sigmoid or tanh)");
}

std::string_view to_string(Activation activation) {
    switch (activation) {
    case Activation::relu:
        return "relu";
    case Activation::leaky_relu:
        return "leaky_relu";
    case Activation::sigmoid:
        return "sigmoid";
    case Activation::tanh:
        return "tanh";
    }
    return "unknown";
}

std::vector<Activation> course_activations(std::size_t L) {
    std::vector<Activation> g(L, Activation::relu);
    if (L > 0)
        g.back() = Activation::sigmoid;
    return g;
}

// ---- Parameters and gradients --------------------------------------------------------------

template <class T>
Parameters<T>::Parameters(std::size_t L)
    : W(L + 1, detail::empty<T>()), b(L + 1, detail::empty<T>()) {}

template <class T>
std::vector<std::string> Parameters<T>::keys() const {
    std::vector<std::string> k;
    for (std::size_t l = 1; l <= L(); ++l) {
        k.push_back("W" + std::to_string(l));
        k.push_back("b" + std::to_string(l));
    }
    return k;
}

template <class T>
Array<T>& Parameters<T>::at(std::string_view key) {
    const auto [name, l] = detail::split_key(key, 1);
    if (l >= 1 && l <= L()) {
        if (name == "W")
            return W[l];
        if (name == "b")
            return b[l];
    }
    detail::unknown_key("Parameters::at", key, L());
}

template <class T>
const Array<T>& Parameters<T>::at(std::string_view key) const {
    return const_cast<Parameters<T>&>(*this).at(key);
}

template <class T>
Grads<T>::Grads(std::size_t L)
    : dA(L + 1, detail::empty<T>()), dW(L + 1, detail::empty<T>()), db(L + 1, detail::empty<T>()),
      dZ(L + 1, detail::empty<T>()) {}

template <class T>
std::vector<std::string> Grads<T>::keys() const {
    std::vector<std::string> k;
    auto add = [&](const std::vector<Array<T>>& v, const char* name, std::size_t l) {
        if (v[l].size() > 0)
            k.push_back(name + std::to_string(l));
    };
    for (std::size_t l = 1; l <= L(); ++l) {
        add(dA, "dA", l - 1);
        add(dW, "dW", l);
        add(db, "db", l);
        add(dZ, "dZ", l);
    }
    if (L() > 0)
        add(dA, "dA", L());
    return k;
}

template <class T>
Array<T>& Grads<T>::at(std::string_view key) {
    const auto [name, l] = detail::split_key(key, 2);
    if (name == "dA" && l <= L())
        return dA[l];
    if (l >= 1 && l <= L()) {
        if (name == "dW")
            return dW[l];
        if (name == "db")
            return db[l];
        if (name == "dZ")
            return dZ[l];
    }
    detail::unknown_key("Grads::at", key, L());
}

template <class T>
const Array<T>& Grads<T>::at(std::string_view key) const {
    return const_cast<Grads<T>&>(*this).at(key);
}

template <class T>
Parameters<T> initialize_parameters_deep(const std::vector<std::size_t>& layer_dims, unsigned seed,
                                         double scale) {
    if (layer_dims.size() < 2)
        throw std::invalid_argument("initialize_parameters_deep: layer_dims needs at least "
                                    "{n_x, n_1}, got " +
                                    std::to_string(layer_dims.size()) + " entries");
    random::RandomState numpy(seed); // np.random.seed(3)
    const std::size_t L = layer_dims.size() - 1;
    Parameters<T> parameters(L);
    for (std::size_t l = 1; l <= L; ++l) {
        // parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01
        parameters.W[l] = xt::cast<T>(numpy.randn(layer_dims[l], layer_dims[l - 1]) * scale);
        // parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
        parameters.b[l] = xt::zeros<T>({layer_dims[l], std::size_t(1)});
    }
    return parameters;
}

// ---- Forward propagation -------------------------------------------------------------------

template <class T>
std::pair<Array<T>, LinearCache<T>> linear_forward(const Array<T>& A, const Array<T>& W,
                                                   const Array<T>& b) {
    constexpr std::string_view where = "linear_forward";
    detail::require_matrix(where, "A_prev", A);
    detail::require_matrix(where, "W", W);
    detail::require_matrix(where, "b", b);
    if (W.shape()[1] != A.shape()[0])
        detail::fail(where, "W has shape " + detail::shape_str(W) + " but A_prev has shape " +
                                detail::shape_str(A) + ": W's columns must equal A_prev's rows");
    if (b.shape()[0] != W.shape()[0] || b.shape()[1] != 1)
        detail::fail(where, "b has shape " + detail::shape_str(b) + " but W has shape " +
                                detail::shape_str(W) + ": b must be (" +
                                std::to_string(W.shape()[0]) + ", 1)");
    // Z = np.dot(W, A) + b, b broadcast over the columns
    Array<T> Z = xt::linalg::dot(W, A) + b;
    return {std::move(Z), LinearCache<T>{&A, &W, &b}};
}

template <class T>
std::pair<Array<T>, Array<T>> sigmoid(const Array<T>& Z) {
    return {detail::activation_forward(Z, Activation::sigmoid), Z};
}

template <class T>
std::pair<Array<T>, Array<T>> relu(const Array<T>& Z) {
    return {detail::activation_forward(Z, Activation::relu), Z};
}

template <class T>
std::pair<Array<T>, Array<T>> leaky_relu(const Array<T>& Z) {
    return {detail::activation_forward(Z, Activation::leaky_relu), Z};
}

template <class T>
std::pair<Array<T>, Array<T>> tanh(const Array<T>& Z) {
    return {detail::activation_forward(Z, Activation::tanh), Z};
}

template <class T>
std::pair<Array<T>, LinearActivationCache<T>>
linear_activation_forward(const Array<T>& A_prev, const Array<T>& W, const Array<T>& b,
                          Activation activation) {
    auto [Z, linear_cache] = linear_forward(A_prev, W, b);
    Array<T> A = detail::activation_forward(Z, activation);
    return {std::move(A), LinearActivationCache<T>{linear_cache, std::move(Z)}};
}

template <class T>
std::pair<Array<T>, Caches<T>> L_model_forward(const Array<T>& X, const Parameters<T>& parameters,
                                               const std::vector<Activation>& activations) {
    constexpr std::string_view where = "L_model_forward";
    const std::size_t L = parameters.L();
    if (L == 0)
        detail::fail(where, "the parameters have no layers");
    if (!activations.empty() && activations.size() != L)
        detail::fail(where, std::to_string(activations.size()) + " activations for " +
                                std::to_string(L) + " layers");

    Caches<T> caches;
    caches.m_activations = activations.empty() ? course_activations(L) : activations;
    caches.m_caches.reserve(L);
    caches.m_A.resize(L); // A[1..L-1]; never resized again, so the caches' pointers stay valid

    const Array<T>* A_prev = &X;
    Array<T> AL;
    for (std::size_t l = 1; l <= L; ++l) {
        std::pair<Array<T>, LinearActivationCache<T>> layer;
        try {
            layer = linear_activation_forward(*A_prev, parameters.W[l], parameters.b[l],
                                              caches.m_activations[l - 1]);
        } catch (const std::invalid_argument& e) {
            detail::rethrow_in_layer(where, l, e);
        }
        caches.m_caches.push_back(std::move(layer.second));
        if (l < L) {
            caches.m_A[l] = std::move(layer.first);
            A_prev = &caches.m_A[l];
        } else {
            AL = std::move(layer.first);
        }
    }
    return {std::move(AL), std::move(caches)};
}

// ---- Cost ----------------------------------------------------------------------------------

template <class T>
T compute_cost(const Array<T>& AL, const Array<T>& Y) {
    detail::require_matrix("compute_cost", "AL", AL);
    detail::require_same_shape("compute_cost", "AL", AL, "Y", Y);
    const T m = static_cast<T>(AL.shape()[1]);
    return -xt::sum(Y * xt::log(AL) + (T(1) - Y) * xt::log(T(1) - AL))() / m;
}

template <class T>
T compute_cost_from_logits(const Array<T>& ZL, const Array<T>& Y) {
    detail::require_matrix("compute_cost_from_logits", "ZL", ZL);
    detail::require_same_shape("compute_cost_from_logits", "ZL", ZL, "Y", Y);
    const T m = static_cast<T>(ZL.shape()[1]);
    // -[y log s(z) + (1-y) log(1 - s(z))] = max(z, 0) - z y + log(1 + exp(-|z|)), never exp(+big)
    return xt::sum(xt::maximum(ZL, T(0)) - ZL * Y + xt::log1p(xt::exp(-xt::abs(ZL))))() / m;
}

// ---- Backward propagation ------------------------------------------------------------------

template <class T>
std::tuple<Array<T>, Array<T>, Array<T>> linear_backward(const Array<T>& dZ,
                                                         const LinearCache<T>& cache) {
    return detail::linear_backward(dZ, cache, true);
}

template <class T>
Array<T> relu_backward(const Array<T>& dA, const Array<T>& cache) {
    return detail::activation_backward(dA, cache, Activation::relu);
}

template <class T>
Array<T> leaky_relu_backward(const Array<T>& dA, const Array<T>& cache) {
    return detail::activation_backward(dA, cache, Activation::leaky_relu);
}

template <class T>
Array<T> sigmoid_backward(const Array<T>& dA, const Array<T>& cache) {
    return detail::activation_backward(dA, cache, Activation::sigmoid);
}

template <class T>
Array<T> tanh_backward(const Array<T>& dA, const Array<T>& cache) {
    return detail::activation_backward(dA, cache, Activation::tanh);
}

template <class T>
std::tuple<Array<T>, Array<T>, Array<T>>
linear_activation_backward(const Array<T>& dA, const LinearActivationCache<T>& cache,
                           Activation activation) {
    const Array<T> dZ = detail::activation_backward(dA, cache.activation_cache, activation);
    return linear_backward(dZ, cache.linear_cache);
}

template <class T>
void corrupt_like_course(Grads<T>& grads) {
    // backward_propagation_n in the course's gradient-checking notebook:
    //   dW2 = 1./m * np.dot(dZ2, A1.T) * 2      db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)
    if (grads.L() >= 2)
        grads.dW[2] *= T(2);
    if (grads.L() >= 1)
        grads.db[1] *= T(4);
}

template <class T>
Grads<T> L_model_backward(const Array<T>& AL, const Array<T>& Y, const Caches<T>& caches,
                          const std::vector<Activation>& activations, BackwardOptions options) {
    constexpr std::string_view where = "L_model_backward";
    const auto& g = detail::backward_activations(where, caches, activations);
    const std::size_t L = caches.size();
    detail::require_same_shape(where, "AL", AL, "Y", Y);
    detail::require_same_shape(where, "AL", AL, "ZL (the last cache's Z)",
                               caches[L - 1].activation_cache);

    Grads<T> grads(L);
    // dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads.dA[L] = -(Y / AL - (T(1) - Y) / (T(1) - AL));
    grads.dZ[L] =
        detail::activation_backward(grads.dA[L], caches[L - 1].activation_cache, g[L - 1]);
    detail::backward_through_layers(where, grads, caches, g, options);
    return grads;
}

template <class T>
Grads<T> L_model_backward_from_dZL(const Array<T>& AL, const Array<T>& Y, const Caches<T>& caches,
                                   const std::vector<Activation>& activations,
                                   BackwardOptions options) {
    constexpr std::string_view where = "L_model_backward_from_dZL";
    const auto& g = detail::backward_activations(where, caches, activations);
    const std::size_t L = caches.size();
    if (g[L - 1] != Activation::sigmoid)
        detail::fail(where, "dZL = AL - Y holds for a sigmoid output layer only, layer " +
                                std::to_string(L) + " is " + std::string(to_string(g[L - 1])));
    detail::require_same_shape(where, "AL", AL, "Y", Y);
    detail::require_same_shape(where, "AL", AL, "ZL (the last cache's Z)",
                               caches[L - 1].activation_cache);

    Grads<T> grads(L);
    // dJ/dZL per example for sigmoid + cross-entropy: (AL - Y), the AL(1-AL) factors cancel
    grads.dZ[L] = AL - Y;
    detail::backward_through_layers(where, grads, caches, g, options);
    return grads;
}

template <class T>
void update_parameters(Parameters<T>& parameters, const Grads<T>& grads, T learning_rate) {
    constexpr std::string_view where = "update_parameters";
    if (parameters.L() != grads.L())
        detail::fail(where, "parameters have " + std::to_string(parameters.L()) +
                                " layers but grads " + std::to_string(grads.L()));
    for (std::size_t l = 1; l <= parameters.L(); ++l) {
        try {
            detail::require_same_shape(where, "W", parameters.W[l], "dW", grads.dW[l]);
            detail::require_same_shape(where, "b", parameters.b[l], "db", grads.db[l]);
        } catch (const std::invalid_argument& e) {
            detail::rethrow_in_layer(where, l, e);
        }
        // parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" +
        // str(l)]
        parameters.W[l] = parameters.W[l] - learning_rate * grads.dW[l];
        parameters.b[l] = parameters.b[l] - learning_rate * grads.db[l];
    }
}

// ---- float and double, compiled once here --------------------------------------------------

#define XGRAD_REFERENCE_INSTANTIATE(T)                                                             \
    template struct Parameters<T>;                                                                 \
    template struct Grads<T>;                                                                      \
    template Parameters<T> initialize_parameters_deep<T>(const std::vector<std::size_t>&,          \
                                                         unsigned, double);                        \
    template std::pair<Array<T>, LinearCache<T>> linear_forward<T>(                                \
        const Array<T>&, const Array<T>&, const Array<T>&);                                        \
    template std::pair<Array<T>, Array<T>> sigmoid<T>(const Array<T>&);                            \
    template std::pair<Array<T>, Array<T>> relu<T>(const Array<T>&);                               \
    template std::pair<Array<T>, Array<T>> leaky_relu<T>(const Array<T>&);                         \
    template std::pair<Array<T>, Array<T>> tanh<T>(const Array<T>&);                               \
    template std::pair<Array<T>, LinearActivationCache<T>> linear_activation_forward<T>(           \
        const Array<T>&, const Array<T>&, const Array<T>&, Activation);                            \
    template std::pair<Array<T>, Caches<T>> L_model_forward<T>(                                    \
        const Array<T>&, const Parameters<T>&, const std::vector<Activation>&);                    \
    template T compute_cost<T>(const Array<T>&, const Array<T>&);                                  \
    template T compute_cost_from_logits<T>(const Array<T>&, const Array<T>&);                      \
    template std::tuple<Array<T>, Array<T>, Array<T>> linear_backward<T>(const Array<T>&,          \
                                                                         const LinearCache<T>&);   \
    template Array<T> relu_backward<T>(const Array<T>&, const Array<T>&);                          \
    template Array<T> leaky_relu_backward<T>(const Array<T>&, const Array<T>&);                    \
    template Array<T> sigmoid_backward<T>(const Array<T>&, const Array<T>&);                       \
    template Array<T> tanh_backward<T>(const Array<T>&, const Array<T>&);                          \
    template std::tuple<Array<T>, Array<T>, Array<T>> linear_activation_backward<T>(               \
        const Array<T>&, const LinearActivationCache<T>&, Activation);                             \
    template void corrupt_like_course<T>(Grads<T>&);                                               \
    template Grads<T> L_model_backward<T>(const Array<T>&, const Array<T>&, const Caches<T>&,      \
                                          const std::vector<Activation>&, BackwardOptions);        \
    template Grads<T> L_model_backward_from_dZL<T>(                                                \
        const Array<T>&, const Array<T>&, const Caches<T>&, const std::vector<Activation>&,        \
        BackwardOptions);                                                                          \
    template void update_parameters<T>(Parameters<T>&, const Grads<T>&, T);

XGRAD_REFERENCE_INSTANTIATE(float)
XGRAD_REFERENCE_INSTANTIATE(double)

#undef XGRAD_REFERENCE_INSTANTIATE

} // namespace xgrad::reference
