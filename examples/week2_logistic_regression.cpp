// Week 2: logistic regression with a neural-network mindset, on binary Fashion-MNIST
// (T-shirt/top = 0 against Dress = 1), written with the engine's ops directly.
//
// The course writes propagate() by hand: A = sigmoid(w^T X + b), the cost, and then
// dw = 1/m X (A - Y)^T and db = 1/m sum(A - Y). Here only the forward pass is written; the
// engine's backward gives dw and db, and the first iteration checks them against the course's
// formulas.
//
//   ./week2_logistic_regression [FASHION_MNIST_DIR]

#include "autograd/autograd.hpp"
#include "fashion_data.hpp"

#include <chrono>
#include <cstdio>

using namespace xgrad;

int main(int argc, char** argv) {
    const std::string dir = example::fashion_dir(argc, argv);
    const auto train = example::load_or_exit("week2_logistic_regression", dir, [&] {
        return io::load_fashion_mnist_binary<double>(io::Split::train, dir);
    });
    const auto test = example::load_or_exit("week2_logistic_regression", dir, [&] {
        return io::load_fashion_mnist_binary<double>(io::Split::test, dir);
    });
    const Tensor<double> X(train.X, false, "X"), Y(train.Y, false, "Y"); // (784, m), (1, m)
    const std::size_t n_x = train.X.shape()[0], m = train.X.shape()[1];
    std::printf("train: %zu images of %zu pixels, test: %zu\n", m, n_x, test.X.shape()[1]);

    // initialize_with_zeros
    Tensor<double> w(xt::zeros<double>({n_x, std::size_t(1)}), true, "w");
    Tensor<double> b(xt::zeros<double>({std::size_t(1), std::size_t(1)}), true, "b");

    // A = sigmoid(w^T X + b), J = -1/m sum(Y log A + (1 - Y) log(1 - A))
    auto propagate = [&] {
        const Tensor<double> A = sigmoid(matmul(w, X, /*transpose_a=*/true) + b);
        return -mean(Y * log(A) + (1.0 - Y) * log(1.0 - A));
    };

    const double learning_rate = 0.2;
    const int num_iterations = 300;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < num_iterations; ++i) {
        const Tensor<double> cost = propagate();
        cost.backward(); // dw and db land in w.grad() and b.grad()

        if (i == 0) {
            // The course's hand-written gradients, for comparison.
            NoGrad no_grad;
            const Tensor<double> A = sigmoid(matmul(w, X, true) + b);
            const Array<double> dw =
                matmul(X, A - Y, false, /*transpose_b=*/true).value() / double(m);
            const double db = sum(A - Y).item() / double(m);
            std::printf("iteration 0: max |dw autodiff - dw course| = %.2e, |db autodiff - db "
                        "course| = %.2e\n",
                        xt::amax(xt::abs(w.grad() - dw))(), std::abs(b.grad()(0, 0) - db));
        }
        // update: w := w - alpha dw, b := b - alpha db
        w.data() -= learning_rate * w.grad();
        b.data() -= learning_rate * b.grad();
        w.zero_grad();
        b.zero_grad();
        if (i % 50 == 0 || i == num_iterations - 1)
            std::printf("Cost after iteration %3d: %.6f\n", i, cost.item());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // predict: Y_prediction = 1 where A > 0.5
    auto accuracy = [&](const io::Dataset<double>& d) {
        NoGrad no_grad;
        const Array<double> A = sigmoid(matmul(w, Tensor<double>(d.X), true) + b).value();
        return xt::mean(xt::equal(xt::cast<double>(A > 0.5), d.Y))();
    };
    std::printf("train accuracy: %.4f\ntest accuracy:  %.4f\n(%d iterations of batch gradient "
                "descent, learning rate %g, %.1f s)\n",
                accuracy(train), accuracy(test), num_iterations, learning_rate, seconds);
    return 0;
}
