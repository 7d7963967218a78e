#include "nn/compare.hpp"
#include "nn/data_checks.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numeric>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {

using Arr = Array<double>;

template <class T>
Arr to_double(const Array<T>& a) {
    Arr out = Arr::from_shape(a.shape());
    std::copy(a.data(), a.data() + a.size(), out.data());
    return out;
}

bool all_finite(const Arr& a) {
    return std::all_of(a.data(), a.data() + a.size(), [](double x) { return std::isfinite(x); });
}

// The engine's gradients, in the course's keys and per-example scale for dZ and dA.
template <class T>
struct AutodiffGrads {
    std::vector<Array<T>> dW, db, dZ, dA; // dW[l], db[l], dZ[l] for l = 1..L; dA[l] for 0..L-1
};

template <class T>
AutodiffGrads<T> run_autodiff(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                              bool activations) {
    const std::size_t L = model.L();
    // X as a leaf that wants a gradient, so dA0 = dJ/dX comes out as well.
    const Tensor<T> Xt(X, activations, "X");
    const Tensor<T> Yt(Y, false, "Y");
    ForwardTrace<T> trace;
    const Tensor<T> J = model.loss(Xt, Yt, &trace);
    std::vector<Tensor<T>> inputs;
    for (const auto& p : model.parameters())
        inputs.push_back(p.tensor);
    if (activations) {
        for (std::size_t l = 1; l <= L; ++l)
            inputs.push_back(trace.Z[l]);
        for (std::size_t l = 0; l < L; ++l)
            inputs.push_back(trace.A[l]);
    }
    // grad() leaves every .grad alone: the comparison does not disturb a training loop.
    const std::vector<Tensor<T>> g = xgrad::grad(std::vector<Tensor<T>>{J}, inputs);
    AutodiffGrads<T> out;
    out.dW.resize(L + 1);
    out.db.resize(L + 1);
    for (std::size_t l = 1; l <= L; ++l) {
        out.dW[l] = g[2 * (l - 1)].value();
        out.db[l] = g[2 * (l - 1) + 1].value();
    }
    if (activations) {
        // The course's dZ and dA are per example: m times the engine's dJ/dZ and dJ/dA.
        const T m = static_cast<T>(X.shape()[1]);
        out.dZ.resize(L + 1);
        out.dA.resize(L);
        for (std::size_t l = 1; l <= L; ++l)
            out.dZ[l] = g[2 * L + l - 1].value() * m;
        for (std::size_t l = 0; l < L; ++l)
            out.dA[l] = g[3 * L + l].value() * m;
    }
    return out;
}

// The cost of the model as a function of one layer's input or pre-activation, in float64 and
// without recording: what the finite differences evaluate.
class NumericCost {
public:
    NumericCost(const Model<double>& model, const Arr& Y) : m_model(model), m_Y(Y) {}

    /// J with A[l-1] = A_prev, running layers l..L.
    double from_A(std::size_t l, const Tensor<double>& A_prev) const {
        NoGrad no_grad;
        Tensor<double> A = A_prev;
        for (std::size_t k = l; k <= m_model.L(); ++k) {
            const Tensor<double> Z = m_model.layer(k).forward(A);
            if (k == m_model.L())
                return m_model.loss_from_logits(Z, m_Y).item();
            A = activate(m_model.activation(k), Z);
        }
        return m_model.loss_from_logits(A, m_Y).item(); // l > L: A is ZL itself
    }
    /// J with Z[l] = Z.
    double from_Z(std::size_t l, const Tensor<double>& Z) const {
        NoGrad no_grad;
        if (l == m_model.L())
            return m_model.loss_from_logits(Z, m_Y).item();
        return from_A(l + 1, activate(m_model.activation(l), Z));
    }

private:
    const Model<double>& m_model;
    Tensor<double> m_Y;
};

// Which entries of a tensor get finite differences: all, or a seeded sample.
std::vector<std::size_t> pick_entries(std::size_t size, std::size_t max_entries,
                                      std::mt19937& generator) {
    std::vector<std::size_t> entries(size);
    std::iota(entries.begin(), entries.end(), std::size_t(0));
    if (max_entries == 0 || size <= max_entries)
        return entries;
    std::shuffle(entries.begin(), entries.end(), generator);
    entries.resize(max_entries);
    std::sort(entries.begin(), entries.end());
    return entries;
}

// scale * dJ/dx at each chosen entry of x by central differences (x is changed in place and
// restored), where `cost` evaluates J with x's current values. Other entries stay 0.
template <class F>
Arr central_differences(Arr& x, const std::vector<std::size_t>& entries, Stencil stencil, double h,
                        double scale, F cost) {
    Arr out = xt::zeros<double>(x.shape());
    double* v = x.data();
    auto at = [&](std::size_t i, double value) {
        v[i] = value;
        return cost();
    };
    for (std::size_t i : entries) {
        const double old = v[i];
        const double d1 = at(i, old + h) - at(i, old - h);
        double slope;
        if (stencil == Stencil::two_point) {
            slope = d1 / (2 * h); // (J(x+e) - J(x-e)) / 2e
        } else {
            const double d2 = at(i, old + 2 * h) - at(i, old - 2 * h);
            slope = (8 * d1 - d2) / (12 * h); // the h^2 error terms of d1 and d2 cancel
        }
        v[i] = old;
        out.data()[i] = scale * slope;
    }
    return out;
}

// Sums for ||a - b||, ||a||, ||b|| over some entries, so tensors can be pooled.
struct Norms {
    double diff2 = 0, a2 = 0, b2 = 0, max_abs = 0;
    std::size_t entries = 0;
    std::size_t worst = 0; // the flat index of max_abs
    void add(const Arr& a, const Arr& b, const std::vector<std::size_t>* only) {
        const std::size_t n = only ? only->size() : a.size();
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = only ? (*only)[k] : k;
            const double x = a.data()[i], y = b.data()[i], d = x - y;
            diff2 += d * d;
            a2 += x * x;
            b2 += y * y;
            if (std::abs(d) > max_abs || entries + k == 0) {
                max_abs = std::abs(d);
                worst = i;
            }
        }
        entries += n;
    }
    double relative() const {
        const double denominator = std::sqrt(a2) + std::sqrt(b2);
        return denominator == 0 ? 0 : std::sqrt(diff2) / denominator;
    }
};

std::vector<std::size_t> flat_to_index(const Shape& shape, std::size_t flat) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t k = shape.size(); k-- > 0;) {
        index[k] = flat % shape[k];
        flat /= shape[k];
    }
    return index;
}

Difference difference(const Arr& autodiff, const Arr& other, const std::vector<std::size_t>* only,
                      double threshold) {
    Difference d;
    d.available = true;
    if (!all_finite(other)) {
        d.available = false;
        d.note = "not finite";
        return d;
    }
    Norms norms;
    norms.add(autodiff, other, only);
    d.max_abs = norms.max_abs;
    d.relative = norms.relative();
    d.entries = norms.entries;
    if (norms.entries > 0) {
        d.worst_index = flat_to_index(autodiff.shape(), norms.worst);
        d.worst_autodiff = autodiff.data()[norms.worst];
        d.worst_other = other.data()[norms.worst];
    }
    // NaN relative (autodiff not finite) fails too.
    d.passed = d.relative <= threshold;
    if (only && only->size() < autodiff.size())
        d.note =
            std::to_string(only->size()) + " of " + std::to_string(autodiff.size()) + " entries";
    return d;
}

// ---- supplied gradients: where they differ and why -------------------------------------------

std::string number(double x) {
    std::ostringstream out;
    out << std::scientific << std::setprecision(2) << x;
    return out.str();
}

double dot(const Arr& a, const Arr& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += a.data()[i] * b.data()[i];
    return s;
}

std::string short_number(double x) {
    std::ostringstream out;
    out << std::setprecision(4) << x;
    return out.str();
}

// What a near-constant ratio yours / autodiff's usually means, for a tensor of kind dW, db, dZ
// or dA ('W', 'b', 'Z', 'A').
std::string factor_hint(char kind, double c, std::size_t m) {
    const double M = static_cast<double>(m);
    const bool parameter = kind == 'W' || kind == 'b';
    const std::string formula = kind == 'W'   ? "dW = 1/m np.dot(dZ, A_prev.T)"
                                : kind == 'b' ? "db = 1/m np.sum(dZ, axis=1, keepdims=True)"
                                : kind == 'Z' ? "dZ = dA * g'(Z), per example (no 1/m)"
                                              : "dA_prev = np.dot(W.T, dZ), per example (no 1/m)";
    const double a = std::abs(c);
    auto factor_is = [&](double target) { return std::abs(a - target) <= 1e-3 * target; };
    if (c < 0 && factor_is(1))
        return "yours = -1 x autodiff's at every entry: a sign is flipped (the course's "
               "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)); dZ[L] = AL - Y, "
               "not Y - AL)";
    const std::string sign = c < 0 ? " and the sign is flipped" : "";
    if (m > 1 && factor_is(M))
        return "yours = " + std::string(c < 0 ? "-" : "") +
               "m x autodiff's (m = " + std::to_string(m) + ")" + sign +
               (parameter ? ": the 1/m is missing; " + formula
                          : ": a factor m too many; the course's " + formula);
    if (m > 1 && factor_is(1 / M))
        return "yours = " + std::string(c < 0 ? "-" : "") +
               "1/m x autodiff's (m = " + std::to_string(m) + ")" + sign +
               (parameter ? ": divided by m twice? The course's dZ and dA have no 1/m; it comes "
                            "once, in " +
                                formula
                          : ": the course's dZ and dA are per example, the 1/m comes only in dW "
                            "and db; " +
                                formula);
    std::string factor;
    for (double f : {2.0, 4.0, 0.5, 0.25})
        if (factor_is(f))
            factor = f >= 1 ? short_number(f) : "1/" + short_number(1 / f);
    if (factor.empty())
        factor = short_number(a);
    return "yours = " + std::string(c < 0 ? "-" : "") + factor + " x autodiff's at every entry" +
           sign + ": the formula is right up to a constant factor (" + formula + ")";
}

// The hint for a supplied tensor y of the right shape that differs from autodiff's a.
std::string differing_hint(const std::string& key, const Arr& a, const Arr& y, std::size_t m,
                           double threshold) {
    const char kind = key[1];
    const double a2 = dot(a, a), y2 = dot(y, y);
    if (y2 == 0)
        return "yours is all zeros";
    if (a2 == 0)
        return "autodiff's is all zeros, yours is not";
    // yours = c * autodiff's, c by least squares; near-constant when the rest is tiny.
    const double c = dot(a, y) / a2;
    Arr rest = y - c * a;
    if (std::sqrt(dot(rest, rest)) <= 1e-4 * std::sqrt(y2)) {
        if (std::abs(c - 1) <= 1e-3) {
            Norms close;
            close.add(a, y, nullptr);
            return "yours is within a relative " + number(close.relative()) +
                   " of autodiff's: rounding rather than a wrong formula? (float32 arrays round "
                   "at about 1e-7; the pass mark is " +
                   number(threshold) + ")";
        }
        return factor_hint(kind, c, m);
    }
    // A square dW that is its transpose.
    if (kind == 'W' && a.dimension() == 2 && a.shape()[0] == a.shape()[1]) {
        Norms t;
        t.add(a, Arr(xt::transpose(y)), nullptr);
        if (t.relative() <= threshold)
            return "yours is the transpose of autodiff's: dW = 1/m np.dot(dZ, A_prev.T), of "
                   "shape (n_l, n_{l-1})";
    }
    // Same magnitudes, some signs flipped; or zeros where the other is not (a relu mask).
    const double scale = std::sqrt(std::max(a2, y2) / static_cast<double>(a.size()));
    const double tiny = 1e-12 * scale;
    std::size_t flipped = 0, first_flipped = 0, yours_zero = 0, first_yours_zero = 0,
                theirs_zero = 0, first_theirs_zero = 0;
    Norms magnitudes;
    magnitudes.add(Arr(xt::abs(a)), Arr(xt::abs(y)), nullptr);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double x = a.data()[i], z = y.data()[i];
        if (std::abs(x) > tiny && std::abs(z) > tiny && (x < 0) != (z < 0) && flipped++ == 0)
            first_flipped = i;
        if (std::abs(z) <= tiny && std::abs(x) > tiny && yours_zero++ == 0)
            first_yours_zero = i;
        if (std::abs(x) <= tiny && std::abs(z) > tiny && theirs_zero++ == 0)
            first_theirs_zero = i;
    }
    const std::string of = " of " + std::to_string(a.size()) + " entries (the first " + key;
    if (flipped > 0 && magnitudes.relative() <= 1e-6)
        return "the magnitudes agree but the sign is flipped at " + std::to_string(flipped) + of +
               index_string(a.shape(), first_flipped) + "): a sign in part of the formula";
    if (yours_zero > 0 && theirs_zero == 0)
        return "yours is 0 at " + std::to_string(yours_zero) + of +
               index_string(a.shape(), first_yours_zero) +
               ") where autodiff's is not: a mask applied too widely? (relu_backward: dZ = dA "
               "where Z > 0, 0 only where Z <= 0)";
    if (theirs_zero > 0 && yours_zero == 0)
        return "autodiff's is 0 at " + std::to_string(theirs_zero) + of +
               index_string(a.shape(), first_theirs_zero) +
               ") where yours is not: a relu mask missing? (relu_backward: dZ[Z <= 0] = 0)";
    return "";
}

// A supplied tensor against autodiff's. `yours` has autodiff's shape or its transpose (a 2-D
// tensor whose shape the caller found reversed): a transposed one fails with a hint.
Difference supplied_difference(const std::string& key, const Arr& autodiff, const Arr& yours,
                               std::size_t m, double threshold, std::string& hint) {
    Difference d;
    d.available = true;
    for (std::size_t i = 0; i < yours.size(); ++i)
        if (!std::isfinite(yours.data()[i])) {
            d.passed = false;
            d.relative = d.max_abs = std::numeric_limits<double>::quiet_NaN();
            d.worst_index = flat_to_index(yours.shape(), i);
            d.worst_other = yours.data()[i];
            // autodiff's value at the same place (yours may be the transpose of autodiff's)
            const bool same_shape = yours.shape() == autodiff.shape();
            const std::size_t cols = yours.dimension() == 2 ? yours.shape()[1] : 1;
            d.worst_autodiff = same_shape
                                   ? autodiff.data()[i]
                                   : autodiff.data()[(i % cols) * (yours.size() / cols) + i / cols];
            d.note = "yours not finite";
            hint = key + index_string(yours.shape(), i) + " is " + short_number(yours.data()[i]) +
                   ": a division by zero or a log of 0 in your backward? (AL of exactly 0 or 1 "
                   "makes dAL = -(Y/AL - (1-Y)/(1-AL)) infinite)";
            return d;
        }
    const bool transposed = yours.shape() != autodiff.shape();
    const Arr y = transposed ? Arr(xt::transpose(yours)) : yours;
    d = difference(autodiff, y, nullptr, threshold);
    if (transposed) {
        d.passed = false;
        d.note = "yours transposed";
        std::reverse(d.worst_index.begin(), d.worst_index.end()); // in yours' own layout
        const std::string meant = key[1] == 'W' ? " = (n_l, n_{l-1}): dW = 1/m np.dot(dZ, A_prev.T)"
                                  : key[1] == 'b' ? " = (n_l, 1): db = 1/m np.sum(dZ, axis=1, "
                                                    "keepdims=True)"
                                                  : ", one column per example";
        hint = "yours has shape " + to_string(yours.shape()) + ", the transpose of " + key + "'s " +
               to_string(autodiff.shape()) + meant + "; transposed, yours " +
               (d.relative <= threshold ? "agrees with autodiff"
                                        : "still differs (relative " + number(d.relative) + ")");
        return d;
    }
    if (!d.passed)
        hint = differing_hint(key, autodiff, y, m, threshold);
    return d;
}

Difference unavailable(std::string note) {
    Difference d;
    d.note = std::move(note);
    return d;
}

std::string key(const char* name, std::size_t l) {
    return name + std::to_string(l);
}

} // namespace

std::string not_a_gradient_key(const std::string& key, std::size_t L) {
    const auto same_but_case = [&key](const std::string& other) {
        return other.size() == key.size() &&
               std::equal(key.begin(), key.end(), other.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
               });
    };
    std::string meant;
    for (std::size_t l = 1; l <= L; ++l)
        for (const std::string& k : {"dW" + std::to_string(l), "db" + std::to_string(l),
                                     "dZ" + std::to_string(l), "dA" + std::to_string(l - 1)})
            if (same_but_case(k))
                meant = k;
    const std::string n = std::to_string(L);
    return " is not a gradient of this " + n + "-layer network" +
           (meant.empty() ? "" : " (did you mean \"" + meant + "\"?)") + ": its keys are dW1..dW" +
           n + ", db1..db" + n + ", and any of dZ1..dZ" + n + ", dA0..dA" +
           (L > 0 ? std::to_string(L - 1) : "0");
}

reference::Activation to_reference(Activation activation) {
    switch (activation) {
    case Activation::relu:
        return reference::Activation::relu;
    case Activation::leaky_relu:
        return reference::Activation::leaky_relu;
    case Activation::sigmoid:
        return reference::Activation::sigmoid;
    case Activation::tanh:
        return reference::Activation::tanh;
    case Activation::softmax:
        break;
    }
    throw std::invalid_argument("the course's reference backprop has no " +
                                std::string(to_string(activation)) + " layer");
}

template <class T>
reference::Parameters<T> to_reference(const Model<T>& model) {
    reference::Parameters<T> parameters(model.L());
    for (std::size_t l = 1; l <= model.L(); ++l) {
        parameters.W[l] = model.layer(l).W().value();
        parameters.b[l] = model.layer(l).b().value();
    }
    return parameters;
}

template <class T>
std::map<std::string, Array<T>> autodiff_gradients(const Model<T>& model, const Array<T>& X,
                                                   const Array<T>& Y, bool activations) {
    AutodiffGrads<T> g = run_autodiff(model, X, Y, activations);
    std::map<std::string, Array<T>> out;
    for (std::size_t l = 1; l <= model.L(); ++l) {
        out.emplace(key("dW", l), std::move(g.dW[l]));
        out.emplace(key("db", l), std::move(g.db[l]));
        if (activations) {
            out.emplace(key("dZ", l), std::move(g.dZ[l]));
            out.emplace(key("dA", l - 1), std::move(g.dA[l - 1]));
        }
    }
    return out;
}

namespace {

// The supplied gradients as the reference's Grads (empty where not supplied), after checking
// their keys and shapes against autodiff's.
template <class T>
reference::Grads<T> supplied_grads(const std::map<std::string, Array<T>>& supplied,
                                   const AutodiffGrads<T>& autodiff, std::size_t L) {
    reference::Grads<T> grads(L);
    for (const auto& [name, value] : supplied) {
        const Array<T>* expected = nullptr;
        Array<T>* slot = nullptr;
        for (std::size_t l = 1; l <= L; ++l) {
            if (name == key("dW", l))
                expected = &autodiff.dW[l], slot = &grads.dW[l];
            if (name == key("db", l))
                expected = &autodiff.db[l], slot = &grads.db[l];
            if (name == key("dZ", l))
                expected = &autodiff.dZ[l], slot = &grads.dZ[l];
            if (name == key("dA", l - 1))
                expected = &autodiff.dA[l - 1], slot = &grads.dA[l - 1];
        }
        if (!slot)
            throw std::invalid_argument("compare_gradients: '" + name + "'" +
                                        not_a_gradient_key(name, L));
        check_gradient_shape(value, expected->shape(), name);
        *slot = value;
    }
    return grads;
}

// When a numeric row of layer l or below failed and layer l is relu (or leaky relu) with a Z
// entry closer to 0 than the differences reach, the numeric column straddles the kink there
// and measures nothing: say where, so that a learner does not hunt for a bug their formulas do
// not have. The reach: the stencil's widest step (2h, or h for two points) times the largest
// factor a step is multiplied by on its way into Z[l] (|A[l-1]| for W, |W[l]| for A[l-1], 1
// for Z and b); a rough bound for steps in lower layers, hence "may be". Empty otherwise.
std::string kink_note(const Model<double>& model, const ForwardTrace<double>& trace,
                      const Comparison& result, double h, Stencil stencil) {
    for (std::size_t l = model.L(); l >= 1; --l) {
        const Activation a = model.activation(l);
        if (!has_kink_at_zero(a))
            continue;
        bool failed_at_or_below = false;
        for (const CompareRow& row : result.rows)
            failed_at_or_below = failed_at_or_below ||
                                 (row.layer <= l && row.numeric.available && !row.numeric.passed);
        if (!failed_at_or_below)
            continue;
        const Arr& Z = trace.Z[l].value();
        double reach = 1;
        for (double v : trace.A[l - 1].value())
            reach = std::max(reach, std::abs(v));
        for (double v : model.layer(l).W().value())
            reach = std::max(reach, std::abs(v));
        reach *= (stencil == Stencil::five_point ? 2 : 1) * h;
        std::size_t nearest = 0;
        for (std::size_t k = 1; k < Z.size(); ++k)
            if (std::abs(Z.data()[k]) < std::abs(Z.data()[nearest]))
                nearest = k;
        if (Z.size() == 0 || !(std::abs(Z.data()[nearest]) < reach))
            continue;
        const std::size_t cols = Z.shape()[1];
        std::ostringstream note;
        note << "Z" << l << "[" << nearest / cols << ", " << nearest % cols
             << "] = " << Z.data()[nearest] << " is within the finite differences' reach (" << reach
             << ") of " << to_string(a) << "'s kink at 0: there the numeric column is not a "
             << "derivative, so numeric failures in layer " << l
             << " and below may be the kink's, not a bug; check at other points (or a smaller "
                "epsilon)";
        return note.str();
    }
    return "";
}

template <class T>
Comparison compare_impl(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                        const CompareOptions& options,
                        const std::map<std::string, Array<T>>* supplied) {
    check_finite(X, "X");
    check_finite(Y, "Y");
    const std::size_t L = model.L();
    const Loss loss = model.loss_kind();
    Comparison result;
    result.network = model.summary();
    result.loss = std::string(to_string(loss));
    result.epsilon = options.epsilon;
    result.threshold = options.threshold;
    result.network_threshold = options.network_threshold;
    result.stencil = options.stencil;

    // (a) autodiff, in T. The model checks X and Y and names the layer on a mismatch.
    const AutodiffGrads<T> autodiff = run_autodiff(model, X, Y, true);
    const std::size_t m = X.shape()[1];
    result.m = m;

    // (b) the course's manual formulas, in T; or the gradients supplied.
    std::vector<reference::Activation> ref_activations;
    std::string manual_missing;
    reference::Grads<T> manual;
    if (supplied) {
        manual = supplied_grads(*supplied, autodiff, L);
        result.manual_label = "yours";
        result.manual_source = "yours: the " + std::to_string(supplied->size()) +
                               " gradients supplied, in the course's keys and scale";
        if (options.planted_bug != reference::PlantedBug::none)
            result.notes.push_back("the planted bug corrupts the course's formulas, which "
                                   "yours replace here: nothing to catch");
    } else {
        try {
            for (Activation a : model.activations())
                ref_activations.push_back(to_reference(a));
        } catch (const std::invalid_argument& e) {
            manual_missing = std::string(e.what()) + ": no manual column";
        }
    }
    if (!supplied && manual_missing.empty()) {
        const reference::Parameters<T> parameters = to_reference(model);
        auto [AL, caches] = reference::L_model_forward(X, parameters, ref_activations);
        const reference::BackwardOptions backward_options(options.planted_bug, true);
        manual = reference::L_model_backward(AL, Y, caches, ref_activations, backward_options);
        result.manual_source = "the course's L_model_backward from dAL = -(Y/AL - (1-Y)/(1-AL))";
        if (!all_finite(to_double(manual.dA[L]))) {
            // AL of exactly 0 or 1 (logits beyond about +-37 in double) makes Y/AL or
            // (1-Y)/(1-AL) divide by zero: the formula breaks, autodiff (logits form) does not.
            result.manual_breakdown =
                "manual formula broke down: dAL = -(Y/AL - (1-Y)/(1-AL)) is not finite (AL "
                "saturated at exactly 0 or 1); the manual column uses the course's shortcut "
                "dZ[L] = AL - Y instead";
            manual = reference::L_model_backward_from_dZL(AL, Y, caches, ref_activations,
                                                          backward_options);
            result.manual_source = "the course's L_model_backward_from_dZL, dZ[L] = AL - Y "
                                   "(dAL broke down)";
        }
    } else if (!supplied) {
        result.notes.push_back(manual_missing);
        if (options.planted_bug != reference::PlantedBug::none)
            result.notes.push_back("the planted bug corrupts the manual formulas, which are "
                                   "absent here: nothing to catch");
    }

    // (c) finite differences, in float64 on a copy of the model.
    std::map<std::string, Arr> params64;
    for (const auto& [name, value] : model.parameter_values())
        params64[name] = to_double(value);
    Model<double> model64 = Model<double>::from_parameters(params64, model.activations());
    const Arr X64 = to_double(X), Y64 = to_double(Y);
    const NumericCost cost(model64, Y64);
    // The float64 forward pass the perturbations start from: A[0..L-1] and Z[1..L].
    ForwardTrace<double> trace64;
    {
        NoGrad no_grad;
        model64.logits(Tensor<double>(X64), &trace64);
    }
    std::mt19937 generator(options.seed);
    const double mscale = static_cast<double>(m);

    Norms network_autodiff, network_manual;
    bool network_manual_available = manual_missing.empty();
    bool sampled = false;

    auto add_row = [&](std::size_t l, const std::string& name, const Arr& a,
                       const Array<T>* manual_value, bool numeric_wanted, auto numeric_of,
                       bool parameter) {
        CompareRow row;
        row.layer = l;
        row.tensor = name;
        row.shape = a.shape();
        row.autodiff_finite = all_finite(a);
        if (supplied && !(manual_value && manual_value->size() > 0)) {
            row.supplied = false;
            row.manual = unavailable("not supplied");
            result.not_supplied.push_back(name);
        } else if (supplied)
            row.manual = supplied_difference(name, a, to_double(*manual_value), m,
                                             options.threshold, row.hint);
        else if (manual_value && manual_value->size() > 0)
            row.manual = difference(a, to_double(*manual_value), nullptr, options.threshold);
        else
            row.manual = unavailable(manual_missing.empty() ? "not computed" : "no reference");
        if (row.manual.note == "not finite")
            row.manual.note = "manual not finite";
        if (numeric_wanted) {
            const auto entries = pick_entries(a.size(), options.max_numeric_entries, generator);
            sampled = sampled || entries.size() < a.size();
            const Arr numeric = numeric_of(entries);
            row.numeric = difference(a, numeric, &entries, options.threshold);
            if (parameter && all_finite(numeric)) {
                network_autodiff.add(a, numeric, &entries);
                if (network_manual_available && manual_value && manual_value->size() > 0 &&
                    all_finite(to_double(*manual_value)))
                    network_manual.add(to_double(*manual_value), numeric, &entries);
                else
                    network_manual_available = false;
            }
        } else {
            row.numeric = unavailable(options.numeric ? "skipped" : "not asked");
        }
        result.rows.push_back(std::move(row));
    };

    const bool have_manual = manual_missing.empty();
    for (std::size_t l = L; l >= 1; --l) {
        const Dense<double>& layer = model64.layer(l);
        // dZ[l] = m dJ/dZ[l]: perturb Z[l], run the later layers.
        add_row(
            l, key("dZ", l), to_double(autodiff.dZ[l]), have_manual ? &manual.dZ[l] : nullptr,
            options.numeric && options.numeric_activations,
            [&](const std::vector<std::size_t>& entries) {
                Tensor<double> Z(trace64.Z[l].value());
                return central_differences(Z.data(), entries, options.stencil, options.epsilon,
                                           mscale, [&] { return cost.from_Z(l, Z); });
            },
            false);
        // dW[l], db[l]: perturb the float64 copy of the parameter, from the cached A[l-1].
        for (const bool is_W : {true, false}) {
            Tensor<double> p = is_W ? layer.W() : layer.b();
            add_row(
                l, key(is_W ? "dW" : "db", l), to_double(is_W ? autodiff.dW[l] : autodiff.db[l]),
                have_manual ? (is_W ? &manual.dW[l] : &manual.db[l]) : nullptr, options.numeric,
                [&](const std::vector<std::size_t>& entries) {
                    return central_differences(p.data(), entries, options.stencil, options.epsilon,
                                               1.0,
                                               [&] { return cost.from_A(l, trace64.A[l - 1]); });
                },
                true);
        }
        // dA[l-1] = m dJ/dA[l-1]: perturb A[l-1] (X itself for l = 1).
        add_row(
            l, key("dA", l - 1), to_double(autodiff.dA[l - 1]),
            have_manual ? &manual.dA[l - 1] : nullptr,
            options.numeric && options.numeric_activations,
            [&](const std::vector<std::size_t>& entries) {
                Tensor<double> A(trace64.A[l - 1].value());
                return central_differences(A.data(), entries, options.stencil, options.epsilon,
                                           mscale, [&] { return cost.from_A(l, A); });
            },
            false);
    }

    if (options.numeric)
        if (std::string kink =
                kink_note(model64, trace64, result, options.epsilon, options.stencil);
            !kink.empty())
            result.notes.push_back(std::move(kink));
    if (options.numeric && network_autodiff.entries > 0)
        result.network_autodiff = network_autodiff.relative();
    if (options.numeric && network_manual_available && network_manual.entries > 0)
        result.network_manual = network_manual.relative();
    if (sampled)
        result.notes.push_back("finite differences on a seeded sample of at most " +
                               std::to_string(options.max_numeric_entries) + " entries per tensor");
    return result;
}

} // namespace

template <class T>
Comparison compare_gradients(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                             const CompareOptions& options) {
    const std::map<std::string, Array<T>>* none = nullptr;
    return compare_impl(model, X, Y, options, none);
}

template <class T>
Comparison compare_gradients(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                             const std::map<std::string, Array<T>>& supplied,
                             const CompareOptions& options) {
    return compare_impl(model, X, Y, options, &supplied);
}

// ---- the report -----------------------------------------------------------------------------

std::string CompareRow::verdict(const std::string& manual_name) const {
    if (!autodiff_finite)
        return "FAIL: autodiff not finite";
    if (!manual.passed && !numeric.passed)
        return "FAIL: " + manual_name + " and numeric differ";
    if (!manual.passed)
        return numeric.available
                   ? "FAIL: " + manual_name + " differs (autodiff agrees with numeric)"
                   : "FAIL: " + manual_name + " differs";
    if (!numeric.passed)
        return "FAIL: numeric differs";
    return "ok";
}

std::vector<std::string> Comparison::failing() const {
    std::vector<std::string> out;
    for (const auto& row : rows)
        if (!row.passed())
            out.push_back(row.tensor);
    return out;
}

const CompareRow* Comparison::first_manual_failure() const {
    for (const auto& row : rows)
        if (!row.manual.passed)
            return &row;
    return nullptr;
}

std::string Comparison::first_disagreement() const {
    for (const auto& row : rows)
        if (!row.passed())
            return row.tensor;
    return "";
}

bool Comparison::passed() const {
    return failing().empty() && network_autodiff_passed() && network_manual_passed();
}

namespace {
std::string cell(const Difference& d) {
    if (!d.available)
        return "-";
    // Its values, transposed back, may agree (zeros here would read as a pass): the shape is
    // what is wrong, and the hint line says so.
    if (d.note == "yours transposed")
        return "wrong shape";
    return number(d.max_abs) + "  " + number(d.relative);
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}
} // namespace

void print(std::ostream& out, const Comparison& c) {
    out << "Gradient check of " << c.network << ", m = " << c.m << ", " << c.loss << "\n"
        << "  autodiff: the engine's backward (loss from the logits)\n"
        << "  " << pad(c.manual_label + ":", 10)
        << (c.manual_source.empty() ? "-" : c.manual_source) << "\n"
        << "  numeric:  "
        << (c.stencil == Stencil::two_point
                ? "central differences (J(x+e) - J(x-e)) / 2e in float64, e = "
                : "five-point differences (8(J(x+h) - J(x-h)) - (J(x+2h) - J(x-2h))) / 12h in "
                  "float64, h = ")
        << number(c.epsilon) << "\n"
        << "  dZ and dA are per example as in the course (m * dJ/dZ, m * dJ/dA); dW, db are "
           "dJ/dW, dJ/db\n"
        << "  each pair: max |autodiff - other|  and  ||autodiff - other|| / (||autodiff|| + "
           "||other||), pass <= "
        << number(c.threshold) << "\n\n";
    const std::size_t w_layer = 6, w_tensor = 8, w_shape = 14, w_pair = 22;
    out << pad("layer", w_layer) << pad("tensor", w_tensor) << pad("shape", w_shape)
        << pad("autodiff vs " + c.manual_label, w_pair) << pad("autodiff vs numeric", w_pair)
        << "result\n";
    out << pad("", w_layer + w_tensor + w_shape) << pad("max|diff|  relative", w_pair)
        << pad("max|diff|  relative", w_pair) << "\n";
    for (const auto& row : c.rows) {
        std::string notes;
        for (const Difference* d : {&row.manual, &row.numeric})
            if (d->available && !d->note.empty())
                notes += (notes.empty() ? "  (" : ", ") + d->note;
        if (!row.supplied)
            notes += notes.empty() ? "  (not supplied" : ", not supplied";
        if (!notes.empty())
            notes += ")";
        out << pad(std::to_string(row.layer), w_layer) << pad(row.tensor, w_tensor)
            << pad(to_string(row.shape), w_shape) << pad(cell(row.manual), w_pair)
            << pad(cell(row.numeric), w_pair) << row.verdict(c.manual_label) << notes << "\n";
    }
    out << "\nwhole network (every dW, db), the course's ||grad - gradapprox|| / (||grad|| + "
           "||gradapprox||), pass <= "
        << number(c.network_threshold) << ":\n";
    auto network_line = [&](const char* who, double value, bool passed) {
        out << "  " << who << ": ";
        if (value < 0)
            out << "-\n";
        else
            out << number(value) << (passed ? "  pass" : "  FAIL") << "\n";
    };
    network_line("autodiff vs numeric", c.network_autodiff, c.network_autodiff_passed());
    network_line((pad(c.manual_label, 8) + " vs numeric").c_str(), c.network_manual,
                 c.network_manual_passed());
    if (!c.manual_breakdown.empty())
        out << c.manual_breakdown << "\n";
    for (const auto& note : c.notes)
        out << "note: " << note << "\n";
    const auto failing = c.failing();
    if (failing.empty() && !c.not_supplied.empty()) {
        out << "every tensor checked agrees; " << c.not_supplied.size() << " not checked (below)\n";
    } else if (failing.empty()) {
        out << "every tensor agrees\n";
    } else {
        out << "first tensor that disagrees: " << failing.front() << "\nfailing:";
        for (const auto& name : failing)
            out << " " << name;
        out << "\n";
    }
    if (c.manual_label != "manual") {
        if (const CompareRow* row = c.first_manual_failure()) {
            const Difference& d = row->manual;
            out << "first of " << c.manual_label << " that is wrong: " << row->tensor << ", layer "
                << row->layer << ", shape " << to_string(row->shape);
            // A transposed tensor's entries all agree once turned; its hint says so.
            if (!d.worst_index.empty() && d.note != "yours transposed") {
                std::string index = "[";
                for (std::size_t k = 0; k < d.worst_index.size(); ++k)
                    index += (k ? ", " : "") + std::to_string(d.worst_index[k]);
                std::ostringstream values;
                values << std::setprecision(8) << c.manual_label << " " << d.worst_other
                       << ", autodiff " << d.worst_autodiff;
                out << "; worst entry " << row->tensor << index << "]: " << values.str();
            }
            out << "\n";
            if (!row->hint.empty())
                out << "  hint: " << row->hint << "\n";
        } else {
            out << "every tensor of " << c.manual_label << " supplied agrees with autodiff\n";
        }
        if (!c.not_supplied.empty()) {
            out << "not checked (not among " << c.manual_label << "):";
            for (const auto& name : c.not_supplied)
                out << " " << name;
            out << "\n";
        }
    }
}

template <class T>
double distance_to_kinks(const Model<T>& model, const Array<T>& X) {
    ForwardTrace<T> trace;
    NoGrad no_grad;
    model.logits(Tensor<T>(X), &trace);
    double smallest = std::numeric_limits<double>::infinity();
    for (std::size_t l = 1; l <= model.L(); ++l)
        if (has_kink_at_zero(model.activation(l)))
            for (T z : trace.Z[l].value())
                smallest = std::min(smallest, std::abs(double(z)));
    return smallest;
}

std::ostream& operator<<(std::ostream& out, const Comparison& comparison) {
    print(out, comparison);
    return out;
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Comparison compare_gradients(const Model<T>&, const Array<T>&, const Array<T>&,       \
                                          const CompareOptions&);                                  \
    template Comparison compare_gradients(const Model<T>&, const Array<T>&, const Array<T>&,       \
                                          const std::map<std::string, Array<T>>&,                  \
                                          const CompareOptions&);                                  \
    template std::map<std::string, Array<T>> autodiff_gradients(const Model<T>&, const Array<T>&,  \
                                                                const Array<T>&, bool);            \
    template reference::Parameters<T> to_reference(const Model<T>&);                               \
    template double distance_to_kinks(const Model<T>&, const Array<T>&);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::nn
