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

// The engine's gradient of f against central differences. `constant_ok`: an output that
// does not depend on the inputs has a zero gradient (gradgradcheck of a function whose
// gradient is constant), instead of being refused as a mistake.
GradcheckResult check(const char* who, const DifferentiableFunction& f,
                      const std::vector<Array<double>>& inputs, const GradcheckOptions& options,
                      bool constant_ok) {
    // Grad mode stays on, also for the finite-difference passes, and their inputs require
    // grad as the first pass's do: a function that calls grad() on its inputs (a gradient,
    // a Hessian-vector product) computes the same thing in every pass.
    GradMode recording(true);
    std::vector<Tensor<double>> leaves;
    for (const auto& value : inputs)
        leaves.emplace_back(value, true);
    const Tensor<double> output = f(leaves);
    if (!output.defined())
        throw GraphError(std::string(who) + ": the function returned an undefined tensor");
    std::vector<Tensor<double>> analytic;
    if (output.requires_grad()) {
        analytic = grad<double>({project(output, options.seed)}, leaves);
    } else if (constant_ok) {
        for (const auto& value : inputs)
            analytic.emplace_back(Array<double>(xt::zeros<double>(value.shape())));
    } else {
        throw GraphError(std::string(who) + ": the function's output " + describe(output) +
                         " does not depend on its inputs through recorded ops");
    }

    auto loss_at = [&](const std::vector<Array<double>>& values) {
        std::vector<Tensor<double>> args;
        for (const auto& value : values)
            args.emplace_back(value, true);
        return project(f(args), options.seed).item();
    };

    GradcheckResult result;
    result.threshold = options.threshold;
    result.passed = true;
    std::vector<Array<double>> values = inputs;
    for (std::size_t i = 0; i < values.size(); ++i) {
        GradcheckInput entry;
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
                entry.worst_entry = j;
                entry.analytic = analytic_j;
                entry.numeric = numeric;
            }
        }
        const double denominator = std::sqrt(g2) + std::sqrt(num2);
        entry.relative_difference = denominator == 0 ? 0 : std::sqrt(diff2) / denominator;
        entry.passed = entry.relative_difference < options.threshold;
        result.passed = result.passed && entry.passed;
        result.inputs.push_back(entry);
    }
    return result;
}

} // namespace

GradcheckResult gradcheck(const DifferentiableFunction& f, const std::vector<Array<double>>& inputs,
                          const GradcheckOptions& options) {
    return check("gradcheck", f, inputs, options, false);
}

GradcheckResult gradgradcheck(const DifferentiableFunction& f,
                              const std::vector<Array<double>>& inputs,
                              const GradcheckOptions& options) {
    // F(x) = sum_i <R_i, d<R, f(x)>/dx_i>: its gradient is the second derivatives of f
    // weighted by the fixed random R and R_i, so that every entry of them counts.
    const DifferentiableFunction first_derivatives = [&](const std::vector<Tensor<double>>& x) {
        const Tensor<double> y = f(x);
        if (!y.defined() || !y.requires_grad())
            throw GraphError("gradgradcheck: the function's output " +
                             (y.defined() ? describe(y) : std::string("(undefined)")) +
                             " does not depend on its inputs through recorded ops");
        const std::vector<Tensor<double>> g =
            grad<double>({project(y, options.seed)}, x, {}, true, true);
        Tensor<double> total;
        for (std::size_t i = 0; i < g.size(); ++i) {
            const Tensor<double> term = project(g[i], options.seed + 1 + static_cast<unsigned>(i));
            total = total.defined() ? add(total, term) : term;
        }
        return total;
    };
    return check("gradgradcheck", first_derivatives, inputs, options, true);
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
