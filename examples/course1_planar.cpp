// Course 1, week 3: planar data classification with one hidden layer, with xgrad's nn API.
// The notebook's nn_model(X, Y, n_h = 4, num_iterations = 10000, print_cost=True): a
// 2 -> 4 (tanh) -> 1 (sigmoid) network, W drawn as np.random.seed(2); randn * 0.01, trained by
// gradient descent at learning_rate = 1.2, backward by autodiff. It prints the notebook's lines
// ("Cost after iteration 0: 0.693048", ..., "Accuracy: 90%"); `xgrad course c1w3-planar` prints
// them beside the notebook's with the differences.
//
//   ./course1_planar

#include "course/python_float.hpp"
#include "io/course_datasets.hpp"
#include "nn/nn.hpp"

#include <chrono>
#include <cstdio>

using namespace xgrad;
using nn::Activation;

// nn_model: initialize_parameters, then num_iterations of forward, cost, backward, update.
nn::Model<double> nn_model(const Tensor<double>& X, const Tensor<double>& Y, std::size_t n_h,
                           int num_iterations, bool print_cost) {
    nn::Model<double> model({X.shape()[0], n_h, Y.shape()[0]},
                            {Activation::tanh, Activation::sigmoid},
                            nn::Initializer<double>(nn::Init::small, 2, nn::Generator::numpy));
    nn::GradientDescent<double> update_parameters(model.parameters(), 1.2);
    for (int i = 0; i < num_iterations; ++i) {
        const Tensor<double> cost = model.loss(X, Y); // compute_cost (from the logits Z2)
        update_parameters.zero_grad();
        cost.backward(); // backward_propagation, by autodiff
        update_parameters.step();
        if (print_cost && i % 1000 == 0)
            std::printf("Cost after iteration %d: %f\n", i, cost.item());
    }
    return model;
}

// The notebook's accuracy: (Y . p^T + (1 - Y) . (1 - p)^T) / m * 100, p = (A2 > 0.5).
double accuracy(const nn::Model<double>& model, const io::Dataset<double>& data) {
    const Array<double> p = model.predict(data.X);
    return xt::sum(data.Y * p + (1.0 - data.Y) * (1.0 - p))() / data.Y.size() * 100;
}

int main() {
    const io::Dataset<double> data = io::load_planar_dataset<double>(); // the flower, seed 1
    const Tensor<double> X(data.X, false, "X"), Y(data.Y, false, "Y");

    const auto start = std::chrono::steady_clock::now();
    const nn::Model<double> model = nn_model(X, Y, 4, 10000, true);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("Accuracy: %d%%\n", static_cast<int>(accuracy(model, data)));
    std::printf("(10000 iterations in %.2f s)\n\n", took.count());

    // 4.6 - Tuning hidden layer size: 5000 iterations each.
    for (std::size_t n_h : {1, 2, 3, 4, 5, 20, 50}) {
        const nn::Model<double> m = nn_model(X, Y, n_h, 5000, false);
        std::printf("Accuracy for %zu hidden units: %s %%\n", n_h,
                    course::python_float(accuracy(m, data)).c_str()); // Python's str(float)
    }
    return 0;
}
