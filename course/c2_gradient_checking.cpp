// Course 2, week 1, "Gradient Checking": the 1-D check of J = theta x, then gradient_check_n on
// the course's 3-layer model (LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, 4-5-3-1)
// with backward_propagation_n's planted bugs (dW2 * 2, db1 * 4), two-point differences at
// epsilon = 1e-7 over the 47 parameters; then with the bugs fixed. The forward and backward
// passes are nn/reference's hand-written ones (the notebook's own code), the inputs
// gradient_check_n_test_case's, drawn after np.random.seed(1).
// The notebook's text is the 2021 Gradient_Checking.ipynb's (greyhatguy007/deep-learning-
// specialization @ ab0f9935: its expected values [0.2850931567761623, 1.1890913024229996e-07])
// and v1's (amanchadha @ 3f055e4a) for the 1-D part.
#include "course/assignments.hpp"
#include "course/python_float.hpp"
#include "nn/reference/backprop.hpp"
#include "random/random_state.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace xgrad::course {

namespace {

using reference::Activation;

const std::vector<Activation> g = {Activation::relu, Activation::relu, Activation::sigmoid};
const char* const keys[] = {"W1", "b1", "W2", "b2", "W3", "b3"};

// forward_propagation_n: the cost 1./m * np.sum(logprobs) of the parameters.
double forward_propagation_n(const Array<double>& X, const Array<double>& Y,
                             const reference::Parameters<double>& parameters) {
    const auto [A3, caches] = reference::L_model_forward(X, parameters, g);
    return reference::compute_cost(A3, Y);
}

// dictionary_to_vector: W1, b1, ..., b3 each reshaped to a column (row-major), stacked.
std::vector<double> dictionary_to_vector(const reference::Parameters<double>& parameters) {
    std::vector<double> theta;
    for (const char* key : keys)
        for (double v : parameters.at(key))
            theta.push_back(v);
    return theta;
}

// vector_to_dictionary, for any shapes: theta back into a copy of `like`.
reference::Parameters<double> vector_to_dictionary(const std::vector<double>& theta,
                                                   const reference::Parameters<double>& like) {
    reference::Parameters<double> p = like;
    std::size_t i = 0;
    for (const char* key : keys)
        for (double& v : p.at(key))
            v = theta[i++];
    return p;
}

// gradients_to_vector: dW1, db1, ..., db3 in the same order.
std::vector<double> gradients_to_vector(const reference::Grads<double>& grads) {
    std::vector<double> v;
    for (std::size_t l = 1; l <= 3; ++l) {
        for (double x : grads.dW[l])
            v.push_back(x);
        for (double x : grads.db[l])
            v.push_back(x);
    }
    return v;
}

double norm(const std::vector<double>& v) { // np.linalg.norm
    double s = 0;
    for (double x : v)
        s += x * x;
    return std::sqrt(s);
}

// gradient_check_n(parameters, gradients, X, Y, epsilon = 1e-7)
double gradient_check_n(const reference::Parameters<double>& parameters,
                        const reference::Grads<double>& gradients, const Array<double>& X,
                        const Array<double>& Y, double epsilon = 1e-7) {
    const std::vector<double> parameters_values = dictionary_to_vector(parameters);
    const std::vector<double> grad = gradients_to_vector(gradients);
    std::vector<double> gradapprox(parameters_values.size());
    for (std::size_t i = 0; i < parameters_values.size(); ++i) {
        std::vector<double> thetaplus = parameters_values;
        thetaplus[i] = thetaplus[i] + epsilon;
        const double J_plus =
            forward_propagation_n(X, Y, vector_to_dictionary(thetaplus, parameters));
        std::vector<double> thetaminus = parameters_values;
        thetaminus[i] = thetaminus[i] - epsilon;
        const double J_minus =
            forward_propagation_n(X, Y, vector_to_dictionary(thetaminus, parameters));
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon);
    }
    std::vector<double> difference_vector(grad.size());
    for (std::size_t i = 0; i < grad.size(); ++i)
        difference_vector[i] = grad[i] - gradapprox[i];
    const double numerator = norm(difference_vector);
    const double denominator = norm(grad) + norm(gradapprox);
    return numerator / denominator;
}

std::string verdict_n(double difference) {
    return difference > 2e-7 ? "There is a mistake in the backward propagation! difference = " +
                                   python_float(difference)
                             : "Your backward propagation works perfectly fine! difference = " +
                                   python_float(difference);
}

} // namespace

void c2w1_gradient_checking(Notebook& notebook) {
    notebook.section("1) How does gradient checking work? gradient_check(x = 2, theta = 4)");
    {
        const double x = 2, theta = 4, epsilon = 1e-7;
        const double thetaplus = theta + epsilon, thetaminus = theta - epsilon;
        const double J_plus = thetaplus * x, J_minus = thetaminus * x; // forward_propagation
        const double gradapprox = (J_plus - J_minus) / (2 * epsilon);
        const double grad = x; // backward_propagation: dtheta = x
        const double difference =
            std::abs(grad - gradapprox) / (std::abs(grad) + std::abs(gradapprox));
        notebook.line("J = " + std::to_string(static_cast<int>(theta * x)), "J = 8", 0);
        notebook.line("dtheta = " + std::to_string(static_cast<int>(grad)), "dtheta = 2", 0);
        notebook.note(difference < 1e-7 ? "The gradient is correct!" : "The gradient is wrong!");
        notebook.line("difference = " + python_float(difference),
                      "difference = 2.919335883291695e-10", 1e-22,
                      "the same IEEE operations as numpy's, so bit for bit");
    }

    // gradient_check_n_test_case(): np.random.seed(1); x = randn(4, 3); y = [1, 1, 0];
    // W1 = randn(5, 4); b1 = randn(5, 1); W2 = randn(3, 5); b2 = randn(3, 1); W3 = randn(1, 3);
    // b3 = randn(1, 1). (y is 1-D there and broadcasts as the row (1, 3).)
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(4, 3);
    const Array<double> Y = {{1, 1, 0}};
    reference::Parameters<double> parameters(3);
    parameters.W[1] = numpy.randn(5, 4);
    parameters.b[1] = numpy.randn(5, 1);
    parameters.W[2] = numpy.randn(3, 5);
    parameters.b[2] = numpy.randn(3, 1);
    parameters.W[3] = numpy.randn(1, 3);
    parameters.b[3] = numpy.randn(1, 1);
    const auto [A3, caches] = reference::L_model_forward(X, parameters, g);
    // Two-point differences at epsilon 1e-7 divide the cost's last-bit rounding (matrix
    // products in another order, BLAS's fused multiply-adds) by 2e-7: about 1e-9 of noise in
    // each gradapprox entry, which is what the difference measures once the bugs are fixed.
    const char* why = "rounding noise of the finite differences: the notebook's copies print "
                      "0.28509315665 to 0.28509315678, the notebook's code under Debian's numpy "
                      "1.24 0.285093156839953";

    notebook.section("3) N-dimensional gradient checking, backward_propagation_n with its bugs");
    {
        const auto gradients = reference::L_model_backward_from_dZL(
            A3, Y, caches, g,
            reference::BackwardOptions(reference::PlantedBug::course_gradient_check));
        const double difference = gradient_check_n(parameters, gradients, X, Y, 1e-7);
        notebook.line(verdict_n(difference),
                      "There is a mistake in the backward propagation! difference = "
                      "0.2850931567761623",
                      1e-9, why);
    }
    notebook.section("after fixing dW2 (no * 2) and db1 (1./m, not 4./m)");
    {
        const auto gradients = reference::L_model_backward_from_dZL(A3, Y, caches, g);
        const double difference = gradient_check_n(parameters, gradients, X, Y, 1e-7);
        notebook.line(verdict_n(difference),
                      "Your backward propagation works perfectly fine! difference = "
                      "1.1890913024229996e-07",
                      5e-10,
                      "the difference is the finite differences' rounding noise itself: "
                      "1.18855520355e-07 on the 2020 hub, 1.1890913e-07 in 2021, "
                      "1.1862497510584621e-07 from the notebook's code under Debian's numpy 1.24; "
                      "xgrad's own sums round differently again");
    }
}

} // namespace xgrad::course
