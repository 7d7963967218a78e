// The README's tour, compiled and run by the tests' build so the README cannot drift.
#include "autograd/autograd.hpp"
#include "nn/nn.hpp"

#include <iostream>

using namespace xgrad;

int main() {
    Tensor<> W(Array<double>{{0.1, -0.2}, {0.4, 0.3}}, /*requires_grad=*/true, "W[1]");
    Tensor<> b(Array<double>({2, 1}, 0.0), true, "b[1]");
    Tensor<> X(
        Array<double>{{1.0, 2.0, 3.0}, {0.5, -1.0, 2.0}}); // (n_x, m): one column per example
    Tensor<> Y(Array<double>{{1.0, 0.0, 1.0}, {0.0, 1.0, 1.0}});

    Tensor<> Z = (matmul(W, X) + b).label("Z[1]");          // b (2,1) broadcasts over the m columns
    Tensor<> cost = binary_cross_entropy_with_logits(Z, Y); // stable for logits of +-1000
    cost.backward();                                        // walks the tape in reverse
    std::cout << "cost " << cost.item() << "\ndW\n" << W.grad() << "\ndb\n" << b.grad() << "\n";

    // grad() with braced lists, and the course's shapes written directly.
    Tensor<> J1 = sum(matmul(W, X) + b);
    std::vector<Tensor<>> g = grad({J1}, {W, b});
    Tensor<> b2(column({0.1, -0.2}), true, "b[1]");
    Tensor<> half = 2.0 / (b2 + 3.0);
    std::cout << "grad({J}, {W, b}): db " << g[1].value() << ", 2 / (b + 3) " << half.value()
              << "\n";

    // Jacobians and Hessians.
    Tensor<> w(column({0.1, -0.3}));  // logistic regression's weights (n_x, 1), the X above
    Tensor<> y(row({1.0, 0.0, 1.0})); // (1, m)
    auto logistic = [&](const Tensor<>& v) {
        return binary_cross_entropy_with_logits(matmul(v, X, true), y);
    };
    Tensor<> H = hessian(logistic, w);                                    // X diag(a(1-a)) X^T / m
    Tensor<> Jt = jacobian([](const Tensor<>& z) { return tanh(z); }, w); // f(x).shape + x.shape
    auto [J_w, Hv] = hvp(logistic, w, w);                                 // H v without forming H
    std::cout << "hessian " << H.value() << "\njacobian of tanh " << Jt.value() << "\nH w "
              << Hv.value() << " at cost " << J_w.item() << "\n";

    // Your own ops, and hooks.
    const CustomOp<double> swish(
        "swish", "dX = G * (A + sigmoid(X) * (1 - A))", /*arity=*/1,
        [](const std::vector<Tensor<>>& in) { return in[0] * sigmoid(in[0]); },
        [](const BackwardContext<double>& c) {
            const Tensor<> s = sigmoid(c.input(0));
            return c.grad * (c.output + s * (1.0 - c.output));
        });
    Tensor<> Z1 = matmul(W, X) + b; // anew: backward freed Z's graph
    Tensor<> A1 = swish(Z1);
    HookHandle h = Z1.register_hook([](const Tensor<>& G) { return G * 0.5; });
    W.register_post_accumulate_grad_hook([](Tensor<>& W_) { W_.mutable_grad() /= 2.0; });
    W.zero_grad();
    sum(A1).backward();
    h.remove();
    std::cout << "swish " << A1.op_name() << ", dW after both hooks\n" << W.grad() << "\n";

    nn::Model<> model({2, 8, 2}, {nn::Activation::tanh, nn::Activation::sigmoid}, nn::Init::xavier,
                      /*seed=*/1);
    nn::Adam<> adam(model.parameters(), 0.01);
    double first = 0, last = 0;
    for (int epoch = 0; epoch < 1000; ++epoch) {
        Tensor<> J = model.loss(X, Y); // sigmoid folded into the stable cross-entropy from logits
        J.backward();
        adam.step();      // the course's update_parameters_with_adam
        adam.zero_grad(); // backward adds up: forget this step's gradients
        (epoch == 0 ? first : last) = J.item();
    }
    std::cout << "model " << model.summary() << ": cost " << first << " -> " << last << "\n";
    return last < first ? 0 : 1;
}
