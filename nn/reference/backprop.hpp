#pragma once
// The course's hand-written forward and backward propagation (Deep Learning Specialization,
// course 1, week 4, "Building your deep neural network: step by step"), as a reference that is
// independent of the engine: it depends on xtensor and xtensor-blas only, never on autograd/ or
// nn/.
//
// Notation as in the course: one column per example. X is (n_x, m), W[l] is (n_l, n_{l-1}),
// b[l] is (n_l, 1) and is broadcast over the columns.
//   Z[l] = W[l] A[l-1] + b[l]             A[l] = g[l](Z[l])
//   dZ[l] = dA[l] * g[l]'(Z[l])           dW[l] = 1/m dZ[l] A[l-1]^T
//   db[l] = 1/m sum(dZ[l], axis=1)        dA[l-1] = W[l]^T dZ[l]
// The cost is J = -1/m sum(Y log AL + (1-Y) log(1-AL)); like the course, dA and dZ are the
// per-example derivatives (m times dJ/dA), and the 1/m is applied in dW and db.
//
// Everything is a template over the scalar, compiled once for float and double in backprop.cpp.
// Shape mistakes throw std::invalid_argument naming the function, the layer and the shapes.

#include "autograd/xtensor.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace xgrad::reference {

// ---------------------------------------------------------------------------------------------
// Activations

/// The activations the course uses, plus leaky ReLU.
enum class Activation { relu, leaky_relu, sigmoid, tanh };

/// "relu", "leaky_relu", "sigmoid" or "tanh"; throws std::invalid_argument for any other name.
Activation parse_activation(std::string_view name);

/// The name that parse_activation reads.
std::string_view to_string(Activation activation);

/// The course's choice for an L-layer model: relu for layers 1..L-1, sigmoid for layer L.
std::vector<Activation> course_activations(std::size_t L);

/// Leaky ReLU's slope for Z <= 0 (PyTorch's default negative_slope).
inline constexpr double leaky_relu_slope = 0.01;

// ---------------------------------------------------------------------------------------------
// Parameters and gradients: the course's dictionaries

/// The course's `parameters` dictionary: W[l] of shape (n_l, n_{l-1}) and b[l] of shape (n_l, 1)
/// for l = 1..L. Indexed like the course (W[1] is the first layer's); W[0] and b[0] are unused.
/// Arrays not set are empty: shape (0), size() == 0.
template <class T>
struct Parameters {
    std::vector<Array<T>> W;
    std::vector<Array<T>> b;

    /// No layers.
    Parameters() : Parameters(0) {}
    /// L layers, every array empty until set.
    explicit Parameters(std::size_t L);

    /// The number of layers.
    std::size_t L() const { return W.empty() ? 0 : W.size() - 1; }
    /// The course's keys in layer order: "W1", "b1", "W2", ..., "bL" (for .npy interchange).
    std::vector<std::string> keys() const;
    /// The array of a course key such as "W2" or "b1"; throws std::out_of_range for other keys.
    Array<T>& at(std::string_view key);
    const Array<T>& at(std::string_view key) const;
};

/// The course's `grads` dictionary, with dZ kept for per-layer comparisons:
/// dW[l], db[l], dZ[l] for l = 1..L (slot 0 unused) and dA[l] for l = 0..L, where dA[L] is the
/// gradient backward started from (empty when it started from dZ[L]) and dA[0] the one for X.
/// Arrays not set are empty: shape (0), size() == 0.
template <class T>
struct Grads {
    std::vector<Array<T>> dA;
    std::vector<Array<T>> dW;
    std::vector<Array<T>> db;
    std::vector<Array<T>> dZ;

    /// No layers.
    Grads() : Grads(0) {}
    /// L layers, every array empty until set.
    explicit Grads(std::size_t L);

    /// The number of layers.
    std::size_t L() const { return dW.empty() ? 0 : dW.size() - 1; }
    /// The keys of the arrays that are set, layer by layer: "dA0", "dW1", "db1", "dZ1", "dA1",
    /// "dW2", ... ("dA{L}" last when set).
    std::vector<std::string> keys() const;
    /// The array of a key such as "dW2", "db1", "dZ3" or "dA0"; throws std::out_of_range for
    /// other keys.
    Array<T>& at(std::string_view key);
    const Array<T>& at(std::string_view key) const;
};

/// The course's initialize_parameters_deep: np.random.seed(seed), then for l = 1..L
/// W[l] = np.random.randn(n_l, n_{l-1}) * scale and b[l] = np.zeros((n_l, 1)), where
/// layer_dims = {n_x, n_1, ..., n_L}. The draws are numpy's (random/): with the defaults the
/// notebook's own W1 = [[0.01788628 0.0043651 ...]] for layer_dims [5, 4, 3]. The product is
/// taken in double, as numpy does, then rounded to T.
template <class T>
Parameters<T> initialize_parameters_deep(const std::vector<std::size_t>& layer_dims,
                                         unsigned seed = 3, double scale = 0.01);

// ---------------------------------------------------------------------------------------------
// Forward propagation

/// The course's linear_cache = (A_prev, W, b). Like the notebook's Python references, the arrays
/// are borrowed, not copied: keep them alive and unchanged until backward has used the cache.
template <class T>
struct LinearCache {
    const Array<T>* A_prev = nullptr;
    const Array<T>* W = nullptr;
    const Array<T>* b = nullptr;
};

/// The course's cache of one layer: (linear_cache, activation_cache), activation_cache being Z.
template <class T>
struct LinearActivationCache {
    LinearCache<T> linear_cache;
    Array<T> activation_cache; ///< Z
};

/// Z = W A + b; returns (Z, linear_cache). The cache borrows A, W and b, hence the deleted
/// overloads below for temporaries.
template <class T>
std::pair<Array<T>, LinearCache<T>> linear_forward(const Array<T>& A, const Array<T>& W,
                                                   const Array<T>& b);
// A cache would borrow a temporary that dies at the end of the call: keep the arrays in variables.
template <class T>
std::pair<Array<T>, LinearCache<T>> linear_forward(Array<T>&& A, const Array<T>& W,
                                                   const Array<T>& b) = delete;
template <class T>
std::pair<Array<T>, LinearCache<T>> linear_forward(const Array<T>& A, Array<T>&& W,
                                                   const Array<T>& b) = delete;
template <class T>
std::pair<Array<T>, LinearCache<T>> linear_forward(const Array<T>& A, const Array<T>& W,
                                                   Array<T>&& b) = delete;

/// A = 1 / (1 + exp(-Z)); returns (A, activation_cache = Z).
template <class T>
std::pair<Array<T>, Array<T>> sigmoid(const Array<T>& Z);
/// A = max(Z, 0); returns (A, activation_cache = Z).
template <class T>
std::pair<Array<T>, Array<T>> relu(const Array<T>& Z);
/// A = Z for Z > 0, 0.01 Z otherwise; returns (A, activation_cache = Z).
template <class T>
std::pair<Array<T>, Array<T>> leaky_relu(const Array<T>& Z);
/// A = tanh(Z); returns (A, activation_cache = Z).
template <class T>
std::pair<Array<T>, Array<T>> tanh(const Array<T>& Z);

/// A = g(W A_prev + b); returns (A, cache = (linear_cache, Z)). The cache borrows A_prev, W, b.
template <class T>
std::pair<Array<T>, LinearActivationCache<T>>
linear_activation_forward(const Array<T>& A_prev, const Array<T>& W, const Array<T>& b,
                          Activation activation);
// A cache would borrow a temporary that dies at the end of the call: keep the arrays in variables.
template <class T>
std::pair<Array<T>, LinearActivationCache<T>>
linear_activation_forward(Array<T>&& A_prev, const Array<T>& W, const Array<T>& b,
                          Activation activation) = delete;
template <class T>
std::pair<Array<T>, LinearActivationCache<T>>
linear_activation_forward(const Array<T>& A_prev, Array<T>&& W, const Array<T>& b,
                          Activation activation) = delete;
template <class T>
std::pair<Array<T>, LinearActivationCache<T>>
linear_activation_forward(const Array<T>& A_prev, const Array<T>& W, Array<T>&& b,
                          Activation activation) = delete;

template <class T>
class Caches;

/// The forward pass of an L-layer model: returns (AL, caches). `activations` has one entry per
/// layer (layer 1 first); empty means the course's, course_activations(L). The caches borrow X
/// and the parameters: keep both alive and unchanged until backward.
template <class T>
std::pair<Array<T>, Caches<T>> L_model_forward(const Array<T>& X, const Parameters<T>& parameters,
                                               const std::vector<Activation>& activations = {});
// The caches would borrow a temporary that dies at the end of the call.
template <class T>
std::pair<Array<T>, Caches<T>>
L_model_forward(Array<T>&& X, const Parameters<T>& parameters,
                const std::vector<Activation>& activations = {}) = delete;
template <class T>
std::pair<Array<T>, Caches<T>>
L_model_forward(const Array<T>& X, Parameters<T>&& parameters,
                const std::vector<Activation>& activations = {}) = delete;

/// The course's list of caches, caches[l-1] being layer l's, together with the activations
/// A[1..L-1] that the next layers' caches borrow as A_prev. Move-only, since the caches point
/// into it; moving keeps them valid.
template <class T>
class Caches {
public:
    Caches(Caches&&) noexcept = default;
    Caches& operator=(Caches&&) noexcept = default;
    Caches(const Caches&) = delete;
    Caches& operator=(const Caches&) = delete;

    /// L, the number of layers.
    std::size_t size() const { return m_caches.size(); }
    /// Layer (i+1)'s cache, as the course's caches[i].
    const LinearActivationCache<T>& operator[](std::size_t i) const { return m_caches.at(i); }
    /// The activations the forward pass used, layer 1 first.
    const std::vector<Activation>& activations() const { return m_activations; }
    /// A[l] for l = 0..L-1 (A[0] is X); AL is returned by L_model_forward itself.
    const Array<T>& A(std::size_t l) const { return *m_caches.at(l).linear_cache.A_prev; }

private:
    Caches() = default;
    template <class U>
    friend std::pair<Array<U>, Caches<U>>
    L_model_forward(const Array<U>& X, const Parameters<U>& parameters,
                    const std::vector<Activation>& activations);

    std::vector<LinearActivationCache<T>> m_caches;
    std::vector<Array<T>> m_A; ///< A[l] at index l for l = 1..L-1; allocated once, never resized
    std::vector<Activation> m_activations;
};

// ---------------------------------------------------------------------------------------------
// Cost

/// The cross-entropy cost J = -1/m sum(Y log(AL) + (1-Y) log(1-AL)), summed over every entry,
/// m being the number of columns. AL and Y must have the same shape: no broadcasting, so a (1, m)
/// Y against an (m, 1) AL is an error, not an (m, m) matrix.
template <class T>
T compute_cost(const Array<T>& AL, const Array<T>& Y);

/// The same cost from the logits ZL (AL = sigmoid(ZL)), computed stably:
/// 1/m sum(max(z, 0) - z y + log(1 + exp(-|z|))). For a (1, m) ZL this is the mean.
template <class T>
T compute_cost_from_logits(const Array<T>& ZL, const Array<T>& Y);

// ---------------------------------------------------------------------------------------------
// Backward propagation

/// From dZ = dJ/dZ (per example) and the layer's linear_cache: returns (dA_prev, dW, db) with
/// dA_prev = W^T dZ, dW = 1/m dZ A_prev^T, db = 1/m sum(dZ, axis=1, keepdims).
template <class T>
std::tuple<Array<T>, Array<T>, Array<T>> linear_backward(const Array<T>& dZ,
                                                         const LinearCache<T>& cache);

/// dZ = dA * (Z > 0). The derivative at Z = 0 is taken as 0, as PyTorch does.
template <class T>
Array<T> relu_backward(const Array<T>& dA, const Array<T>& cache);
/// dZ = dA for Z > 0, 0.01 dA otherwise (so 0.01 dA at Z = 0, as PyTorch does).
template <class T>
Array<T> leaky_relu_backward(const Array<T>& dA, const Array<T>& cache);
/// dZ = dA * s (1 - s) with s = sigmoid(Z).
template <class T>
Array<T> sigmoid_backward(const Array<T>& dA, const Array<T>& cache);
/// dZ = dA * (1 - tanh(Z)^2).
template <class T>
Array<T> tanh_backward(const Array<T>& dA, const Array<T>& cache);

/// Returns (dA_prev, dW, db) for one layer: the activation's backward, then linear_backward.
template <class T>
std::tuple<Array<T>, Array<T>, Array<T>>
linear_activation_backward(const Array<T>& dA, const LinearActivationCache<T>& cache,
                           Activation activation);

/// Gradients deliberately wrong, for gradient-checking exercises.
enum class PlantedBug {
    none,
    /// The course's gradient-check exercise (backward_propagation_n): dW2 *= 2 and db1 *= 4,
    /// each only when the layer exists; nothing else changes.
    course_gradient_check,
};

/// Applies PlantedBug::course_gradient_check to grads: dW2 *= 2, db1 *= 4 (when present).
template <class T>
void corrupt_like_course(Grads<T>& grads);

/// Options of L_model_backward beyond the course's.
struct BackwardOptions {
    BackwardOptions(PlantedBug bug = PlantedBug::none, bool with_dA0 = true)
        : planted_bug(bug), compute_dA0(with_dA0) {}

    PlantedBug planted_bug;
    /// dA0 = W1^T dZ1, the gradient for X: the course computes it, training does not need it
    /// (and for wide inputs it is the largest product of the backward pass).
    bool compute_dA0;
};

/// The backward pass of the course: starts from dAL = -(Y/AL - (1-Y)/(1-AL)) and goes through
/// every layer's activation and linear backward. `activations` empty means the ones the forward
/// pass used (recorded in caches); when given, they must be those.
template <class T>
Grads<T> L_model_backward(const Array<T>& AL, const Array<T>& Y, const Caches<T>& caches,
                          const std::vector<Activation>& activations = {},
                          BackwardOptions options = {});

/// The same, starting from dZ[L] = AL - Y: the stable shortcut for a sigmoid output with the
/// cross-entropy cost (no division by AL or 1 - AL). The last activation must be sigmoid.
/// grads.dA[L] is left empty.
template <class T>
Grads<T> L_model_backward_from_dZL(const Array<T>& AL, const Array<T>& Y, const Caches<T>& caches,
                                   const std::vector<Activation>& activations = {},
                                   BackwardOptions options = {});

/// Gradient descent, in place: W[l] -= learning_rate dW[l], b[l] -= learning_rate db[l].
template <class T>
void update_parameters(Parameters<T>& parameters, const Grads<T>& grads, T learning_rate);

} // namespace xgrad::reference
