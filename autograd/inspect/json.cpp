// JSON, schema "xgrad-graph" version 1: see docs/graph-json.md. One node, edge or
// broadcast per line, so the file greps and diffs well.
#include "autograd/inspect/json.hpp"
#include "autograd/inspect/format.hpp"

#include <nlohmann/json.hpp>

namespace xgrad {

namespace {

// Insertion-ordered, so the fields come in the order docs/graph-json.md lists them.
using Json = nlohmann::ordered_json;

// A label is the user's bytes: invalid UTF-8 is written as U+FFFD rather than refused.
std::string dumped(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// On one line, with the spaces a reader expects: {"shape": [4, 1], "size": 4}.
std::string one_line(const Json& j) {
    if (!j.is_structured())
        return dumped(j); // NaN and Inf come out null: JSON has none (nonfinite counts them)
    std::string out;
    for (auto it = j.begin(); it != j.end(); ++it)
        out += (out.empty() ? "" : ", ") + (j.is_object() ? dumped(it.key()) + ": " : "") +
               one_line(*it);
    return j.is_object() ? "{" + out + "}" : "[" + out + "]";
}

std::vector<std::size_t> shape_json(const Shape& shape) {
    return {shape.begin(), shape.end()};
}

Json summary_json(const Summary& s) {
    Json out = {{"shape", shape_json(s.shape)},
                {"size", s.size},
                {"norm", s.norm},
                {"min", s.min},
                {"max", s.max},
                {"mean", s.mean},
                {"nonfinite", s.nonfinite}};
    if (!s.values.empty())
        out["values"] = s.values;
    return out;
}

// Schema version 1 names an op's one number "scalar" (pow's exponent, add_scalar's and
// mul_scalar's constant, leaky_relu's slope, clip's lo) and clip's hi "scalar2".
double schema_scalar(Op op, const OpParams& p) {
    switch (op) {
    case Op::pow:
        return p.exponent;
    case Op::add_scalar:
    case Op::mul_scalar:
        return p.constant;
    case Op::leaky_relu:
    case Op::leaky_relu_grad:
        return p.slope;
    case Op::clip:
        return p.lo;
    default:
        return 0;
    }
}

Json params_json(Op op, const OpParams& p) {
    return {{"scalar", schema_scalar(op, p)},
            {"scalar2", p.hi},
            {"axis", p.axis},
            {"all_axes", p.all_axes},
            {"keepdims", p.keepdims},
            {"transpose_a", p.transpose_a},
            {"transpose_b", p.transpose_b},
            {"axes", shape_json(p.axes)}};
}

std::string tensor_id(std::size_t id) {
    return "t" + std::to_string(id);
}
std::string op_id(std::size_t id) {
    return "op" + std::to_string(id);
}

// Fields every node has, tensor or op.
Json node_json(const std::string& id, const GraphTensor& t, bool op) {
    return {{"id", id},
            {"kind", op ? "op" : "tensor"},
            {"tensor", t.id},
            {"op", t.op_name},
            {"label", op ? detail::op_caption(t) : t.label},
            {"shape", shape_json(t.shape)},
            {"dtype", t.dtype},
            {"requires_grad", t.requires_grad},
            {"is_leaf", op ? false : t.is_leaf},
            {"freed", t.freed},
            {"scope", t.scope},
            {"sequence", t.sequence}};
}

Json broadcast_json(const Broadcast& b, std::size_t batch_size) {
    return {{"tensor", tensor_id(b.tensor)},
            {"op", op_id(b.tensor)},
            {"op_name", op_info(b.op).name},
            {"input", b.input_index},
            {"from", b.input == GraphTensor::none ? Json(nullptr) : Json(tensor_id(b.input))},
            {"input_label", b.input_label},
            {"from_shape", shape_json(b.from)},
            {"to_shape", shape_json(b.to)},
            {"axes", b.axes},
            {"suspicious", b.suspicious},
            {"text", b.text(batch_size)}};
}

} // namespace

std::string to_json(const Graph& graph, const JsonOptions& options) {
    Json nodes = Json::array(), edges = Json::array(), broadcasts = Json::array();
    for (const GraphTensor& t : graph.tensors) {
        Json node = node_json(tensor_id(t.id), t, false);
        node["role"] = to_string(t.role);
        node["saved_bytes"] = t.saved_bytes;
        node["value_released"] = t.value_released;
        node["value"] = options.values && !t.value_released ? summary_json(t.value) : Json(nullptr);
        node["grad"] = t.grad ? summary_json(*t.grad) : Json(nullptr);
        node["hooks"] = t.hooks;
        node["post_accumulate_hooks"] = t.post_accumulate_hooks;
        nodes.push_back(std::move(node));
        if (t.is_leaf)
            continue;
        Json op = node_json(op_id(t.id), t, true);
        op["rule"] = t.rule;
        op["custom"] = t.op == Op::custom;
        op["input_shapes"] = Json::array();
        for (const Shape& shape : t.input_shapes)
            op["input_shapes"].push_back(shape_json(shape));
        op["params"] = params_json(t.op, t.params);
        nodes.push_back(std::move(op));
        for (std::size_t i = 0; i < t.inputs.size(); ++i)
            edges.push_back({{"from", tensor_id(t.inputs[i])},
                             {"to", op_id(t.id)},
                             {"kind", "input"},
                             {"input", i}});
        edges.push_back({{"from", op_id(t.id)},
                         {"to", tensor_id(t.id)},
                         {"kind", "output"},
                         {"input", nullptr}});
    }
    for (const Broadcast& b : graph.broadcasts)
        broadcasts.push_back(broadcast_json(b, options.batch_size));

    const Json document = {
        {"schema", "xgrad-graph"},
        {"version", 1},
        {"dtype", graph.tensors.empty() ? "float64" : graph.tensors.front().dtype},
        {"batch_size", options.batch_size ? Json(options.batch_size) : Json(nullptr)},
        {"nodes", nodes},
        {"edges", edges},
        {"broadcasts", broadcasts},
        {"warnings", graph.warnings}};
    // A field to a line, and each array's items one to a line.
    std::string out = "{\n";
    for (auto field = document.begin(); field != document.end(); ++field) {
        out += "  " + dumped(field.key()) + ": ";
        if (!field->is_array() || field->empty()) {
            out += one_line(*field);
        } else {
            out += "[";
            for (std::size_t i = 0; i < field->size(); ++i)
                out += (i ? ",\n    " : "\n    ") + one_line((*field)[i]);
            out += "\n  ]";
        }
        out += std::next(field) == document.end() ? "\n" : ",\n";
    }
    return out + "}\n";
}

} // namespace xgrad
