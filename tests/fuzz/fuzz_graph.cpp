// libFuzzer target: random graphs of engine ops on random shapes, forward and backward.
//
// The fuzzer's bytes choose the scalar type, a few leaves (rank 0-3, extents 0-4, values
// from a table that includes 0, +-Inf, NaN and extremes), then up to 24 ops, each with
// operands picked from everything made so far and parameters (axes, scalars, shapes) from the
// bytes, under random modes (NoGrad, Scope, DetectAnomaly). Then backward, grad() or a
// create_graph double backward, sometimes twice. An xgrad::Error is a fine answer to bad
// input; any other exception, a crash, a hang or a sanitizer report is a finding.
#include "autograd/autograd.hpp"
#include "op_builder.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <typeinfo>
#include <vector>

using namespace xgrad;
using xgrad::fuzzing::pick_shape;
using xgrad::fuzzing::pick_value;

namespace {

constexpr std::size_t max_ops = 24;

// XGRAD_FUZZ_TRACE=1 prints what an input does, to turn a finding into a test case.
const bool trace = std::getenv("XGRAD_FUZZ_TRACE") != nullptr;
template <class T>
void show(const char* what, const Tensor<T>& t) {
    if (trace)
        std::fprintf(stderr, "  %s -> %s %s rg=%d seq=%llu\n", what, op_info(t.op()).name,
                     to_string(t.shape()).c_str(), int(t.requires_grad()),
                     static_cast<unsigned long long>(t.sequence()));
}

template <class T>
Tensor<T> make_leaf(FuzzedDataProvider& in) {
    Array<T> value = Array<T>::from_shape(pick_shape(in));
    for (T& v : value)
        v = pick_value<T>(in);
    Tensor<T> leaf(std::move(value), in.ConsumeBool());
    if (in.ConsumeBool())
        leaf.label("leaf");
    return leaf;
}

template <class T>
const Tensor<T>& operand(FuzzedDataProvider& in, const std::vector<Tensor<T>>& pool) {
    return pool[in.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)];
}

// One op of the op table, chosen and parameterised by the bytes (op_builder.hpp).
template <class T>
Tensor<T> apply_op(FuzzedDataProvider& in, const std::vector<Tensor<T>>& pool) {
    const std::vector<Op> ops = all_ops();
    const Op op = ops[in.ConsumeIntegralInRange<std::size_t>(0, ops.size() - 1)];
    const Tensor<T>& a = operand(in, pool);
    const Tensor<T>& b = operand(in, pool);
    const Tensor<T>& c = operand(in, pool);
    const int axis = in.ConsumeIntegralInRange<int>(-4, 3);
    const bool flag = in.ConsumeBool();
    if (trace)
        std::fprintf(stderr, "op %s a=%s b=%s c=%s axis=%d flag=%d\n", op_info(op).name,
                     to_string(a.shape()).c_str(), to_string(b.shape()).c_str(),
                     to_string(c.shape()).c_str(), axis, int(flag));
    return fuzzing::build_op(op, in, a, b, c, axis, flag);
}

template <class T>
void run_backward(FuzzedDataProvider& in, const std::vector<Tensor<T>>& pool) {
    const Tensor<T>& out = operand(in, pool);
    if (!out.requires_grad()) {
        // Refused with a GraphError: exercise the message path too.
        if (in.ConsumeBool())
            out.backward();
        return;
    }
    BackwardOptions options;
    options.retain_graph = in.ConsumeBool();
    options.create_graph = in.ConsumeBool();
    options.retain_grads = in.ConsumeBool();
    // Known limitation, as in PyTorch: with create_graph, every retained intermediate .grad
    // is a recorded graph that can lead back to its own node (d(x*x)/dx = 2x), a cycle the
    // caller cannot break for nodes it holds no handle to. Reported; not fuzzed.
    if (options.create_graph)
        options.retain_grads = false;
    const int how = in.ConsumeIntegralInRange<int>(0, 3);
    if (trace)
        std::fprintf(stderr,
                     "backward %d from %s retain_graph=%d create_graph=%d retain_grads=%d\n", how,
                     to_string(out.shape()).c_str(), int(options.retain_graph),
                     int(options.create_graph), int(options.retain_grads));
    switch (how) {
    case 0:
        out.backward(options);
        break; // refused unless out has one element
    case 1: {
        Array<T> seed = Array<T>::from_shape(in.ConsumeBool() ? out.shape() : pick_shape(in));
        for (T& v : seed)
            v = pick_value<T>(in);
        out.backward(seed, options);
        break;
    }
    case 2: {
        std::vector<Tensor<T>> inputs;
        for (const Tensor<T>& t : pool)
            if (t.requires_grad() && in.ConsumeBool())
                inputs.push_back(t);
        std::vector<Tensor<T>> grads =
            grad({sum(out)}, inputs, {}, options.retain_graph, options.create_graph);
        // Double backward through the first gradient when it was recorded.
        if (options.create_graph && !grads.empty() && grads[0].requires_grad())
            sum(grads[0]).backward();
        break;
    }
    default: {
        BackwardWalk<T> walk({sum(out)}, {}, options);
        BackwardStep<T> step;
        while (walk.step(in.ConsumeBool() ? &step : nullptr)) {
            if (in.ConsumeIntegralInRange<int>(0, 15) == 0)
                break; // abandoned midway
        }
        break;
    }
    }
    for (const Tensor<T>& t : pool)
        if (t.has_grad())
            (void)t.grad();
    if (in.ConsumeBool())
        sum(out).backward(); // again: fine, or a GraphError if freed
}

template <class T>
void fuzz(FuzzedDataProvider& in) {
    std::vector<Tensor<T>> pool;
    const std::size_t leaves = in.ConsumeIntegralInRange<std::size_t>(1, 3);
    for (std::size_t i = 0; i < leaves; ++i) {
        pool.push_back(make_leaf<T>(in));
        if (trace)
            std::fprintf(stderr, "leaf %s rg=%d\n", to_string(pool.back().shape()).c_str(),
                         int(pool.back().requires_grad()));
    }

    const bool anomaly = in.ConsumeIntegralInRange<int>(0, 3) == 0;
    std::unique_ptr<DetectAnomaly> detect;
    if (anomaly)
        detect = std::make_unique<DetectAnomaly>();
    for (std::size_t k = 0; k < max_ops && in.remaining_bytes() > 0; ++k) {
        try {
            const int mode = in.ConsumeIntegralInRange<int>(0, 7);
            if (mode == 0) {
                NoGrad no_grad;
                pool.push_back(apply_op(in, pool));
            } else if (mode == 1) {
                Scope scope("layer " + std::to_string(k));
                pool.push_back(apply_op(in, pool));
            } else if (mode == 2) {
                pool.push_back(operand(in, pool).detach());
            } else {
                Tensor<T> t = apply_op(in, pool);
                show("made", t);
                if (in.ConsumeBool() && !t.is_leaf())
                    t.retain_grad();
                pool.push_back(t);
            }
        } catch (const Error& e) {
            if (trace)
                std::fprintf(stderr, "  refused: %s\n", e.what());
            // A refused op: the message is the product; the graph carries on.
        }
    }
    try {
        run_backward(in, pool);
    } catch (const Error&) {
    }
    // A gradient recorded under create_graph refers back to the graph it came from, so a
    // tensor's .grad can keep that tensor alive: a cycle, as in PyTorch, which documents
    // resetting .grad after use. Do so, so that any other leak is still a finding.
    for (Tensor<T>& t : pool)
        t.zero_grad();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    try {
        if (in.ConsumeBool())
            fuzz<double>(in);
        else
            fuzz<float>(in);
        Tape<double>::current().clear();
        Tape<float>::current().clear();
    } catch (const std::exception& e) {
        // Not an xgrad::Error: a finding. Abort so libFuzzer saves the input.
        std::fprintf(stderr, "fuzz_graph: uncaught %s: %s\n", typeid(e).name(), e.what());
        std::abort();
    }
    return 0;
}
