// The text dump: a table with one line per tensor, then the broadcast ledger.
#include "autograd/inspect/text.hpp"
#include "autograd/inspect/format.hpp"

#include <algorithm>
#include <array>

namespace xgrad {

namespace {
constexpr std::size_t columns = 11;
using Row = std::array<std::string, columns>;
} // namespace

std::string to_text(const Graph& graph, const TextOptions& options) {
    const std::size_t m = options.batch_size;
    std::vector<Row> rows;
    rows.push_back({"#", "seq", "op", "label", "inputs", "shape", "dtype", "requires_grad", "saved",
                    "gradient", "scope"});
    std::size_t outputs = 0;
    for (const GraphTensor& t : graph.tensors) {
        Row row;
        row[0] = std::to_string(t.id);
        row[1] = t.is_leaf ? "-" : std::to_string(t.sequence);
        row[2] = (t.is_leaf ? std::string("leaf (") + to_string(t.role) + ")"
                            : detail::op_caption(t) + (t.freed ? " (freed)" : "")) +
                 detail::hooks_text(t);
        row[3] = t.label.empty() ? "-" : t.label;
        if (t.is_leaf) {
            row[4] = "-";
        } else if (t.inputs.empty()) { // freed: only the shapes are left
            row[4] = "freed:";
            for (const Shape& s : t.input_shapes)
                row[4] += " " + shape_text(s, m);
        } else {
            for (std::size_t input : t.inputs)
                row[4] += (row[4].empty() ? "#" : " #") + std::to_string(input);
        }
        row[5] = detail::shape_of(t, m);
        row[6] = t.dtype;
        row[7] = t.requires_grad ? "yes" : "no";
        row[8] = t.value_released ? "released" : detail::bytes_text(t.saved_bytes);
        row[9] = t.grad ? detail::grad_name(t.label) + " " +
                              shape_text(t.grad->shape, t.role == Role::parameter ? 0 : m) +
                              " norm " + detail::number(t.grad->norm)
                        : "-";
        row[10] = t.scope;
        rows.push_back(std::move(row));
        outputs += t.role == Role::output;
    }

    std::array<std::size_t, columns> width{};
    for (const Row& row : rows)
        for (std::size_t c = 0; c < columns; ++c)
            width[c] = std::max(width[c], row[c].size());
    std::string out = "graph: " + std::to_string(graph.tensors.size()) + " tensors, " +
                      std::to_string(graph.op_count()) + " ops, " + std::to_string(outputs) +
                      (outputs == 1 ? " output" : " outputs");
    if (!graph.tensors.empty())
        out += ", " + std::string(graph.tensors.front().dtype);
    if (m > 1)
        out += ", m = " + std::to_string(m);
    out += "\n";
    for (const Row& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < columns; ++c) {
            // Numbers right-aligned, text left-aligned; no padding after the last column.
            const std::string pad(width[c] - row[c].size(), ' ');
            line += c < 2 ? pad + row[c] : row[c] + (c + 1 < columns ? pad : "");
            if (c + 1 < columns)
                line += "  ";
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    out += "seq: the op's place on the tape, in recording order (- for a leaf); saved: the bytes "
           "kept for backward (released: no rule reads the values)\n";

    out += "broadcasts";
    if (graph.broadcasts.empty()) {
        out += ": none\n";
    } else {
        out += " (implicit; backward sums each gradient back to its input's shape):\n";
        for (const Broadcast& b : graph.broadcasts)
            out += "  " + b.text(m) + "  [#" + std::to_string(b.tensor) + "]\n";
    }
    // Custom ops have no row in the op table to look their rule up in: it is written here.
    std::vector<std::string> custom;
    for (const GraphTensor& t : graph.tensors)
        if (t.op == Op::custom &&
            std::find(custom.begin(), custom.end(), t.op_name) == custom.end()) {
            custom.push_back(t.op_name);
            out += (custom.size() == 1 ? "custom ops:\n" : "") + std::string("  ") + t.op_name +
                   ": " + t.rule + "\n";
        }
    for (const std::string& w : graph.warnings)
        out += "warning: " + w + "\n";
    return out;
}

} // namespace xgrad
