// Course 2, week 1, "Regularization": the test cases of compute_cost_with_regularization,
// backward_propagation_with_regularization, forward_propagation_with_dropout and
// backward_propagation_with_dropout, with the notebook's lambd and keep_prob. Their inputs are
// testCases.py's: drawn after np.random.seed(1) (numpy's generator, random/), and the caches
// that file hard-codes, copied here verbatim. The hand-written functions are nn/reference's;
// the dropout forward is also run through nn's Model with dropout layers (autodiff's side).
// The notebook's text is from Regularization_v2a.ipynb, amanchadha/coursera-deep-learning-
// specialization @ 3f055e4a (the 2020 run on the course's servers).
#include "course/assignments.hpp"
#include "course/python_float.hpp"
#include "nn/nn.hpp"
#include "nn/reference/regularization.hpp"
#include "random/random_state.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace xgrad::course {

namespace {

// A column (n, 1): brace lists with one value per row are ambiguous for xarray.
Array<double> column(const std::vector<double>& values) {
    Array<double> out = Array<double>::from_shape({values.size(), 1});
    std::copy(values.begin(), values.end(), out.begin());
    return out;
}

// W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1): np.random.randn in order.
reference::Parameters<double> draw_parameters(random::RandomState& numpy) {
    reference::Parameters<double> p(3);
    p.W[1] = numpy.randn(2, 3);
    p.b[1] = numpy.randn(2, 1);
    p.W[2] = numpy.randn(3, 2);
    p.b[2] = numpy.randn(3, 1);
    p.W[3] = numpy.randn(1, 3);
    p.b[3] = numpy.randn(1, 1);
    return p;
}

// The caches' shared entries, as testCases.py hard-codes them.
const Array<double> W1 = {{-1.09989127, -0.17242821, -0.87785842},
                          {0.04221375, 0.58281521, -1.10061918}};
const Array<double> W2 = {
    {0.50249434, 0.90085595}, {-0.68372786, -0.12289023}, {-0.93576943, -0.26788808}};
const Array<double> W3 = {{-0.6871727, -0.84520564, -0.67124613}};
const Array<double> Z1 = {{-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115},
                          {-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242}};

} // namespace

void c2w1_regularization(Notebook& notebook) {
    const Array<double> Y_assess = {{1, 1, 0, 1, 0}};

    notebook.section("2 - L2 Regularization: compute_cost_with_regularization (lambd = 0.1)");
    {
        // compute_cost_with_regularization_test_case(): np.random.seed(1), the parameters,
        // a3 hard-coded.
        random::RandomState numpy(1);
        const auto parameters = draw_parameters(numpy);
        const Array<double> a3 = {{0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402}};
        const double cost =
            reference::compute_cost_with_regularization(a3, Y_assess, parameters, 0.1);
        notebook.line("cost = " + python_float(cost), "cost = 1.78648594516", 5e-12);
    }

    notebook.section("backward_propagation_with_regularization (lambd = 0.7)");
    {
        random::RandomState numpy(1);
        const Array<double> X_assess = numpy.randn(3, 5);
        reference::RegularizationCache<double> cache;
        cache.Z1 = Z1;
        cache.A1 = {{0., 3.32524635, 2.13994541, 2.60700654, 0.},
                    {0., 4.1600994, 0.79051021, 1.46493512, 0.}};
        cache.W1 = W1;
        cache.b1 = column({1.14472371, 0.90159072});
        cache.Z2 = {{0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547},
                    {-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075},
                    {-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353}};
        cache.A2 = {{0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547},
                    {0., 0., 0., 0., 0.},
                    {0., 0., 0., 0., 0.}};
        cache.W2 = W2;
        cache.b2 = column({0.53035547, -0.69166075, -0.39675353});
        cache.Z3 = {{-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104}};
        cache.A3 = {{0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402}};
        cache.W3 = W3;
        cache.b3 = column({-0.0126646});
        const auto grads =
            reference::backward_propagation_with_regularization(X_assess, Y_assess, cache, 0.7);
        notebook.array("dW1", grads.dW[1],
                       "[[-0.25604646  0.12298827 -0.28297129]\n"
                       " [-0.17706303  0.34536094 -0.4410571 ]]");
        notebook.array("dW2", grads.dW[2],
                       "[[ 0.79276486  0.85133918]\n [-0.0957219  -0.01720463]\n"
                       " [-0.13100772 -0.03750433]]");
        notebook.array("dW3", grads.dW[3], "[[-1.77691347 -0.11832879 -0.09397446]]");
    }

    notebook.section("3 - Dropout: forward_propagation_with_dropout (keep_prob = 0.7)");
    {
        random::RandomState numpy(1);
        const Array<double> X_assess = numpy.randn(3, 5);
        const auto parameters = draw_parameters(numpy);
        const auto [A3, cache] =
            reference::forward_propagation_with_dropout(X_assess, parameters, 0.7);
        notebook.array("A3", A3, "[[ 0.36974721  0.00305176  0.04565099  0.49683389  0.36974721]]");
        // nn's Model with dropout on A1 and A2, masks drawn as the notebook draws them.
        std::map<std::string, Array<double>> dictionary;
        for (const auto& key : parameters.keys())
            dictionary.emplace(key, parameters.at(key));
        auto model = nn::Model<double>::from_parameters(
            dictionary, {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid});
        model.dropout(1, 0.7).dropout(2, 0.7);
        auto masks = nn::DropoutMasks<double>::course(1);
        notebook.array("A3 (nn, Model::dropout)",
                       model.forward(Tensor<double>(X_assess), nullptr, &masks).value(),
                       "[[ 0.36974721  0.00305176  0.04565099  0.49683389  0.36974721]]");
    }

    notebook.section("backward_propagation_with_dropout (keep_prob = 0.8)");
    {
        random::RandomState numpy(1);
        const Array<double> X_assess = numpy.randn(3, 5);
        reference::DropoutCache<double> cache;
        cache.Z1 = Z1;
        cache.D1 = {{1, 0, 1, 1, 1}, {1, 1, 1, 1, 0}};
        cache.A1 = {{0., 0., 4.27989081, 5.21401307, 0.},
                    {0., 8.32019881, 1.58102041, 2.92987024, 0.}};
        cache.W1 = W1;
        cache.b1 = column({1.14472371, 0.90159072});
        cache.Z2 = {{0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547},
                    {-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075},
                    {-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353}};
        cache.D2 = {{1, 0, 1, 0, 1}, {0, 1, 0, 1, 1}, {0, 0, 1, 0, 0}};
        cache.A2 = {{1.06071093, 0., 8.21049603, 0., 1.06071093},
                    {0., 0., 0., 0., 0.},
                    {0., 0., 0., 0., 0.}};
        cache.W2 = W2;
        cache.b2 = column({0.53035547, -0.69166075, -0.39675353});
        cache.Z3 = {{-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562}};
        cache.A3 = {{0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394}};
        cache.W3 = W3;
        cache.b3 = column({-0.0126646});
        const auto grads =
            reference::backward_propagation_with_dropout(X_assess, Y_assess, cache, 0.8);
        notebook.array("dA1", grads.dA[1],
                       "[[ 0.36544439  0.         -0.00188233  0.         -0.17408748]\n"
                       " [ 0.65515713  0.         -0.00337459  0.         -0.        ]]");
        notebook.array("dA2", grads.dA[2],
                       "[[ 0.58180856  0.         -0.00299679  0.         -0.27715731]\n"
                       " [ 0.          0.53159854 -0.          0.53159854 -0.34089673]\n"
                       " [ 0.          0.         -0.00292733  0.         -0.        ]]");
    }
}

} // namespace xgrad::course
