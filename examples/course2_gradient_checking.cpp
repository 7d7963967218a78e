// Course 2, week 1, "Gradient Checking": gradient_check_n with xgrad. The network 4 -> 5 (relu)
// -> 3 (relu) -> 1 (sigmoid) of gradient_check_n_test_case (np.random.seed(1)), its gradients
// by autodiff, and two-point differences gradapprox = (J(theta + e) - J(theta - e)) / 2e,
// e = 1e-7, over all 47 parameters; difference = ||grad - gradapprox|| / (||grad|| +
// ||gradapprox||), against 2e-7: first with the notebook's planted bugs (dW2 * 2, db1 * 4) put
// into the autodiff gradient, then without (the notebook's 1.19e-07 there is rounding noise of
// its log(a3) cost over 2e-7; the engine's cost, from the logits Z3, rounds less).
//
//   ./course2_gradient_checking

#include "nn/nn.hpp"
#include "random/random_state.hpp"

#include <cmath>
#include <cstdio>

using namespace xgrad;
using Parameters = std::map<std::string, Array<double>>;

// J(theta) for the given parameter values: the forward pass and the cost, nothing more.
double cost(nn::Model<double>& model, const Parameters& theta, const Tensor<double>& X,
            const Tensor<double>& Y) {
    model.load_parameters(theta);
    return model.loss(X, Y).item();
}

double gradient_check_n(nn::Model<double>& model, const Parameters& grads, const Tensor<double>& X,
                        const Tensor<double>& Y, double epsilon = 1e-7) {
    const Parameters theta = model.parameter_values();
    double diff2 = 0, grad2 = 0, approx2 = 0; // the three squared norms
    for (const auto& [key, value] : theta)
        for (std::size_t i = 0; i < value.size(); ++i) {
            Parameters thetaplus = theta, thetaminus = theta;
            thetaplus[key].flat(i) += epsilon;
            thetaminus[key].flat(i) -= epsilon;
            const double gradapprox =
                (cost(model, thetaplus, X, Y) - cost(model, thetaminus, X, Y)) / (2 * epsilon);
            const double grad = grads.at("d" + key).flat(i);
            diff2 += (grad - gradapprox) * (grad - gradapprox);
            grad2 += grad * grad;
            approx2 += gradapprox * gradapprox;
        }
    model.load_parameters(theta); // as it was
    return std::sqrt(diff2) / (std::sqrt(grad2) + std::sqrt(approx2));
}

void report(double difference) {
    std::printf("%s difference = %.17g\n",
                difference > 2e-7 ? "There is a mistake in the backward propagation!"
                                  : "Your backward propagation works perfectly fine!",
                difference);
}

int main() {
    // gradient_check_n_test_case: x = randn(4, 3), y = [1, 1, 0], then W1, b1, ..., b3
    random::RandomState numpy(1);
    const Tensor<double> X(numpy.randn(4, 3), false, "X"), Y(Array<double>{{1, 1, 0}}, false, "Y");
    Parameters p;
    const std::size_t dims[] = {4, 5, 3, 1};
    for (std::size_t l = 1; l <= 3; ++l) {
        p["W" + std::to_string(l)] = numpy.randn(dims[l], dims[l - 1]);
        p["b" + std::to_string(l)] = numpy.randn(dims[l], 1);
    }
    auto model = nn::Model<double>::from_parameters(
        p, {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid});

    // backward_propagation_n by autodiff: dW1, db1, ..., db3
    model.loss(X, Y).backward();
    Parameters grads;
    for (const auto& [name, tensor] : model.parameters())
        grads["d" + name] = tensor.grad();

    Parameters buggy = grads; // the notebook's bugs: dW2 = ... * 2, db1 = 4./m * ...
    buggy["dW2"] *= 2;
    buggy["db1"] *= 4;
    report(gradient_check_n(model, buggy, X, Y));
    report(gradient_check_n(model, grads, X, Y));
    return 0;
}
