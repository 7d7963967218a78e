// `xgrad check`: the per-layer gradient comparison (nn/compare) of a network, either a random
// one (--layers, --activations, --m, --seed) or one read from numpy files (--params DIR --X
// --Y), optionally writing the autodiff gradients as .npy files (--out). With --grads the manual
// column is the learner's own gradients (dW1.npy, ... as their L_model_backward returns them),
// and the report names the first of them that is wrong. Exit code 0 when every tensor agrees,
// 3 when one does not, so scripts can use it.

#include "cli/commands.hpp"
#include "cli/flags.hpp"
#include "io/npy.hpp"

#include "nn/data_checks.hpp"
#include "nn/nn.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>

namespace xgrad::cli {

Flags check_flags() {
    Flags f("xgrad check",
            "Compares dZ, dW, db and dA of every layer from autodiff, the course's manual\n"
            "backprop and finite differences, and says which tensor disagrees first.");
    f.option("layers", "N_X,...,N_L", "4,5,3,1",
             "a random network's layer sizes (the course's gradient-check network)")
        .option("activations", "G_1,...,G_L", "",
                "one per layer; the output sigmoid or softmax (default relu..., sigmoid)")
        .option("m", "N", "5", "examples in the random X")
        .option("seed", "N", "1", "seeds the random network, X and Y")
        .option("init", "NAME", "xavier", "the random network's weights: small, he or xavier")
        .flag("planted-bug",
              "corrupt the manual formulas as the course's exercise does (dW2 * 2, db1 * 4)")
        .option("stencil", "NAME", "five-point",
                "five-point (error ~1e-12) or two-point (the course's (J(x+e) - J(x-e)) / 2e)")
        .option("epsilon", "E", "", "finite-difference step (default 1e-4; 1e-7 for two-point)")
        .option("threshold", "T", "1e-7", "pass mark for a tensor's relative difference")
        .option("numeric-entries", "N", "",
                "finite differences on at most N sampled entries per tensor, 0 = all (default: "
                "all when the network has <= 5,000 parameters, else 200)")
        .flag("no-numeric", "skip finite differences (autodiff against manual only)")
        .option("params", "DIR", "",
                "read W1.npy, b1.npy, ... from DIR (needs --X, --Y, --activations)")
        .option("X", "FILE.npy", "", "inputs, (n_x, m): one column per example")
        .option("Y", "FILE.npy", "", "labels, (n_L, m); for a softmax output also class ids (m,)")
        .option("grads", "DIR", "",
                "your own gradients from DIR as the manual column: dW1.npy, db1.npy, ... and any "
                "of dZ1.npy, dA0.npy, ... (the course's grads: dZ, dA per example, no 1/m); "
                "needs --params")
        .option("out", "DIR", "",
                "write the autodiff gradients dW1.npy, db1.npy, ..., dZ1.npy, ..., dA0.npy, ... "
                "to DIR (the course's keys and scale)");
    f.epilogue(
        "exit code: 0 every tensor agrees, 3 a tensor disagrees (with --grads: one of yours\n"
        "is wrong; files not found are not checked), 1 a file, shape or data error (NaN in\n"
        "X or Y, labels not 0/1 for sigmoid, a rank-1 (n,) array), 2 a bad command line.\n\n"
        "examples:\n"
        "  xgrad check\n"
        "  xgrad check --planted-bug\n"
        "  xgrad check --layers 2,4,1 --activations tanh,sigmoid --m 400\n"
        "  xgrad check --params params/ --X X.npy --Y Y.npy --activations relu,relu,sigmoid "
        "--out grads/\n"
        "  xgrad check --params params/ --X X.npy --Y Y.npy --activations relu,relu,sigmoid "
        "--grads mine/\n");
    return f;
}

namespace {

Array<double> randn(std::size_t rows, std::size_t cols, std::mt19937& generator) {
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<double> a = Array<double>::from_shape({rows, cols});
    for (double& x : a)
        x = normal(generator);
    return a;
}

// Random labels for the output layer: 0/1 entries for sigmoid, one-hot columns for softmax.
Array<double> random_labels(std::size_t n_y, std::size_t m, bool softmax, std::mt19937& generator) {
    Array<double> Y = xt::zeros<double>({n_y, m});
    std::uniform_int_distribution<std::size_t> pick(0, n_y - 1);
    std::bernoulli_distribution coin(0.5);
    for (std::size_t j = 0; j < m; ++j) {
        if (softmax)
            Y(pick(generator), j) = 1;
        else
            for (std::size_t i = 0; i < n_y; ++i)
                Y(i, j) = coin(generator) ? 1 : 0;
    }
    return Y;
}

std::vector<nn::Activation> parse_activation_list(const std::string& text, std::size_t L) {
    std::vector<nn::Activation> out;
    const auto names = split_list(text);
    if (names.size() != L)
        throw UsageError("--activations '" + text + "' names " + std::to_string(names.size()) +
                         " but the network has " + std::to_string(L) + " layer" +
                         (L == 1 ? "" : "s") + ": give one per layer");
    for (const auto& name : names) {
        try {
            out.push_back(nn::parse_activation(name));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--activations: ") + e.what());
        }
    }
    for (std::size_t l = 0; l + 1 < L; ++l)
        if (out[l] == nn::Activation::softmax)
            throw UsageError("--activations: softmax is only for the output layer, not layer " +
                             std::to_string(l + 1));
    if (out.back() != nn::Activation::sigmoid && out.back() != nn::Activation::softmax)
        throw UsageError("--activations: the output layer must be sigmoid or softmax (the check "
                         "differentiates a cross-entropy cost), not " +
                         names.back());
    return out;
}

// Y as (n_L, m): class ids (m,) become one-hot for softmax; for sigmoid a numpy (m,) vector
// is the course's rank-1 pitfall, refused with its advice.
Array<double> shape_labels(Array<double> Y, const nn::Model<double>& model, std::size_t m,
                           const std::string& path) {
    const std::size_t n_y = model.layer_dims().back();
    const bool softmax = model.activation(model.L()) == nn::Activation::softmax;
    nn::check_finite(Y, "Y", path);
    if (Y.dimension() == 1 && !(softmax && n_y > 1))
        nn::check_shape(Y, Shape{n_y, m}, "Y", path);
    if (Y.dimension() == 1)
        Y.reshape({std::size_t(1), Y.size()});
    if (Y.dimension() != 2)
        throw io::FileError(path, "Y has shape " + xgrad::to_string(Y.shape()) + "; expected (" +
                                      std::to_string(n_y) + ", m)");
    if (softmax && n_y > 1 && Y.shape()[0] == 1 && Y.shape()[1] == m) {
        try {
            return nn::one_hot(Y, n_y);
        } catch (const std::invalid_argument& e) {
            throw io::FileError(path, std::string("Y as class ids: ") + e.what());
        }
    }
    return Y;
}

// The learner's gradients in `dir`, keyed as the course's grads, each of a float dtype and of
// autodiff's shape (or, for the comparison to name it, its transpose). `missing` gets the
// files of the network's gradients not found, `ignored` the other .npy files.
std::map<std::string, Array<double>>
load_learner_grads(const std::string& dir, const nn::Model<double>& model, std::size_t m,
                   std::vector<std::string>& missing, std::vector<std::string>& ignored) {
    std::map<std::string, Array<double>> found = io::load_npy_dir<double>(dir);
    const std::vector<std::size_t> n = model.layer_dims();
    std::map<std::string, Array<double>> out;
    auto take = [&](const std::string& key, Shape expected) {
        const std::string path = dir + "/" + key + ".npy";
        auto it = found.find(key);
        if (it == found.end()) {
            missing.push_back(key + ".npy");
            return;
        }
        const io::NpyHeader header = io::read_npy_header(path);
        if (header.descr.size() < 2 || header.descr[1] != 'f')
            throw io::FileError(path, key + " has dtype '" + header.descr +
                                          "': a gradient is floating point; expected float64 "
                                          "(or float32) of shape " +
                                          xgrad::to_string(expected));
        nn::check_gradient_shape(it->second, expected, key, path);
        out.emplace(key, it->second);
        found.erase(it);
    };
    for (std::size_t l = 1; l <= model.L(); ++l) {
        take("dW" + std::to_string(l), Shape{n[l], n[l - 1]});
        take("db" + std::to_string(l), Shape{n[l], 1});
        take("dZ" + std::to_string(l), Shape{n[l], m});
        take("dA" + std::to_string(l - 1), Shape{n[l - 1], m});
    }
    for (const auto& [key, value] : found)
        ignored.push_back(key + ".npy");
    if (out.empty())
        throw io::FileError(dir, "none of your gradient files: expected dW1.npy, db1.npy, ... "
                                 "dW" +
                                     std::to_string(model.L()) + ".npy, db" +
                                     std::to_string(model.L()) +
                                     ".npy and any of dZ1.npy, ..., dA0.npy, ... (the keys "
                                     "of the course's grads)");
    return out;
}

int run_check(const Flags& flags) {
    const bool from_files = flags.given("params") || flags.given("X") || flags.given("Y");
    if (from_files) {
        for (const char* name : {"params", "X", "Y", "activations"})
            if (!flags.given(name))
                throw UsageError(std::string("reading a network from files needs --params DIR, "
                                             "--X FILE, --Y FILE and --activations; --") +
                                 name + " is missing");
        for (const char* name : {"layers", "m", "init", "seed"})
            if (flags.given(name))
                throw UsageError(std::string("--") + name +
                                 " is for a random network; with --params the network comes "
                                 "from the files");
    }
    if (flags.given("grads") && !from_files)
        throw UsageError("--grads needs the network your gradients are of: --params DIR, --X "
                         "FILE, --Y FILE and --activations");
    if (flags.given("grads") && flags.is_set("planted-bug"))
        throw UsageError("--planted-bug corrupts the course's formulas; with --grads the manual "
                         "column is yours");

    nn::CompareOptions options;
    options.planted_bug = flags.is_set("planted-bug") ? reference::PlantedBug::course_gradient_check
                                                      : reference::PlantedBug::none;
    const std::string stencil = flags.choice("stencil", {"five-point", "two-point"});
    options.stencil = stencil == "two-point" ? nn::Stencil::two_point : nn::Stencil::five_point;
    options.epsilon = flags.given("epsilon")
                          ? flags.number("epsilon", 1e-12, 1.0)
                          : (options.stencil == nn::Stencil::two_point ? 1e-7 : 1e-4);
    options.threshold = flags.number("threshold", 0.0, 1.0);
    options.numeric = !flags.is_set("no-numeric");

    std::optional<nn::Model<double>> model;
    Array<double> X, Y;
    if (from_files) {
        const std::string dir = flags.text("params");
        const std::vector<std::string> names = split_list(flags.text("activations"));
        const std::size_t L = names.size();
        const std::vector<nn::Activation> activations =
            parse_activation_list(flags.text("activations"), L);
        std::vector<std::string> keys;
        for (std::size_t l = 1; l <= L; ++l) {
            keys.push_back("W" + std::to_string(l));
            keys.push_back("b" + std::to_string(l));
        }
        auto parameters = io::load_npy_dir<double>(dir, keys);
        // A W(L+1).npy left over means --activations is one short: better said than a shape
        // error further down.
        const std::string next = dir + "/W" + std::to_string(L + 1) + ".npy";
        if (std::ifstream(next).good())
            throw UsageError("--activations names " + std::to_string(L) + " layer" +
                             (L == 1 ? "" : "s") + " but " + next +
                             " exists: give one activation per W file");
        // numpy users often keep b as a (n,) vector: the course's b is a (n, 1) column, and
        // says why (week 2, "a note on python/numpy vectors").
        for (const auto& [key, value] : parameters) {
            const std::string path = dir + "/" + key + ".npy";
            if (key[0] == 'b' && value.dimension() == 1)
                nn::check_shape(value, Shape{value.size(), 1}, key, path);
            nn::check_not_rank1(value, "(n_l, n_{l-1})", false, key, path);
            nn::check_finite(value, key, path);
        }
        // W[l] must take what W[l-1] gives: a transposed W is named here, by its file, before
        // the model would blame its b.
        for (std::size_t l = 2; l <= L; ++l) {
            const auto W_prev = parameters.find("W" + std::to_string(l - 1));
            const auto W = parameters.find("W" + std::to_string(l));
            if (W_prev == parameters.end() || W == parameters.end() ||
                W_prev->second.dimension() != 2 || W->second.dimension() != 2)
                continue;
            const std::size_t n_prev = W_prev->second.shape()[0];
            if (W->second.shape()[1] != n_prev)
                throw io::FileError(
                    dir + "/W" + std::to_string(l) + ".npy",
                    "W" + std::to_string(l) + " has shape " + xgrad::to_string(W->second.shape()) +
                        " but W" + std::to_string(l - 1) + " has " + std::to_string(n_prev) +
                        " rows, so W" + std::to_string(l) + " must be (n_" + std::to_string(l) +
                        ", " + std::to_string(n_prev) + "): W[l] is (n_l, n_{l-1})" +
                        (W->second.shape()[0] == n_prev ? " (yours is transposed?)" : ""));
        }
        try {
            model = nn::Model<double>::from_parameters(parameters, activations);
        } catch (const std::exception& e) {
            throw io::FileError(dir,
                                std::string("the parameters do not make a network: ") + e.what());
        }
        X = io::load_npy<double>(flags.text("X"));
        nn::check_not_rank1(X, "(n_x, m), one column per example", false, "X", flags.text("X"));
        // (NaN and Inf in X: check_examples below, once.)
        if (X.dimension() != 2 || X.shape()[0] != model->layer_dims().front())
            throw io::FileError(flags.text("X"), "X has shape " + xgrad::to_string(X.shape()) +
                                                     " but W1 expects (" +
                                                     std::to_string(model->layer_dims().front()) +
                                                     ", m): one column per example");
        Y = shape_labels(io::load_npy<double>(flags.text("Y")), *model, X.shape()[1],
                         flags.text("Y"));
        if (Y.shape() != Shape{model->layer_dims().back(), X.shape()[1]})
            throw io::FileError(flags.text("Y"),
                                "Y has shape " + xgrad::to_string(Y.shape()) +
                                    " but the network's "
                                    "output for X is (" +
                                    std::to_string(model->layer_dims().back()) + ", " +
                                    std::to_string(X.shape()[1]) +
                                    "): one column per example, like X" +
                                    (Y.dimension() == 2 && Y.shape()[0] == X.shape()[1] &&
                                             Y.shape()[1] == model->layer_dims().back()
                                         ? " (yours is transposed: save Y.T)"
                                         : ""));
        // The labels against the output (0/1 for sigmoid, one-hot for softmax), naming Y's file.
        nn::check_examples(X, Y, model->loss_kind(), model->layer_dims().back(), "xgrad check", "X",
                           "Y", flags.text("X"), flags.text("Y"));
    } else {
        const std::vector<std::size_t> dims = flags.sizes("layers");
        if (dims.size() < 2)
            throw UsageError("--layers needs at least two sizes, n_x and n_L (e.g. 4,5,3,1)");
        const std::size_t L = dims.size() - 1;
        std::string names = flags.text("activations");
        if (names.empty()) {
            for (std::size_t l = 1; l < L; ++l)
                names += "relu,";
            names += "sigmoid";
        }
        const auto activations = parse_activation_list(names, L);
        const auto m = static_cast<std::size_t>(flags.integer("m", 1, 100000));
        const auto seed = static_cast<unsigned>(flags.integer("seed", 0, 4294967295LL));
        const nn::Init init = nn::parse_init(flags.choice("init", {"small", "he", "xavier"}));
        for (unsigned attempt = 0;; ++attempt) {
            std::mt19937 generator(seed * 1000u + attempt);
            model.emplace(dims, activations, init, seed * 1000u + attempt);
            X = randn(dims.front(), m, generator);
            Y = random_labels(dims.back(), m, activations.back() == nn::Activation::softmax,
                              generator);
            // Finite differences across a kink measure nothing: redraw until the points keep away.
            if (nn::distance_to_kinks(*model, X) > 1e-3 || attempt == 50)
                break;
        }
    }

    if (flags.given("numeric-entries"))
        options.max_numeric_entries =
            static_cast<std::size_t>(flags.integer("numeric-entries", 0, 1000000000));
    else if (model->parameter_count() > 5000)
        options.max_numeric_entries = 200;

    nn::Comparison comparison;
    if (const std::string dir = flags.text("grads"); !dir.empty()) {
        std::vector<std::string> missing, ignored;
        const auto yours = load_learner_grads(dir, *model, X.shape()[1], missing, ignored);
        std::cout << "yours: read";
        for (const auto& [key, value] : yours)
            std::cout << " " << key << ".npy";
        std::cout << " from " << dir << "\n";
        if (!missing.empty()) {
            std::cout << "yours: not found, so not checked:";
            for (const auto& name : missing)
                std::cout << " " << name;
            std::cout << "\n";
        }
        if (!ignored.empty()) {
            std::cout << "yours: ignored (not a gradient of this " << model->L()
                      << "-layer network):";
            for (const auto& name : ignored)
                std::cout << " " << name;
            std::cout << "\n";
        }
        std::cout << "\n";
        comparison = nn::compare_gradients(*model, X, Y, yours, options);
        comparison.manual_source = "from " + dir + ", the course's grads (dZ, dA per example)";
    } else {
        comparison = nn::compare_gradients(*model, X, Y, options);
    }
    nn::print(std::cout, comparison);
    if (const std::string out = flags.text("out"); !out.empty()) {
        auto grads = nn::autodiff_gradients(*model, X, Y, true);
        io::save_npy_dir(out, grads);
        std::cout << "wrote";
        for (const auto& [key, value] : grads)
            std::cout << " " << key << ".npy";
        std::cout << " to " << out << "\n";
    }
    std::cout.flush();
    if (comparison.passed())
        return exit_ok;
    std::string failing;
    for (const auto& name : comparison.failing())
        failing += " " + name;
    if (failing.empty())
        failing = " the whole-network check";
    std::cerr << "xgrad check: FAILED:" << failing << "\n";
    return exit_check_failed;
}

} // namespace

int check_command(const Flags& flags) {
    try {
        return run_check(flags);
    } catch (const nn::DataError& e) {
        // Bad data in a file: reported like the file errors, "path: reason", exit 1.
        if (e.file().empty())
            throw;
        throw io::FileError(e.file(), e.reason());
    }
}

} // namespace xgrad::cli
