// JSON, schema "xgrad-graph" version 1: see docs/graph-json.md. One node, edge or
// broadcast per line, so the file greps and diffs well.
#include "autograd/inspect/json.hpp"
#include "autograd/inspect/format.hpp"

#include <cmath>
#include <cstdio>

namespace xgrad {

namespace {

std::string string_json(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

// JSON has no NaN or Inf: they are written null (Summary::nonfinite counts them).
std::string number_json(double value) {
    if (!std::isfinite(value))
        return "null";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

std::string bool_json(bool value) {
    return value ? "true" : "false";
}

std::string shape_json(const Shape& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

std::string summary_json(const Summary& s) {
    std::string out = "{\"shape\": " + shape_json(s.shape) +
                      ", \"size\": " + std::to_string(s.size) +
                      ", \"norm\": " + number_json(s.norm) + ", \"min\": " + number_json(s.min) +
                      ", \"max\": " + number_json(s.max) + ", \"mean\": " + number_json(s.mean) +
                      ", \"nonfinite\": " + std::to_string(s.nonfinite);
    if (!s.values.empty()) {
        out += ", \"values\": [";
        for (std::size_t i = 0; i < s.values.size(); ++i)
            out += (i ? ", " : "") + number_json(s.values[i]);
        out += "]";
    }
    return out + "}";
}

// Schema version 1 names an op's one number "scalar" (pow's exponent, add_scalar's and
// mul_scalar's constant, leaky_relu's slope, clip's lo) and clip's hi "scalar2".
double schema_scalar(Op op, const OpParams& p) {
    switch (op) {
    case Op::pow: return p.exponent;
    case Op::add_scalar:
    case Op::mul_scalar: return p.constant;
    case Op::leaky_relu:
    case Op::leaky_relu_grad: return p.slope;
    case Op::clip: return p.lo;
    default: return 0;
    }
}

std::string params_json(Op op, const OpParams& p) {
    return "{\"scalar\": " + number_json(schema_scalar(op, p)) + ", \"scalar2\": " + number_json(p.hi) +
           ", \"axis\": " + std::to_string(p.axis) + ", \"all_axes\": " + bool_json(p.all_axes) +
           ", \"keepdims\": " + bool_json(p.keepdims) +
           ", \"transpose_a\": " + bool_json(p.transpose_a) +
           ", \"transpose_b\": " + bool_json(p.transpose_b) + "}";
}

std::string tensor_id(std::size_t id) {
    return string_json("t" + std::to_string(id));
}
std::string op_id(std::size_t id) {
    return string_json("op" + std::to_string(id));
}

// Fields every node has, tensor or op.
std::string common_json(const GraphTensor& t, bool op) {
    return "\"kind\": " + string_json(op ? "op" : "tensor") +
           ", \"tensor\": " + std::to_string(t.id) +
           ", \"op\": " + string_json(op_info(t.op).name) +
           ", \"label\": " + string_json(op ? detail::op_caption(t.op, t.params) : t.label) +
           ", \"shape\": " + shape_json(t.shape) + ", \"dtype\": " + string_json(t.dtype) +
           ", \"requires_grad\": " + bool_json(t.requires_grad) +
           ", \"is_leaf\": " + bool_json(op ? false : t.is_leaf) +
           ", \"freed\": " + bool_json(t.freed) + ", \"scope\": " + string_json(t.scope) +
           ", \"sequence\": " + std::to_string(t.sequence);
}

template <class Items, class Write>
std::string array_json(const char* name, const Items& items, Write write, bool last = false) {
    std::string out = "  " + string_json(name) + ": [";
    bool first = true;
    for (const auto& item : items) {
        const std::string text = write(item);
        if (text.empty())
            continue;
        out += (first ? "\n    " : ",\n    ") + text;
        first = false;
    }
    out += first ? "]" : "\n  ]";
    return out + (last ? "\n" : ",\n");
}

} // namespace

std::string to_json(const Graph& graph, const JsonOptions& options) {
    std::string out = "{\n  \"schema\": \"xgrad-graph\",\n  \"version\": 1,\n";
    out += "  \"dtype\": " +
           string_json(graph.tensors.empty() ? "float64" : graph.tensors.front().dtype) + ",\n";
    out += "  \"batch_size\": " +
           (options.batch_size ? std::to_string(options.batch_size) : std::string("null")) + ",\n";

    std::vector<std::string> nodes;
    std::vector<std::string> edges;
    for (const GraphTensor& t : graph.tensors) {
        std::string node = "{\"id\": " + tensor_id(t.id) + ", " + common_json(t, false) +
                           ", \"role\": " + string_json(to_string(t.role)) +
                           ", \"saved_bytes\": " + std::to_string(t.saved_bytes);
        node += ", \"value\": " + (options.values ? summary_json(t.value) : std::string("null"));
        node += ", \"grad\": " + (t.grad ? summary_json(*t.grad) : std::string("null")) + "}";
        nodes.push_back(std::move(node));
        if (t.is_leaf)
            continue;
        std::string op = "{\"id\": " + op_id(t.id) + ", " + common_json(t, true) +
                         ", \"rule\": " + string_json(op_info(t.op).rule) + ", \"input_shapes\": [";
        for (std::size_t i = 0; i < t.input_shapes.size(); ++i)
            op += (i ? ", " : "") + shape_json(t.input_shapes[i]);
        op += "], \"params\": " + params_json(t.op, t.params) + "}";
        nodes.push_back(std::move(op));
        for (std::size_t i = 0; i < t.inputs.size(); ++i)
            edges.push_back("{\"from\": " + tensor_id(t.inputs[i]) + ", \"to\": " + op_id(t.id) +
                            ", \"kind\": \"input\", \"input\": " + std::to_string(i) + "}");
        edges.push_back("{\"from\": " + op_id(t.id) + ", \"to\": " + tensor_id(t.id) +
                        ", \"kind\": \"output\", \"input\": null}");
    }
    const auto same = [](const std::string& s) { return s; };
    out += array_json("nodes", nodes, same);
    out += array_json("edges", edges, same);
    out += array_json("broadcasts", graph.broadcasts, [&](const Broadcast& b) {
        std::string axes = "[";
        for (std::size_t k = 0; k < b.axes.size(); ++k)
            axes += (k ? ", " : "") + std::to_string(b.axes[k]);
        return "{\"tensor\": " + tensor_id(b.tensor) + ", \"op\": " + op_id(b.tensor) +
               ", \"op_name\": " + string_json(op_info(b.op).name) +
               ", \"input\": " + std::to_string(b.input_index) + ", \"from\": " +
               (b.input == GraphTensor::none ? std::string("null") : tensor_id(b.input)) +
               ", \"input_label\": " + string_json(b.input_label) +
               ", \"from_shape\": " + shape_json(b.from) + ", \"to_shape\": " + shape_json(b.to) +
               ", \"axes\": " + axes + "], \"suspicious\": " + bool_json(b.suspicious) +
               ", \"text\": " + string_json(b.text(options.batch_size)) + "}";
    });
    out += array_json("warnings", graph.warnings, string_json, true);
    return out + "}\n";
}

} // namespace xgrad
