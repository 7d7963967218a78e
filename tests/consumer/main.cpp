// Uses each installed library once: the engine (a gradient, a user-defined op), nn (a model and
// Adam), io (a .npy round trip), checkpoint, plot, and the reference backprop.
#include <autograd/autograd.hpp>
#include <checkpoint/checkpoint.hpp>
#include <io/npy.hpp>
#include <nn/nn.hpp>
#include <nn/reference/backprop.hpp>
#include <plot/plot.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : ".";

    // d/dx sum(x^2) = 2x
    xgrad::Tensor<double> x(xgrad::Array<double>{1.0, -2.0, 3.0}, true, "x");
    xgrad::sum(x * x).backward();
    std::printf("grad %g %g %g\n", x.grad()(0), x.grad()(1), x.grad()(2));

    // An op defined here, outside the library, recorded and gradient-checked like a built-in.
    const xgrad::CustomOp<double> swish(
        "swish", "dX = G * (A + sigmoid(X) * (1 - A))", 1,
        [](const std::vector<xgrad::Tensor<double>>& in) { return in[0] * xgrad::sigmoid(in[0]); },
        [](const xgrad::BackwardContext<double>& c) {
            const xgrad::Tensor<double> s = xgrad::sigmoid(c.input(0));
            return c.grad * (c.output + s * (1.0 - c.output));
        });
    const auto f = [&](const std::vector<xgrad::Tensor<double>>& p) {
        return xgrad::sum(swish(p[0]) * p[0]);
    };
    const xgrad::GradcheckResult check =
        xgrad::gradcheck(f, {xgrad::Array<double>{{0.5, -1.5, 2.0}}});
    // Its backward is written with engine ops, so its second derivatives are the engine's too.
    const xgrad::GradcheckResult check2 =
        xgrad::gradgradcheck(f, {xgrad::Array<double>{{0.5, -1.5, 2.0}}});
    std::printf("custom op %s: gradcheck %s, gradgradcheck %s\n", swish.name().c_str(),
                check.passed ? "passed" : "FAILED", check2.passed ? "passed" : "FAILED");

    xgrad::nn::Model<double> model({2, 3, 1},
                                   {xgrad::nn::Activation::tanh, xgrad::nn::Activation::sigmoid});
    xgrad::nn::Adam<double> adam(model.parameters(), 0.01);
    xgrad::Tensor<double> X(xgrad::Array<double>{{0.5, -1.0}, {1.0, 0.25}});
    xgrad::Tensor<double> Y(xgrad::Array<double>{{1.0, 0.0}});
    adam.zero_grad();
    model.loss(X, Y).backward();
    adam.step();
    std::printf("model %s, %zu parameters\n", model.summary().c_str(), model.parameter_count());

    const xgrad::Array<double> Z{{-1.0, 2.0}};
    const auto [A, cache] = xgrad::reference::sigmoid(Z);
    std::printf("reference sigmoid %.4f\n", A(0, 1));

    xgrad::io::save_npy<double>(dir + "/x.npy", x.value());
    std::printf("npy %g\n", xgrad::io::load_npy<double>(dir + "/x.npy")(2));

    xgrad::checkpoint::save_checkpoint(dir + "/run.ckpt", model, &adam, {1, 1});
    const auto restored = xgrad::checkpoint::load_checkpoint_model<double>(dir + "/run.ckpt");
    std::printf("checkpoint %s\n", restored.summary().c_str());

    xgrad::plot::write_training_svg(dir + "/curves.svg", {{1, 2}, {0.7, 0.5}, {}, {0.5, 0.75}, {}});
    std::printf("plot %s\n", std::filesystem::exists(dir + "/curves.svg") ? "written" : "missing");
    return 0;
}
