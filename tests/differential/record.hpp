#pragma once
// A differential record (docs/differential-testing.md): one graph as the graph JSON
// (docs/graph-json.md, unchanged), the full values of its leaves, a direction v for each
// leaf that requires grad, and xgrad's answers: the first-order gradient of the loss with
// respect to every tensor that requires grad, and the Hessian-vector product
// d/dx <dloss/dx, v> through create_graph for every such leaf. tests/differential/
// replay_torch.py recomputes both in PyTorch and compares.
//
// rebuild() turns a record's graph back into xgrad tensors, so that a record kept as a
// regression (tests/differential/regressions/) is re-evaluated by today's xgrad.
#include "autograd/autograd.hpp"
#include "autograd/inspect/inspect.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::differential {

using Json = nlohmann::json;

/// The graph's tensors by their graph id ("t<k>"), and the loss's id.
struct GraphTensors {
    std::map<std::string, Tensor<double>> by_id;
    std::string loss;
};

inline std::vector<double> flat(const Array<double>& a) {
    return {a.begin(), a.end()};
}

inline Array<double> from_flat(const Json& values, const Shape& shape, const std::string& what) {
    Array<double> a = Array<double>::from_shape(shape);
    if (!values.is_array() || values.size() != a.size())
        throw std::runtime_error("differential record: " + what + " has " +
                                 std::to_string(values.is_array() ? values.size() : 0) +
                                 " values, its shape " + to_string(shape) + " takes " +
                                 std::to_string(a.size()));
    std::size_t i = 0;
    for (auto& x : a) {
        if (!values[i].is_number())
            throw std::runtime_error("differential record: " + what + " value " +
                                     std::to_string(i) + " is not a number");
        x = values[i++].get<double>();
    }
    return a;
}

inline Shape shape_of(const Json& j) {
    Shape s;
    for (const Json& e : j)
        s.push_back(e.get<std::size_t>());
    return s;
}

/// The tensors of `loss`'s graph keyed by their ids in inspect(loss).
inline GraphTensors graph_tensors(const Tensor<double>& loss, const Graph& graph) {
    GraphTensors out;
    std::vector<Tensor<double>> stack{loss};
    while (!stack.empty()) {
        const Tensor<double> t = stack.back();
        stack.pop_back();
        const GraphTensor* node = graph.find(t);
        if (!node)
            throw std::logic_error(
                "differential: a tensor of the loss's graph is not in inspect()");
        const std::string id = "t" + std::to_string(node->id);
        if (out.by_id.count(id))
            continue;
        out.by_id[id] = t;
        for (const Tensor<double>& input : t.inputs())
            stack.push_back(input);
    }
    out.loss = "t" + std::to_string(graph.find(loss)->id);
    return out;
}

/// xgrad's gradients of the loss ("grad": every tensor that requires grad) and
/// Hessian-vector products ("hvp": every leaf that requires grad, along `v`).
inline void evaluate(const GraphTensors& g, const Json& v, Json& record) {
    std::vector<std::string> ids, leaf_ids;
    std::vector<Tensor<double>> tensors, leaves;
    for (const auto& [id, t] : g.by_id) {
        if (!t.requires_grad())
            continue;
        ids.push_back(id);
        tensors.push_back(t);
        if (t.is_leaf()) {
            leaf_ids.push_back(id);
            leaves.push_back(t);
        }
    }
    const Tensor<double>& loss = g.by_id.at(g.loss);
    Json grads = Json::object(), hvps = Json::object();
    if (!tensors.empty()) {
        const std::vector<Tensor<double>> first = grad({loss}, tensors, {}, true, false);
        for (std::size_t i = 0; i < ids.size(); ++i)
            grads[ids[i]] = flat(first[i].value());
    }
    if (!leaves.empty()) {
        // <dloss/dx, v> summed over the leaves, then differentiated once more.
        const std::vector<Tensor<double>> dx = grad({loss}, leaves, {}, true, true);
        Tensor<double> s;
        for (std::size_t i = 0; i < leaves.size(); ++i) {
            if (!dx[i].requires_grad())
                continue; // a gradient that is constant in the leaves adds nothing
            const Tensor<double> vi(
                from_flat(v.at(leaf_ids[i]), leaves[i].shape(), "v of " + leaf_ids[i]));
            const Tensor<double> term = sum(mul(dx[i], vi));
            s = s.defined() ? add(s, term) : term;
        }
        std::vector<Tensor<double>> h;
        if (s.defined())
            h = grad({s}, leaves, {}, false, false);
        for (std::size_t i = 0; i < leaves.size(); ++i)
            hvps[leaf_ids[i]] =
                s.defined() ? flat(h[i].value()) : std::vector<double>(leaves[i].size(), 0.0);
    }
    record["grad"] = grads;
    record["hvp"] = hvps;
}

/// A record of `loss`'s graph: the graph JSON, every leaf's values, a random v per leaf
/// that requires grad, and xgrad's gradients and HVPs.
inline Json make_record(const std::string& name, const Tensor<double>& loss, std::mt19937_64& rng) {
    const Graph graph = inspect(loss);
    const GraphTensors g = graph_tensors(loss, graph);
    Json record = {{"schema", "xgrad-differential"},
                   {"version", 1},
                   {"name", name},
                   {"loss", g.loss},
                   {"graph", Json::parse(to_json(graph))}};
    Json leaves = Json::object(), v = Json::object();
    std::uniform_real_distribution<double> direction(-1, 1);
    for (const auto& [id, t] : g.by_id) {
        if (!t.is_leaf())
            continue;
        leaves[id] = flat(t.value());
        if (t.requires_grad()) {
            std::vector<double> vi(t.size());
            for (double& x : vi)
                x = direction(rng);
            v[id] = vi;
        }
    }
    record["leaves"] = leaves;
    record["v"] = v;
    evaluate(g, v, record);
    return record;
}

/// The op named `name` in the op table; throws for a name it lacks.
inline Op op_named(const std::string& name) {
    for (Op op : all_ops())
        if (name == op_info(op).name)
            return op;
    throw std::runtime_error("differential replay: op \"" + name + "\" is not in the op table");
}

/// One op of a record's graph rebuilt in xgrad: `x` its inputs in input order, `node` its op
/// node (params), `shape` its result's shape (reshape's, sum_to's, broadcast_to's target).
inline Tensor<double> rebuild_op(Op op, const std::vector<Tensor<double>>& x, const Json& params,
                                 const Shape& shape) {
    const double scalar = params.at("scalar").get<double>(),
                 scalar2 = params.at("scalar2").get<double>();
    const int axis = params.at("axis").get<int>();
    const bool all_axes = params.at("all_axes").get<bool>(),
               keepdims = params.at("keepdims").get<bool>();
    // Several axes of a sum or mean, or a transpose's permutation (records made before the
    // field was added have none: one axis, or the axes reversed).
    std::vector<int> axes;
    if (params.contains("axes"))
        for (const auto& a : params.at("axes"))
            axes.push_back(a.get<int>());
    const auto need = [&](std::size_t n) {
        if (x.size() != n)
            throw std::runtime_error(std::string("differential replay: ") + op_info(op).name +
                                     " has " + std::to_string(x.size()) + " inputs, needs " +
                                     std::to_string(n));
    };
    need(static_cast<std::size_t>(op_info(op).arity));
    switch (op) {
    case Op::leaf:
    case Op::custom: // a user's op cannot be rebuilt from its name
        break;
    case Op::add:
        return add(x[0], x[1]);
    case Op::sub:
        return sub(x[0], x[1]);
    case Op::mul:
        return mul(x[0], x[1]);
    case Op::div:
        return div(x[0], x[1]);
    case Op::neg:
        return neg(x[0]);
    case Op::add_scalar:
        return add_scalar(x[0], scalar);
    case Op::mul_scalar:
        return mul_scalar(x[0], scalar);
    case Op::pow:
        return pow(x[0], scalar);
    case Op::exp:
        return exp(x[0]);
    case Op::log:
        return log(x[0]);
    case Op::sqrt:
        return sqrt(x[0]);
    case Op::abs:
        return abs(x[0]);
    case Op::tanh:
        return tanh(x[0]);
    case Op::sigmoid:
        return sigmoid(x[0]);
    case Op::relu:
        return relu(x[0]);
    case Op::softplus:
        return softplus(x[0]);
    case Op::leaky_relu:
        return leaky_relu(x[0], scalar);
    case Op::clip:
        return clip(x[0], scalar, scalar2);
    case Op::maximum:
        return maximum(x[0], x[1]);
    case Op::minimum:
        return minimum(x[0], x[1]);
    case Op::sum:
        return all_axes          ? sum(x[0])
               : axes.size() > 1 ? sum(x[0], axes, keepdims)
                                 : sum(x[0], axis, keepdims);
    case Op::mean:
        return all_axes          ? mean(x[0])
               : axes.size() > 1 ? mean(x[0], axes, keepdims)
                                 : mean(x[0], axis, keepdims);
    case Op::sum_to:
        return sum_to(x[0], shape);
    case Op::broadcast_to:
        return broadcast_to(x[0], shape);
    case Op::transpose:
        return axes.empty() ? transpose(x[0]) : transpose(x[0], axes);
    case Op::reshape:
        return reshape(x[0], shape);
    case Op::matmul:
        return matmul(x[0], x[1], params.at("transpose_a").get<bool>(),
                      params.at("transpose_b").get<bool>());
    case Op::linear:
        return linear(x[0], x[1], x[2]);
    case Op::softmax:
        return softmax(x[0], axis);
    case Op::log_softmax:
        return log_softmax(x[0], axis);
    case Op::binary_cross_entropy_with_logits:
        return binary_cross_entropy_with_logits(x[0], x[1]);
    case Op::sigmoid_grad:
        return sigmoid_grad(x[0], x[1]);
    case Op::tanh_grad:
        return tanh_grad(x[0], x[1]);
    case Op::relu_grad:
        return relu_grad(x[0], x[1]);
    case Op::leaky_relu_grad:
        return leaky_relu_grad(x[0], x[1], scalar);
    }
    throw std::runtime_error(std::string("differential replay: no xgrad rebuild for op ") +
                             op_info(op).name + ": add a case in tests/differential/record.hpp");
}

/// A record's graph rebuilt in xgrad: its loss, and its tensors by their ids in the record.
struct Rebuilt {
    Tensor<double> loss;
    std::map<std::string, Tensor<double>> by_id;
};

/// The record's graph rebuilt in xgrad from its graph JSON and leaf values. Only the fields
/// replay needs are read (id, kind, op, shape, is_leaf, requires_grad, params, input edges),
/// so a hand-made or shrunk graph may omit the rest and leave gaps in the ids.
inline Rebuilt rebuild(const Json& record) {
    const Json& graph = record.at("graph");
    Rebuilt out;
    std::map<std::string, Tensor<double>>& tensors = out.by_id;
    std::map<std::string, std::map<std::size_t, std::string>> inputs; // op id -> position -> tensor
    for (const Json& e : graph.at("edges"))
        if (e.at("kind") == "input")
            inputs[e.at("to").get<std::string>()][e.at("input").get<std::size_t>()] =
                e.at("from").get<std::string>();
    std::map<std::string, const Json*> nodes;
    for (const Json& n : graph.at("nodes"))
        nodes[n.at("id").get<std::string>()] = &n;
    // Tensors come in tape order, each op's result after its inputs (docs/graph-json.md).
    for (const Json& n : graph.at("nodes")) {
        if (n.at("kind") != "tensor")
            continue;
        const std::string id = n.at("id");
        const Shape shape = shape_of(n.at("shape"));
        if (n.at("is_leaf").get<bool>()) {
            tensors[id] = Tensor<double>(from_flat(record.at("leaves").at(id), shape, "leaf " + id),
                                         n.at("requires_grad").get<bool>(), n.value("label", ""));
            continue;
        }
        const std::string op_id = "op" + id.substr(1);
        if (!nodes.count(op_id))
            throw std::runtime_error("differential replay: tensor " + id + " has no op node");
        std::vector<Tensor<double>> x;
        for (const auto& [position, from] : inputs[op_id]) {
            if (!tensors.count(from))
                throw std::runtime_error("differential replay: " + op_id + " reads " + from +
                                         ", which comes later or not at all");
            x.push_back(tensors[from]);
        }
        const Json& op_node = *nodes[op_id];
        Tensor<double> t = rebuild_op(op_named(op_node.at("op")), x, op_node.at("params"), shape);
        if (t.shape() != shape)
            throw std::runtime_error("differential replay: " + op_id + " (" +
                                     op_node.at("op").get<std::string>() + ") made " +
                                     to_string(t.shape()) + ", the graph says " + to_string(shape));
        tensors[id] = t;
    }
    out.loss = tensors.at(record.at("loss").get<std::string>());
    return out;
}

} // namespace xgrad::differential
