// A user-defined op: swish(z) = z * sigmoid(z) (Ramachandran et al., 2017), defined
// outside the library with CustomOp, then used like a built-in: trained in a small
// network, gradient-checked, and seen in the graph.
//
// The network is the course's week-3 shape, 2 -> 8 (swish) -> 1 (sigmoid in the cost), on
// two rings of points, which no straight line separates.
//
//   ./swish

#include "autograd/autograd.hpp"
#include "autograd/inspect/inspect.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>

using namespace xgrad;

// The op: its name and rule for the graph, a forward (under NoGrad: nothing it does is
// recorded, the op is), and a backward written with the engine's ops, so it has second
// derivatives too. With A = X sigmoid(X): dA/dX = sigmoid(X) + X sigmoid(X) (1 - sigmoid(X))
// = A + sigmoid(X) (1 - A).
const CustomOp<double> swish(
    "swish", "dX = G * (A + sigmoid(X) * (1 - A))", 1,
    [](const std::vector<Tensor<double>>& in) { return in[0] * sigmoid(in[0]); },
    [](const BackwardContext<double>& c) {
        const Tensor<double> s = sigmoid(c.input(0));
        return c.grad * (c.output + s * (1.0 - c.output));
    });

int main() {
    // Two rings: radius 1 (label 0) and radius 2 (label 1), with a little noise.
    const std::size_t m = 200;
    std::mt19937 generator(3);
    std::uniform_real_distribution<double> angle(0, 2 * std::acos(-1.0));
    std::normal_distribution<double> noise(0, 0.15);
    Array<double> X_values = Array<double>::from_shape({2, m});
    Array<double> Y_values = Array<double>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j) {
        const double r = j % 2 ? 2.0 : 1.0, t = angle(generator);
        X_values(0, j) = r * std::cos(t) + noise(generator);
        X_values(1, j) = r * std::sin(t) + noise(generator);
        Y_values(0, j) = j % 2;
    }
    const Tensor<double> X(X_values, false, "X"), Y(Y_values, false, "Y");

    std::normal_distribution<double> init(0, 1);
    auto random = [&](std::size_t rows, std::size_t cols, double scale) {
        Array<double> a = Array<double>::from_shape({rows, cols});
        for (double& v : a)
            v = scale * init(generator);
        return a;
    };
    Tensor<double> W1(random(8, 2, std::sqrt(1.0 / 2)), true, "W[1]");
    Tensor<double> b1(xt::zeros<double>({8, 1}), true, "b[1]");
    Tensor<double> W2(random(1, 8, std::sqrt(1.0 / 8)), true, "W[2]");
    Tensor<double> b2(xt::zeros<double>({1, 1}), true, "b[2]");

    const auto forward = [&](const Tensor<double>& X_in) {
        const Tensor<double> A1 = swish(linear(W1, X_in, b1).label("Z[1]")).label("A[1]");
        return linear(W2, A1, b2).label("Z[2]");
    };

    // Train with gradient descent.
    const double learning_rate = 0.5;
    double first_cost = 0, cost = 0;
    for (int i = 0; i <= 2000; ++i) {
        const Tensor<double> J = binary_cross_entropy_with_logits(forward(X), Y);
        J.backward();
        cost = J.item();
        if (i == 0)
            first_cost = cost;
        for (Tensor<double>* p : {&W1, &b1, &W2, &b2}) {
            p->data() -= learning_rate * p->grad();
            p->zero_grad();
        }
    }
    std::size_t correct = 0;
    {
        NoGrad no_grad;
        const Array<double> Z2 = forward(X).value();
        for (std::size_t j = 0; j < m; ++j)
            correct += (Z2(0, j) > 0) == (Y_values(0, j) == 1);
    }
    std::printf("cost %.4f -> %.4f after 2000 iterations, training accuracy %.1f%%\n", first_cost,
                cost, 100.0 * double(correct) / double(m));

    // Gradient check of the whole network, swish included, at the trained parameters.
    const DifferentiableFunction J = [&](const std::vector<Tensor<double>>& p) {
        const Tensor<double> A1 = swish(linear(p[0], X, p[1]));
        return binary_cross_entropy_with_logits(linear(p[2], A1, p[3]), Y);
    };
    const GradcheckResult check = gradcheck(J, {W1.value(), b1.value(), W2.value(), b2.value()});
    std::cout << "gradcheck (W[1], b[1], W[2], b[2]):\n" << check.report() << "\n";

    // The graph: swish is a node of its own, with its name and its rule.
    const Tensor<double> J_last = binary_cross_entropy_with_logits(forward(X), Y).label("J");
    TextOptions text;
    text.batch_size = m;
    std::cout << to_text(inspect(J_last), text);
    return check.passed ? 0 : 1;
}
