// Course 2: what weeks 1 and 2 add to a model, with nn. The circles of the initialization
// notebook, the course's [2, 10, 5, 1] network with He's initial weights (the notebook's,
// np.random.seed(3)), then three trainings: plain, with L2 regularization (lambd = 0.7) and
// with inverted dropout on both hidden layers (keep_prob = 0.86), all with Adam on the whole
// training set (the regularization notebook's batch) and the optimization notebook's
// schedule_lr_decay. `xgrad course c2w1-regularization`
// and `xgrad course c2w2-optimization` print the notebooks' own lines.
//
//   ./course2_regularization

#include "io/course_datasets.hpp"
#include "nn/nn.hpp"

#include <cstdio>

using namespace xgrad;

int main() {
    const auto [train, test] = io::load_circles_dataset<double>();
    const std::vector<nn::Activation> g = {nn::Activation::relu, nn::Activation::relu,
                                           nn::Activation::sigmoid};
    struct Setting {
        const char* name;
        double lambd, keep_prob;
    };
    for (const Setting s : {Setting{"plain", 0.0, 1.0}, Setting{"L2, lambd = 0.7", 0.7, 1.0},
                            Setting{"dropout, keep_prob = 0.86", 0.0, 0.86}}) {
        nn::Model<double> model({2, 10, 5, 1}, g,
                                nn::Initializer<double>(nn::Init::he, 3, nn::Generator::numpy));
        if (s.keep_prob < 1)
            model.dropout(1, s.keep_prob).dropout(2, s.keep_prob); // never the output
        nn::Adam<double> adam(model.parameters(), 0.01);
        nn::FitOptions options;
        options.epochs = 2000;
        options.lambd = s.lambd; // the cost gains lambd / (2m) sum ||W[l]||^2
        options.decay = [](std::size_t i) { return nn::schedule_lr_decay(0.01, i, 1, 500); };
        const auto history = nn::fit(model, adam, train.X, train.Y, options);
        // evaluate and predict run every unit: dropout acts only while fit trains
        const nn::Evaluation on_test = nn::evaluate(model, test.X, test.Y);
        std::printf("%-26s cost %.4f, learning rate %.5f, train accuracy %.3f, test %.3f\n", s.name,
                    history.back().loss, history.back().learning_rate,
                    nn::binary_accuracy(model.predict(train.X), train.Y), on_test.accuracy);
    }
}
