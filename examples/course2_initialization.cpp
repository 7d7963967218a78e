// Course 2, week 1, "Initialization": the same 3-layer network [2, 10, 5, 1] (relu, relu,
// sigmoid) on the circles, trained three times by gradient descent (learning_rate = 0.01,
// 15000 iterations), starting from zeros, from randn * 10 and from He's randn * sqrt(2 / n[l-1])
// (np.random.seed(3) as the notebook's initialize_parameters_*). Zeros never break the symmetry
// (every unit of a layer stays the same, the cost stays log 2); large weights saturate the
// sigmoid; He trains. `xgrad course c2w1-initialization` prints the notebook's lines beside.
//
// One difference: the notebook's compute_loss takes log(a3), which is inf once a3 saturates at
// exactly 0 or 1 (its "Cost after iteration 0: inf" for the large weights); the engine's cost
// is computed from the logits Z3 and stays finite (1773.59 there). From iteration 1000 on, the
// large weights' costs differ from the notebook's in the 4th decimal, as its own re-runs do.
//
//   ./course2_initialization

#include "io/course_datasets.hpp"
#include "nn/nn.hpp"

#include <chrono>
#include <cstdio>

using namespace xgrad;

int main() {
    const auto [train, test] = io::load_circles_dataset<double>(); // 300 and 100 points
    const Tensor<double> X(train.X, false, "X"), Y(train.Y, false, "Y");
    struct Setting {
        const char* name;
        nn::Init init;
    };
    for (const Setting s : {Setting{"zeros", nn::Init::zeros}, Setting{"random", nn::Init::large},
                            Setting{"he", nn::Init::he}}) {
        std::printf("initialization = \"%s\"\n", s.name);
        const auto start = std::chrono::steady_clock::now();
        nn::Model<double> model(
            {2, 10, 5, 1}, {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid},
            nn::Initializer<double>(s.init, 3, nn::Generator::numpy));
        nn::GradientDescent<double> gd(model.parameters(), 0.01);
        for (int i = 0; i < 15000; ++i) {
            // forward, cost, backward by autodiff, update: the cost is the one before the step
            const double cost = nn::train_step(model, gd, X, Y);
            if (i % 1000 == 0)
                std::printf("Cost after iteration %d: %f\n", i, cost);
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        // predict: a3 > 0.5, as init_utils.predict
        std::printf("train accuracy %.3f, test accuracy %.3f (%.2f s)\n\n",
                    nn::binary_accuracy(model.predict(train.X), train.Y),
                    nn::binary_accuracy(model.predict(test.X), test.Y), took.count());
    }
    return 0;
}
