#include "course/assignments.hpp"

namespace xgrad::course {

const std::vector<Assignment>& assignments() {
    static const std::vector<Assignment> table = {
        {"c1w3-planar", "Course 1 week 3: Planar data classification with one hidden layer",
         "the plots, sklearn's logistic-regression baseline (47 %) and the optional other data "
         "sets (sklearn's)",
         c1w3_planar},
        {"c1w4-step-by-step", "Course 1 week 4: Building your Deep Neural Network: Step by Step",
         "", c1w4_step_by_step},
        {"c2w1-initialization", "Course 2 week 1: Initialization (zeros, random x 10, He)", "",
         c2w1_initialization},
        {"c2w1-regularization", "Course 2 week 1: Regularization (L2 and dropout test cases)",
         "the three model runs on datasets/data.mat (the football field): that file is not "
         "available here",
         c2w1_regularization},
        {"c2w1-gradient-checking", "Course 2 week 1: Gradient Checking", "",
         c2w1_gradient_checking},
        {"c2w2-optimization",
         "Course 2 week 2: Optimization Methods (gd, momentum, Adam, learning-rate decay)",
         "the unit tests of the update functions (nn/optim's are tested in tests/test_nn)",
         c2w2_optimization},
    };
    return table;
}

const Assignment* find_assignment(std::string_view name) {
    for (const Assignment& a : assignments())
        if (name == a.name)
            return &a;
    return nullptr;
}

} // namespace xgrad::course
