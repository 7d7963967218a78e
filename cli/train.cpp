// `xgrad train`: a network trained on a data set named by flags, with a progress bar on stderr
// and a final report of train and test accuracy on stdout. Checkpoints (--checkpoint,
// --resume) and a plot of the curves (--plot) come from checkpoint/ and plot/.

#include "cli/train.hpp"
#include "autograd/kernels/blas_info.hpp"
#include "autograd/kernels/vector_width.hpp"
#include "checkpoint/checkpoint.hpp"

#include "cli/commands.hpp"
#include "plot/render.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

namespace xgrad::cli {

Flags train_flags() {
    Flags f("xgrad train", "Trains a Dense network and reports train and test accuracy.");
    declare_network_flags(f);
    f.option("optimizer", "NAME", "", "gd, momentum or adam (default per data set)")
        .option("lr", "ALPHA", "", "learning rate (default per data set)")
        .option("decay", "F", "",
                "multiply the learning rate by F after every epoch, 1 = constant (default per "
                "data set)")
        .option("epochs", "N", "", "passes over the training set (default per data set)")
        .option("batch-size", "N", "",
                "examples per mini-batch, 0 = full batch (default per data set)")
        .option("every", "K", "",
                "without a terminal, print progress every K epochs (default: ~20 lines)")
        .option("checkpoint", "DIR", "", "save the model and optimiser to DIR as training goes")
        .option("resume", "DIR", "",
                "continue from the checkpoint in DIR (its network, optimiser and settings)")
        .option("plot", "FILE.svg", "",
                "write the loss and accuracy curves as SVG, or as PNG for a .png name (drawn by "
                "rsvg-convert, Debian's librsvg2-bin)");
    declare_parallel_flags(f); // mpirun -np N xgrad train (cli/parallel.hpp)
    std::string epilogue = "defaults per data set:\n";
    for (DataKind kind : {DataKind::planar, DataKind::fashion_binary, DataKind::fashion10}) {
        const Defaults d = defaults_for(kind);
        std::string hidden;
        for (std::size_t n : d.hidden)
            hidden += (hidden.empty() ? "" : ",") + std::to_string(n);
        char line[256];
        std::snprintf(line, sizeof line,
                      "  %-15s --hidden %s (%s), %s output, --init %s --optimizer %s --lr %g "
                      "--decay %g --epochs %zu --batch-size %zu\n",
                      to_string(kind), hidden.c_str(), d.hidden_activation.c_str(),
                      d.output_activation.c_str(), d.init.c_str(), d.optimizer.c_str(),
                      d.learning_rate, d.decay, d.epochs, d.batch_size);
        epilogue += line;
    }
    epilogue += "\nexamples:\n"
                "  xgrad train\n"
                "  xgrad train --data fashion10 --hidden 256,128 --epochs 15 --plot curves.svg\n"
                "  xgrad train --data fashion-binary --layers 784,20,7,5,1 "
                "--activations relu,relu,relu,sigmoid\n"
                "  mpirun -np 2 xgrad train --data fashion10  (docs/distributed.md)\n";
    f.epilogue(epilogue);
    return f;
}

namespace {

// A number as text that reads back exactly (checkpoint notes are strings).
std::string number_text(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", x);
    return text;
}

// A checkpoint note that must be a number; a manifest edited into nonsense is a FileError.
double note_number(const checkpoint::CheckpointInfo& info, const std::string& dir,
                   const std::string& key) {
    const std::string& text = info.notes.at(key);
    char* end = nullptr;
    const double x = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(x) || x < 0)
        throw io::FileError(dir, "manifest note " + key + " = '" + text +
                                     "' is not a non-negative number");
    return x;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

template <class T>
TrainRun<T> train_network(const TrainSettings& s) {
    TrainRun<T> run;
    const auto load_start = std::chrono::steady_clock::now();
    {
        // Fashion-MNIST takes seconds to read and unpack: say so while it does.
        LoadingLine loading(stderr, stderr_is_tty(),
                            std::string("loading ") + to_string(s.net.data));
        run.data = load_data<T>(s.net.data, s.net.data_dir, s.net.limit, s.net.seed);
    }
    const double load_seconds = seconds_since(load_start);
    check_data(run.data, s.net.data, s.net.data_dir);
    const TrainTest<T>& data = run.data;
    const std::size_t n_x = data.train.X.shape()[0], n_y = data.train.Y.shape()[0];
    const std::size_t m = data.train.X.shape()[1];
    const Defaults defaults = defaults_for(s.net.data);

    Architecture arch;
    if (!s.resume.empty()) {
        arch.layer_dims = s.resumed.layer_dims;
        for (const auto& name : s.resumed.activations)
            arch.activations.push_back(nn::parse_activation(name));
        if (arch.layer_dims.front() != n_x || arch.layer_dims.back() != n_y)
            throw io::FileError(s.resume, "the checkpoint's network has " +
                                              std::to_string(arch.layer_dims.front()) +
                                              " inputs and " +
                                              std::to_string(arch.layer_dims.back()) +
                                              " outputs, but " + to_string(s.net.data) + " has " +
                                              std::to_string(n_x) + " and " + std::to_string(n_y));
    } else {
        arch = resolve_architecture(s.net.layers, s.net.hidden, s.net.activations, defaults, n_x,
                                    n_y, std::string("--data ") + to_string(s.net.data));
    }
    run.model = nn::Model<T>(arch.layer_dims, arch.activations, s.net.init, s.net.seed);
    nn::Model<T>& model = run.model;
    auto optimizer =
        nn::make_optimizer<T>(s.optimizer, model.parameters(), static_cast<T>(s.learning_rate));
    // --decay F: the rate times F after every epoch, a schedule kept in the optimiser's state
    // (so in its checkpoints, and restored on --resume).
    if (s.decay != 1)
        optimizer->schedule(std::make_shared<nn::ExponentialDecay>(s.decay));
    std::size_t start_epoch = 0, steps = 0;
    if (!s.resume.empty()) {
        const checkpoint::CheckpointInfo info = checkpoint::load_checkpoint(
            s.resume, model, s.resumed.optimizer.empty() ? nullptr : optimizer.get());
        start_epoch = static_cast<std::size_t>(std::max(0L, info.epoch));
        steps = static_cast<std::size_t>(std::max(0L, info.step));
    }
    // Data parallel (cli/parallel.hpp): under mpirun, every process starts from rank 0's
    // parameters and optimiser state, and rank 0 alone prints, checkpoints and plots.
    ParallelRun<T> parallel(s.parallel, model, *optimizer);

    const std::size_t batch = s.batch_size == 0 || s.batch_size >= m ? m : s.batch_size;
    const std::size_t batches = (m + batch - 1) / batch;
    std::printf("xgrad train: %s\n", data.description.c_str());
    std::printf("  data      %s train / %s test examples, loaded in %.2f s\n",
                thousands(double(m)).c_str(), thousands(double(data.test.X.shape()[1])).c_str(),
                load_seconds);
    std::printf("  network   %s, %s parameters, %s, init %s, seed %u\n", model.summary().c_str(),
                thousands(double(model.parameter_count())).c_str(),
                sizeof(T) == 4 ? "float32" : "float64",
                std::string(nn::to_string(s.net.init)).c_str(), s.net.seed);
    std::printf("  blas      %s\n", kernels::describe(kernels::blas_info()).c_str());
    std::printf("  loops     %s\n", kernels::describe_vector_width().c_str());
    char decay[64] = "";
    if (s.decay != 1)
        std::snprintf(decay, sizeof decay, ", x%g per epoch", s.decay);
    std::printf("  training  %s (lr %g%s), %zu epoch%s, %s\n",
                std::string(optimizer->name()).c_str(), s.learning_rate, decay, s.epochs,
                s.epochs == 1 ? "" : "s",
                batch == m ? ("full batch (" + thousands(double(m)) + ")").c_str()
                           : ("mini-batches of " + std::to_string(batch)).c_str());
    if (!s.resume.empty())
        std::printf("  resumed   from %s at epoch %zu (step %zu)\n", s.resume.c_str(), start_epoch,
                    steps);
    if (parallel.size() > 1)
        std::printf("  processes %s\n", parallel.description().c_str());
    std::fflush(stdout);

    const bool tty = stderr_is_tty() && parallel.lead();
    const std::size_t remaining = s.epochs > start_epoch ? s.epochs - start_epoch : 0;
    const std::size_t every = s.every ? s.every : std::max<std::size_t>(1, (remaining + 19) / 20);
    // The plot gets up to ~200 points, each with a test evaluation.
    const std::size_t record_every = std::max<std::size_t>(1, (remaining + 199) / 200);
    ProgressBar bar(parallel.progress_stream(), tty, s.epochs, every);
    plot::TrainingHistory history;
    const std::map<std::string, std::string> notes = {
        {"data", to_string(s.net.data)},
        {"seed", std::to_string(s.net.seed)},
        {"batch_size", std::to_string(s.batch_size)},
        {"learning_rate", number_text(s.learning_rate)},
        {"decay", number_text(s.decay)}};

    // One watch for the whole run (nn/divergence.hpp's rule): fit's own would start afresh at
    // every epoch, since each epoch is a fit of its own here.
    nn::DivergenceWatch watch(model.loss_kind(), n_y);
    double training_seconds = 0;
    std::size_t epoch = start_epoch + 1;
    nn::FitOptions options;
    options.batch_size = batch;
    options.divergence_factor = 0;
    options.parallel = parallel.data_parallel();
    options.on_batch = [&](const nn::BatchProgress& p) {
        watch.start(p.loss);
        nn::BatchProgress q = p;
        q.epoch = epoch;
        q.epochs = s.epochs;
        bar.batch(q);
    };
    // One trainer for the run: its batch buffers (a copy of the training set) are made once.
    nn::Trainer<T> trainer(model, *optimizer, data.train.X, data.train.Y, options);
    for (; epoch <= s.epochs; ++epoch) {
        const double alpha = double(optimizer->learning_rate()); // this epoch's
        // A seed per epoch, so that a run resumed from a checkpoint shuffles exactly as the
        // uninterrupted run would have (each epoch shuffled as a one-epoch fit with it).
        trainer.seed(s.net.seed * 1000003u + static_cast<unsigned>(epoch));
        const auto start = std::chrono::steady_clock::now();
        nn::EpochStats stats = trainer.train_epoch(1);
        training_seconds += seconds_since(start);
        steps += batches;
        if (optimizer->schedule())
            optimizer->step_schedule(); // learning_rate * decay^epoch for the next epoch
        stats.epoch = epoch;
        const std::string verdict =
            watch.verdict(epoch, stats.loss, alpha, "--lr", optimizer->name());
        if (!verdict.empty()) {
            bar.finish();
            std::fprintf(stderr, "xgrad train: %s\n", verdict.c_str());
            run.diverged = true;
            return run;
        }
        bar.epoch(stats, m);
        const bool last = epoch == s.epochs;
        if (parallel.lead() && !s.plot.empty() &&
            ((epoch - start_epoch) % record_every == 0 || last)) {
            const nn::Evaluation test = nn::evaluate(model, data.test.X, data.test.Y);
            history.epoch.push_back(double(epoch));
            history.train_loss.push_back(stats.loss);
            history.train_accuracy.push_back(stats.accuracy);
            history.test_loss.push_back(test.loss);
            history.test_accuracy.push_back(test.accuracy);
        }
        if (parallel.lead() && !s.checkpoint.empty() &&
            ((epoch - start_epoch) % every == 0 || last))
            checkpoint::save_checkpoint(s.checkpoint, model, optimizer.get(),
                                        {long(epoch), long(steps)}, notes);
    }
    bar.finish();

    const nn::Evaluation train = run.train = nn::evaluate(model, data.train.X, data.train.Y);
    const nn::Evaluation test = run.test = nn::evaluate(model, data.test.X, data.test.Y);
    run.seconds = training_seconds;
    if (remaining > 0)
        std::printf("trained %zu epoch%s in %.2f s (%s examples/s)\n", remaining,
                    remaining == 1 ? "" : "s", training_seconds,
                    thousands(double(remaining * m) / std::max(training_seconds, 1e-9)).c_str());
    else
        std::printf("nothing to train: the checkpoint has %zu of %zu epochs already\n", start_epoch,
                    s.epochs);
    std::printf("train accuracy %.4f  loss %.4f  (%s examples)\n", train.accuracy, train.loss,
                thousands(double(m)).c_str());
    std::printf("test accuracy  %.4f  loss %.4f  (%s examples)\n", test.accuracy, test.loss,
                thousands(double(data.test.X.shape()[1])).c_str());
    std::fputs(parallel.report().c_str(), stdout);
    if (!s.checkpoint.empty())
        std::printf("checkpoint     %s\n", s.checkpoint.c_str());
    if (parallel.lead() && !s.plot.empty() && !history.epoch.empty()) {
        plot::write_training_plot(s.plot, history,
                                  std::string(to_string(s.net.data)) + ": " + model.summary());
        std::printf("plot           %s\n", s.plot.c_str());
    }
    std::fflush(stdout);
    return run;
}

template TrainRun<float> train_network(const TrainSettings&);
template TrainRun<double> train_network(const TrainSettings&);

TrainSettings train_settings(const Flags& flags) {
    TrainSettings s;
    s.resume = flags.text("resume");
    std::map<std::string, std::string> notes;
    if (!s.resume.empty()) {
        for (const char* name : {"layers", "hidden", "activations", "init"})
            if (flags.given(name))
                throw UsageError(std::string("--") + name +
                                 " cannot be combined with --resume: the network comes from the "
                                 "checkpoint");
        s.resumed = checkpoint::read_checkpoint_info(s.resume);
        if (!s.resumed.layers.empty())
            throw io::FileError(s.resume, "holds a Sequential's checkpoint; xgrad train resumes "
                                          "only the L-layer models it trains");
        notes = s.resumed.notes;
    }
    s.net = network_choice(flags);
    // On --resume the checkpoint's own settings fill in what the command line leaves out.
    if (!flags.given("data") && notes.count("data"))
        s.net.data = parse_data_kind(notes.at("data"));
    if (!flags.given("seed") && notes.count("seed"))
        s.net.seed = static_cast<unsigned>(note_number(s.resumed, s.resume, "seed"));
    const Defaults d = defaults_for(s.net.data);
    if (!flags.given("init"))
        s.net.init = nn::parse_init(d.init);
    if (!flags.given("hidden"))
        s.net.hidden = d.hidden;

    s.optimizer = flags.given("optimizer")
                      ? flags.choice("optimizer", {"gd", "momentum", "adam"})
                      : (!s.resumed.optimizer.empty() ? s.resumed.optimizer : d.optimizer);
    s.learning_rate = flags.given("lr") ? flags.number("lr", 1e-12, 1e6)
                      : notes.count("learning_rate")
                          ? note_number(s.resumed, s.resume, "learning_rate")
                      : s.resumed.hyperparameters.count("learning_rate")
                          ? s.resumed.hyperparameters.at("learning_rate")
                          : d.learning_rate;
    s.decay = flags.given("decay")   ? flags.number("decay", 1e-6, 1.0)
              : notes.count("decay") ? note_number(s.resumed, s.resume, "decay")
                                     : d.decay;
    s.epochs =
        flags.given("epochs") ? std::size_t(flags.integer("epochs", 1, 100000000)) : d.epochs;
    s.batch_size =
        flags.given("batch-size")   ? std::size_t(flags.integer("batch-size", 0, 100000000))
        : notes.count("batch_size") ? std::size_t(note_number(s.resumed, s.resume, "batch_size"))
                                    : d.batch_size;
    s.every = flags.given("every") ? std::size_t(flags.integer("every", 1, 100000000)) : 0;
    s.checkpoint = flags.text("checkpoint");
    s.plot = flags.text("plot");
    if (!s.plot.empty()) {
        // A name the plot cannot take is a mistake on the command line (exit 2); a missing
        // or read-only directory is the file system's (exit 1). Both now, not after the run.
        if (const std::string problem = plot::plot_extension_problem(s.plot); !problem.empty())
            throw UsageError("--plot " + s.plot + ": " + problem);
        plot::check_plot_path(s.plot);
    }
    s.parallel = parallel_settings(flags);

    std::string dtype = s.net.dtype;
    if (!s.resume.empty()) {
        if (flags.given("dtype") && dtype != s.resumed.dtype)
            throw UsageError("--dtype " + dtype + " differs from the checkpoint's " +
                             s.resumed.dtype);
        dtype = s.resumed.dtype;
    }
    s.net.dtype = dtype;
    return s;
}

int train_command(const Flags& flags) {
    const TrainSettings s = train_settings(flags);
    const bool diverged = s.net.dtype == "float32" ? train_network<float>(s).diverged
                                                   : train_network<double>(s).diverged;
    return diverged ? exit_error : exit_ok;
}

} // namespace xgrad::cli
