#include "autograd/inspect/format.hpp"

#include <cmath>
#include <cstdio>

namespace xgrad::detail {

std::string number(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

std::string dims(const Shape& shape, std::size_t batch_size, const char* separator) {
    std::string out;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i)
            out += separator;
        const bool m = batch_size > 1 && i + 1 == shape.size() && shape[i] == batch_size;
        out += m ? "m" : std::to_string(shape[i]);
    }
    return out;
}

std::string picture_dims(const Shape& shape, std::size_t batch_size, Role role) {
    if (shape.empty())
        return "scalar";
    return dims(shape, role == Role::parameter ? 0 : batch_size, " x ");
}

std::string gradient_line(const std::string& label, const Summary& grad, std::size_t batch_size,
                          Role role) {
    if (grad.size == 1 && grad.values.size() == 1)
        return grad_name(label) + " = " + number(grad.values[0]);
    return grad_name(label) + " " + picture_dims(grad.shape, batch_size, role) + "  |g| " +
           number(grad.norm);
}

std::string shape_of(const GraphTensor& tensor, std::size_t batch_size) {
    return shape_text(tensor.shape, tensor.role == Role::parameter ? 0 : batch_size);
}

std::string grad_name(const std::string& label) {
    return label.empty() ? "grad" : "d" + label;
}

std::string values_text(const Summary& s) {
    std::string out = "[";
    const std::size_t columns = s.shape.size() == 2 ? s.shape[1] : s.values.size();
    for (std::size_t i = 0; i < s.values.size(); ++i) {
        if (i)
            out += columns && i % columns == 0 ? "; " : " ";
        out += number(s.values[i]);
    }
    return out + "]";
}

std::string summary_text(const Summary& s, std::size_t batch_size, bool with_values) {
    std::string out = shape_text(s.shape, batch_size);
    if (with_values && s.size > 0 && s.size == s.values.size())
        return out + " " + values_text(s);
    out += ", norm " + number(s.norm);
    if (s.size > 0)
        out += ", min " + number(s.min) + ", max " + number(s.max) + ", mean " + number(s.mean);
    if (s.nonfinite)
        out += ", " + std::to_string(s.nonfinite) + " NaN/Inf";
    return out;
}

std::string bytes_text(std::size_t bytes) {
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    const double kib = static_cast<double>(bytes) / 1024;
    char buffer[32];
    if (kib < 1024)
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", kib);
    else
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", kib / 1024);
    return buffer;
}

std::string op_caption(const GraphTensor& t) {
    return t.op == Op::custom ? t.op_name : op_caption(t.op, t.params);
}

std::string hooks_text(const GraphTensor& t) {
    std::string out;
    if (t.hooks)
        out += ", hooks: " + std::to_string(t.hooks);
    if (t.post_accumulate_hooks)
        out += ", post-accumulate hooks: " + std::to_string(t.post_accumulate_hooks);
    return out;
}

std::string op_caption(Op op, const OpParams& p) {
    const std::string name = op_info(op).name;
    const auto axis = [&] {
        if (p.all_axes)
            return std::string();
        return " axis=" + std::to_string(p.axis) + (p.keepdims ? ", keepdims" : "");
    };
    switch (op) {
    case Op::add_scalar:
        return p.constant < 0 ? "- " + number(-p.constant) : "+ " + number(p.constant);
    case Op::mul_scalar:
        return "* " + number(p.constant);
    case Op::pow:
        return "^ " + number(p.exponent);
    case Op::leaky_relu:
        return name + " (" + number(p.slope) + ")";
    case Op::clip:
        return "clip [" + number(p.lo) + ", " + number(p.hi) + "]";
    case Op::sum:
    case Op::mean:
        return name + axis();
    case Op::softmax:
    case Op::log_softmax:
        return name + " axis=" + std::to_string(p.axis);
    case Op::matmul:
        return name + (p.transpose_a ? " A^T" : "") + (p.transpose_b ? " B^T" : "");
    default:
        return name;
    }
}

} // namespace xgrad::detail
