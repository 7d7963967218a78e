// Graphviz DOT: tensors as boxes, ops as ellipses, one colour per role.
#include "autograd/inspect/dot.hpp"
#include "autograd/inspect/format.hpp"
#include "autograd/inspect/text.hpp"

#include <set>

namespace xgrad {

namespace {

// The palette: parameters yellow, inputs blue, the output red, gradients dark red.
struct Look {
    const char* fill;
    const char* border;
    const char* style;
};
constexpr Look parameter_look{"#fff2cc", "#d6b656", "rounded,filled"};
constexpr Look input_look{"#dae8fc", "#6c8ebf", "filled"};
constexpr Look intermediate_look{"#ffffff", "#666666", "rounded,filled"};
constexpr Look output_look{"#f8cecc", "#b85450", "rounded,filled"};
constexpr Look op_look{"#eeeeee", "#999999", "filled"};
constexpr const char* grad_colour = "#a61c00";
constexpr const char* broadcast_colour = "#d79b00";
constexpr const char* warning_colour = "#cc0000";
constexpr const char* current_fill = "#ffe599";
constexpr const char* font = "Helvetica,Arial,sans-serif";

const Look& look_of(Role role) {
    switch (role) {
    case Role::parameter:
        return parameter_look;
    case Role::input:
        return input_look;
    case Role::intermediate:
        return intermediate_look;
    case Role::output:
        return output_look;
    }
    return intermediate_look;
}

// Text inside an HTML-like label <...>.
std::string html(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\n':
            out += "<br/>";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// A quoted DOT string; `newline` is what a line break becomes ("\\n" centred, "\\l" left).
std::string dot_string(const std::string& text, const char* newline = "\\n") {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\', out += c;
        else if (c == '\n')
            out += newline;
        else if (c != '\r')
            out += c;
    }
    return out + "\"";
}

std::string dims_of(const GraphTensor& t, const Shape& shape, std::size_t m) {
    return detail::picture_dims(shape, m, t.role);
}

std::string tensor_label(const GraphTensor& t, const DotOptions& o) {
    std::string shape = dims_of(t, t.shape, o.batch_size);
    if (t.value_released)
        shape += " (values released)";
    else if (t.value.size == 1 && t.value.values.size() == 1)
        shape += " = " + detail::number(t.value.values[0]);
    std::string out =
        t.label.empty()
            ? html(shape)
            : "<b>" + html(t.label) + "</b><br/><font point-size=\"10\">" + html(shape) + "</font>";
    if (o.values && t.value.size > 1 && !t.value_released)
        out += "<br/><font point-size=\"9\" color=\"#555555\">" +
               html("min " + detail::number(t.value.min) + "  max " + detail::number(t.value.max) +
                    "  mean " + detail::number(t.value.mean)) +
               "</font>";
    std::string grad;
    if (o.step) {
        if (const auto it = o.step->gradients.find(t.id); it != o.step->gradients.end())
            grad = it->second;
    } else if (o.grads && t.grad) {
        grad = detail::gradient_line(t.label, *t.grad, o.batch_size, t.role);
        if (o.grad_summaries && t.grad->size > 1)
            grad += "\nmin " + detail::number(t.grad->min) + "  max " +
                    detail::number(t.grad->max) + "  mean " + detail::number(t.grad->mean);
    }
    if (!grad.empty())
        out += "<br/><font point-size=\"10\" color=\"" + std::string(grad_colour) + "\">" +
               html(grad) + "</font>";
    else if (o.step && t.requires_grad) // a placeholder keeps node sizes, so frames line up
        out += "<br/><font point-size=\"10\" color=\"#aaaaaa\">" +
               html(detail::grad_name(t.label) + ": not yet") + "</font>";
    return "<" + out + ">";
}

// The legend's rows: entries two to a row, so it stays short above a wide graph.
std::string legend_rows(const DotOptions& o) {
    std::vector<std::string> entries;
    const auto entry = [&](const Look* look, const std::string& sample, const std::string& text) {
        const std::string cell = look ? "<td bgcolor=\"" + std::string(look->fill) + "\" color=\"" +
                                            look->border + "\" border=\"1\">" + sample + "</td>"
                                      : "<td>" + sample + "</td>";
        entries.push_back(cell + "<td align=\"left\">" + text + "</td>");
    };
    entry(&parameter_look, "W[l], b[l]", "parameter (leaf, requires grad)");
    entry(&input_look, "X, Y", "input (leaf, no grad)");
    entry(&intermediate_look, "Z[l], A[l]", "intermediate tensor");
    entry(&op_look, "op", "operation (hover: its backward rule)");
    entry(&output_look, "J, L", "output: the loss, where backward starts");
    entry(nullptr, "<font color=\"" + std::string(broadcast_colour) + "\"><b>-&gt;</b></font>",
          "broadcast: backward sums the gradient back");
    entry(nullptr, "<font color=\"" + std::string(grad_colour) + "\">dW[l]</font>",
          "gradient held by the tensor");
    if (o.batch_size > 1)
        entry(nullptr, "m", std::to_string(o.batch_size) + " examples, one per column");
    std::string rows;
    for (std::size_t i = 0; i < entries.size(); i += 2)
        rows += "<tr>" + entries[i] + (i + 1 < entries.size() ? entries[i + 1] : "") + "</tr>";
    return rows;
}

// The graph's label: title, the step's caption (monospace, left-aligned), the legend.
std::string graph_label(const DotOptions& o) {
    std::string rows;
    if (!o.title.empty())
        rows += "<tr><td colspan=\"4\" align=\"left\"><font point-size=\"14\"><b>" + html(o.title) +
                "</b></font></td></tr>";
    if (o.step && !o.step->caption.empty()) {
        std::string lines;
        std::size_t start = 0;
        const std::string& caption = o.step->caption;
        while (start < caption.size()) {
            std::size_t end = caption.find('\n', start);
            if (end == std::string::npos)
                end = caption.size();
            lines += html(caption.substr(start, end - start)) + "<br align=\"left\"/>";
            start = end + 1;
        }
        rows += "<tr><td colspan=\"4\" align=\"left\" balign=\"left\"><font face=\"DejaVu Sans "
                "Mono,Courier,monospace\" point-size=\"11\">" +
                lines + "</font></td></tr>";
    }
    if (o.legend)
        rows += legend_rows(o);
    if (rows.empty())
        return "";
    return "<<table border=\"0\" cellborder=\"0\" cellspacing=\"2\" cellpadding=\"3\">" + rows +
           "</table>>";
}

} // namespace

std::string to_dot(const Graph& graph, const DotOptions& o) {
    const std::size_t m = o.batch_size;
    const DotStep* step = o.step;
    std::string out = "digraph xgrad {\n";
    out += "  graph [rankdir=" + dot_string(o.rankdir == "TB" ? "TB" : "LR") +
           ", nodesep=0.25, ranksep=0.3, fontname=" + dot_string(font) + ", fontsize=11";
    if (const std::string label = graph_label(o); !label.empty())
        out += ", label=" + label + ", labelloc=t, labeljust=l";
    out += "];\n";
    out += "  node [fontname=" + dot_string(font) + ", fontsize=12, penwidth=1.2];\n";
    out += "  edge [fontname=" + dot_string(font) +
           ", fontsize=9, color=\"#555555\", arrowsize=0.7];\n";

    std::set<std::pair<std::size_t, std::size_t>> broadcast_edges, suspicious_edges;
    std::map<std::pair<std::size_t, std::size_t>, std::string> broadcast_labels;
    for (const Broadcast& b : graph.broadcasts) {
        const auto key = std::make_pair(b.tensor, b.input_index);
        (b.suspicious ? suspicious_edges : broadcast_edges).insert(key);
        const std::string from = detail::dims(b.from, 0, ",");
        const std::string to = detail::dims(b.to, m, ",");
        std::string axes;
        for (std::size_t a : b.axes)
            axes += (axes.empty() ? "" : ",") + std::to_string(a);
        broadcast_labels[key] = (b.suspicious ? "!! " : "") + std::string("(") + from + ") -> (" +
                                to + ")\nbackward: sum axis " + (axes.empty() ? "-" : axes);
    }

    // One dashed box per Scope (layer): its ops, their results, and the parameters they use.
    std::vector<std::string> cluster(graph.tensors.size());
    if (o.clusters) {
        std::vector<std::size_t> first_user(graph.tensors.size(), GraphTensor::none);
        for (const GraphTensor& t : graph.tensors)
            for (std::size_t input : t.inputs)
                if (first_user[input] == GraphTensor::none)
                    first_user[input] = t.id;
        for (const GraphTensor& t : graph.tensors)
            cluster[t.id] = t.role == Role::parameter && first_user[t.id] != GraphTensor::none
                                ? graph.tensors[first_user[t.id]].scope
                                : t.scope;
    }

    for (const GraphTensor& t : graph.tensors) {
        const Look& look = look_of(t.role);
        const bool current = step && step->current == t.id;
        const std::string tooltip = (t.label.empty() ? "#" + std::to_string(t.id) : t.label) + " " +
                                    shape_text(t.shape, t.role == Role::parameter ? 0 : m) + ", " +
                                    to_string(t.role) + ", " + t.dtype +
                                    (t.scope.empty() ? "" : ", " + t.scope);
        out += "  t" + std::to_string(t.id) + " [shape=box, style=" + dot_string(look.style) +
               ", fillcolor=" + dot_string(look.fill) +
               ", color=" + dot_string(current ? grad_colour : look.border) +
               ", label=" + tensor_label(t, o) + ", tooltip=" + dot_string(tooltip);
        if (t.role == Role::output)
            out += ", peripheries=2";
        if (current)
            out += ", penwidth=2.5";
        out += "];\n";
        if (t.is_leaf)
            continue;

        const std::string op = "op" + std::to_string(t.id);
        std::string caption = detail::op_caption(t);
        if (t.freed)
            caption += "\n(freed)";
        out += "  " + op +
               " [shape=ellipse, style=" + dot_string(t.freed ? "dashed,filled" : "filled") +
               ", fillcolor=" + dot_string(current ? current_fill : op_look.fill) +
               ", color=" + dot_string(current ? grad_colour : op_look.border) +
               ", fontsize=10, margin=\"0.04,0.02\", height=0.3, label=" + dot_string(caption) +
               ", tooltip=" + dot_string(t.rule) + (current ? ", penwidth=2.5" : "") + "];\n";
        // Heavy edges along the chain of results keep it straight; parameters hang beside it.
        out += "  " + op + " -> t" + std::to_string(t.id) + " [weight=8];\n";
        for (std::size_t i = 0; i < t.inputs.size(); ++i) {
            const std::size_t input = t.inputs[i];
            const auto key = std::make_pair(t.id, i);
            std::vector<std::string> attributes;
            if (!graph.tensors[input].is_leaf)
                attributes.push_back("weight=8");
            // Room between two layers' boxes for the next layer's parameters: boxes whose
            // ranks overlap are stacked, and the graph would climb down a staircase.
            if (!cluster[t.id].empty() && !cluster[input].empty() &&
                cluster[input] != cluster[t.id])
                attributes.push_back("minlen=2");
            const std::string* sent = nullptr;
            if (current)
                if (const auto it = step->sent.find(input); it != step->sent.end())
                    sent = &it->second;
            if (sent) {
                // The gradient flows against the edge: the arrow points at the input. An
                // xlabel, placed after layout, keeps every frame's layout the same.
                attributes.insert(attributes.end(),
                                  {"color=" + dot_string(grad_colour),
                                   "fontcolor=" + dot_string(grad_colour), "penwidth=2.5",
                                   "dir=back", "xlabel=" + dot_string(*sent)});
                if (broadcast_edges.count(key) || suspicious_edges.count(key))
                    attributes.push_back("label=" + dot_string(broadcast_labels[key]));
            } else if (suspicious_edges.count(key)) {
                attributes.insert(attributes.end(),
                                  {"color=" + dot_string(warning_colour),
                                   "fontcolor=" + dot_string(warning_colour), "penwidth=2",
                                   "label=" + dot_string(broadcast_labels[key])});
            } else if (broadcast_edges.count(key)) {
                attributes.insert(attributes.end(),
                                  {"color=" + dot_string(broadcast_colour),
                                   "fontcolor=" + dot_string(broadcast_colour), "penwidth=1.6",
                                   "label=" + dot_string(broadcast_labels[key])});
            }
            out += "  t" + std::to_string(input) + " -> " + op;
            if (!attributes.empty()) {
                out += " [";
                for (std::size_t k = 0; k < attributes.size(); ++k)
                    out += (k ? ", " : "") + attributes[k];
                out += "]";
            }
            out += ";\n";
        }
    }
    if (o.clusters) {
        std::vector<std::string> scopes;
        std::map<std::string, std::string> members;
        for (const GraphTensor& t : graph.tensors) {
            const std::string& scope = cluster[t.id];
            if (scope.empty())
                continue;
            if (!members.count(scope))
                scopes.push_back(scope);
            members[scope] += " t" + std::to_string(t.id) + ";";
            if (!t.is_leaf)
                members[scope] += " op" + std::to_string(t.id) + ";";
        }
        for (std::size_t k = 0; k < scopes.size(); ++k)
            out += "  subgraph cluster_" + std::to_string(k) + " { label=" + dot_string(scopes[k]) +
                   "; fontname=" + dot_string(font) +
                   "; fontsize=10; fontcolor=\"#777777\"; style=\"rounded,dashed\"; "
                   "color=\"#bbbbbb\";" +
                   members[scopes[k]] + " }\n";
    }
    out += "}\n";
    return out;
}

} // namespace xgrad
