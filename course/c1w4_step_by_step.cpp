// Course 1, week 4: "Building your Deep Neural Network: Step by Step", reproduced: each of the
// notebook's test cases drawn from numpy's generator as testCases_v4a draws it, run through the
// course's own functions (nn/reference, the notebook's code in C++), and L_model_backward's
// gradients computed a second time by the engine's autodiff.
//
// The notebook's printed lines are quoted verbatim from
// amanchadha/coursera-deep-learning-specialization @ 24a54d7d (2021-11-01), "C1 - Neural Networks
// and Deep Learning/Week 4/Building your Deep Neural Network - Step by Step/
// Building_your_Deep_Neural_Network_Step_by_Step_v8a.ipynb" with testCases_v4a.py, and for dA0,
// dW2 and db2 of L_model_backward (which v8a does not print) from the 2021 notebook,
// greyhatguy007/deep-learning-specialization @ 065a9b96, W4A1 (the same testCases).
// Notes: /work/notes/course/c1w4_deep_nn_step_by_step.md.

#include "autograd/autograd.hpp"
#include "course/assignments.hpp"
#include "course/python_float.hpp"
#include "nn/reference/backprop.hpp"
#include "random/random_state.hpp"

#include <cstddef>
#include <string>

namespace xgrad::course {

namespace {

using reference::Activation;

} // namespace

void c1w4_step_by_step(Notebook& nb) {
    random::RandomState numpy;

    nb.section("3.1 - 2-layer Neural Network: initialize_parameters(3, 2, 1) (seed 1)");
    {
        // initialize_parameters is initialize_parameters_deep's draws for [n_x, n_h, n_y].
        const auto p = reference::initialize_parameters_deep<double>({3, 2, 1}, 1);
        nb.array("W1", p.W[1],
                 "[[ 0.01624345 -0.00611756 -0.00528172]\n"
                 " [-0.01072969  0.00865408 -0.02301539]]");
        nb.array("b1", p.b[1], "[[0.]\n [0.]]", 0);
        nb.array("W2", p.W[2], "[[ 0.01744812 -0.00761207]]");
        nb.array("b2", p.b[2], "[[0.]]", 0);
    }

    nb.section("3.2 - L-layer Neural Network: initialize_parameters_deep([5, 4, 3]) (seed 3)");
    {
        const auto p = reference::initialize_parameters_deep<double>({5, 4, 3});
        nb.array("W1", p.W[1],
                 "[[ 0.01788628  0.0043651   0.00096497 -0.01863493 -0.00277388]\n"
                 " [-0.00354759 -0.00082741 -0.00627001 -0.00043818 -0.00477218]\n"
                 " [-0.01313865  0.00884622  0.00881318  0.01709573  0.00050034]\n"
                 " [-0.00404677 -0.0054536  -0.01546477  0.00982367 -0.01101068]]");
        nb.array("b1", p.b[1], "[[0.]\n [0.]\n [0.]\n [0.]]", 0);
        nb.array("W2", p.W[2],
                 "[[-0.01185047 -0.0020565   0.01486148  0.00236716]\n"
                 " [-0.01023785 -0.00712993  0.00625245 -0.00160513]\n"
                 " [-0.00768836 -0.00230031  0.00745056  0.01976111]]");
        nb.array("b2", p.b[2], "[[0.]\n [0.]\n [0.]]", 0);
    }

    nb.section("4.1 - Linear Forward (linear_forward_test_case: seed 1)");
    {
        numpy.seed(1);
        const Array<double> A = numpy.randn(3, 2), W = numpy.randn(1, 3), b = numpy.randn(1, 1);
        nb.array("Z", reference::linear_forward(A, W, b).first, "[[ 3.26295337 -1.23429987]]");
    }

    nb.section("4.2 - Linear-Activation Forward (linear_activation_forward_test_case: seed 2)");
    {
        numpy.seed(2);
        const Array<double> A_prev = numpy.randn(3, 2), W = numpy.randn(1, 3),
                            b = numpy.randn(1, 1);
        nb.array("With sigmoid: A",
                 reference::linear_activation_forward(A_prev, W, b, Activation::sigmoid).first,
                 "[[0.96890023 0.11013289]]");
        nb.array("With ReLU: A",
                 reference::linear_activation_forward(A_prev, W, b, Activation::relu).first,
                 "[[3.43896131 0.        ]]");
    }

    nb.section("4.3 - L-Layer Model: L_model_forward (L_model_forward_test_case_2hidden: seed 6)");
    {
        numpy.seed(6);
        const Array<double> X = numpy.randn(5, 4);
        reference::Parameters<double> p(3);
        const std::size_t dims[] = {5, 4, 3, 1};
        for (std::size_t l = 1; l <= 3; ++l) {
            p.W[l] = numpy.randn(dims[l], dims[l - 1]);
            p.b[l] = numpy.randn(dims[l], 1);
        }
        const auto [AL, caches] = reference::L_model_forward(X, p);
        nb.array("AL", AL, "[[0.03921668 0.70498921 0.19734387 0.04728177]]");
        nb.line("Length of caches list = " + std::to_string(caches.size()),
                "Length of caches list = 3", 0);
    }

    nb.section("5 - Cost Function: compute_cost (compute_cost_test_case)");
    {
        const Array<double> Y = {{1, 1, 0}}, AL = {{.8, .9, 0.4}};
        nb.line("cost = " + python_float(reference::compute_cost(AL, Y)),
                "cost = 0.2797765635793422", 1e-16,
                "one bit: the notebook adds two np.dot products, Y.log(AL)^T and "
                "(1-Y).log(1-AL)^T; compute_cost one sum over every entry (numpy's own one sum "
                "gives ...423 too)");
    }

    nb.section("6.1 - Linear backward (linear_backward_test_case: seed 1)");
    {
        numpy.seed(1);
        const Array<double> dZ = numpy.randn(3, 4), A = numpy.randn(5, 4), W = numpy.randn(3, 5),
                            b = numpy.randn(3, 1);
        const auto [dA_prev, dW, db] = reference::linear_backward(dZ, {&A, &W, &b});
        nb.array("dA_prev", dA_prev,
                 "[[-1.15171336  0.06718465 -0.3204696   2.09812712]\n"
                 " [ 0.60345879 -3.72508701  5.81700741 -3.84326836]\n"
                 " [-0.4319552  -1.30987417  1.72354705  0.05070578]\n"
                 " [-0.38981415  0.60811244 -1.25938424  1.47191593]\n"
                 " [-2.52214926  2.67882552 -0.67947465  1.48119548]]");
        nb.array("dW", dW,
                 "[[ 0.07313866 -0.0976715  -0.87585828  0.73763362  0.00785716]\n"
                 " [ 0.85508818  0.37530413 -0.59912655  0.71278189 -0.58931808]\n"
                 " [ 0.97913304 -0.24376494 -0.08839671  0.55151192 -0.10290907]]");
        nb.array("db", db, "[[-0.14713786]\n [-0.11313155]\n [-0.13209101]]");
    }

    nb.section("6.2 - Linear-Activation backward (linear_activation_backward_test_case: seed 2)");
    {
        numpy.seed(2);
        const Array<double> dAL = numpy.randn(1, 2), A = numpy.randn(3, 2), W = numpy.randn(1, 3),
                            b = numpy.randn(1, 1), Z = numpy.randn(1, 2);
        const reference::LinearActivationCache<double> cache{{&A, &W, &b}, Z};
        {
            const auto [dA_prev, dW, db] =
                reference::linear_activation_backward(dAL, cache, Activation::sigmoid);
            nb.array("With sigmoid: dA_prev", dA_prev,
                     "[[ 0.11017994  0.01105339]\n"
                     " [ 0.09466817  0.00949723]\n"
                     " [-0.05743092 -0.00576154]]");
            nb.array("With sigmoid: dW", dW, "[[ 0.10266786  0.09778551 -0.01968084]]");
            nb.array("With sigmoid: db", db, "[[-0.05729622]]");
        }
        {
            const auto [dA_prev, dW, db] =
                reference::linear_activation_backward(dAL, cache, Activation::relu);
            nb.array("With relu: dA_prev", dA_prev,
                     "[[ 0.44090989 -0.        ]\n"
                     " [ 0.37883606 -0.        ]\n"
                     " [-0.2298228   0.        ]]");
            nb.array("With relu: dW", dW, "[[ 0.44513824  0.37371418 -0.10478989]]");
            nb.array("With relu: db", db, "[[-0.20837892]]");
        }
    }

    nb.section("6.3 - L-Model Backward (L_model_backward_test_case: seed 3)");
    // The test case's caches are drawn at random, not made by a forward pass (A2 is not
    // relu(Z1), and AL is not sigmoid(Z2)), and reference::Caches is made only by
    // L_model_forward; so L_model_backward's loop is written out on the test case's caches.
    numpy.seed(3);
    const Array<double> AL = numpy.randn(1, 2);
    const Array<double> Y = {{1, 0}};
    const Array<double> A1 = numpy.randn(4, 2), W1 = numpy.randn(3, 4), b1 = numpy.randn(3, 1),
                        Z1 = numpy.randn(3, 2);
    const Array<double> A2 = numpy.randn(3, 2), W2 = numpy.randn(1, 3), b2 = numpy.randn(1, 1),
                        Z2 = numpy.randn(1, 2);
    const Array<double> dAL = -(Y / AL - (1.0 - Y) / (1.0 - AL));
    const char* notebook_dA0 = "[[ 0.          0.52257901]\n"
                               " [ 0.         -0.3269206 ]\n"
                               " [ 0.         -0.32070404]\n"
                               " [ 0.         -0.74079187]]";
    const char* notebook_dA1 = "[[ 0.12913162 -0.44014127]\n"
                               " [-0.14175655  0.48317296]\n"
                               " [ 0.01663708 -0.05670698]]";
    const char* notebook_dW1 = "[[0.41010002 0.07807203 0.13798444 0.10502167]\n"
                               " [0.         0.         0.         0.        ]\n"
                               " [0.05283652 0.01005865 0.01777766 0.0135308 ]]";
    const char* notebook_db1 = "[[-0.22007063]\n [ 0.        ]\n [-0.02835349]]";
    const char* notebook_dW2 = "[[-0.39202432 -0.13325855 -0.04601089]]";
    const char* notebook_db2 = "[[0.15187861]]";
    {
        const auto [dA1, dW2, db2] =
            reference::linear_activation_backward(dAL, {{&A2, &W2, &b2}, Z2}, Activation::sigmoid);
        const auto [dA0, dW1, db1] =
            reference::linear_activation_backward(dA1, {{&A1, &W1, &b1}, Z1}, Activation::relu);
        nb.array("dW1", dW1, notebook_dW1);
        nb.array("db1", db1, notebook_db1);
        nb.array("dA1", dA1, notebook_dA1);
        nb.note("(the 2021 notebook also prints:)");
        nb.array("dA0", dA0, notebook_dA0);
        nb.array("dW2", dW2, notebook_dW2);
        nb.array("db2", db2, notebook_db2);
    }

    nb.section("6.3 - L-Model Backward by xgrad's autodiff (the same test case)");
    {
        // The engine's forward pass through the test case's caches: constants (no gradient)
        // added to Z1, to layer 2's input and to Z2 make them the cache's Z1, A2 and Z2. Backward
        // is seeded with the notebook's dAL / m: dAL is the per-example derivative, while the
        // engine's gradients are dJ/dW (the 1/m included), as the notebook's dW and db are.
        // (AL itself is randn, 1.79 > 1: no cost J is defined at it, only its dAL.)
        using T = Tensor<double>;
        const double m = static_cast<double>(Y.shape()[1]);
        const T A_prev1(A1, true, "A0"), tW1(W1, true, "W1"), tb1(b1, true, "b1");
        const T tW2(W2, true, "W2"), tb2(b2, true, "b2");
        const T Z1_lin = linear(tW1, A_prev1, tb1);
        const T Z1_case = Z1_lin + T(Array<double>(Z1 - Z1_lin.value()));
        const T R1 = relu(Z1_case);
        T A_prev2 = R1 + T(Array<double>(A2 - R1.value()));
        A_prev2.retain_grad().label("A1");
        const T Z2_lin = linear(tW2, A_prev2, tb2);
        const T Z2_case = Z2_lin + T(Array<double>(Z2 - Z2_lin.value()));
        sigmoid(Z2_case).backward(Array<double>(dAL / m));
        nb.array("autodiff dW1", tW1.grad(), notebook_dW1);
        nb.array("autodiff db1", tb1.grad(), notebook_db1);
        nb.array("autodiff dA1 (m dJ/dA1)", Array<double>(m * A_prev2.grad()), notebook_dA1);
        nb.array("autodiff dA0 (m dJ/dA0)", Array<double>(m * A_prev1.grad()), notebook_dA0);
        nb.array("autodiff dW2", tW2.grad(), notebook_dW2);
        nb.array("autodiff db2", tb2.grad(), notebook_db2);
    }

    nb.section("6.4 - Update Parameters (update_parameters_test_case: seeds 2 and 3, "
               "learning_rate = 0.1)");
    {
        reference::Parameters<double> p(2);
        reference::Grads<double> grads(2);
        numpy.seed(2);
        p.W[1] = numpy.randn(3, 4);
        p.b[1] = numpy.randn(3, 1);
        p.W[2] = numpy.randn(1, 3);
        p.b[2] = numpy.randn(1, 1);
        numpy.seed(3);
        grads.dW[1] = numpy.randn(3, 4);
        grads.db[1] = numpy.randn(3, 1);
        grads.dW[2] = numpy.randn(1, 3);
        grads.db[2] = numpy.randn(1, 1);
        reference::update_parameters(p, grads, 0.1);
        nb.array("W1", p.W[1],
                 "[[-0.59562069 -0.09991781 -2.14584584  1.82662008]\n"
                 " [-1.76569676 -0.80627147  0.51115557 -1.18258802]\n"
                 " [-1.0535704  -0.86128581  0.68284052  2.20374577]]");
        nb.array("b1", p.b[1], "[[-0.04659241]\n [-1.28888275]\n [ 0.53405496]]");
        nb.array("W2", p.W[2], "[[-0.55569196  0.0354055   1.32964895]]");
        nb.array("b2", p.b[2], "[[-0.84610769]]");
    }
}

} // namespace xgrad::course
