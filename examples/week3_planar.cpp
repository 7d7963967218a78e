// Week 3: planar data classification with one hidden layer. The course's nn_model, with the
// engine doing backward_propagation: a 2 -> n_h (tanh) -> 1 (sigmoid) network trained by batch
// gradient descent on the "flower" data, then the course's tuning of the hidden layer size.
//
//   ./week3_planar

#include "autograd/autograd.hpp"
#include "io/datasets.hpp"
#include "nn/init.hpp"

#include <chrono>
#include <cstdio>

using namespace xgrad;

struct Parameters {
    Tensor<double> W1, b1, W2, b2;
};

// initialize_parameters: W randn * 0.01, b zeros (nn::Initializer draws the course's way).
Parameters initialize_parameters(std::size_t n_x, std::size_t n_h, std::size_t n_y) {
    nn::Initializer<double> init(nn::Init::small, 2);
    return {Tensor<double>(init.weights(n_h, n_x), true, "W1"),
            Tensor<double>(init.bias(n_h), true, "b1"),
            Tensor<double>(init.weights(n_y, n_h), true, "W2"),
            Tensor<double>(init.bias(n_y), true, "b2")};
}

// forward_propagation: Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2 (A2 = sigmoid(Z2)).
Tensor<double> forward_to_logits(const Parameters& p, const Tensor<double>& X) {
    const Tensor<double> A1 = tanh(linear(p.W1, X, p.b1));
    return linear(p.W2, A1, p.b2);
}

// nn_model: forward, compute_cost, backward (the engine's), update_parameters.
Parameters nn_model(const Tensor<double>& X, const Tensor<double>& Y, std::size_t n_h,
                    int num_iterations, double learning_rate, bool print_cost) {
    Parameters p = initialize_parameters(X.shape()[0], n_h, Y.shape()[0]);
    for (int i = 0; i < num_iterations; ++i) {
        // compute_cost from the logits: the course's cross-entropy, computed stably.
        const Tensor<double> cost = binary_cross_entropy_with_logits(forward_to_logits(p, X), Y);
        cost.backward();
        for (Tensor<double>* t : {&p.W1, &p.b1, &p.W2, &p.b2}) {
            t->data() -= learning_rate * t->grad(); // W := W - alpha dW
            t->zero_grad();
        }
        if (print_cost && i % 1000 == 0)
            std::printf("Cost after iteration %5d: %f\n", i, cost.item());
    }
    return p;
}

// predict: 1 where A2 > 0.5, that is where Z2 > 0.
double accuracy(const Parameters& p, const io::Dataset<double>& d) {
    NoGrad no_grad;
    const Array<double> Z2 = forward_to_logits(p, Tensor<double>(d.X)).value();
    return xt::mean(xt::equal(xt::cast<double>(Z2 > 0.0), d.Y))();
}

int main() {
    const auto data = io::planar_dataset<double>(400, 1); // X (2, 400), Y (1, 400)
    const Tensor<double> X(data.X, false, "X"), Y(data.Y, false, "Y");

    auto start = std::chrono::steady_clock::now();
    const Parameters p = nn_model(X, Y, 4, 10000, 1.2, true);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("Accuracy with n_h = 4: %.1f%% (10000 iterations, %.2f s)\n\n",
                100 * accuracy(p, data), seconds);

    std::printf("Tuning hidden layer size (5000 iterations each):\n");
    for (std::size_t n_h : {1, 2, 3, 4, 5, 20, 50}) {
        const Parameters q = nn_model(X, Y, n_h, 5000, 1.2, false);
        std::printf("Accuracy for %2zu hidden units: %.1f%%\n", n_h, 100 * accuracy(q, data));
    }
    return 0;
}
