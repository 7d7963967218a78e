// Layers beyond the Dense stack (issue 14, item 6): the Layer interface and Sequential,
// BatchNorm, gradient clipping, learning-rate schedules in the optimiser's state, weight decay
// and AdamW; against closed forms, finite differences and PyTorch's numbers
// (tests/python/torch_fixtures.json, made by tests/python/make_torch_fixtures.py).
#include "autograd/xtensor_linalg.hpp"
#include "checkpoint/checkpoint.hpp"
#include "io/npy.hpp"
#include "nn/nn.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <stdexcept>

#include <unistd.h>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("xgrad-layers-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// An (n, 1) column ({{0.1}, {-0.2}} is ambiguous in xtensor).
Array<double> column(std::initializer_list<double> values) {
    Array<double> a = Array<double>::from_shape({values.size(), std::size_t(1)});
    std::copy(values.begin(), values.end(), a.begin());
    return a;
}

template <class T = double>
Array<T> randn(std::size_t rows, std::size_t cols, unsigned seed, double scale = 1,
               double shift = 0) {
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<T> a = Array<T>::from_shape({rows, cols});
    for (T& x : a)
        x = static_cast<T>(shift + scale * normal(generator));
    return a;
}

const nlohmann::json& torch_fixtures() {
    static const nlohmann::json fixtures = [] {
        const std::string path =
            std::string(XGRAD_SOURCE_DIR) + "/tests/python/torch_fixtures.json";
        std::ifstream in(path);
        if (!in)
            throw std::runtime_error("cannot open " + path);
        return nlohmann::json::parse(in);
    }();
    return fixtures;
}

Array<double> fixture(const nlohmann::json& j) {
    Shape shape;
    for (const auto& n : j.at("shape"))
        shape.push_back(n.get<std::size_t>());
    Array<double> a = Array<double>::from_shape(shape);
    REQUIRE(j.at("values").size() == a.size());
    std::size_t i = 0;
    for (const auto& v : j.at("values"))
        a.data()[i++] = v.get<double>();
    return a;
}

// The largest |a - b| / max(1, |b|); shapes must agree.
double max_rel_diff(const Array<double>& a, const Array<double>& b) {
    REQUIRE(a.shape() == b.shape());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]) /
                                    std::max(1.0, std::abs(b.data()[i])));
    return worst;
}

// A user's own layer: A * s + t with a learned scalar s and a fixed shift t, written with the
// engine's ops (its backward is the engine's).
class ScaleShift : public Layer<double> {
public:
    explicit ScaleShift(double shift) : m_s(column({1.5}), true, "s"), m_shift(shift) {}
    Tensor<double> forward(const Tensor<double>& A, bool) override { return A * m_s + m_shift; }
    std::string name() const override { return "ScaleShift"; }
    std::vector<NamedTensor<double>> parameters() const override { return {{"s", m_s}}; }
    Tensor<double> s() const { return m_s; }

private:
    Tensor<double> m_s;
    double m_shift;
};

Sequential<> tour_net(unsigned seed = 1) {
    Sequential<> net;
    net.add(Dense<>(2, 6, Init::he, seed))
        .add(BatchNorm<>(6))
        .add(Activation::relu)
        .add(Dropout<>(0.8, /*seed=*/1)) // the same masks whatever the weights' seed
        .add(ScaleShift(0.25))
        .add(Dense<>(6, 1, Init::he, seed + 1));
    return net;
}

// Two blobs: label 1 above the line x0 + x1 = 0.
std::pair<Array<double>, Array<double>> blobs(std::size_t m, unsigned seed) {
    Array<double> X = randn(2, m, seed);
    Array<double> Y = Array<double>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j)
        Y(0, j) = X(0, j) + X(1, j) > 0 ? 1.0 : 0.0;
    return {X, Y};
}

} // namespace

// ---- the Layer interface and Sequential ---------------------------------------------------

TEST_CASE("Sequential holds Dense, BatchNorm, an activation, Dropout and a user's layer") {
    Sequential<> net = tour_net();
    REQUIRE(net.size() == 6);
    CHECK(net.summary() ==
          "Dense 2 -> 6, BatchNorm 6, relu, Dropout 0.8, ScaleShift, Dense 6 -> 1");
    std::vector<std::string> names;
    for (const auto& p : net.parameters())
        names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"W1", "b1", "gamma2", "beta2", "s5", "W6", "b6"});
    const auto state = net.state_values();
    CHECK(state.count("running_mean2") == 1);
    CHECK(state.count("running_var2") == 1);
    CHECK(state.count("passes4") == 1);
    CHECK(state.size() == 10);
    // Labels carry the layer's number, as the course's W[l].
    CHECK(net.parameters()[0].tensor.label() == "W[1]");
    CHECK(net.parameters()[2].tensor.label() == "gamma[2]");

    // The forward pass is the layers' composition, each in its scope.
    const Array<double> X = randn(2, 8, 3);
    Tensor<double> out = net.forward(Tensor<double>(X), false);
    CHECK(out.shape() == Shape{1, 8});
    CHECK(out.scope() == "layer 6 (Dense 6 -> 1)");
    auto& dense1 = dynamic_cast<Dense<>&>(net.layer(1));
    auto& bn = dynamic_cast<BatchNorm<>&>(net.layer(2));
    auto& user = dynamic_cast<ScaleShift&>(net.layer(5));
    auto& dense6 = dynamic_cast<Dense<>&>(net.layer(6));
    Array<double> Z1 = xt::linalg::dot(dense1.W().value(), X) + dense1.b().value();
    Array<double> A =
        xt::maximum((Z1 - bn.running_mean()) / xt::sqrt(bn.running_var() + 1e-5), 0.0) * 1.5 + 0.25;
    Array<double> expected = xt::linalg::dot(dense6.W().value(), A) + dense6.b().value();
    CHECK(max_rel_diff(out.value(), expected) < 1e-14);

    // Backward reaches every parameter, the user's too.
    net.zero_grad();
    sum(net.forward(Tensor<double>(X), true)).backward();
    for (const auto& p : net.parameters())
        CHECK_MESSAGE(p.tensor.has_grad(), p.name);
    CHECK(user.s().grad().size() == 1);

    CHECK_THROWS_AS(net.layer(7), std::out_of_range);
    CHECK_THROWS_AS(net.layer(0), std::out_of_range);
    Sequential<> empty;
    CHECK_THROWS_AS(empty.forward(Tensor<double>(X)), std::logic_error);
}

TEST_CASE("a Sequential trains: Dense, BatchNorm, relu, Dropout and a user's layer on two blobs") {
    const auto [X, Y] = blobs(256, 5);
    Sequential<> net = tour_net(2);
    Adam<> adam(net.parameters(), 0.02);
    const Tensor<double> Xt(X), Yt(Y);
    const double J0 = train_step(net, adam, Xt, Yt, Loss::binary_cross_entropy);
    double J = J0;
    for (int i = 0; i < 150; ++i)
        J = train_step(net, adam, Xt, Yt, Loss::binary_cross_entropy);
    CHECK(J < 0.5 * J0);
    // Evaluation: running statistics, no dropout; the same answer twice.
    const Array<double> Z = net.predict(X);
    CHECK(Z == net.predict(X));
    CHECK(binary_accuracy(Array<double>(1.0 / (1.0 + xt::exp(-Z))), Y) > 0.9);
}

TEST_CASE("Dropout layer: drops in training only, inverted scaling, masks by (seed, pass)") {
    Dropout<> drop(0.5, 7);
    const Tensor<double> A(xt::ones<double>({4, 50}));
    CHECK(drop.forward(A, false).value() == A.value());
    const Array<double> out = drop.forward(A, true).value();
    const Array<double> D = drop.D();
    CHECK(out == D * 2.0); // A * D / keep_prob
    const double kept = xt::sum(D)() / double(D.size());
    CHECK(kept > 0.35);
    CHECK(kept < 0.65);
    // A new layer told it is at pass 1 draws pass 1's mask.
    const Array<double> second = drop.forward(A, true).value();
    Dropout<> again(0.5, 7);
    again.load_buffers({{"passes", Array<double>(1.0)}});
    CHECK(again.forward(A, true).value() == second);
    CHECK_THROWS_AS(Dropout<>(0.0), std::invalid_argument);
    CHECK_THROWS_AS(Dropout<>(1.5), std::invalid_argument);
}

// ---- BatchNorm ---------------------------------------------------------------------------

TEST_CASE("batch norm: each unit's row has mean beta and standard deviation gamma") {
    const Array<double> Z = randn(3, 10, 11, 3.0, 2.0);
    const Tensor<double> gamma(column({2.0, 0.5, -1.0}));
    const Tensor<double> beta(column({0.1, -0.3, 4.0}));
    const Array<double> out = batch_norm(Tensor<double>(Z), gamma, beta, 1e-12).value();
    for (std::size_t i = 0; i < 3; ++i) {
        const auto row = xt::row(out, static_cast<long>(i));
        const double mu = xt::mean(row)();
        const double sd = std::sqrt(xt::mean(xt::square(row - mu))());
        CHECK(mu == doctest::Approx(beta.value()(i, 0)).epsilon(1e-12));
        CHECK(sd == doctest::Approx(std::abs(gamma.value()(i, 0))).epsilon(1e-9));
    }
    CHECK_THROWS_AS(batch_norm(Tensor<double>(Z),
                               Tensor<double>(Array<double>(xt::ones<double>({2, 1}))), beta),
                    ShapeError);
}

TEST_CASE("batch norm's gradient (through mu and sigma^2) agrees with central differences") {
    const Array<double> Z = randn(4, 7, 21, 2.0, 0.5);
    const Array<double> gamma = randn(4, 1, 22);
    const Array<double> beta = randn(4, 1, 23);
    // Followed by tanh so that the projection of the output is not linear in z_norm.
    const auto f = [](const std::vector<Tensor<double>>& in) {
        return tanh(batch_norm(in[0], in[1], in[2], 1e-5));
    };
    const GradcheckResult result = gradcheck(f, {Z, gamma, beta});
    INFO(result.report());
    CHECK(result.passed);
    for (const auto& input : result.inputs)
        CHECK(input.relative_difference < 1e-7);

    // The layer in training computes the same as the function, and its gradient too.
    BatchNorm<> bn(4);
    bn.gamma().data() = gamma;
    bn.beta().data() = beta;
    const Tensor<double> Zt(Z, true);
    const Tensor<double> out = bn.forward(Zt, true);
    CHECK(max_rel_diff(
              out.value(),
              batch_norm(Tensor<double>(Z), Tensor<double>(gamma), Tensor<double>(beta)).value()) <
          1e-15);
}

TEST_CASE("BatchNorm: running averages with momentum, used at evaluation; bad input refused") {
    BatchNorm<> bn(3, 0.1, 1e-5);
    const Array<double> Z = randn(3, 5, 31, 2.0, 1.0);
    (void)bn.forward(Tensor<double>(Z), true);
    const Array<double> mu = xt::mean(Z, {1}, xt::keep_dims);
    const Array<double> var_unbiased = xt::sum(xt::square(Z - mu), {1}, xt::keep_dims) / 4.0;
    CHECK(max_rel_diff(bn.running_mean(), 0.1 * mu) < 1e-15);
    CHECK(max_rel_diff(bn.running_var(), 0.9 + 0.1 * var_unbiased) < 1e-15);
    // Evaluation normalises with them and changes nothing.
    const Array<double> Z_test = randn(3, 2, 32);
    const Array<double> expected = (Z_test - bn.running_mean()) / xt::sqrt(bn.running_var() + 1e-5);
    const Array<double> before = bn.running_mean();
    CHECK(max_rel_diff(bn.forward(Tensor<double>(Z_test), false).value(), expected) < 1e-15);
    CHECK(bn.running_mean() == before);

    CHECK_THROWS_AS(bn.forward(Tensor<double>(randn(3, 1, 1)), true), std::invalid_argument);
    CHECK_THROWS_WITH_AS(bn.forward(Tensor<double>(randn(4, 5, 1)), true),
                         doctest::Contains("gamma (3, 1) and beta (3, 1) must be (4, 1)"),
                         ShapeError);
    CHECK_THROWS_AS(BatchNorm<>(0), std::invalid_argument);
    CHECK_THROWS_AS(BatchNorm<>(3, 1.5), std::invalid_argument);
    CHECK_THROWS_AS(BatchNorm<>(3, 0.1, 0.0), std::invalid_argument);
}

TEST_CASE("BatchNorm agrees with torch.nn.BatchNorm1d: output, gradients, running stats") {
    const auto& f = torch_fixtures().at("batch_norm");
    BatchNorm<> bn(4, f.at("momentum").get<double>(), f.at("epsilon").get<double>());
    bn.gamma().data() = fixture(f.at("gamma"));
    bn.beta().data() = fixture(f.at("beta"));
    const Tensor<double> Z1(fixture(f.at("Z1")), true);
    const Tensor<double> out1 = bn.forward(Z1, true);
    CHECK(max_rel_diff(out1.value(), fixture(f.at("out1"))) < 1e-12);
    sum(out1 * Tensor<double>(fixture(f.at("R")))).backward();
    CHECK(max_rel_diff(Z1.grad(), fixture(f.at("dZ1"))) < 1e-12);
    CHECK(max_rel_diff(bn.gamma().grad(), fixture(f.at("dgamma"))) < 1e-12);
    CHECK(max_rel_diff(bn.beta().grad(), fixture(f.at("dbeta"))) < 1e-12);
    CHECK(max_rel_diff(bn.running_mean(), fixture(f.at("running_mean1"))) < 1e-14);
    CHECK(max_rel_diff(bn.running_var(), fixture(f.at("running_var1"))) < 1e-14);
    (void)bn.forward(Tensor<double>(fixture(f.at("Z2"))), true);
    CHECK(max_rel_diff(bn.running_mean(), fixture(f.at("running_mean2"))) < 1e-14);
    CHECK(max_rel_diff(bn.running_var(), fixture(f.at("running_var2"))) < 1e-14);
    CHECK(max_rel_diff(bn.forward(Tensor<double>(fixture(f.at("Z_eval"))), false).value(),
                       fixture(f.at("out_eval"))) < 1e-12);
}

TEST_CASE("BatchNorm in float32 follows float64") {
    const Array<double> Z = randn(3, 6, 41, 2.0, 1.0);
    BatchNorm<float> bf(3);
    BatchNorm<double> bd(3);
    const Array<float> out_f =
        bf.forward(Tensor<float>(Array<float>(xt::cast<float>(Z))), true).value();
    const Array<double> out_d = bd.forward(Tensor<double>(Z), true).value();
    CHECK(max_rel_diff(Array<double>(xt::cast<double>(out_f)), out_d) < 1e-5);
    CHECK(max_rel_diff(Array<double>(xt::cast<double>(bf.running_var())), bd.running_var()) < 1e-6);
}

// ---- gradient clipping ---------------------------------------------------------------------

TEST_CASE("clip_grad_norm: the global norm, scaled down past max_norm, returned") {
    Tensor<double> W(Array<double>{{0.0, 0.0}}, true, "W");
    Tensor<double> b(column({0.0}), true, "b");
    // J = 3 W00 + 4 W01 + 12 b: gradients (3, 4) and (12), global norm 13.
    const Tensor<double> J = sum(W * Tensor<double>(Array<double>{{3.0, 4.0}})) + sum(b * 12.0);
    J.backward();
    const std::vector<NamedTensor<double>> params{{"W", W}, {"b", b}};
    CHECK(clip_grad_norm(params, 26.0) == doctest::Approx(13.0).epsilon(1e-15));
    CHECK(W.grad()(0, 1) == 4.0); // under max_norm: unchanged
    CHECK(clip_grad_norm(params, 1.3) == doctest::Approx(13.0).epsilon(1e-15));
    const double c = 1.3 / (13.0 + 1e-6);
    CHECK(W.grad()(0, 0) == doctest::Approx(3.0 * c).epsilon(1e-15));
    CHECK(b.grad()(0, 0) == doctest::Approx(12.0 * c).epsilon(1e-15));
    CHECK(clip_grad_norm(params, 1.0, std::numeric_limits<double>::infinity()) ==
          doctest::Approx(12.0 * c).epsilon(1e-15));
    CHECK_THROWS_AS(clip_grad_norm(params, -1.0), std::invalid_argument);
    CHECK_THROWS_AS(clip_grad_norm(params, 1.0, 0.5), std::invalid_argument);
}

TEST_CASE(
    "clipping leaves aliased gradients scaled once (add's backward hands one tensor to both)") {
    Tensor<double> W1(Array<double>{{0.0, 0.0}}, true, "W1");
    Tensor<double> W2(Array<double>{{0.0, 0.0}}, true, "W2");
    sum((W1 + W2) * Tensor<double>(Array<double>{{3.0, 4.0}})).backward();
    const std::vector<NamedTensor<double>> params{{"W1", W1}, {"W2", W2}};
    const double norm = clip_grad_norm(params, 1.0);
    CHECK(norm == doctest::Approx(std::sqrt(50.0)).epsilon(1e-15));
    const double c = 1.0 / (std::sqrt(50.0) + 1e-6);
    CHECK(W1.grad()(0, 0) == doctest::Approx(3.0 * c).epsilon(1e-15));
    CHECK(W2.grad()(0, 0) == doctest::Approx(3.0 * c).epsilon(1e-15));
    CHECK(clip_grad_value(params, 0.1) == doctest::Approx(4.0 * c).epsilon(1e-15));
    CHECK(W1.grad()(0, 1) == 0.1);
    CHECK(W2.grad()(0, 1) == 0.1);
}

TEST_CASE("clipping agrees with torch's clip_grad_norm_ (2, inf, 1) and clip_grad_value_") {
    const auto& f = torch_fixtures().at("clipping");
    for (const char* name : {"norm2", "norm_inf", "norm1", "value"}) {
        CAPTURE(name);
        Tensor<double> W1(Array<double>(xt::zeros<double>({3, 2})), true);
        Tensor<double> W2(Array<double>(xt::zeros<double>({2, 1})), true);
        (sum(W1 * Tensor<double>(fixture(f.at("g1")))) +
         sum(W2 * Tensor<double>(fixture(f.at("g2")))))
            .backward();
        const std::vector<NamedTensor<double>> params{{"W1", W1}, {"W2", W2}};
        const auto& expected = f.at(name);
        const std::string which = name;
        if (which == "value") {
            (void)clip_grad_value(params, 0.8);
        } else {
            const double p = which == "norm2"   ? 2.0
                             : which == "norm1" ? 1.0
                                                : std::numeric_limits<double>::infinity();
            const double norm = clip_grad_norm(params, 1.5, p);
            CHECK(norm == doctest::Approx(expected.at("norm").get<double>()).epsilon(1e-13));
        }
        CHECK(max_rel_diff(W1.grad(), fixture(expected.at("g1"))) < 1e-13);
        CHECK(max_rel_diff(W2.grad(), fixture(expected.at("g2"))) < 1e-13);
    }
}

// ---- weight decay and AdamW ---------------------------------------------------------------

namespace {
// One step of `optimizer` on W0 with gradient G; W after it.
template <class Make>
Array<double> one_step(const Array<double>& W0, const Array<double>& G, Make make) {
    Tensor<double> W(W0, true, "W");
    sum(W * Tensor<double>(G)).backward(); // dW = G
    auto optimizer = make(std::vector<NamedTensor<double>>{{"W1", W}});
    optimizer->step();
    return W.value();
}
} // namespace

TEST_CASE("weight decay, coupled: one step of gd, momentum and Adam against the closed forms") {
    const Array<double> W0 = randn(2, 3, 51), G = randn(2, 3, 52);
    const double lr = 0.1, wd = 0.05, beta = 0.9, eps = 1e-8;
    const Array<double> G_decayed = G + wd * W0;
    auto with_decay = [wd](auto optimizer) {
        optimizer->weight_decay(wd);
        return optimizer;
    };
    const Array<double> gd = one_step(
        W0, G, [&](auto p) { return with_decay(std::make_unique<GradientDescent<>>(p, lr)); });
    CHECK(max_rel_diff(gd, W0 - lr * G_decayed) < 1e-15);
    const Array<double> momentum = one_step(
        W0, G, [&](auto p) { return with_decay(std::make_unique<Momentum<>>(p, lr, beta)); });
    CHECK(max_rel_diff(momentum, W0 - lr * (1 - beta) * G_decayed) < 1e-15);
    // Adam's first step: v_corrected = g, s_corrected = g^2.
    const Array<double> adam = one_step(W0, G, [&](auto p) {
        return with_decay(std::make_unique<Adam<>>(p, lr, 0.9, 0.999, eps));
    });
    CHECK(max_rel_diff(adam, W0 - lr * G_decayed / (xt::abs(G_decayed) + eps)) < 1e-14);
    // Without decay, nothing changes from before.
    const Array<double> plain =
        one_step(W0, G, [&](auto p) { return std::make_unique<GradientDescent<>>(p, lr); });
    CHECK(max_rel_diff(plain, W0 - lr * G) < 1e-15);
    GradientDescent<> bad({}, 0.1);
    CHECK_THROWS_AS(bad.weight_decay(-0.1), std::invalid_argument);
}

TEST_CASE("AdamW, decoupled: one step against the closed form") {
    const Array<double> W0 = randn(2, 3, 61), G = randn(2, 3, 62);
    const double lr = 0.01, wd = 0.1, eps = 1e-8;
    const Array<double> W1 = one_step(
        W0, G, [&](auto p) { return std::make_unique<AdamW<>>(p, lr, wd, 0.9, 0.999, eps); });
    CHECK(max_rel_diff(W1, W0 * (1 - lr * wd) - lr * G / (xt::abs(G) + eps)) < 1e-14);
    auto made = make_optimizer<double>("adamw", {}, 0.001);
    CHECK(made->name() == "adamw");
    CHECK(made->weight_decay() == 0.01); // torch's default
}

TEST_CASE("AdamW, Adam and SGD with weight_decay agree with torch.optim over three steps") {
    const auto& f = torch_fixtures().at("optimisers");
    const Array<double> W0 = fixture(f.at("W0"));
    for (const char* name : {"adamw", "adam_l2", "sgd_l2"}) {
        CAPTURE(name);
        const auto& run = f.at(name);
        const double lr = run.at("settings").at("lr").get<double>();
        const double wd = run.at("settings").at("weight_decay").get<double>();
        Tensor<double> W(W0, true, "W");
        std::unique_ptr<Optimizer<double>> optimizer;
        const std::vector<NamedTensor<double>> params{{"W1", W}};
        const std::string which = name;
        if (which == "adamw") {
            optimizer = std::make_unique<AdamW<>>(params, lr, wd);
        } else {
            optimizer = which == "adam_l2" ? make_optimizer<double>("adam", params, lr)
                                           : make_optimizer<double>("gd", params, lr);
            optimizer->weight_decay(wd);
        }
        for (std::size_t k = 0; k < 3; ++k) {
            optimizer->zero_grad();
            sum(W * Tensor<double>(fixture(f.at("grads")[k]))).backward();
            optimizer->step();
            CHECK(max_rel_diff(W.value(), fixture(run.at("W")[k])) < 1e-13);
        }
    }
}

// ---- learning-rate schedules --------------------------------------------------------------

TEST_CASE("schedules: step, exponential and the course's inverse-time decay") {
    const StepDecay step(3, 0.5);
    const ExponentialDecay exponential(0.8);
    const auto& torch_lrs = torch_fixtures().at("schedules");
    for (std::size_t e = 0; e <= 8; ++e) {
        CHECK(step.rate(0.1, e) ==
              doctest::Approx(torch_lrs.at("step")[e].get<double>()).epsilon(1e-15));
        CHECK(exponential.rate(0.1, e) ==
              doctest::Approx(torch_lrs.at("exponential")[e].get<double>()).epsilon(1e-14));
    }
    // Course 2 week 2: lr0 / (1 + decay_rate * epoch), and in steps of time_interval epochs.
    const InverseTimeDecay continuous(1.0), stepped(1.0, 1000);
    CHECK(continuous.rate(0.5, 2) == doctest::Approx(0.5 / 3).epsilon(1e-15));
    CHECK(stepped.rate(0.5, 999) == 0.5);
    CHECK(stepped.rate(0.5, 1000) == 0.25);
    CHECK(stepped.rate(0.5, 2500) == doctest::Approx(0.5 / 3).epsilon(1e-15));
    CHECK_THROWS_AS(StepDecay(0), std::invalid_argument);
    CHECK_THROWS_AS(ExponentialDecay(0.0), std::invalid_argument);
    CHECK_THROWS_AS(InverseTimeDecay(-1.0), std::invalid_argument);
}

TEST_CASE("a schedule is part of the optimiser's state") {
    Tensor<double> W(column({1.0}), true);
    Momentum<> momentum({{"W1", W}}, 0.2);
    CHECK_THROWS_AS(momentum.step_schedule(), std::logic_error);
    momentum.schedule(std::make_shared<ExponentialDecay>(0.5));
    momentum.step_schedule();
    momentum.step_schedule();
    CHECK(momentum.learning_rate() == doctest::Approx(0.05).epsilon(1e-15));
    const auto state = momentum.state();
    CHECK(state.at("lr_epoch")() == 2.0);
    CHECK(state.at("lr0")() == 0.2);
    CHECK(state.count("v_dW1") == 1);
    Momentum<> other({{"W1", W}}, 0.2);
    CHECK_THROWS_AS(other.load_state(state), std::invalid_argument); // no schedule to take it
    other.schedule(std::make_shared<ExponentialDecay>(0.5));
    other.load_state(state);
    CHECK(other.learning_rate() == momentum.learning_rate());
    other.step_schedule();
    CHECK(other.learning_rate() == doctest::Approx(0.025).epsilon(1e-15));
}

namespace {
// `epochs` epochs of mini-batches of 32 of (X, Y), lr scheduled; the rates after each.
std::vector<double> train_epochs(Sequential<>& net, Optimizer<double>& optimizer,
                                 const Array<double>& X, const Array<double>& Y, std::size_t from,
                                 std::size_t to) {
    std::vector<double> rates;
    for (std::size_t epoch = from; epoch < to; ++epoch) {
        for (const auto& batch : random_mini_batches(X, Y, 32, unsigned(epoch)))
            (void)train_step(net, optimizer, Tensor<double>(batch.X), Tensor<double>(batch.Y),
                             Loss::binary_cross_entropy);
        optimizer.step_schedule();
        rates.push_back(optimizer.learning_rate());
    }
    return rates;
}
} // namespace

TEST_CASE("checkpoint mid-training, load, continue: the same rates and parameters as one run") {
    const auto [X, Y] = blobs(100, 71);
    TempDir dir;
    // Uninterrupted: 6 epochs.
    Sequential<> whole = tour_net(3);
    AdamW<> adamw(whole.parameters(), 0.05, 0.01);
    adamw.schedule(std::make_shared<StepDecay>(2, 0.5));
    const std::vector<double> rates = train_epochs(whole, adamw, X, Y, 0, 6);
    CHECK(rates == std::vector<double>{0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625});

    // 3 epochs, saved; a fresh model and optimiser loaded from it; 3 more epochs.
    {
        Sequential<> first = tour_net(3);
        AdamW<> opt(first.parameters(), 0.05, 0.01);
        opt.schedule(std::make_shared<StepDecay>(2, 0.5));
        (void)train_epochs(first, opt, X, Y, 0, 3);
        checkpoint::save_checkpoint(dir / "run", first, &opt, {3, 12});
    }
    Sequential<> resumed = tour_net(99); // other initial weights: the checkpoint's replace them
    AdamW<> opt(resumed.parameters(), 0.05, 0.01);
    opt.schedule(std::make_shared<StepDecay>(2, 0.5));
    const checkpoint::CheckpointInfo info = checkpoint::load_checkpoint(dir / "run", resumed, &opt);
    CHECK(info.epoch == 3);
    CHECK(info.schedule == "step");
    CHECK(info.schedule_hyperparameters.at("step_size") == 2);
    CHECK(info.layers == resumed.layer_names());
    CHECK(opt.learning_rate() == 0.025);
    const std::vector<double> rest = train_epochs(resumed, opt, X, Y, 3, 6);
    CHECK(rest == std::vector<double>(rates.begin() + 3, rates.end()));
    const auto a = whole.state_values(), b = resumed.state_values();
    for (const auto& entry : a) { // not a structured binding: clang won't capture one in CAPTURE
        const std::string& key = entry.first;
        CAPTURE(key);
        CHECK(b.at(key) == entry.second); // bit for bit: BatchNorm's running stats, dropout's masks
    }
    const auto sa = adamw.state(), sb = opt.state();
    for (const auto& entry : sa) {
        const std::string& key = entry.first;
        CAPTURE(key);
        CHECK(sb.at(key) == entry.second);
    }
}

TEST_CASE("a Model's checkpoint keeps its optimiser's schedule too (fashion10's x0.8 per epoch)") {
    const auto [X, Y] = blobs(64, 81);
    TempDir dir;
    Model<> whole({2, 5, 1}, {Activation::relu, Activation::sigmoid}, Init::he, 4);
    auto adam = make_optimizer<double>("adam", whole.parameters(), 0.01);
    adam->schedule(std::make_shared<ExponentialDecay>(0.8));
    FitOptions options;
    options.batch_size = 16;
    Trainer<double> trainer(whole, *adam, X, Y, options);
    for (std::size_t epoch = 1; epoch <= 4; ++epoch) {
        (void)trainer.train_epoch(epoch);
        adam->step_schedule();
        if (epoch == 2)
            checkpoint::save_checkpoint(dir / "run", whole, adam.get(), {2, 8});
    }
    CHECK(adam->learning_rate() == doctest::Approx(0.01 * std::pow(0.8, 4)).epsilon(1e-15));

    Model<> resumed({2, 5, 1}, {Activation::relu, Activation::sigmoid}, Init::he, 5);
    auto opt = make_optimizer<double>("adam", resumed.parameters(), 0.01);
    opt->schedule(std::make_shared<ExponentialDecay>(0.8));
    (void)checkpoint::load_checkpoint(dir / "run", resumed, opt.get());
    CHECK(opt->learning_rate() == doctest::Approx(0.01 * 0.64).epsilon(1e-15));
    Trainer<double> again(resumed, *opt, X, Y, options);
    for (std::size_t epoch = 3; epoch <= 4; ++epoch) {
        (void)again.train_epoch(epoch);
        opt->step_schedule();
    }
    CHECK(opt->learning_rate() == adam->learning_rate());
    for (const auto& [key, value] : whole.parameter_values())
        CHECK(resumed.parameter_values().at(key) == value);

    // An optimiser without the schedule, or with another, is refused by name.
    auto plain = make_optimizer<double>("adam", resumed.parameters(), 0.01);
    CHECK_THROWS_WITH_AS(checkpoint::load_checkpoint(dir / "run", resumed, plain.get()),
                         doctest::Contains("holds the exponential learning-rate schedule, but the "
                                           "optimiser given has no learning-rate schedule"),
                         io::FileError);
    plain->schedule(std::make_shared<StepDecay>(3));
    CHECK_THROWS_WITH_AS(
        checkpoint::load_checkpoint(dir / "run", resumed, plain.get()),
        doctest::Contains("but the optimiser given has the step learning-rate schedule"),
        io::FileError);
}

// ---- a Sequential's checkpoint ------------------------------------------------------------

TEST_CASE("a Sequential's checkpoint: gamma, beta and running stats as .npy; refusals") {
    const auto [X, Y] = blobs(64, 91);
    TempDir dir;
    Sequential<> net = tour_net(6);
    Adam<> adam(net.parameters(), 0.01);
    for (int i = 0; i < 5; ++i)
        (void)train_step(net, adam, Tensor<double>(X), Tensor<double>(Y),
                         Loss::binary_cross_entropy);
    checkpoint::save_checkpoint(dir / "net", net, &adam, {1, 5});
    const std::string version = dir / "net/step-5";
    for (const char* file : {"gamma2.npy", "beta2.npy", "running_mean2.npy", "running_var2.npy",
                             "W1.npy", "s5.npy", "passes4.npy", "v_dgamma2.npy"})
        CHECK_MESSAGE(fs::exists(fs::path(version) / file), file);
    const auto& bn = dynamic_cast<BatchNorm<>&>(net.layer(2));
    CHECK(io::load_npy<double>(version + "/running_var2.npy") == bn.running_var());

    Sequential<> loaded = tour_net(7);
    (void)checkpoint::load_checkpoint(dir / "net", loaded);
    CHECK(loaded.predict(X) == net.predict(X)); // evaluation uses the loaded running stats

    Sequential<> other;
    other.add(Dense<>(2, 6)).add(Activation::relu).add(Dense<>(6, 1));
    CHECK_THROWS_WITH_AS(checkpoint::load_checkpoint(dir / "net", other),
                         doctest::Contains("architecture mismatch: the checkpoint is Dense 2 -> 6, "
                                           "BatchNorm 6"),
                         io::FileError);
    Model<> model({2, 6, 1}, {Activation::relu, Activation::sigmoid});
    CHECK_THROWS_WITH_AS(checkpoint::load_checkpoint(dir / "net", model),
                         doctest::Contains("holds a Sequential"), io::FileError);
    CHECK_THROWS_WITH_AS(checkpoint::load_checkpoint_model<double>(dir / "net"),
                         doctest::Contains("holds a Sequential"), io::FileError);
    checkpoint::save_checkpoint<double>(dir / "model", model, nullptr);
    CHECK_THROWS_WITH_AS(checkpoint::load_checkpoint(dir / "model", loaded),
                         doctest::Contains("holds an L-layer Model (2 -> 6 (relu) -> 1 (sigmoid))"),
                         io::FileError);
    CHECK(checkpoint::read_checkpoint_info(dir / "net").layers == net.layer_names());
}
