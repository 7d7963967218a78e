#pragma once
// A feed-forward network of Dense layers, each followed by its activation, as the course's
// L-layer model: layer_dims = {n_x, n_1, ..., n_L}, one activation per layer.
//
// The forward pass is plain composition of engine ops, each layer's inside
// Scope("layer l (Dense a -> b, relu)") so errors and graph exports name the layer; backward
// is the engine's. Training folds the output activation into the loss (sigmoid into the
// stable binary cross-entropy from logits, softmax into log-softmax), as is usual practice;
// forward() and predict() apply it.

#include "autograd/autograd.hpp"
#include "nn/activation.hpp"
#include "nn/data_checks.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/init.hpp"
#include "nn/losses.hpp"
#include "nn/named_tensor.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace xgrad::nn {

/// What a forward pass made, layer by layer, in the course's notation. Index l is layer l:
/// Z[0] is unused, A[0] is X. A[L] stays undefined when the pass stopped at the logits Z[L]
/// (logits() and loss()).
template <class T>
struct ForwardTrace {
    /// Call retain_grad() on every Z[l] and A[l] (l >= 1), so that after backward their
    /// .grad() holds dJ/dZ[l] and dJ/dA[l].
    bool retain_grad = false;
    std::vector<Tensor<T>> Z;
    std::vector<Tensor<T>> A;
};

/// Copies of a Model share its parameter tensors (tensors are handles, as PyTorch modules
/// share their Parameters): use clone() for an independent model.
template <class T = double>
class Model {
public:
    /// No layers; add() them.
    Model() = default;
    /// The course's L-layer model: layer_dims = {n_x, n_1, ..., n_L} and one activation per
    /// layer, e.g. ({12288, 20, 7, 5, 1}, {relu, relu, relu, sigmoid}). Weights drawn from
    /// Initializer(init, seed), layer 1 first.
    Model(const std::vector<std::size_t>& layer_dims, const std::vector<Activation>& activations,
          Init init = Init::he, unsigned seed = 1);
    Model(const std::vector<std::size_t>& layer_dims, const std::vector<Activation>& activations,
          Initializer<T>& init);
    Model(const std::vector<std::size_t>& layer_dims, const std::vector<Activation>& activations,
          Initializer<T>&& init)
        : Model(layer_dims, activations, init) {}
    /// A model holding given parameters, keyed as the course's dictionary ("W1", "b1", ...,
    /// one pair per activation). Throws std::invalid_argument naming a missing key and
    /// ShapeError naming the layer when shapes do not chain.
    static Model from_parameters(const std::map<std::string, Array<T>>& parameters,
                                 const std::vector<Activation>& activations);

    /// A model with the same layers (and dropout) and copies of the parameter values (no
    /// gradients).
    Model clone() const {
        Model copy = from_parameters(parameter_values(), m_activations);
        copy.m_keep_prob = m_keep_prob;
        return copy;
    }

    /// Appends a layer; it becomes layer L+1 and its parameters are labelled W[L+1], b[L+1].
    /// Throws ShapeError when its n_in differs from the previous layer's n_out.
    Model& add(Dense<T> layer, Activation activation);

    /// Inverted dropout on A[l] (see nn/dropout.hpp) with probability keep_prob of keeping a
    /// unit; 1 removes it. Only hidden layers (1 <= l < L): the course never drops the output.
    /// It acts only in passes given a DropoutMasks (fit gives one), never in predict or
    /// evaluate. Throws std::invalid_argument for the output layer or keep_prob outside (0, 1].
    Model& dropout(std::size_t l, double keep_prob);
    /// keep_prob of layer l (1: no dropout).
    double keep_prob(std::size_t l) const;
    /// Whether any layer has dropout.
    bool has_dropout() const;

    /// The number of layers L.
    std::size_t L() const { return m_layers.size(); }
    /// {n_x, n_1, ..., n_L}.
    std::vector<std::size_t> layer_dims() const;
    /// Layer l, 1-based as in the course.
    const Dense<T>& layer(std::size_t l) const;
    Activation activation(std::size_t l) const;
    std::vector<Activation> activations() const { return m_activations; }
    /// The cost this model trains with (from its output activation); throws when the output
    /// activation is neither sigmoid nor softmax.
    Loss loss_kind() const;
    /// "layer l (Dense a -> b, relu)": the scope layer l's ops run in.
    const std::string& scope_name(std::size_t l) const;
    /// "2 -> 4 (tanh) -> 1 (sigmoid)".
    std::string summary() const;

    /// W1, b1, W2, b2, ...: the parameters in the course's order and keys. The tensors share
    /// the model's data (optimisers update them in place).
    std::vector<NamedTensor<T>> parameters() const;
    /// Copies of the parameter values, keyed "W1", "b1", ... (for saving).
    std::map<std::string, Array<T>> parameter_values() const;
    /// Copies values into the parameters (same keys and shapes, else an error naming them).
    void load_parameters(const std::map<std::string, Array<T>>& values);
    /// The number of scalar parameters.
    std::size_t parameter_count() const;
    /// Forgets every parameter's gradient.
    void zero_grad();

    /// A[L] = g[L](Z[L]): probabilities for sigmoid and softmax outputs. X is (n_x, m).
    /// With `masks`, the layers with dropout drop units of their A[l] (masks->mask(l, ...),
    /// drawn in layer order after masks->begin_pass()); without, nothing is dropped.
    Tensor<T> forward(const Tensor<T>& X, ForwardTrace<T>* trace = nullptr,
                      DropoutMasks<T>* masks = nullptr) const;
    /// Z[L], the output layer before its activation.
    Tensor<T> logits(const Tensor<T>& X, ForwardTrace<T>* trace = nullptr,
                     DropoutMasks<T>* masks = nullptr) const;
    /// The training cost J of X against Y: logits, then loss_from_logits.
    Tensor<T> loss(const Tensor<T>& X, const Tensor<T>& Y, ForwardTrace<T>* trace = nullptr,
                   DropoutMasks<T>* masks = nullptr) const;
    /// J from logits ZL = Z[L] (the stable form for sigmoid and softmax outputs). Throws
    /// ShapeError naming the output layer when Y's shape differs from ZL's.
    Tensor<T> loss_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y) const;

    /// A[L] without recording anything (NoGrad).
    Array<T> predict_proba(const Tensor<T>& X) const;
    Array<T> predict_proba(const Array<T>& X) const;
    /// Decisions: for a sigmoid output 1 where A[L] > 0.5, else 0 (shape (k, m)); for a
    /// softmax output the class index of each column, shape (1, m); otherwise A[L].
    Array<T> predict(const Tensor<T>& X) const;
    Array<T> predict(const Array<T>& X) const;

private:
    template <bool to_logits>
    Tensor<T> run(const Tensor<T>& X, ForwardTrace<T>* trace, DropoutMasks<T>* masks) const;
    void check_input(const Tensor<T>& X) const;

    std::vector<Dense<T>> m_layers;
    std::vector<Activation> m_activations;
    std::vector<double> m_keep_prob;     // keep_prob of each layer's A (1: no dropout)
    std::vector<std::string> m_scopes;   // scope name of each layer
    std::vector<std::string> m_A_labels; // "A[l]"
    std::string m_loss_scope;
    CheckedExamples<T> m_checked; // loss()'s last X and Y, checked
};

extern template class Model<float>;
extern template class Model<double>;

} // namespace xgrad::nn
