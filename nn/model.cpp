#include "nn/model.hpp"

#include "nn/data_checks.hpp"

#include <sstream>
#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {
std::string key(const char* name, std::size_t l) {
    return name + std::to_string(l);
}
} // namespace

template <class T>
Model<T>::Model(const std::vector<std::size_t>& layer_dims,
                const std::vector<Activation>& activations, Init init, unsigned seed)
    : Model(layer_dims, activations, Initializer<T>(init, seed)) {}

template <class T>
Model<T>::Model(const std::vector<std::size_t>& layer_dims,
                const std::vector<Activation>& activations, Initializer<T>& init) {
    if (layer_dims.size() < 2)
        throw std::invalid_argument("Model: layer_dims needs at least {n_x, n_1}, got " +
                                    std::to_string(layer_dims.size()) + " entries");
    if (activations.size() != layer_dims.size() - 1)
        throw std::invalid_argument("Model: " + std::to_string(layer_dims.size() - 1) +
                                    " layers in layer_dims but " +
                                    std::to_string(activations.size()) + " activations");
    for (std::size_t l = 1; l < layer_dims.size(); ++l)
        add(Dense<T>(layer_dims[l - 1], layer_dims[l], init), activations[l - 1]);
}

template <class T>
Model<T> Model<T>::from_parameters(const std::map<std::string, Array<T>>& parameters,
                                   const std::vector<Activation>& activations) {
    Model<T> model;
    const std::size_t L = activations.size();
    if (L == 0)
        throw std::invalid_argument("Model::from_parameters: no activations; give one for each "
                                    "layer (e.g. relu, ..., sigmoid), with W1, b1, ... for them");
    const auto given = [&parameters] { // the keys, for the messages
        std::string keys;
        for (const auto& entry : parameters)
            keys += (keys.empty() ? "" : ", ") + entry.first;
        return keys.empty() ? std::string("none") : keys;
    };
    const std::string layers = std::to_string(L) + (L == 1 ? " layer" : " layers");
    for (std::size_t l = 1; l <= L; ++l) {
        const auto W = parameters.find(key("W", l)), b = parameters.find(key("b", l));
        if (W == parameters.end() || b == parameters.end())
            throw std::invalid_argument(
                "Model::from_parameters: " + std::to_string(L) + " activation" +
                (L == 1 ? " (one a layer) makes " : "s (one a layer) make ") + layers +
                ", but there is no " + (W == parameters.end() ? key("W", l) : key("b", l)) +
                " among the parameters (" + given() + ")");
        try {
            model.add(Dense<T>(W->second, b->second), activations[l - 1]);
        } catch (const ShapeError& e) {
            throw ShapeError("Model::from_parameters, layer " + std::to_string(l) + ": " +
                             e.what());
        }
    }
    if (parameters.size() != 2 * L)
        throw std::invalid_argument(
            "Model::from_parameters: " + std::to_string(parameters.size()) + " parameters (" +
            given() + ") but " + std::to_string(L) + " activation" + (L == 1 ? "" : "s") +
            ", one a layer: " + layers + (L == 1 ? " takes" : " take") + " W1, b1" +
            (L > 1 ? ", ..., W" + std::to_string(L) + ", b" + std::to_string(L) : "") +
            "; give one activation for each layer");
    return model;
}

template <class T>
Model<T>& Model<T>::add(Dense<T> layer, Activation activation) {
    const std::size_t l = L() + 1;
    if (l > 1 && layer.n_in() != m_layers.back().n_out())
        throw ShapeError("Model::add: layer " + std::to_string(l) + " (Dense " +
                         std::to_string(layer.n_in()) + " -> " + std::to_string(layer.n_out()) +
                         ") takes " + std::to_string(layer.n_in()) + " inputs but layer " +
                         std::to_string(l - 1) + " gives " +
                         std::to_string(m_layers.back().n_out()));
    layer.number(l);
    m_scopes.push_back("layer " + std::to_string(l) + " (Dense " + std::to_string(layer.n_in()) +
                       " -> " + std::to_string(layer.n_out()) + ", " +
                       std::string(to_string(activation)) + ")");
    m_A_labels.push_back("A[" + std::to_string(l) + "]");
    m_layers.push_back(std::move(layer));
    m_activations.push_back(activation);
    m_keep_prob.push_back(1.0);
    m_loss_scope = "loss (" +
                   std::string(activation == Activation::softmax ? "categorical" : "binary") +
                   " cross-entropy)";
    return *this;
}

template <class T>
Model<T>& Model<T>::dropout(std::size_t l, double keep_prob) {
    layer(l); // range check
    if (l == L())
        throw std::invalid_argument("Model::dropout: layer " + std::to_string(l) +
                                    " is the output layer; dropout goes on hidden layers only "
                                    "(1 to " +
                                    std::to_string(L() - 1) + ")");
    if (!(keep_prob > 0 && keep_prob <= 1))
        throw std::invalid_argument("Model::dropout: layer " + std::to_string(l) +
                                    ": keep_prob = " + std::to_string(keep_prob) +
                                    " must be in (0, 1]");
    m_keep_prob[l - 1] = keep_prob;
    return *this;
}

template <class T>
double Model<T>::keep_prob(std::size_t l) const {
    layer(l);
    return m_keep_prob[l - 1];
}

template <class T>
bool Model<T>::has_dropout() const {
    for (double p : m_keep_prob)
        if (p < 1)
            return true;
    return false;
}

template <class T>
std::vector<std::size_t> Model<T>::layer_dims() const {
    std::vector<std::size_t> dims;
    if (m_layers.empty())
        return dims;
    dims.push_back(m_layers.front().n_in());
    for (const auto& layer : m_layers)
        dims.push_back(layer.n_out());
    return dims;
}

template <class T>
const Dense<T>& Model<T>::layer(std::size_t l) const {
    if (l < 1 || l > L())
        throw std::out_of_range("Model::layer: no layer " + std::to_string(l) + " in a model of " +
                                std::to_string(L()) + " layers (layers count from 1)");
    return m_layers[l - 1];
}

template <class T>
Activation Model<T>::activation(std::size_t l) const {
    layer(l); // range check
    return m_activations[l - 1];
}

template <class T>
const std::string& Model<T>::scope_name(std::size_t l) const {
    layer(l);
    return m_scopes[l - 1];
}

template <class T>
Loss Model<T>::loss_kind() const {
    if (m_layers.empty())
        throw std::invalid_argument("Model: no layers, so no loss");
    return loss_for(m_activations.back());
}

template <class T>
std::string Model<T>::summary() const {
    std::ostringstream out;
    const auto dims = layer_dims();
    if (dims.empty())
        return "(no layers)";
    out << dims[0];
    for (std::size_t l = 1; l <= L(); ++l)
        out << " -> " << dims[l] << " (" << to_string(m_activations[l - 1]) << ")";
    return out.str();
}

template <class T>
std::vector<NamedTensor<T>> Model<T>::parameters() const {
    std::vector<NamedTensor<T>> out;
    out.reserve(2 * L());
    for (std::size_t l = 1; l <= L(); ++l) {
        out.push_back({key("W", l), m_layers[l - 1].W()});
        out.push_back({key("b", l), m_layers[l - 1].b()});
    }
    return out;
}

template <class T>
std::map<std::string, Array<T>> Model<T>::parameter_values() const {
    std::map<std::string, Array<T>> out;
    for (const auto& p : parameters())
        out.emplace(p.name, p.tensor.value());
    return out;
}

template <class T>
void Model<T>::load_parameters(const std::map<std::string, Array<T>>& values) {
    const auto params = parameters();
    for (const auto& p : params) {
        const auto it = values.find(p.name);
        if (it == values.end())
            throw std::invalid_argument("Model::load_parameters: no value for " + p.name);
        if (it->second.shape() != p.tensor.shape())
            throw ShapeError("Model::load_parameters: " + p.name + " has shape " +
                             to_string(p.tensor.shape()) + " in the model but " +
                             to_string(it->second.shape()) + " in the values given");
    }
    if (values.size() != params.size())
        throw std::invalid_argument("Model::load_parameters: " + std::to_string(values.size()) +
                                    " values for " + std::to_string(params.size()) + " parameters");
    for (auto p : params)
        p.tensor.data() = values.at(p.name);
}

template <class T>
std::size_t Model<T>::parameter_count() const {
    std::size_t n = 0;
    for (const auto& layer : m_layers)
        n += layer.W().size() + layer.b().size();
    return n;
}

template <class T>
void Model<T>::zero_grad() {
    for (auto& layer : m_layers) {
        layer.W().zero_grad();
        layer.b().zero_grad();
    }
}

template <class T>
void Model<T>::check_input(const Tensor<T>& X) const {
    if (m_layers.empty())
        throw std::invalid_argument("Model: no layers to run");
    const std::size_t n_x = m_layers.front().n_in();
    if (!X.defined() || X.dim() != 2 || X.shape()[0] != n_x)
        throw ShapeError(
            m_scopes.front() + ": X " + (X.defined() ? describe(X) : std::string("(undefined)")) +
            " must be (n_x, m) = (" + std::to_string(n_x) + ", m), one column per example");
}

template <class T>
template <bool to_logits>
Tensor<T> Model<T>::run(const Tensor<T>& X, ForwardTrace<T>* trace, DropoutMasks<T>* masks) const {
    check_input(X);
    if (masks)
        masks->begin_pass();
    const std::size_t n = L();
    if (trace) {
        trace->Z.assign(n + 1, Tensor<T>());
        trace->A.assign(n + 1, Tensor<T>());
        trace->A[0] = X;
    }
    Tensor<T> A = X;
    for (std::size_t l = 1; l <= n; ++l) {
        Scope scope(m_scopes[l - 1]);
        Tensor<T> Z = m_layers[l - 1].forward(A);
        if (trace) {
            if (trace->retain_grad && Z.requires_grad())
                Z.retain_grad();
            trace->Z[l] = Z;
        }
        if (to_logits && l == n)
            return Z;
        A = activate(m_activations[l - 1], Z);
        const double keep_prob = m_keep_prob[l - 1];
        if (masks && keep_prob < 1)
            A = nn::dropout(A, masks->mask(l, A.shape(), keep_prob), keep_prob);
        A.label(m_A_labels[l - 1]);
        if (trace) {
            if (trace->retain_grad && A.requires_grad())
                A.retain_grad();
            trace->A[l] = A;
        }
    }
    return A;
}

template <class T>
Tensor<T> Model<T>::forward(const Tensor<T>& X, ForwardTrace<T>* trace,
                            DropoutMasks<T>* masks) const {
    return run<false>(X, trace, masks);
}

template <class T>
Tensor<T> Model<T>::logits(const Tensor<T>& X, ForwardTrace<T>* trace,
                           DropoutMasks<T>* masks) const {
    return run<true>(X, trace, masks);
}

template <class T>
Tensor<T> Model<T>::loss_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y) const {
    const Loss kind = loss_kind();
    if (!Y.defined() || Y.shape() != ZL.shape())
        throw ShapeError(m_loss_scope + " after " + m_scopes.back() + ": Y " +
                         (Y.defined() ? describe(Y) : std::string("(undefined)")) +
                         " must have the shape of Z[" + std::to_string(L()) + "] " +
                         to_string(ZL.shape()) + ", one column per example");
    Scope scope(m_loss_scope);
    Tensor<T> J = nn::loss_from_logits(kind, ZL, Y);
    J.label("J");
    return J;
}

template <class T>
Tensor<T> Model<T>::loss(const Tensor<T>& X, const Tensor<T>& Y, ForwardTrace<T>* trace,
                         DropoutMasks<T>* masks) const {
    // Before any work: a model without a cross-entropy output cannot train, and data that is
    // wrong is named here, not found later as a NaN cost or a gradient of nonsense.
    const Loss kind = loss_kind();
    // Shapes that are wrong are left to the model's own checks, which name the layer.
    if (X.defined() && Y.defined() && X.dim() == 2 && Y.dim() == 2 &&
        X.shape()[1] == Y.shape()[1] && !m_checked.unchanged(X, Y)) {
        check_examples(X.value(), Y.value(), kind, m_layers.back().n_out(), "loss");
        m_checked.remember(X, Y);
    }
    return loss_from_logits(logits(X, trace, masks), Y);
}

template <class T>
Array<T> Model<T>::predict_proba(const Tensor<T>& X) const {
    NoGrad no_grad;
    return forward(X).value();
}

template <class T>
Array<T> Model<T>::predict_proba(const Array<T>& X) const {
    return predict_proba(Tensor<T>(X));
}

template <class T>
Array<T> Model<T>::predict(const Tensor<T>& X) const {
    Array<T> AL = predict_proba(X);
    const Activation output = m_activations.back();
    if (output == Activation::sigmoid) {
        for (T& a : AL)
            a = a > T(0.5) ? T(1) : T(0);
        return AL;
    }
    if (output == Activation::softmax) {
        const std::size_t k = AL.shape()[0], m = AL.shape()[1];
        Array<T> classes = xt::zeros<T>({std::size_t(1), m});
        for (std::size_t j = 0; j < m; ++j) {
            std::size_t best = 0;
            for (std::size_t i = 1; i < k; ++i)
                if (AL(i, j) > AL(best, j))
                    best = i;
            classes(0, j) = static_cast<T>(best);
        }
        return classes;
    }
    return AL;
}

template <class T>
Array<T> Model<T>::predict(const Array<T>& X) const {
    return predict(Tensor<T>(X));
}

template class Model<float>;
template class Model<double>;

} // namespace xgrad::nn
