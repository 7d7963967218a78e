// Course 2 week 1's regularization and week 2's learning-rate decay: nn's L2 penalty and
// dropout (autodiff) against central differences and against the course's hand-written
// formulas (nn/reference/regularization), and the reference against the notebook's printed
// expected outputs, its test-case inputs drawn with numpy's generator as testCases.py draws them.
#include "io/course_datasets.hpp"
#include "nn/nn.hpp"
#include "nn/reference/regularization.hpp"
#include "random/random_state.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <vector>

using namespace xgrad;
using nn::Activation;

namespace {

// Tolerances, stated once.
constexpr double gradcheck_tolerance = 1e-7; // the course's pass mark, float64
constexpr double finite_difference_step = 1e-6;
constexpr double same_formula = 1e-12; // autodiff against the hand-written formula, float64

const std::vector<Activation> course_activations = {Activation::relu, Activation::relu,
                                                    Activation::sigmoid};

// The notebooks print 8 decimals: agreement to the printed digits.
void check_printed(const Array<double>& ours, const Array<double>& printed, double digits = 8) {
    REQUIRE(ours.shape() == printed.shape());
    const double tolerance = 0.5 * std::pow(10.0, -digits) * 1.0001;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        INFO("entry " << i << ": ours " << ours.data()[i] << ", notebook " << printed.data()[i]);
        CHECK(std::abs(ours.data()[i] - printed.data()[i]) <= tolerance);
    }
}

double max_abs_difference(const Array<double>& a, const Array<double>& b) {
    REQUIRE(a.shape() == b.shape());
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::abs(a.data()[i] - b.data()[i]));
    return d;
}

// The testCases.py parameters: W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3),
// b3 (1, 1) drawn in that order with np.random.randn from where `numpy` stands.
reference::Parameters<double> test_case_parameters(random::RandomState& numpy) {
    reference::Parameters<double> p(3);
    p.W[1] = numpy.randn(2, 3);
    p.b[1] = numpy.randn(2, 1);
    p.W[2] = numpy.randn(3, 2);
    p.b[2] = numpy.randn(3, 1);
    p.W[3] = numpy.randn(1, 3);
    p.b[3] = numpy.randn(1, 1);
    return p;
}

std::map<std::string, Array<double>> as_dictionary(const reference::Parameters<double>& p) {
    std::map<std::string, Array<double>> d;
    for (const auto& key : p.keys())
        d.emplace(key, p.at(key));
    return d;
}

const Array<double> Y_assess = {{1, 1, 0, 1, 0}};

// ||g - g_num|| / (||g|| + ||g_num||) over every parameter of the model, g from autodiff of
// cost() and g_num from central differences of it (each parameter entry nudged in place).
double relative_difference(nn::Model<double>& model, const std::function<Tensor<double>()>& cost) {
    model.zero_grad();
    cost().backward();
    double diff = 0, norm_g = 0, norm_n = 0;
    for (auto p : model.parameters()) {
        const Array<double> g = p.tensor.grad();
        Array<double>& theta = p.tensor.data();
        for (std::size_t i = 0; i < theta.size(); ++i) {
            const double saved = theta.data()[i];
            double J_plus = 0, J_minus = 0;
            {
                NoGrad no_grad;
                theta.data()[i] = saved + finite_difference_step;
                J_plus = cost().item();
                theta.data()[i] = saved - finite_difference_step;
                J_minus = cost().item();
            }
            theta.data()[i] = saved;
            const double numeric = (J_plus - J_minus) / (2 * finite_difference_step);
            diff += (g.data()[i] - numeric) * (g.data()[i] - numeric);
            norm_g += g.data()[i] * g.data()[i];
            norm_n += numeric * numeric;
        }
    }
    return std::sqrt(diff) / (std::sqrt(norm_g) + std::sqrt(norm_n));
}

} // namespace

// ---- L2 ------------------------------------------------------------------------------------

TEST_CASE("l2_penalty's gradient matches central differences in float64") {
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(3, 5);
    const auto parameters = test_case_parameters(numpy);
    nn::Model<double> model =
        nn::Model<double>::from_parameters(as_dictionary(parameters), course_activations);
    const Tensor<double> Xt(X), Yt(Y_assess);
    for (double lambd : {0.1, 0.7, 5.0}) {
        INFO("lambd = " << lambd);
        const double d = relative_difference(
            model, [&] { return model.loss(Xt, Yt) + nn::l2_penalty(model, lambd, 5); });
        MESSAGE("lambd " << lambd << ": relative difference " << d);
        CHECK(d < gradcheck_tolerance);
        // The penalty alone: lambd/(2m) sum W^2, and exactly (lambd/m) W on each W.
        model.zero_grad();
        const Tensor<double> penalty = nn::l2_penalty(model, lambd, 5);
        penalty.backward();
        double squares = 0;
        for (std::size_t l = 1; l <= 3; ++l) {
            const Array<double>& W = parameters.W[l];
            squares += xt::sum(W * W)();
            CHECK(max_abs_difference(model.layer(l).W().grad(), lambd / 5 * W) < same_formula);
            CHECK_FALSE(model.layer(l).b().has_grad()); // b is not penalised
        }
        CHECK(penalty.item() == doctest::Approx(lambd / 10 * squares).epsilon(1e-14));
    }
}

TEST_CASE_TEMPLATE("l2_penalty in float agrees with double", T, float, double) {
    random::RandomState numpy(1);
    const auto parameters = test_case_parameters(numpy);
    std::map<std::string, Array<T>> values;
    for (const auto& [key, value] : as_dictionary(parameters))
        values.emplace(key, xt::cast<T>(value));
    const auto model = nn::Model<T>::from_parameters(values, course_activations);
    const Tensor<T> penalty = nn::l2_penalty(model, 0.7, 5);
    penalty.backward();
    double squares = 0;
    for (std::size_t l = 1; l <= 3; ++l)
        squares += xt::sum(parameters.W[l] * parameters.W[l])();
    const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-14;
    CHECK(static_cast<double>(penalty.item()) ==
          doctest::Approx(0.7 / 10 * squares).epsilon(tolerance));
    for (std::size_t l = 1; l <= 3; ++l)
        CHECK(max_abs_difference(xt::cast<double>(model.layer(l).W().grad()),
                                 0.7 / 5 * parameters.W[l]) < 10 * tolerance);
}

TEST_CASE("autodiff of the L2-regularised cost equals backward_propagation_with_regularization") {
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(3, 5);
    const auto parameters = test_case_parameters(numpy);
    const double lambd = 0.7;
    const auto [A3, cache] = reference::forward_propagation(X, parameters);
    const auto grads =
        reference::backward_propagation_with_regularization(X, Y_assess, cache, lambd);
    nn::Model<double> model =
        nn::Model<double>::from_parameters(as_dictionary(parameters), course_activations);
    const Tensor<double> J =
        nn::loss_with_l2(model, Tensor<double>(X), Tensor<double>(Y_assess), lambd);
    J.backward();
    CHECK(J.item() == doctest::Approx(reference::compute_cost_with_regularization(
                                          A3, Y_assess, parameters, lambd))
                          .epsilon(1e-13));
    for (std::size_t l = 1; l <= 3; ++l) {
        INFO("layer " << l);
        CHECK(max_abs_difference(model.layer(l).W().grad(), grads.dW[l]) < same_formula);
        CHECK(max_abs_difference(model.layer(l).b().grad(), grads.db[l]) < same_formula);
    }
    // lambd = 0 is the plain cost, and a negative lambd is refused.
    CHECK(nn::loss_with_l2(model, Tensor<double>(X), Tensor<double>(Y_assess), 0.0).item() ==
          model.loss(Tensor<double>(X), Tensor<double>(Y_assess)).item());
    CHECK_THROWS_WITH_AS(nn::l2_penalty(model, -1.0, 5), doctest::Contains("lambd"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::l2_penalty(model, 0.1, 0), doctest::Contains("m = 0"),
                         std::invalid_argument);
}

TEST_CASE("compute_cost_with_regularization_test_case gives the notebook's cost") {
    // testCases.py: np.random.seed(1); W1, b1, W2, b2, W3, b3 = randn(...); a3 hard-coded.
    random::RandomState numpy(1);
    const auto parameters = test_case_parameters(numpy);
    const Array<double> a3 = {{0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402}};
    const double cost = reference::compute_cost_with_regularization(a3, Y_assess, parameters, 0.1);
    // Regularization_v2a.ipynb (amanchadha @ 3f055e4a): "cost = 1.78648594516"; the 2021 re-run
    // (@ 24a54d7d) prints repr: 1.7864859451590758.
    CHECK(std::abs(cost - 1.78648594516) <= 5e-12);
    CHECK(cost == doctest::Approx(1.7864859451590758).epsilon(1e-15));
}

TEST_CASE("backward_propagation_with_regularization_test_case gives the notebook's dW") {
    // testCases.py: np.random.seed(1); X_assess = randn(3, 5); the cache is hard-coded there
    // (copied from some run, not consistent with X_assess); these are its inputs, verbatim.
    random::RandomState numpy(1);
    reference::RegularizationCache<double> cache;
    const Array<double> X = numpy.randn(3, 5);
    cache.Z1 = {{-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115},
                {-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242}};
    cache.A1 = {{0., 3.32524635, 2.13994541, 2.60700654, 0.},
                {0., 4.1600994, 0.79051021, 1.46493512, 0.}};
    cache.W1 = {{-1.09989127, -0.17242821, -0.87785842}, {0.04221375, 0.58281521, -1.10061918}};
    cache.b1 = column({1.14472371, 0.90159072});
    cache.Z2 = {{0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547},
                {-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075},
                {-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353}};
    cache.A2 = {{0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547},
                {0., 0., 0., 0., 0.},
                {0., 0., 0., 0., 0.}};
    cache.W2 = {{0.50249434, 0.90085595}, {-0.68372786, -0.12289023}, {-0.93576943, -0.26788808}};
    cache.b2 = column({0.53035547, -0.69166075, -0.39675353});
    cache.Z3 = {{-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104}};
    cache.A3 = {{0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402}};
    cache.W3 = {{-0.6871727, -0.84520564, -0.67124613}};
    cache.b3 = column({-0.0126646});
    const auto grads = reference::backward_propagation_with_regularization(X, Y_assess, cache, 0.7);
    // Regularization_v2a.ipynb (amanchadha @ 3f055e4a), expected output with lambd = 0.7.
    check_printed(grads.dW[1],
                  {{-0.25604646, 0.12298827, -0.28297129}, {-0.17706303, 0.34536094, -0.4410571}});
    check_printed(
        grads.dW[2],
        {{0.79276486, 0.85133918}, {-0.0957219, -0.01720463}, {-0.13100772, -0.03750433}});
    check_printed(grads.dW[3], {{-1.77691347, -0.11832879, -0.09397446}});
}

// ---- dropout -------------------------------------------------------------------------------

TEST_CASE("forward_propagation_with_dropout_test_case gives the notebook's A3, and so does nn") {
    // testCases.py: np.random.seed(1); X_assess = randn(3, 5); then the parameters.
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(3, 5);
    const auto parameters = test_case_parameters(numpy);
    const auto [A3, cache] = reference::forward_propagation_with_dropout(X, parameters, 0.7);
    // Regularization_v2a.ipynb (amanchadha @ 3f055e4a), expected output with keep_prob = 0.7.
    check_printed(A3, {{0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721}});

    // nn's dropout layers with the course's masks: np.random.seed(1), D1, D2 in order.
    nn::Model<double> model =
        nn::Model<double>::from_parameters(as_dictionary(parameters), course_activations);
    model.dropout(1, 0.7).dropout(2, 0.7);
    auto masks = nn::DropoutMasks<double>::course(1);
    const Array<double> A3_nn = model.forward(Tensor<double>(X), nullptr, &masks).value();
    CHECK(masks.D(1) == cache.D1);
    CHECK(masks.D(2) == cache.D2);
    CHECK(max_abs_difference(A3_nn, A3) < same_formula);
    // The same masks on every pass, as the notebook's reseeding gives.
    model.forward(Tensor<double>(X), nullptr, &masks);
    CHECK(masks.D(1) == cache.D1);
    CHECK_THROWS_AS(masks.D(3), std::out_of_range); // never on the output layer

    // Off at evaluation: forward without masks, predict_proba and evaluate run all units.
    const auto [A3_full, full_cache] = reference::forward_propagation(X, parameters);
    CHECK(max_abs_difference(model.forward(Tensor<double>(X)).value(), A3_full) < same_formula);
    CHECK(max_abs_difference(model.predict_proba(X), A3_full) < same_formula);
    CHECK(nn::evaluate(model, X, Y_assess).loss ==
          doctest::Approx(reference::compute_cost_nansum(A3_full, Y_assess)).epsilon(1e-13));
}

TEST_CASE("backward_propagation_with_dropout_test_case gives the notebook's dA1 and dA2") {
    // testCases.py: np.random.seed(1); X_assess = randn(3, 5); the cache is hard-coded there,
    // masks included; these are its inputs, verbatim.
    random::RandomState numpy(1);
    reference::DropoutCache<double> cache;
    const Array<double> X = numpy.randn(3, 5);
    cache.Z1 = {{-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115},
                {-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242}};
    cache.D1 = {{1, 0, 1, 1, 1}, {1, 1, 1, 1, 0}};
    cache.A1 = {{0., 0., 4.27989081, 5.21401307, 0.}, {0., 8.32019881, 1.58102041, 2.92987024, 0.}};
    cache.W1 = {{-1.09989127, -0.17242821, -0.87785842}, {0.04221375, 0.58281521, -1.10061918}};
    cache.b1 = column({1.14472371, 0.90159072});
    cache.Z2 = {{0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547},
                {-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075},
                {-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353}};
    cache.D2 = {{1, 0, 1, 0, 1}, {0, 1, 0, 1, 1}, {0, 0, 1, 0, 0}};
    cache.A2 = {
        {1.06071093, 0., 8.21049603, 0., 1.06071093}, {0., 0., 0., 0., 0.}, {0., 0., 0., 0., 0.}};
    cache.W2 = {{0.50249434, 0.90085595}, {-0.68372786, -0.12289023}, {-0.93576943, -0.26788808}};
    cache.b2 = column({0.53035547, -0.69166075, -0.39675353});
    cache.Z3 = {{-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562}};
    cache.A3 = {{0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394}};
    cache.W3 = {{-0.6871727, -0.84520564, -0.67124613}};
    cache.b3 = column({-0.0126646});
    const auto grads = reference::backward_propagation_with_dropout(X, Y_assess, cache, 0.8);
    // Regularization_v2a.ipynb (amanchadha @ 3f055e4a), expected output with keep_prob = 0.8.
    check_printed(grads.dA[1], {{0.36544439, 0., -0.00188233, 0., -0.17408748},
                                {0.65515713, 0., -0.00337459, 0., -0.}});
    check_printed(grads.dA[2], {{0.58180856, 0., -0.00299679, 0., -0.27715731},
                                {0., 0.53159854, -0., 0.53159854, -0.34089673},
                                {0., 0., -0.00292733, 0., -0.}});
}

TEST_CASE("dropout's gradient, with the mask fixed, matches central differences and "
          "backward_propagation_with_dropout") {
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(3, 5);
    const auto parameters = test_case_parameters(numpy);
    const double keep_prob = 0.7;
    const auto [A3, cache] = reference::forward_propagation_with_dropout(X, parameters, keep_prob);
    const auto grads = reference::backward_propagation_with_dropout(X, Y_assess, cache, keep_prob);

    nn::Model<double> model =
        nn::Model<double>::from_parameters(as_dictionary(parameters), course_activations);
    model.dropout(1, keep_prob).dropout(2, keep_prob);
    auto masks = nn::DropoutMasks<double>::fixed({{1, cache.D1}, {2, cache.D2}});
    const Tensor<double> Xt(X), Yt(Y_assess);
    const double d =
        relative_difference(model, [&] { return model.loss(Xt, Yt, nullptr, &masks); });
    MESSAGE("dropout, mask fixed: relative difference " << d);
    CHECK(d < gradcheck_tolerance);
    model.zero_grad();
    model.loss(Xt, Yt, nullptr, &masks).backward();
    for (std::size_t l = 1; l <= 3; ++l) {
        INFO("layer " << l);
        CHECK(max_abs_difference(model.layer(l).W().grad(), grads.dW[l]) < same_formula);
        CHECK(max_abs_difference(model.layer(l).b().grad(), grads.db[l]) < same_formula);
    }
    // A mask of the wrong shape, or none for a layer with dropout, is named.
    auto wrong = nn::DropoutMasks<double>::fixed({{1, cache.D2}, {2, cache.D2}});
    CHECK_THROWS_WITH_AS(model.loss(Xt, Yt, nullptr, &wrong), doctest::Contains("D[1]"),
                         ShapeError);
    auto missing = nn::DropoutMasks<double>::fixed({{1, cache.D1}});
    CHECK_THROWS_WITH_AS(model.loss(Xt, Yt, nullptr, &missing), doctest::Contains("A[2]"),
                         std::invalid_argument);
}

TEST_CASE("dropout goes on hidden layers only, with keep_prob in (0, 1]") {
    nn::Model<double> model({3, 4, 2, 1}, course_activations, nn::Init::he, 1);
    CHECK_FALSE(model.has_dropout());
    CHECK_THROWS_WITH_AS(model.dropout(3, 0.5), doctest::Contains("output layer"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(model.dropout(1, 0.0), doctest::Contains("keep_prob"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(model.dropout(1, 1.5), doctest::Contains("keep_prob"),
                         std::invalid_argument);
    CHECK_THROWS_AS(model.dropout(4, 0.5), std::out_of_range);
    model.dropout(2, 0.86);
    CHECK(model.has_dropout());
    CHECK(model.keep_prob(2) == 0.86);
    CHECK(model.keep_prob(1) == 1.0);
    CHECK(model.clone().keep_prob(2) == 0.86);
}

TEST_CASE_TEMPLATE("dropout drops about 1 - keep_prob of the units and keeps the mean", T, float,
                   double) {
    const std::size_t n = 200, m = 500;
    const Tensor<T> A(xt::ones<T>({n, m}));
    nn::DropoutMasks<T> masks(7);
    masks.begin_pass();
    const Array<T>& D = masks.mask(1, A.shape(), 0.8);
    const Array<T> dropped = nn::dropout(A, D, 0.8).value();
    const double kept = static_cast<double>(xt::sum(D)()) / double(n * m);
    CHECK(kept == doctest::Approx(0.8).epsilon(0.01));
    CHECK(static_cast<double>(xt::mean(dropped)()) == doctest::Approx(1.0).epsilon(0.02));
    std::size_t wrong = 0; // kept units are 1 / keep_prob, dropped ones 0
    for (std::size_t i = 0; i < D.size(); ++i)
        wrong += dropped.data()[i] != (D.data()[i] == T(1) ? T(1) / T(0.8) : T(0));
    CHECK(wrong == 0);
    CHECK_THROWS_AS(nn::dropout(A, Array<T>(xt::ones<T>({n, std::size_t(1)})), 0.8), ShapeError);
    CHECK_THROWS_AS(nn::dropout(A, D, 0.0), std::invalid_argument);
}

TEST_CASE("fit with lambd and dropout trains as the course's model() does, step by step") {
    random::RandomState numpy(1);
    const Array<double> X = numpy.randn(3, 5);
    const auto parameters = test_case_parameters(numpy);
    nn::Model<double> a =
        nn::Model<double>::from_parameters(as_dictionary(parameters), course_activations);
    a.dropout(1, 0.86).dropout(2, 0.86);
    nn::Model<double> b = a.clone();
    nn::GradientDescent<double> gd_a(a.parameters(), 0.3), gd_b(b.parameters(), 0.3);
    nn::FitOptions options;
    options.epochs = 3;
    options.lambd = 0.7;
    options.generator = nn::Generator::numpy; // masks: np.random.seed(1) before every pass
    const auto history = nn::fit(a, gd_a, X, Y_assess, options);
    // By hand: the course's loop, forward with dropout, cost with L2, backward, update.
    auto masks = nn::DropoutMasks<double>::course(1);
    std::vector<double> costs;
    for (int i = 0; i < 3; ++i)
        costs.push_back(
            nn::train_step(b, gd_b, Tensor<double>(X), Tensor<double>(Y_assess), 0.7, &masks));
    for (int i = 0; i < 3; ++i)
        CHECK(history[i].loss == doctest::Approx(costs[i]).epsilon(1e-14));
    for (const auto& [key, value] : a.parameter_values())
        CHECK(max_abs_difference(value, b.parameter_values().at(key)) < same_formula);
    // The hand-written model agrees: reference forward with dropout + backward + L2 term...
    // the first cost is compute_cost_with_regularization of the first dropout pass.
    const auto [A3, cache] = reference::forward_propagation_with_dropout(X, parameters, 0.86);
    CHECK(costs[0] == doctest::Approx(reference::compute_cost_with_regularization(A3, Y_assess,
                                                                                  parameters, 0.7))
                          .epsilon(1e-13));
}

// ---- learning-rate decay -------------------------------------------------------------------

TEST_CASE("update_lr and schedule_lr_decay give the optimization notebook's rates") {
    // Optimization_methods.ipynb, 2021 version (shivamaggarwal513 @ ded9d4c0, greyhatguy007 @
    // 4f3647d7): "Updated learning rate:  0.16666666666666666".
    CHECK(nn::update_lr(0.5, 2, 1) == 0.16666666666666666);
    // schedule_lr_decay's expected output (decay_rate 0.3, time_interval 100).
    CHECK(nn::schedule_lr_decay(0.5, 10, 0.3, 100) == 0.5);
    CHECK(nn::schedule_lr_decay(0.5, 100, 0.3, 100) == 0.3846153846153846);
    // public_tests.py's cases.
    CHECK(nn::schedule_lr_decay(0.5, 100, 1, 100) == 0.25);
    CHECK(nn::schedule_lr_decay(0.5, 10, 1, 100) == 0.5);
    CHECK(nn::schedule_lr_decay(0.3, 1000, 0.25, 100) ==
          doctest::Approx(0.085714285).epsilon(1e-8));
    CHECK(nn::schedule_lr_decay(0.3, 100, 0.25, 100) == doctest::Approx(0.24).epsilon(1e-15));
    // The default interval is 1000 epochs, and the floor holds between steps.
    CHECK(nn::schedule_lr_decay(0.1, 999, 1) == 0.1);
    CHECK(nn::schedule_lr_decay(0.1, 1000, 1) == 0.05);
    CHECK_THROWS_WITH_AS(nn::schedule_lr_decay(0.1, 5, 1, 0), doctest::Contains("time_interval"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::update_lr(0.1, 5, -1), doctest::Contains("decay_rate"),
                         std::invalid_argument);
}

TEST_CASE("fit's decay sets the learning rate after each epoch, as the notebook's model() does") {
    const auto moons = io::load_moons_dataset<double>();
    nn::Model<double> model({2, 5, 2, 1}, course_activations,
                            nn::Initializer<double>(nn::Init::he, 3, nn::Generator::numpy));
    nn::GradientDescent<double> gd(model.parameters(), 0.1);
    nn::FitOptions options;
    options.epochs = 4;
    options.batch_size = 64;
    options.seed = 10;
    options.generator = nn::Generator::numpy;
    std::vector<double> seen; // the rate each epoch trained with
    options.on_batch = [&](const nn::BatchProgress& p) {
        if (p.batch == 1)
            seen.push_back(gd.learning_rate());
    };
    options.decay = [](std::size_t i) { return nn::update_lr(0.1, i, 1); };
    const auto history = nn::fit(model, gd, moons.X, moons.Y, options);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == 0.1);
    for (std::size_t e = 1; e < 4; ++e)
        CHECK(seen[e] == nn::update_lr(0.1, e - 1, 1));
    for (std::size_t e = 0; e < 4; ++e)
        CHECK(history[e].learning_rate == nn::update_lr(0.1, e, 1));
}

TEST_CASE("the optimization notebook's gd with schedule_lr_decay on the moons prints its lines") {
    // Optimization_methods.ipynb, 2021 version with the floor (shivamaggarwal513 @ ded9d4c0):
    // model(train_X, train_Y, layers_dims, optimizer = "gd", learning_rate = 0.1,
    // num_epochs = 5000, decay = schedule_lr_decay): mini-batches of 64, seed 10 + epoch.
    const auto moons = io::load_moons_dataset<double>();
    nn::Model<double> model({2, 5, 2, 1}, course_activations,
                            nn::Initializer<double>(nn::Init::he, 3, nn::Generator::numpy));
    nn::GradientDescent<double> gd(model.parameters(), 0.1);
    nn::FitOptions options;
    options.epochs = 5000;
    options.batch_size = 64;
    options.seed = 10;
    options.generator = nn::Generator::numpy;
    options.decay = [](std::size_t i) { return nn::schedule_lr_decay(0.1, i, 1); };
    const auto history = nn::fit(model, gd, moons.X, moons.Y, options);
    // "Cost after epoch %i: %f" / "learning rate after epoch %i: %f"
    const double cost[] = {0.701091, 0.127161, 0.120304, 0.117033, 0.117512};
    const double rate[] = {0.100000, 0.050000, 0.033333, 0.025000, 0.020000};
    for (std::size_t k = 0; k < 5; ++k) {
        const auto& e = history[k * 1000];
        INFO("epoch " << k * 1000 << ": cost " << e.loss << ", learning rate " << e.learning_rate);
        CHECK(std::abs(e.loss - cost[k]) <= 5e-7 * 1.0001);
        CHECK(std::abs(e.learning_rate - rate[k]) <= 5e-7 * 1.0001);
    }
    // "Accuracy: 0.9433333333333334" (predict on the training set: a3 > 0.5).
    const Array<double> p = model.predict(moons.X);
    CHECK(nn::binary_accuracy(p, moons.Y) == doctest::Approx(0.9433333333333334).epsilon(1e-15));
}
