// Course 1, week 3: "Planar data classification with one hidden layer", reproduced with the
// engine: the course's 2 -> n_h (tanh) -> 1 (sigmoid) network, its forward pass written with
// xgrad's ops and its backward_propagation done by autodiff.
//
// The notebook's printed lines are quoted verbatim from
// amanchadha/coursera-deep-learning-specialization @ 3f055e4a (2020-06-24), "C1 - Neural Networks
// and Deep Learning/Week 3/Planar data classification with one hidden layer/
// Planar_data_classification_with_onehidden_layer_v6c.ipynb", with its testCases_v2.py and
// planar_utils.py (notes: /work/notes/course/c1w3_planar.md). That notebook ran on an old numpy
// (Python 2 era), which printed a float with 12 significant digits and arrays as "[[ 0.]]".

#include "autograd/autograd.hpp"
#include "course/assignments.hpp"
#include "course/python_float.hpp"
#include "io/course_datasets.hpp"
#include "nn/nn.hpp"
#include "random/random_state.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

namespace xgrad::course {

namespace {

using T = Tensor<double>;
using Rows = std::initializer_list<std::initializer_list<double>>;

// A 2-D array written as the notebook writes np.array([[...], ...]).
Array<double> matrix(Rows rows) {
    return Array<double>(rows);
}

// The week's parameters dictionary, as tensors the engine differentiates.
struct Parameters {
    T W1, b1, W2, b2;

    std::vector<nn::NamedTensor<double>> named() const {
        return {{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
    }
};

// layer_sizes: n_h is fixed at 4 in the notebook.
struct LayerSizes {
    std::size_t n_x, n_h, n_y;
};
LayerSizes layer_sizes(const Array<double>& X, const Array<double>& Y) {
    return {X.shape()[0], 4, Y.shape()[0]};
}

// initialize_parameters(n_x, n_h, n_y): np.random.seed(2); W1 = randn(n_h, n_x) * 0.01, b1 zeros,
// W2 = randn(n_y, n_h) * 0.01, b2 zeros. nn::Initializer with Generator::numpy draws exactly that.
Parameters initialize_parameters(std::size_t n_x, std::size_t n_h, std::size_t n_y) {
    nn::Initializer<double> init(nn::Init::small, 2, nn::Generator::numpy);
    Parameters p;
    p.W1 = T(init.weights(n_h, n_x), true, "W1");
    p.b1 = T(init.bias(n_h), true, "b1");
    p.W2 = T(init.weights(n_y, n_h), true, "W2");
    p.b2 = T(init.bias(n_y), true, "b2");
    return p;
}

Parameters from_values(const Array<double>& W1, const Array<double>& b1, const Array<double>& W2,
                       const Array<double>& b2) {
    return {T(W1, true, "W1"), T(b1, true, "b1"), T(W2, true, "W2"), T(b2, true, "b2")};
}

// forward_propagation: Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2).
struct Cache {
    T Z1, A1, Z2, A2;
};
Cache forward_propagation(const T& X, const Parameters& p) {
    Cache c;
    c.Z1 = linear(p.W1, X, p.b1);
    c.A1 = tanh(c.Z1);
    c.Z2 = linear(p.W2, c.A1, p.b2);
    c.A2 = sigmoid(c.Z2);
    return c;
}

// compute_cost as the notebook writes it, with the engine's ops:
// cost = -1/m sum(Y log(A2) + (1 - Y) log(1 - A2)).
T compute_cost(const T& A2, const T& Y) {
    const double m = static_cast<double>(Y.shape()[1]);
    return -sum(Y * log(A2) + (1.0 - Y) * log(1.0 - A2)) / m;
}

// The cost nn_model trains on: the same cross-entropy from the logits Z2. Its backward is
// exactly the notebook's backward_propagation: dZ2 = A2 - Y, and the 1/m in dW2 and db2.
T cost_from_logits(const T& Z2, const T& Y) {
    return binary_cross_entropy_with_logits(Z2, Y);
}

// predict: A2 > 0.5.
Array<double> predict(const Parameters& p, const Array<double>& X) {
    NoGrad no_grad;
    const Array<double> A2 = forward_propagation(T(X), p).A2.value();
    return xt::cast<double>(A2 > 0.5);
}

// The notebook's accuracy: float((Y . p^T + (1 - Y) . (1 - p)^T) / Y.size * 100).
double accuracy(const Array<double>& Y, const Array<double>& predictions) {
    const double right = xt::sum(Y * predictions + (1.0 - Y) * (1.0 - predictions))();
    return right / static_cast<double>(Y.size()) * 100;
}

// nn_model(X, Y, n_h, num_iterations, print_cost): np.random.seed(3), which
// initialize_parameters then overrides with its own np.random.seed(2) (v6c's notebook seeds in
// both); then gradient descent with learning_rate = 1.2. The cost of iteration i is the one
// computed before that iteration's update, printed every 1000.
Parameters nn_model(const Array<double>& X_values, const Array<double>& Y_values, std::size_t n_h,
                    int num_iterations, std::vector<double>* costs = nullptr) {
    const T X(X_values, false, "X"), Y(Y_values, false, "Y");
    Parameters p = initialize_parameters(X_values.shape()[0], n_h, Y_values.shape()[0]);
    nn::GradientDescent<double> update_parameters(p.named(), 1.2);
    for (int i = 0; i < num_iterations; ++i) {
        const T cost = cost_from_logits(forward_propagation(X, p).Z2, Y);
        update_parameters.zero_grad();
        cost.backward(); // backward_propagation
        update_parameters.step();
        if (costs && i % 1000 == 0)
            costs->push_back(cost.item());
    }
    return p;
}

std::string cost_line(int i, double cost) {
    char buffer[80];
    std::snprintf(buffer, sizeof buffer, "Cost after iteration %d: %f", i, cost);
    return buffer;
}

// The old numpy's str() of a float64: 12 significant digits.
std::string numpy12(double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    return buffer;
}

// The week's hard-coded test-case weights (testCases_v2): seed-2 draws, as printed to 8 decimals.
const Array<double> test_W1 = {{-0.00416758, -0.00056267},
                               {-0.02136196, 0.01640271},
                               {-0.01793436, -0.00841747},
                               {0.00502881, -0.01245288}};
const Array<double> test_W2 = {{-0.01057952, -0.00909008, 0.00551454, 0.02292208}};

// update_parameters_test_case's parameters (predict_test_case uses them too).
Parameters update_test_parameters() {
    return from_values(
        matrix({{-0.00615039, 0.0169021},
                {-0.02311792, 0.03137121},
                {-0.0169217, -0.01752545},
                {0.00935436, -0.05018221}}),
        matrix({{-8.97523455e-07}, {8.15562092e-06}, {6.04810633e-07}, {-2.54560700e-06}}),
        matrix({{-0.0104319, -0.04019007, 0.01607211, 0.04440255}}), matrix({{9.14954378e-05}}));
}

// Printed to 6 decimals, the lines agree to the digit; a half unit of the last digit.
constexpr double printed_6 = 5e-7;
// The numbers of the 12-significant-digit prints, to their last digit.
constexpr double printed_12 = 5e-12;

} // namespace

void c1w3_planar(Notebook& nb) {
    random::RandomState numpy;

    nb.section("4.1 - Defining the neural network structure (layer_sizes_test_case: seed 1)");
    {
        numpy.seed(1);
        const Array<double> X_assess = numpy.randn(5, 3), Y_assess = numpy.randn(2, 3);
        const LayerSizes s = layer_sizes(X_assess, Y_assess);
        nb.line("The size of the input layer is: n_x = " + std::to_string(s.n_x),
                "The size of the input layer is: n_x = 5", 0);
        nb.line("The size of the hidden layer is: n_h = " + std::to_string(s.n_h),
                "The size of the hidden layer is: n_h = 4", 0);
        nb.line("The size of the output layer is: n_y = " + std::to_string(s.n_y),
                "The size of the output layer is: n_y = 2", 0);
    }

    nb.section("4.2 - Initialize the model's parameters (initialize_parameters(2, 4, 1), seed 2)");
    {
        const Parameters p = initialize_parameters(2, 4, 1);
        nb.array("W1", p.W1.value(),
                 "[[-0.00416758 -0.00056267]\n"
                 " [-0.02136196  0.01640271]\n"
                 " [-0.01793436 -0.00841747]\n"
                 " [ 0.00502881 -0.01245288]]");
        nb.array("b1", p.b1.value(), "[[ 0.]\n [ 0.]\n [ 0.]\n [ 0.]]", 0);
        nb.array("W2", p.W2.value(), "[[-0.01057952 -0.00909008  0.00551454  0.02292208]]");
        nb.array("b2", p.b2.value(), "[[ 0.]]", 0);
    }

    nb.section("4.3 - The Loop: forward_propagation (forward_propagation_test_case: seed 1)");
    {
        numpy.seed(1);
        const Array<double> X_assess = numpy.randn(2, 3);
        const Array<double> b1 = numpy.randn(4, 1);
        const Parameters p = from_values(test_W1, b1, test_W2, matrix({{-1.3}}));
        NoGrad no_grad;
        const Cache c = forward_propagation(T(X_assess), p);
        // print(np.mean(cache['Z1']), np.mean(cache['A1']), np.mean(cache['Z2']),
        // np.mean(cache['A2']))
        nb.line(numpy12(mean(c.Z1).item()) + " " + numpy12(mean(c.A1).item()) + " " +
                    numpy12(mean(c.Z2).item()) + " " + numpy12(mean(c.A2).item()),
                "0.262818640198 0.091999045227 -1.30766601287 0.212877681719", printed_12,
                "the old numpy's 12 significant digits");
    }

    nb.section("4.3 - compute_cost (compute_cost_test_case: seed 1, a hard-coded A2)");
    {
        numpy.seed(1);
        const Array<double> Y_assess = xt::cast<double>(numpy.randn(1, 3) > 0.0);
        const T a2(Array<double>{{0.5002307, 0.49985831, 0.50023963}});
        const double cost = compute_cost(a2, T(Y_assess)).item();
        nb.line("cost = " + python_float(cost), "cost = 0.6930587610394646", 1e-15,
                "the same formula; at most the last bit may differ (the sum's order)");
    }

    nb.section("4.3 - backward_propagation, by autodiff (backward_propagation_test_case: seed 1)");
    {
        numpy.seed(1);
        const Array<double> X_assess = numpy.randn(2, 3);
        const Array<double> Y_assess = xt::cast<double>(numpy.randn(1, 3) > 0.0);
        const Parameters p =
            from_values(test_W1, xt::zeros<double>({4, 1}), test_W2, xt::zeros<double>({1, 1}));
        // The test case's cache is hard-coded and is not the forward pass of X_assess; the
        // notebook's backward reads only its A1 and A2. So the engine's forward pass is moved
        // onto that cache: constants (no gradient) added to Z1 and Z2 make tanh(Z1) = A1 and
        // sigmoid(Z2) = A2, and the backward pass is then the notebook's, through A1 and A2.
        const Array<double> A1 = {{-0.00616578, 0.0020626, 0.00349619},
                                  {-0.05225116, 0.02725659, -0.02646251},
                                  {-0.02009721, 0.0036869, 0.02883756},
                                  {0.02152675, -0.01385234, 0.02599885}};
        const Array<double> A2 = {{0.5002307, 0.49985831, 0.50023963}};
        const T X(X_assess), Y(Y_assess);
        const T Z1_X = linear(p.W1, X, p.b1);
        const T Z1 = Z1_X + T(Array<double>(xt::atanh(A1) - Z1_X.value()));
        const T Z2_A1 = linear(p.W2, tanh(Z1), p.b2);
        const T Z2 = Z2_A1 + T(Array<double>(xt::log(A2 / (1.0 - A2)) - Z2_A1.value()));
        cost_from_logits(Z2, Y).backward();
        nb.array("dW1", p.W1.grad(),
                 "[[ 0.00301023 -0.00747267]\n"
                 " [ 0.00257968 -0.00641288]\n"
                 " [-0.00156892  0.003893  ]\n"
                 " [-0.00652037  0.01618243]]");
        nb.array("db1", p.b1.grad(),
                 "[[ 0.00176201]\n [ 0.00150995]\n [-0.00091736]\n [-0.00381422]]");
        nb.array("dW2", p.W2.grad(), "[[ 0.00078841  0.01765429 -0.00084166 -0.01022527]]");
        nb.array("db2", p.b2.grad(), "[[-0.16655712]]");
    }

    nb.section("4.3 - update_parameters (update_parameters_test_case, learning_rate = 1.2)");
    {
        const Parameters p = update_test_parameters();
        // The test case's grads; update_parameters: W := W - learning_rate dW.
        const std::vector<Array<double>> grads = {
            matrix({{0.00023322, -0.00205423},
                    {0.00082222, -0.00700776},
                    {-0.00031831, 0.0028636},
                    {-0.00092857, 0.00809933}}),
            matrix({{1.05570087e-07}, {-3.81814487e-06}, {-1.90155145e-07}, {5.46467802e-07}}),
            matrix({{-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03}}),
            matrix({{-1.08923140e-05}})};
        for (std::size_t k = 0; k < grads.size(); ++k) {
            T W = p.named()[k].tensor;
            W.data() -= 1.2 * grads[k];
        }
        nb.array("W1", p.W1.value(),
                 "[[-0.00643025  0.01936718]\n"
                 " [-0.02410458  0.03978052]\n"
                 " [-0.01653973 -0.02096177]\n"
                 " [ 0.01046864 -0.05990141]]");
        nb.array("b1", p.b1.value(),
                 "[[ -1.02420756e-06]\n"
                 " [  1.27373948e-05]\n"
                 " [  8.32996807e-07]\n"
                 " [ -3.20136836e-06]]",
                 5e-14,
                 "printed with 9 significant digits: half a unit of the last one of "
                 "1.27373948e-05");
        nb.array("W2", p.W2.value(), "[[-0.01041081 -0.04463285  0.01758031  0.04747113]]");
        nb.array("b2", p.b2.value(), "[[ 0.00010457]]");
    }

    nb.section("4.4 - Integrate parts 4.1, 4.2 and 4.3 in nn_model() (nn_model_test_case: seed 1, "
               "num_iterations = 10000, print_cost=True)");
    {
        numpy.seed(1);
        const Array<double> X_assess = numpy.randn(2, 3);
        const Array<double> Y_assess = xt::cast<double>(numpy.randn(1, 3) > 0.0);
        std::vector<double> costs;
        const Parameters p = nn_model(X_assess, Y_assess, 4, 10000, &costs);
        const char* notebook[] = {"0.692739", "0.000218", "0.000107", "0.000071", "0.000053",
                                  "0.000042", "0.000035", "0.000030", "0.000026", "0.000023"};
        for (int k = 0; k < 10; ++k)
            nb.line(cost_line(1000 * k, costs[k]),
                    "Cost after iteration " + std::to_string(1000 * k) + ": " + notebook[k],
                    printed_6);
        nb.array("W1", p.W1.value(),
                 "[[-0.65848169  1.21866811]\n"
                 " [-0.76204273  1.39377573]\n"
                 " [ 0.5792005  -1.10397703]\n"
                 " [ 0.76773391 -1.41477129]]");
        nb.array("b1", p.b1.value(),
                 "[[ 0.287592  ]\n [ 0.3511264 ]\n [-0.2431246 ]\n [-0.35772805]]");
        nb.array("W2", p.W2.value(), "[[-2.45566237 -3.27042274  2.00784958  3.36773273]]");
        nb.array("b2", p.b2.value(), "[[ 0.20459656]]");
    }

    nb.section("4.5 - Predictions (predict_test_case: seed 1, update_parameters_test_case's "
               "parameters)");
    {
        numpy.seed(1);
        const Array<double> X_assess = numpy.randn(2, 3);
        const Parameters p = update_test_parameters();
        nb.line("predictions mean = " + numpy12(xt::mean(predict(p, X_assess))()),
                "predictions mean = 0.666666666667", printed_12);
    }

    const io::Dataset<double> data = io::load_planar_dataset<double>(); // seed 1, m = 400

    nb.section("4.4 - nn_model(X, Y, n_h = 4, num_iterations = 10000, print_cost=True), "
               "learning_rate = 1.2, on load_planar_dataset()");
    {
        std::vector<double> costs;
        const Parameters p = nn_model(data.X, data.Y, 4, 10000, &costs);
        // The notebook's printed costs. Up to 7000 every copy of the notebook prints the same
        // six digits. At 8000 and 9000, copies run elsewhere print 0.219454 / 0.219477 and
        // 0.218607 / 0.218613 (up to 1.7e-5 from these): by then lr 1.2 has grown the rounding
        // of sums added in another order (numpy's and BLAS's, or ours) to the fifth decimal.
        // OpenBLAS's own kernels differ as much: on one machine, the kernels OPENBLAS_CORETYPE
        // names (Prescott, Nehalem, Sandybridge, Haswell, SkylakeX) print 0.219435 to 0.219483 at
        // 8000 and 0.218553 to 0.218615 at 9000, up to 5.9e-5 from these; so those two lines agree
        // within 1e-4.
        const char* notebook[] = {"0.693048", "0.288083", "0.254385", "0.233864", "0.226792",
                                  "0.222644", "0.219731", "0.217504", "0.219471", "0.218612"};
        const char* late[] = {
            "copies of the notebook print 0.219454 and 0.219477 here, OpenBLAS's kernels "
            "0.219435 to 0.219483: rounding of sums in another order, grown by 8000 steps at "
            "lr 1.2",
            "copies of the notebook print 0.218607 and 0.218613 here, OpenBLAS's kernels "
            "0.218553 to 0.218615: rounding of sums in another order, grown by 9000 steps at "
            "lr 1.2"};
        for (int k = 0; k < 10; ++k) {
            const int i = 1000 * k;
            nb.line(cost_line(i, costs[k]),
                    "Cost after iteration " + std::to_string(i) + ": " + notebook[k],
                    k < 8 ? printed_6 : 1e-4, k < 8 ? "" : late[k - 8]);
        }
        const Array<double> predictions = predict(p, data.X);
        // print('Accuracy: %d' % float(...) + '%'): %d truncates.
        nb.line("Accuracy: " + std::to_string(static_cast<int>(accuracy(data.Y, predictions))) +
                    "%",
                "Accuracy: 90%", 0);
    }

    nb.section("4.6 - Tuning hidden layer size (nn_model(X, Y, n_h, num_iterations = 5000))");
    {
        // The notebook's lines; re-runs of it elsewhere print the same for 1 to 5 units, but
        // 90.75 and 91.0 for 20 and 90.75 for 50: a few of the 400 points lie so near the
        // boundary that rounding after 5000 steps at lr 1.2 moves them across.
        struct Row {
            std::size_t n_h;
            const char* notebook;
            double tolerance;
            const char* why;
        };
        const Row rows[] = {
            {1, "67.5", 0, ""},
            {2, "67.25", 0, ""},
            {3, "90.75", 0, ""},
            {4, "90.5", 0, ""},
            {5, "91.25", 0, ""},
            {20, "90.0", 1.0 + 1e-9,
             "re-runs of the notebook print 90.75 and 91.0 (3 and 4 of 400 points)"},
            {50, "90.25", 0.5 + 1e-9, "a re-run of the notebook prints 90.75 (2 of 400 points)"}};
        for (const Row& row : rows) {
            const Parameters p = nn_model(data.X, data.Y, row.n_h, 5000);
            const double a = accuracy(data.Y, predict(p, data.X));
            const std::string units = "Accuracy for " + std::to_string(row.n_h) + " hidden units: ";
            nb.line(units + python_float(a) + " %", units + row.notebook + " %", row.tolerance,
                    row.why);
        }
    }
}

} // namespace xgrad::course
