// Course 1, week 4: "Building your Deep Neural Network: Step by Step", the notebook's test
// cases with the course's own functions in C++ (nn/reference) and numpy's generator seeded as
// testCases_v4a seeds it, so each line is the notebook's expected output. The end shows the
// engine's autodiff giving L_model_backward's dW and db for the same network.
// `xgrad course c1w4-step-by-step` prints every test case beside the notebook's lines.
//
//   ./course1_step_by_step

#include "course/notebook.hpp"
#include "course/python_float.hpp"
#include "nn/nn.hpp"
#include "nn/reference/backprop.hpp"
#include "random/random_state.hpp"

#include <iostream>

using namespace xgrad;
using course::numpy_str;

int main() {
    // initialize_parameters_deep([5, 4, 3]): np.random.seed(3), W = randn * 0.01, b = 0.
    const auto deep = reference::initialize_parameters_deep<double>({5, 4, 3});
    std::cout << "W1 = " << numpy_str(deep.W[1]) << "\n\n";

    random::RandomState numpy;
    numpy.seed(1); // linear_forward_test_case
    const Array<double> A = numpy.randn(3, 2), W = numpy.randn(1, 3), b = numpy.randn(1, 1);
    std::cout << "Z = " << numpy_str(reference::linear_forward(A, W, b).first) << "\n";

    numpy.seed(6); // L_model_forward_test_case_2hidden: X, then W1, b1, W2, b2, W3, b3
    const Array<double> X = numpy.randn(5, 4);
    reference::Parameters<double> p(3);
    const std::size_t dims[] = {5, 4, 3, 1};
    for (std::size_t l = 1; l <= 3; ++l) {
        p.W[l] = numpy.randn(dims[l], dims[l - 1]);
        p.b[l] = numpy.randn(dims[l], 1);
    }
    const auto [AL, caches] = reference::L_model_forward(X, p); // relu, relu, sigmoid
    std::cout << "AL = " << numpy_str(AL) << "\n";
    std::cout << "Length of caches list = " << caches.size() << "\n";

    const Array<double> Y = {{1, 1, 0}}, aL = {{.8, .9, 0.4}}; // compute_cost_test_case
    std::cout << "cost = " << course::python_float(reference::compute_cost(aL, Y)) << "\n\n";

    // The course's L_model_backward on this network, and the engine's autodiff on the same:
    // the same dW and db (the notebook's dA are per example, m times the engine's dJ/dA).
    const Array<double> Y4 = {{1, 0, 1, 0}};
    const reference::Grads<double> grads = reference::L_model_backward(AL, Y4, caches);
    const nn::Model<double> model = nn::Model<double>::from_parameters(
        {{"W1", p.W[1]},
         {"b1", p.b[1]},
         {"W2", p.W[2]},
         {"b2", p.b[2]},
         {"W3", p.W[3]},
         {"b3", p.b[3]}},
        {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid});
    model.loss(Tensor<double>(X), Tensor<double>(Y4)).backward();
    for (const auto& [name, tensor] : model.parameters()) {
        const Array<double>& course = grads.at("d" + name);
        std::cout << "d" << name << " = " << numpy_str(course) << "\n  autodiff's differs by "
                  << std::scientific << xt::amax(xt::abs(tensor.grad() - course))()
                  << std::defaultfloat << " at most\n";
    }
    return 0;
}
