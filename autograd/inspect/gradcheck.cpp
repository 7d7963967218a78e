#include "autograd/inspect/gradcheck.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/grad.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/ops/ops.hpp"

#include <cmath>
#include <random>
#include <sstream>

namespace xgrad {

namespace {
// sum(y * R): a scalar that every element of y feeds with its own random weight.
Tensor<double> project(const Tensor<double>& y, unsigned seed) {
    if (y.size() == 1)
        return reshape(y, {});
    std::mt19937 generator(seed);
    std::uniform_real_distribution<double> weight(0.5, 1.5);
    Array<double> R = Array<double>::from_shape(y.shape());
    for (double& r : R)
        r = weight(generator);
    return sum(mul(y, Tensor<double>(std::move(R))));
}
} // namespace

GradcheckResult gradcheck(const DifferentiableFunction& f, const std::vector<Array<double>>& inputs,
                          const GradcheckOptions& options) {
    std::vector<Tensor<double>> leaves;
    for (const auto& value : inputs)
        leaves.emplace_back(value, true);
    const Tensor<double> output = f(leaves);
    if (!output.requires_grad())
        throw GraphError("gradcheck: the function's output " + describe(output) +
                         " does not depend on its inputs through recorded ops");
    const std::vector<Tensor<double>> analytic =
        grad<double>({project(output, options.seed)}, leaves);

    auto loss_at = [&](const std::vector<Array<double>>& values) {
        NoGrad no_grad;
        std::vector<Tensor<double>> args;
        for (const auto& value : values)
            args.emplace_back(value);
        return project(f(args), options.seed).item();
    };

    GradcheckResult result;
    result.threshold = options.threshold;
    result.passed = true;
    std::vector<Array<double>> values = inputs;
    for (std::size_t i = 0; i < values.size(); ++i) {
        GradcheckInput check;
        const Array<double>& g = analytic[i].value();
        double diff2 = 0, g2 = 0, num2 = 0, worst = -1;
        for (std::size_t j = 0; j < values[i].size(); ++j) {
            double& x = values[i].data()[j];
            const double saved = x;
            x = saved + options.epsilon;
            const double plus = loss_at(values);
            x = saved - options.epsilon;
            const double minus = loss_at(values);
            x = saved;
            const double numeric = (plus - minus) / (2 * options.epsilon);
            const double analytic_j = g.data()[j];
            const double d = analytic_j - numeric;
            diff2 += d * d;
            g2 += analytic_j * analytic_j;
            num2 += numeric * numeric;
            if (std::abs(d) > worst) {
                worst = std::abs(d);
                check.worst_entry = j;
                check.analytic = analytic_j;
                check.numeric = numeric;
            }
        }
        const double denominator = std::sqrt(g2) + std::sqrt(num2);
        check.relative_difference = denominator == 0 ? 0 : std::sqrt(diff2) / denominator;
        check.passed = check.relative_difference < options.threshold;
        result.passed = result.passed && check.passed;
        result.inputs.push_back(check);
    }
    return result;
}

std::string GradcheckResult::report() const {
    std::ostringstream out;
    out.precision(3);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& c = inputs[i];
        out << "input " << i << ": relative difference " << std::scientific << c.relative_difference
            << (c.passed ? " < " : " >= ") << threshold << (c.passed ? " pass" : " FAIL")
            << "; worst entry " << c.worst_entry << ": autodiff " << c.analytic << " vs numeric "
            << c.numeric << '\n';
    }
    return out.str();
}

} // namespace xgrad
