#pragma once
// Random graphs over every op of the op table, for differential testing against PyTorch
// (docs/differential-testing.md). Unlike the fuzzer's op builder (tests/fuzz/op_builder.hpp),
// which looks for crashes on any bytes, this one builds only graphs whose gradients and
// second derivatives are well defined on both sides: every input of an op with a kink or a
// tie (relu, abs, leaky_relu, clip, maximum, minimum, relu_grad, leaky_relu_grad) is at
// least `margin` away from it, log, sqrt and fractional powers see positive inputs, and
// every value stays finite and moderate.
#include "autograd/autograd.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::differential {

/// Thrown when an op of the table has no case in the generator: a test failure.
struct MissingOp : std::logic_error {
    using std::logic_error::logic_error;
};

/// A random graph: the loss, a scalar. Its leaves are found by inspecting it.
struct RandomGraph {
    Tensor<double> loss;
};

struct GraphOptions {
    std::size_t max_ops = 14;   ///< ops before the loss is formed (at least 1)
    double margin = 0.02;       ///< distance kept from every kink and tie
    double max_abs = 1e3;       ///< largest magnitude a value may reach
    std::size_t max_extent = 4; ///< largest extent of an axis
    /// Also values exactly at kinks and ties (0 for relu, a clip bound, x = y for maximum):
    /// leaves drawn partly from a grid of halves, whose sums and products are exact on both
    /// sides, compare the conventions (relu'(0) = 0, ties split, ...) xgrad shares with
    /// PyTorch. An input is then exactly at a kink or `margin` away, never in between.
    bool kinks = false;
};

class GraphBuilder {
public:
    GraphBuilder(std::uint64_t seed, GraphOptions options) : m_rng(seed), m_options(options) {}

    /// A graph whose first op is `first` (so that a run can cover every op), then random ones.
    RandomGraph build(Op first) {
        const std::size_t count =
            1 + std::uniform_int_distribution<std::size_t>(0, m_options.max_ops - 1)(m_rng);
        add_op(first, true);
        const std::vector<Op> ops = all_ops();
        for (std::size_t tries = 0; m_kept < count && tries < 4 * count; ++tries) {
            const Op op = ops[std::uniform_int_distribution<std::size_t>(0, ops.size() - 1)(m_rng)];
            add_op(op, false);
        }
        return finish();
    }

private:
    struct Node {
        Tensor<double> t;
        std::size_t uses = 0;
        bool leaf = false;
    };

    double uniform(double lo, double hi) {
        return std::uniform_real_distribution<double>(lo, hi)(m_rng);
    }
    std::size_t index(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    }
    bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(m_rng); }
    std::size_t extent() { return 1 + index(m_options.max_extent); }

    Shape random_shape(std::size_t min_rank = 0, std::size_t max_rank = 3) {
        Shape s(min_rank + index(max_rank - min_rank + 1));
        for (auto& e : s)
            e = extent();
        return s;
    }

    // Values in [-2, -margin'] u [margin', 2] where away_from_zero, else in [-2, 2].
    Array<double> random_values(const Shape& shape, double lo = -2, double hi = 2) {
        static const double grid[] = {-1, -0.5, 0, 0.5, 1};
        Array<double> a = Array<double>::from_shape(shape);
        for (auto& x : a) {
            x = uniform(lo, hi);
            if (m_options.kinks && coin(0.4) && lo <= -1 && hi >= 1)
                x = grid[index(5)];
        }
        return a;
    }
    // A fresh input for an op with a kink at 0: away from it, or on it too with `kinks`.
    Array<double> kink_values(const Shape& shape) {
        return m_options.kinks ? random_values(shape) : away_from_zero(shape);
    }
    Array<double> away_from_zero(const Shape& shape, double lo = 0.3, double hi = 2) {
        Array<double> a = Array<double>::from_shape(shape);
        for (auto& x : a)
            x = (coin() ? 1 : -1) * uniform(lo, hi);
        return a;
    }

    Tensor<double> leaf(Array<double> values, bool requires_grad = true) {
        Tensor<double> t(std::move(values), requires_grad,
                         (requires_grad ? "x" : "c") + std::to_string(m_leaf_count++));
        m_nodes.push_back({t, 0, true});
        return t;
    }

    // An input for an op: the latest node half the time (chains), else any node (fan-out),
    // else a fresh leaf; it must satisfy `ok`, or a fresh leaf from `make` is used.
    template <class Ok, class Make>
    Tensor<double> input(Ok ok, Make make) {
        for (int attempt = 0; attempt < 6 && !m_nodes.empty(); ++attempt) {
            const std::size_t i =
                attempt == 0 && coin(0.6) ? m_nodes.size() - 1 : index(m_nodes.size());
            if (ok(m_nodes[i].t.value()))
                return use(i);
        }
        return leaf(make());
    }
    Tensor<double> use(std::size_t i) {
        ++m_nodes[i].uses;
        return m_nodes[i].t;
    }
    template <class Ok>
    Tensor<double> input(Ok ok) {
        return input(ok, [&] { return random_values(random_shape()); });
    }
    Tensor<double> any_input() {
        return input([](const Array<double>&) { return true; });
    }
    // A node of exactly this shape satisfying ok, else a fresh leaf of it from make.
    template <class Ok, class Make>
    Tensor<double> input_of_shape(const Shape& shape, Ok ok, Make make) {
        std::vector<std::size_t> fits;
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            if (m_nodes[i].t.shape() == shape && ok(m_nodes[i].t.value()))
                fits.push_back(i);
        if (!fits.empty() && coin(0.5))
            return use(fits[index(fits.size())]);
        return leaf(make(shape));
    }

    // A shape that broadcasts with `shape`: axes kept or made 1, 1-axes stretched, and
    // sometimes a leading axis more or fewer.
    Shape broadcast_partner(const Shape& shape) {
        Shape out;
        const bool longer = shape.size() < 3 && coin(0.25);
        if (longer)
            out.push_back(extent());
        const std::size_t first = !longer && shape.size() > 0 && coin(0.25) ? 1 : 0;
        for (std::size_t i = first; i < shape.size(); ++i)
            out.push_back(shape[i] == 1 ? (coin() ? 1 : extent()) : (coin(0.3) ? 1 : shape[i]));
        return out;
    }
    static bool broadcastable(const Shape& a, const Shape& b) {
        for (std::size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
            const std::size_t x = a[a.size() - i], y = b[b.size() - i];
            if (x != y && x != 1 && y != 1)
                return false;
        }
        return true;
    }
    // A second operand for an elementwise op with x: a node of a broadcastable shape
    // satisfying ok(x, y), or a fresh leaf of a partner shape from make.
    template <class Ok, class Make>
    Tensor<double> partner(const Tensor<double>& x, Ok ok, Make make) {
        if (coin(0.5)) {
            for (int attempt = 0; attempt < 6; ++attempt) {
                const std::size_t i = index(m_nodes.size());
                const Tensor<double>& y = m_nodes[i].t;
                if (broadcastable(x.shape(), y.shape()) && ok(x.value(), y.value()))
                    return use(i);
            }
        }
        for (int attempt = 0; attempt < 20; ++attempt) {
            Array<double> y = make(broadcast_partner(x.shape()));
            if (ok(x.value(), y))
                return leaf(std::move(y));
        }
        return Tensor<double>(); // no partner: the op is skipped
    }

    static double max_abs(const Array<double>& a) {
        double m = 0;
        for (double x : a)
            m = std::max(m, std::abs(x));
        return m;
    }
    static double min_abs(const Array<double>& a) {
        double m = HUGE_VAL;
        for (double x : a)
            m = std::min(m, std::abs(x));
        return m;
    }
    static double min_value(const Array<double>& a) {
        double m = HUGE_VAL;
        for (double x : a)
            m = std::min(m, x);
        return m;
    }
    bool away_from(const Array<double>& a, double kink) const {
        for (double x : a)
            if (std::abs(x - kink) < m_options.margin && !(m_options.kinks && x == kink))
                return false;
        return true;
    }
    bool bounded(const Array<double>& a, double limit) const { return max_abs(a) < limit; }

    // A 2-D input; its shape is (rows, cols) as stored.
    Tensor<double> matrix_input() {
        return input([](const Array<double>& a) { return a.dimension() == 2; },
                     [&] { return random_values(random_shape(2, 2)); });
    }

    // A random shape with `size` elements: its prime factors dealt to up to four axes.
    Shape reshaped(std::size_t size) {
        std::vector<std::size_t> factors;
        for (std::size_t p = 2, n = size; n > 1;)
            if (n % p == 0) {
                factors.push_back(p);
                n /= p;
            } else {
                ++p;
            }
        Shape out(index(4) + (factors.empty() ? 0 : 1));
        for (auto& e : out)
            e = 1;
        if (out.empty())
            return out;
        for (std::size_t f : factors)
            out[index(out.size())] *= f;
        return out;
    }

    // Records one op on fresh or existing inputs; a result out of bounds is dropped.
    void add_op(Op op, bool required) {
        for (int attempt = 0; attempt < (required ? 20 : 1); ++attempt) {
            std::vector<std::size_t> uses;
            for (const Node& n : m_nodes)
                uses.push_back(n.uses);
            Tensor<double> out = make_op(op);
            if (out.defined() && std::isfinite(max_abs(out.value())) &&
                max_abs(out.value()) < m_options.max_abs) {
                m_nodes.push_back({out, 0, false});
                ++m_kept;
                return;
            }
            // Dropped: its inputs are unused again (its fresh leaves stay, outside the graph).
            for (std::size_t i = 0; i < uses.size(); ++i)
                m_nodes[i].uses = uses[i];
        }
        if (required)
            throw std::runtime_error(std::string("differential: could not build op ") +
                                     op_info(op).name + " within bounds in 20 attempts");
    }

    Tensor<double> make_op(Op op) {
        const auto fine = [](const Array<double>&) { return true; };
        const auto fresh = [&](const Shape& s) { return random_values(s); };
        const auto nonzero = [&](const Shape& s) { return kink_values(s); };
        switch (op) {
        case Op::leaf:
        case Op::custom: // a user's op: not in the table the graphs are drawn from
            break;
        case Op::add:
        case Op::sub:
        case Op::mul:
        case Op::div: {
            const Tensor<double> x = any_input();
            const bool is_div = op == Op::div;
            const Tensor<double> y = partner(
                x,
                [&](const Array<double>&, const Array<double>& b) {
                    return !is_div || min_abs(b) > 0.3;
                },
                [&](const Shape& s) { return is_div ? away_from_zero(s) : random_values(s); });
            if (!y.defined())
                return {};
            // The divisor is y; for the others, either order (a broadcast on either side).
            const bool swap = !is_div && coin();
            const Tensor<double>& a = swap ? y : x;
            const Tensor<double>& b = swap ? x : y;
            return op == Op::add   ? add(a, b)
                   : op == Op::sub ? sub(a, b)
                   : op == Op::mul ? mul(a, b)
                                   : div(a, b);
        }
        case Op::neg:
            return neg(any_input());
        case Op::add_scalar:
            return add_scalar(any_input(), uniform(-2, 2));
        case Op::mul_scalar:
            return mul_scalar(any_input(), uniform(-2, 2));
        case Op::pow: {
            static const double exponents[] = {2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5};
            const double p = exponents[index(8)];
            const bool integer = p == std::floor(p);
            const Tensor<double> x =
                integer && p > 0 ? input([&](const Array<double>& a) { return bounded(a, 10); })
                : integer        ? input([&](const Array<double>& a) { return min_abs(a) > 0.3; },
                                  [&] { return away_from_zero(random_shape()); })
                                 : input([&](const Array<double>& a) { return min_value(a) > 0.2; },
                                  [&] { return random_values(random_shape(), 0.3, 2); });
            return pow(x, p);
        }
        case Op::exp:
            return exp(input([&](const Array<double>& a) { return bounded(a, 4); }));
        case Op::log:
        case Op::sqrt: {
            const Tensor<double> x =
                input([](const Array<double>& a) { return min_value(a) > 0.1; },
                      [&] { return random_values(random_shape(), 0.2, 3); });
            return op == Op::log ? log(x) : sqrt(x);
        }
        case Op::abs:
        case Op::relu: {
            const Tensor<double> x = input([&](const Array<double>& a) { return away_from(a, 0); },
                                           [&] { return kink_values(random_shape()); });
            return op == Op::abs ? abs(x) : relu(x);
        }
        case Op::tanh:
        case Op::sigmoid:
        case Op::softplus: {
            const Tensor<double> x = input([&](const Array<double>& a) { return bounded(a, 10); });
            return op == Op::tanh ? tanh(x) : op == Op::sigmoid ? sigmoid(x) : softplus(x);
        }
        case Op::leaky_relu: {
            const Tensor<double> x = input([&](const Array<double>& a) { return away_from(a, 0); },
                                           [&] { return kink_values(random_shape()); });
            return leaky_relu(x, uniform(-0.5, 0.5));
        }
        case Op::clip: {
            const Tensor<double> x = any_input();
            for (int attempt = 0; attempt < 20; ++attempt) {
                const bool on_grid = m_options.kinks && coin();
                const double lo = on_grid ? -1 + 0.5 * double(index(4)) : uniform(-2, 0.5);
                const double hi = lo + (on_grid ? 0.5 * double(1 + index(3)) : uniform(0.1, 2));
                if (away_from(x.value(), lo) && away_from(x.value(), hi))
                    return clip(x, lo, hi);
            }
            return {};
        }
        case Op::maximum:
        case Op::minimum: {
            const Tensor<double> x = any_input();
            const Tensor<double> y = partner(
                x,
                [&](const Array<double>& a, const Array<double>& b) {
                    return away_from(Array<double>(a - b), 0); // no ties
                },
                fresh);
            if (!y.defined())
                return {};
            return op == Op::maximum ? maximum(x, y) : minimum(x, y);
        }
        case Op::sum:
        case Op::mean: {
            const Tensor<double> x = any_input();
            const int rank = static_cast<int>(x.dim());
            if (rank == 0 || coin(0.25))
                return op == Op::sum ? sum(x) : mean(x);
            const bool keepdims = coin();
            if (rank >= 2 && coin(0.4)) { // numpy's axis tuple: two or more axes, any order
                std::vector<int> axes;
                for (int a = 0; a < rank; ++a)
                    if (coin())
                        axes.push_back(coin() ? a : a - rank);
                if (axes.size() < 2)
                    axes = {0, rank - 1};
                std::shuffle(axes.begin(), axes.end(), m_rng);
                return op == Op::sum ? sum(x, axes, keepdims) : mean(x, axes, keepdims);
            }
            const int axis = static_cast<int>(index(2 * rank)) - rank; // negative ones too
            return op == Op::sum ? sum(x, axis, keepdims) : mean(x, axis, keepdims);
        }
        case Op::sum_to: {
            const Tensor<double> x = any_input();
            Shape target;
            const std::size_t drop = x.dim() > 0 ? index(x.dim() + 1) : 0;
            for (std::size_t i = drop; i < x.dim(); ++i)
                target.push_back(coin() ? 1 : x.shape()[i]);
            return sum_to(x, target);
        }
        case Op::broadcast_to: {
            const Tensor<double> x = any_input();
            Shape target;
            for (std::size_t i = 0, extra = x.dim() < 4 ? index(4 - x.dim()) : 0; i < extra; ++i)
                target.push_back(extent());
            for (std::size_t e : x.shape())
                target.push_back(e == 1 && coin() ? extent() : e);
            return broadcast_to(x, target);
        }
        case Op::transpose: {
            const Tensor<double> x = any_input();
            if (x.dim() < 2 || coin())
                return transpose(x);
            std::vector<int> perm(x.dim()); // numpy's transpose(x, axes)
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), m_rng);
            return transpose(x, perm);
        }
        case Op::reshape: {
            const Tensor<double> x = any_input();
            return reshape(x, reshaped(x.size()));
        }
        case Op::matmul: {
            const Tensor<double> a = matrix_input();
            const bool ta = coin(), tb = coin();
            const std::size_t k = ta ? a.shape()[0] : a.shape()[1];
            const std::size_t cols = extent();
            // B is (k, cols), or stored (cols, k) when read transposed; sometimes A itself.
            const Shape b_shape = tb ? Shape{cols, k} : Shape{k, cols};
            const Tensor<double> b = input_of_shape(b_shape, fine, fresh);
            return matmul(a, b, ta, tb);
        }
        case Op::linear: {
            const Tensor<double> A = matrix_input();
            const std::size_t n = extent();
            const Tensor<double> W = input_of_shape({n, A.shape()[0]}, fine, fresh);
            const Tensor<double> b = input_of_shape({n, 1}, fine, fresh);
            return linear(W, A, b);
        }
        case Op::softmax:
        case Op::log_softmax: {
            const Tensor<double> x =
                input([&](const Array<double>& a) { return a.dimension() > 0 && bounded(a, 20); },
                      [&] { return random_values(random_shape(1, 3), -3, 3); });
            const int rank = static_cast<int>(x.dim());
            const int axis = static_cast<int>(index(2 * rank)) - rank;
            return op == Op::softmax ? softmax(x, axis) : log_softmax(x, axis);
        }
        case Op::binary_cross_entropy_with_logits: {
            const Tensor<double> Z = input([&](const Array<double>& a) { return bounded(a, 20); });
            // Labels in (0, 1), or any node of Z's shape (the loss is defined for any Y).
            const Tensor<double> Y = coin(0.3) ? input_of_shape(Z.shape(), fine, fresh)
                                               : leaf(random_values(Z.shape(), 0, 1), coin(0.3));
            return binary_cross_entropy_with_logits(Z, Y);
        }
        case Op::sigmoid_grad:
        case Op::tanh_grad: {
            const Tensor<double> H = any_input();
            const Tensor<double> S = input_of_shape(H.shape(), fine, fresh);
            return op == Op::sigmoid_grad ? sigmoid_grad(H, S) : tanh_grad(H, S);
        }
        case Op::relu_grad:
        case Op::leaky_relu_grad: {
            const Tensor<double> H = any_input();
            const Tensor<double> S = input_of_shape(
                H.shape(), [&](const Array<double>& a) { return away_from(a, 0); }, nonzero);
            return op == Op::relu_grad ? relu_grad(H, S)
                                       : leaky_relu_grad(H, S, uniform(-0.5, 0.5));
        }
        }
        throw MissingOp(std::string("differential: the random graph builder has no case for op ") +
                        op_info(op).name + ": add one in tests/differential/random_graph.hpp");
    }

    // The loss: every op result nothing uses, each weighted by a constant of its shape (so
    // that, e.g., a softmax's gradient is not zero), summed to one scalar.
    RandomGraph finish() {
        Tensor<double> loss;
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            if (m_nodes[i].leaf || m_nodes[i].uses > 0)
                continue;
            const Tensor<double> out = m_nodes[i].t; // a copy: leaf() grows m_nodes
            Tensor<double> term = sum(mul(out, leaf(random_values(out.shape()), false)));
            loss = loss.defined() ? add(loss, term) : term;
        }
        return {loss};
    }

    std::mt19937_64 m_rng;
    GraphOptions m_options;
    std::vector<Node> m_nodes;
    std::size_t m_kept = 0; ///< ops recorded and kept
    std::size_t m_leaf_count = 0;
};

} // namespace xgrad::differential
