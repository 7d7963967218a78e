// The benchmark: one training step (forward, cost, backward, update; full batch) of the
// same MLP on the same data in the same dtype, run by the hand-written floor, xgrad and
// LibTorch (when built with it), with ms/step, the ratio to the floor and peak heap memory.
// See bench/README.md for how to run it and what each figure means.
#include "bench.hpp"
#include "memory.hpp"
#include "minibatch.hpp"

#include "autograd/kernels/blas_info.hpp"
#include "autograd/kernels/buffer_cache.hpp"

#include <algorithm>
#include <cblas.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#ifdef XGRAD_BENCH_OPENMP
#include <omp.h>
#endif

namespace xgrad::bench {

template <class T>
Problem<T> make_problem(const std::vector<std::size_t>& layers, std::size_t m) {
    Problem<T> p;
    p.layers = layers;
    p.m = m;
    std::mt19937_64 rng(20261123);
    std::normal_distribution<double> normal(0.0, 1.0);
    const std::size_t n_x = layers[0];
    p.X.resize(n_x * m);
    for (auto& x : p.X)
        x = static_cast<T>(normal(rng));
    // A label the network can learn: the sign of the first two features' sum.
    p.Y.resize(m);
    for (std::size_t j = 0; j < m; ++j)
        p.Y[j] = (double(p.X[j]) + (n_x > 1 ? double(p.X[m + j]) : 0.0)) > 0 ? T(1) : T(0);
    p.W.assign(layers.size(), {});
    p.b.assign(layers.size(), {});
    for (std::size_t l = 1; l < layers.size(); ++l) {
        const double scale = std::sqrt(2.0 / double(layers[l - 1])); // He initialisation
        p.W[l].resize(layers[l] * layers[l - 1]);
        for (auto& w : p.W[l])
            w = static_cast<T>(normal(rng) * scale);
        p.b[l].assign(layers[l], T(0));
    }
    return p;
}
template Problem<float> make_problem(const std::vector<std::size_t>&, std::size_t);
template Problem<double> make_problem(const std::vector<std::size_t>&, std::size_t);

namespace {

using Clock = std::chrono::steady_clock;

struct Config {
    std::string name;
    std::vector<std::size_t> layers;
    std::size_t m;
    bool f64, f32;
};

const std::vector<Config> configs = {
    {"tiny", {2, 4, 1}, 400, true, false},
    {"course", {12288, 20, 7, 5, 1}, 209, true, false},
    {"medium", {784, 256, 128, 1}, 1024, true, true},
    {"large", {2048, 2048, 2048, 1}, 512, true, true},
};

struct Options {
    double seconds_per_column = 2.0; // timing budget per column and configuration
    int rounds = 20;                 // most timing blocks per column, interleaved across columns
    long flat_steps = 10000;
    long steps = 0;         // timed steps per column and round; 0: sized from the time budget
    std::string only;       // run one configuration
    std::string column;     // run one column (for profiling; its ratios are then to itself)
    std::string extra;      // TSV rows from bench.py to merge into the table
    std::size_t epochs = 5; // fashion10: epoch 1 checks the columns agree, the rest are timed
    std::size_t limit = 0;  // fashion10: the first `limit` training examples (0: all 60,000)
    std::string python;     // fashion10: the python3 that runs PyTorch's column (bench.py)
    bool floor_omp = false; // fashion10: add the "floor omp" column (bench/README.md, "Two cores")
};

struct Row {
    std::string config, dtype, column;
    double ms = NAN, ratio = NAN, cpu_ms = NAN, cpu_ratio = NAN, mb = NAN, mb_ratio = NAN,
           allocs = NAN;
};

// CPU time of the whole process (every thread), in ms: unlike the wall clock, it does not
// count the time other processes hold the CPU, so it is the steadier figure on a busy machine.
double process_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Each row's medians and ratios to the first row (the floor) from its timed steps or epochs;
// stops the run when a column's last cost is not finite (`what` names the configuration).
template <class Columns>
void finish_rows(std::vector<Row>& rows, const std::vector<std::vector<double>>& times,
                 const std::vector<std::vector<double>>& cpu_times, const Columns& columns,
                 const std::string& what) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        rows[i].ms = median(times[i]);
        rows[i].ratio = rows[i].ms / rows[0].ms;
        rows[i].cpu_ms = median(cpu_times[i]);
        rows[i].cpu_ratio = rows[i].cpu_ms / rows[0].cpu_ms;
        rows[i].mb_ratio = rows[i].mb / rows[0].mb;
        if (!std::isfinite(columns[i]->cost())) {
            std::fprintf(stderr, "%s: %s's cost is %g\n", what.c_str(), rows[i].column.c_str(),
                         columns[i]->cost());
            std::exit(1);
        }
    }
}

double max_difference(const std::vector<std::vector<double>>& a,
                      const std::vector<std::vector<double>>& b) {
    double worst = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        for (std::size_t j = 0; j < a[i].size() && j < b[i].size(); ++j)
            worst = std::max(worst, std::abs(a[i][j] - b[i][j]));
    return worst;
}

using Factory = std::function<std::unique_ptr<Column>()>;

template <class T>
std::vector<Row> run_config(const Config& config, const Options& options) {
    const char* dtype = std::is_same<T, float>::value ? "f32" : "f64";
    const Problem<T> problem = make_problem<T>(config.layers, config.m);
    std::vector<std::pair<std::string, Factory>> factories = {
        {"floor", [&] { return make_floor_column(problem); }},
        {"xgrad", [&] { return make_xgrad_column(problem); }},
        {"xgrad nn", [&] { return make_nn_column(problem); }},
#ifdef XGRAD_BENCH_TORCH
        {"libtorch", [&] { return make_torch_column(problem); }},
#endif
    };
    if (!options.column.empty()) {
        factories.erase(std::remove_if(factories.begin(), factories.end(),
                                       [&](const auto& f) { return f.first != options.column; }),
                        factories.end());
        if (factories.empty()) {
            std::fprintf(stderr, "xgrad_bench: no column named '%s'\n", options.column.c_str());
            std::exit(2);
        }
    }

    // Memory and agreement: each column from the same initial parameters, three steps.
    // Peak = the highest heap bytes during init() and those steps, above what was live
    // before init() (the data, bound earlier, is the caller's in every framework).
    std::vector<std::unique_ptr<Column>> columns;
    std::vector<Row> rows;
    std::vector<std::vector<double>> floor_parameters;
    for (auto& [name, make] : factories) {
        columns.push_back(make());
        Column& c = *columns.back();
        // The engine's buffer cache is charged to the column that fills it, not to the
        // next xgrad column, which would find it full.
        clear_buffer_cache();
        const long long baseline = memory::live();
        memory::reset_peak();
        c.init();
        c.step();
        c.step();
        const long long before = memory::allocations();
        c.step();
        Row row{config.name, dtype, name};
        if (before >= 0) { // heap counting is built in (not a sanitizer build)
            row.allocs = double(memory::allocations() - before);
            row.mb = double(memory::peak() - baseline) / 1e6;
        }
        rows.push_back(row);
        if (floor_parameters.empty())
            floor_parameters = c.parameters();
        else {
            const double diff = max_difference(c.parameters(), floor_parameters);
            const double tolerance = std::is_same<T, float>::value ? 1e-3 : 1e-9;
            if (!(diff <= tolerance)) {
                std::fprintf(stderr,
                             "%s %s: %s's parameters after 3 steps differ from the floor's by %g "
                             "(tolerance %g): the columns do not compute the same step\n",
                             config.name.c_str(), dtype, name.c_str(), diff, tolerance);
                std::exit(1);
            }
        }
    }

    // Time, with heap counting off (it costs a few ns per allocation, which would tax the
    // columns that allocate). One timed step per column sizes the blocks; then the columns
    // take turns, a block each per round, so that the machine's changing load (other
    // processes, a neighbour on the host) falls on every column alike. Up to `rounds`
    // rounds, fewer (at least 9) when a step is long: large runs ~9 steps per column.
    memory::counting(false);
    std::vector<std::vector<double>> times(columns.size());
    std::vector<double> first(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto t0 = Clock::now();
        columns[i]->step();
        first[i] = std::max(std::chrono::duration<double>(Clock::now() - t0).count(), 1e-7);
    }
    const double slowest = *std::max_element(first.begin(), first.end());
    const int rounds =
        std::min(options.rounds, std::max(9, int(options.seconds_per_column / slowest)));
    std::vector<long> block(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i)
        block[i] =
            options.steps > 0
                ? options.steps
                : std::clamp<long>(long(options.seconds_per_column / rounds / first[i]), 1, 20000);
    std::vector<std::vector<double>> cpu_times(columns.size());
    // Each round starts one column later, so no column always follows the same one (the
    // one after the floor, which allocates nothing, finds the heap handed back to the system).
    for (int r = 0; r < rounds; ++r)
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const std::size_t i = (k + std::size_t(r)) % columns.size();
            const double cpu0 = process_cpu_ms();
            for (long step = 0; step < block[i]; ++step) {
                const auto t0 = Clock::now();
                columns[i]->step();
                times[i].push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
            cpu_times[i].push_back((process_cpu_ms() - cpu0) / double(block[i]));
        }
    finish_rows(rows, times, cpu_times, columns, config.name + " " + dtype);
    columns.clear();
    memory::counting(true);
    return rows;
}

// fashion10: whole epochs of mini-batches. First every column trains two epochs of a short
// problem (the first 416 examples: three full batches and a smaller last one, 8 steps) and its
// parameters are checked against the floor's, as the full-batch configurations check three
// steps (over a whole epoch Adam turns rounding into differences of up to lr where a gradient
// is nearly zero). Then each column trains the whole set: epoch 1 with heap counting on (peak
// MB, allocations), epochs 2..E timed, the columns taking turns epoch by epoch (each round
// starting one column later), so the machine's changing load falls on every column alike.
template <class T>
std::vector<Row> run_epochs(const Options& options) {
    const char* dtype = std::is_same<T, float>::value ? "f32" : "f64";
    const std::size_t epochs = std::max<std::size_t>(options.epochs, 2);
    const EpochProblem<T> problem = make_epoch_problem<T>(options.limit, epochs);
    if (problem.m == 0) {
        std::printf("fashion10 %s: skipped, Fashion-MNIST is not installed "
                    "(dataset-fashion-mnist)\n",
                    dtype);
        return {};
    }
    const EpochProblem<T> check = make_epoch_problem<T>(std::min<std::size_t>(problem.m, 416), 2);
    using EpochFactory = std::function<std::unique_ptr<EpochColumn>(const EpochProblem<T>&)>;
    std::vector<std::pair<std::string, EpochFactory>> factories = {
        {"floor", [](const EpochProblem<T>& p) { return make_epoch_floor(p); }},
        {"xgrad", [](const EpochProblem<T>& p) { return make_epoch_xgrad(p); }},
        {"xgrad nn", [](const EpochProblem<T>& p) { return make_epoch_nn(p); }},
#ifdef XGRAD_BENCH_TORCH
        {"libtorch", [](const EpochProblem<T>& p) { return make_epoch_torch(p); }},
#endif
    };
#ifdef XGRAD_BENCH_OPENMP
    if (options.floor_omp)
        factories.emplace_back("floor omp",
                               [](const EpochProblem<T>& p) { return make_epoch_floor(p, true); });
#endif
    if (!options.python.empty())
        factories.emplace_back("pytorch", [&](const EpochProblem<T>& p) {
            return make_epoch_pytorch(options.python, p.layers, dtype, p.m);
        });
    if (!options.column.empty())
        factories.erase(std::remove_if(factories.begin(), factories.end(),
                                       [&](const auto& f) { return f.first != options.column; }),
                        factories.end());
    const double tolerance = std::is_same<T, float>::value ? 1e-4 : 1e-9;
    std::vector<std::vector<double>> floor_parameters;
    for (auto& [name, make] : factories) {
        const auto c = make(check);
        c->init();
        c->epoch(1);
        c->epoch(2);
        if (floor_parameters.empty()) {
            floor_parameters = c->parameters();
            continue;
        }
        const double diff = max_difference(c->parameters(), floor_parameters);
        // Split into chunks, every element is computed as before: the floor's bits exactly.
        const double allowed = name == "floor omp" ? 0.0 : tolerance;
        if (!(diff <= allowed)) {
            std::fprintf(stderr,
                         "fashion10 %s: %s's parameters after 2 epochs of %zu examples differ "
                         "from the floor's by %g (tolerance %g): the columns do not compute the "
                         "same epochs\n",
                         dtype, name.c_str(), check.m, diff, allowed);
            std::exit(1);
        }
    }
    const std::size_t batches = (problem.m + problem.batch - 1) / problem.batch;
    std::vector<std::unique_ptr<EpochColumn>> columns;
    std::vector<Row> rows;
    // Constructing a column binds the data in the form its framework reads (xgrad's columns
    // hold X and Y as Arrays, as `xgrad train` loads them; the others read the problem's
    // vectors): not counted, as the full-batch bench does. What init() and epoch 1 make is.
    for (auto& factory : factories)
        columns.push_back(factory.second(problem));
    for (std::size_t k = 0; k < factories.size(); ++k) {
        const std::string& name = factories[k].first;
        clear_buffer_cache();
        const long long baseline = memory::live();
        memory::reset_peak();
        const long long before = memory::allocations();
        EpochColumn& c = *columns[k];
        c.init();
        c.epoch(1);
        Row row{"fashion10", dtype, name};
        if (before >= 0 && !c.worker_times()) { // another process's heap is not seen here
            row.allocs = double(memory::allocations() - before) / double(batches);
            row.mb = double(memory::peak() - baseline) / 1e6;
        }
        rows.push_back(row);
    }
    memory::counting(false);
    std::vector<std::vector<double>> times(columns.size()), cpu_times(columns.size());
    for (std::size_t e = 2; e <= epochs; ++e)
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const std::size_t i = (k + e) % columns.size();
            const double cpu0 = process_cpu_ms();
            const auto t0 = Clock::now();
            columns[i]->epoch(e);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            const double cpu_ms = process_cpu_ms() - cpu0;
            const std::optional<WorkerTimes> worker = columns[i]->worker_times();
            times[i].push_back(worker ? worker->ms : ms);
            cpu_times[i].push_back(worker ? worker->cpu_ms : cpu_ms);
        }
    finish_rows(rows, times, cpu_times, columns, std::string("fashion10 ") + dtype);
    columns.clear();
    memory::counting(true);
    return rows;
}

// Memory over many steps on tiny: the most heap bytes live, and the most tape slots held,
// between steps during the first 1,000 steps and during the last 1,000. The tape sweeps
// dead slots in batches, so both saw-tooth; flat means the last window's highs are no
// higher than the first's.
void flat_check(long steps) {
    if (memory::live() < 0)
        return; // no heap counting in sanitizer builds
    const Problem<double> problem = make_problem<double>({2, 4, 1}, 400);
    const long long baseline = memory::live();
    auto c = make_xgrad_column(problem);
    c->init();
    const long window = std::min<long>(1000, steps / 2);
    long long live_first = 0, live_last = 0;
    long slots_first = 0, slots_last = 0;
    for (long k = 0; k < steps; ++k) {
        c->step();
        const long long live = memory::live() - baseline;
        const long slots = c->tape_slots();
        if (k < window) {
            live_first = std::max(live_first, live);
            slots_first = std::max(slots_first, slots);
        } else if (k >= steps - window) {
            live_last = std::max(live_last, live);
            slots_last = std::max(slots_last, slots);
        }
    }
    std::printf("\nMemory over %ld steps (xgrad, tiny f64), between steps: most live heap bytes "
                "%lld in steps 1-%ld, %lld in the last %ld; most tape slots %ld and %ld -> %s\n",
                steps, live_first, window, live_last, window, slots_first, slots_last,
                live_last <= live_first && slots_last <= slots_first ? "flat" : "GROWS");
}

std::vector<Row> read_extra(const std::string& path) {
    std::vector<Row> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        Row r;
        std::string ms, mb, cpu;
        if (std::getline(fields, r.config, '\t') && std::getline(fields, r.dtype, '\t') &&
            std::getline(fields, r.column, '\t') && std::getline(fields, ms, '\t')) {
            std::getline(fields, mb, '\t');
            std::getline(fields, cpu, '\t');
            r.ms = std::strtod(ms.c_str(), nullptr);
            r.mb = mb.empty() || mb == "-" ? NAN : std::strtod(mb.c_str(), nullptr);
            r.cpu_ms = cpu.empty() ? NAN : std::strtod(cpu.c_str(), nullptr);
            rows.push_back(r);
        }
    }
    return rows;
}

void print_number(double v, const char* format, int width) {
    if (std::isfinite(v))
        std::printf(format, width, v);
    else
        std::printf("%*s", width, "-");
}

void print_rows(const std::vector<Row>& rows) {
    for (const Row& r : rows) {
        std::printf("%-7s %-4s %-13s", r.config.c_str(), r.dtype.c_str(), r.column.c_str());
        print_number(r.ms, "%*.4f", 11);
        print_number(r.ratio, "%*.2f", 9);
        print_number(r.cpu_ms, "%*.4f", 11);
        print_number(r.cpu_ratio, "%*.2f", 9);
        print_number(r.mb, "%*.3f", 11);
        print_number(r.mb_ratio, "%*.2f", 9);
        print_number(r.allocs, "%*.0f", 13);
        std::printf("\n");
    }
    std::fflush(stdout);
}

} // namespace
} // namespace xgrad::bench

int main(int argc, char** argv) {
    using namespace xgrad::bench;
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "xgrad_bench: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--seconds")
            options.seconds_per_column = std::atof(value().c_str());
        else if (arg == "--rounds")
            options.rounds = std::max(1, std::atoi(value().c_str()));
        else if (arg == "--flat-steps")
            options.flat_steps = std::atol(value().c_str());
        else if (arg == "--config")
            options.only = value();
        else if (arg == "--extra")
            options.extra = value();
        else if (arg == "--python")
            options.python = value();
        else if (arg == "--column")
            options.column = value();
        else if (arg == "--steps")
            options.steps = std::atol(value().c_str());
        else if (arg == "--epochs")
            options.epochs = std::size_t(std::max(2, std::atoi(value().c_str())));
        else if (arg == "--limit")
            options.limit = std::size_t(std::max(0L, std::atol(value().c_str())));
        else if (arg == "--floor-omp")
            options.floor_omp = true;
        else {
            std::fprintf(
                stderr,
                "usage: xgrad_bench [--config tiny|course|medium|large|fashion10] [--seconds S "
                "per column] [--rounds R] [--steps N per round] [--flat-steps N] [--extra "
                "python.tsv] [--column floor|'floor omp'|xgrad|'xgrad nn'|libtorch|pytorch] "
                "[--epochs E (fashion10, default 5)] [--limit m (fashion10)] [--floor-omp "
                "(fashion10: add the floor with OpenMP loops)] [--python PYTHON3 (fashion10's "
                "PyTorch column)]\n");
            return arg == "--help" ? 0 : 2;
        }
    }

    if (options.column == "floor omp")
        options.floor_omp = true;
#ifndef XGRAD_BENCH_OPENMP
    if (options.floor_omp) {
        std::fprintf(stderr, "--floor-omp: this xgrad_bench was built without OpenMP\n");
        return 2;
    }
#endif
    if (options.floor_omp && !options.only.empty() && options.only != "fashion10") {
        std::fprintf(stderr, "--floor-omp: a fashion10 column, not one of %s's\n",
                     options.only.c_str());
        return 2;
    }
    // One thread everywhere unless XGRAD_BENCH_THREADS says otherwise: the machine's
    // other work disturbs multi-threaded BLAS more than it disturbs one thread.
    const char* env = std::getenv("XGRAD_BENCH_THREADS");
    const int threads = env ? std::max(1, std::atoi(env)) : 1;
    openblas_set_num_threads(threads);
    std::printf("xgrad bench: median ms per training step (forward, cost, backward, update; full "
                "batch)\nthreads: OpenBLAS %d",
                openblas_get_num_threads());
#ifdef XGRAD_BENCH_OPENMP
    // libgomp read OMP_NUM_THREADS as it loaded: the setenv below comes too late for this
    // process ("floor omp"), only the PyTorch worker reads it.
    omp_set_num_threads(threads);
    std::printf(", OpenMP %d", omp_get_max_threads());
#endif
#ifdef XGRAD_BENCH_TORCH
    std::printf(", LibTorch intra-op %d", torch_set_threads(threads));
    torch_warm_up();
#else
    std::printf(", LibTorch not built (libtorch-dev not found)");
#endif
    std::printf(" (XGRAD_BENCH_THREADS=%d; OPENBLAS_NUM_THREADS=%s)\n", threads,
                std::getenv("OPENBLAS_NUM_THREADS") ? std::getenv("OPENBLAS_NUM_THREADS")
                                                    : "unset");
    // The same for fashion10's PyTorch worker process, which reads them as it starts.
    const std::string thread_count = std::to_string(threads);
    for (const char* name : {"XGRAD_BENCH_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"})
        setenv(name, thread_count.c_str(), 1);
    // Every column's gemm: on an AVX-512 CPU the kernels moved the figures 1.3-1.7x.
    std::printf("blas: %s\n", xgrad::kernels::describe(xgrad::kernels::blas_info()).c_str());
    std::printf("ms/step: median wall time of a step; cpu ms: median process CPU time per step "
                "(blocks of steps; steadier when other processes load the machine)\n"
                "peak MB: heap bytes above the data during init and 3 steps; allocs/step: heap "
                "allocations in one step\n\n");
    std::printf("%-7s %-4s %-13s%11s%9s%11s%9s%11s%9s%13s\n", "config", "type", "column", "ms/step",
                "x floor", "cpu ms", "x floor", "peak MB", "x floor", "allocs/step");

    const std::vector<Row> extra =
        options.extra.empty() ? std::vector<Row>{} : read_extra(options.extra);
    // xgrad's time over LibTorch's for each configuration of this run (below 1: xgrad faster).
    std::vector<std::string> against_torch;
    auto compare_to_torch = [&against_torch](const std::vector<Row>& rows) {
        const Row* ours = nullptr;
        const Row* torch = nullptr;
        for (const Row& r : rows) {
            if (r.column == "xgrad")
                ours = &r;
            if (r.column == "libtorch")
                torch = &r;
        }
        if (!ours || !torch)
            return;
        char line[160];
        std::snprintf(line, sizeof line, "%-7s %-4s %13.2f %13.2f", ours->config.c_str(),
                      ours->dtype.c_str(), ours->ms / torch->ms, ours->cpu_ms / torch->cpu_ms);
        against_torch.emplace_back(line);
    };
    bool any = false;
    for (const auto& config : configs) {
        if (!options.only.empty() && options.only != config.name)
            continue;
        any = true;
        for (const bool f64 : {true, false}) {
            if (f64 ? !config.f64 : !config.f32)
                continue;
            std::vector<Row> rows =
                f64 ? run_config<double>(config, options) : run_config<float>(config, options);
            for (Row r : extra)
                if (r.config == config.name && r.dtype == (f64 ? "f64" : "f32")) {
                    r.ratio = r.ms / rows[0].ms;
                    r.cpu_ratio = r.cpu_ms / rows[0].cpu_ms;
                    r.mb_ratio = r.mb / rows[0].mb;
                    rows.push_back(r);
                }
            print_rows(rows);
            compare_to_torch(rows);
        }
    }
    // fashion10: whole epochs of mini-batches; xgrad's and xgrad nn's epoch over PyTorch's.
    std::vector<std::string> against_pytorch;
    if (options.only.empty() || options.only == "fashion10") {
        any = true;
        std::printf(
            "\nfashion10: Fashion-MNIST (%s examples), 784-256-128-10 relu, softmax "
            "cross-entropy, Adam lr 1e-3 x0.8 per epoch, batches of 128; ms/epoch and cpu ms "
            "per epoch (gather, forward, backward, Adam; median of epochs 2-%zu, the columns "
            "taking turns), peak MB and allocs/step during epoch 1\n",
            options.limit ? std::to_string(options.limit).c_str() : "60000",
            std::max<std::size_t>(options.epochs, 2));
        std::printf("%-7s %-4s %-13s%11s%9s%11s%9s%11s%9s%13s\n", "config", "type", "column",
                    "ms/epoch", "x floor", "cpu ms", "x floor", "peak MB", "x floor",
                    "allocs/step");
        for (const bool f64 : {false, true}) {
            std::vector<Row> rows = f64 ? run_epochs<double>(options) : run_epochs<float>(options);
            if (rows.empty())
                continue;
            print_rows(rows);
            const Row* reference = nullptr;
            for (const Row& r : rows)
                if (r.column == "pytorch")
                    reference = &r;
            for (const Row& r : rows)
                if (reference && (r.column == "xgrad" || r.column == "xgrad nn")) {
                    char line[160];
                    std::snprintf(line, sizeof line, "%-4s %-9s %13.2f %13.2f %13.2f %13.2f",
                                  r.dtype.c_str(), r.column.c_str(), r.ms / reference->ms,
                                  r.cpu_ms / reference->cpu_ms, r.ratio, r.cpu_ratio);
                    against_pytorch.emplace_back(line);
                }
        }
    }
    if (!any) {
        std::fprintf(stderr, "xgrad_bench: no configuration named '%s'\n", options.only.c_str());
        return 2;
    }
    if (!against_torch.empty()) {
        std::printf("\nxgrad / libtorch in this run (below 1: xgrad is faster)\n%-12s %13s %13s\n",
                    "config", "wall", "cpu");
        for (const auto& line : against_torch)
            std::printf("%s\n", line.c_str());
    }
    if (!against_pytorch.empty()) {
        std::printf("\nfashion10 epochs in this run: over pytorch (targets <= 0.6) and over the "
                    "floor (<= 1.2)\n%-14s %13s %13s %13s %13s\n",
                    "type column", "pytorch wall", "pytorch cpu", "floor wall", "floor cpu");
        for (const auto& line : against_pytorch)
            std::printf("%s\n", line.c_str());
    }
    if (options.flat_steps > 0)
        flat_check(options.flat_steps);
    return 0;
}
