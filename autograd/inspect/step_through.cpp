#include "autograd/inspect/step_through.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/scalar_types.hpp"
#include "autograd/inspect/format.hpp"

namespace xgrad {

std::string StepInfo::text(std::size_t m) const {
    std::string out = "step " + std::to_string(index + 1) + ": " + op_name + " #" +
                      std::to_string(tensor) + (label.empty() ? "" : " -> " + label) +
                      (scope.empty() ? "" : "  [" + scope + "]") + "\n";
    out += "  incoming " + (label.empty() ? std::string("G") : detail::grad_name(label)) + " " +
           detail::summary_text(incoming, m, true) + "\n";
    out += "  rule     " + rule + "\n";
    for (const Sent& s : sent) {
        const std::string to = s.label.empty() ? "#" + std::to_string(s.input) : s.label;
        out += "  input " + std::to_string(s.input_index) + "  " + to + ": ";
        out += s.grad ? "receives " +
                            (s.label.empty() ? std::string("grad") : detail::grad_name(s.label)) +
                            " " + detail::summary_text(*s.grad, m, true)
                      : std::string("needs no gradient");
        out += "\n";
    }
    return out;
}

template <class T>
StepThrough<T>::StepThrough(const Tensor<T>& output, const BackwardOptions& options)
    : m_graph(inspect(output)),
      m_walk(std::make_unique<BackwardWalk<T>>(std::vector<Tensor<T>>{output},
                                               std::vector<Tensor<T>>{}, options)) {
    // The seed is the first gradient gathered: dL = 1 at the loss.
    if (const GraphTensor* root = m_graph.find(output))
        m_gathered.emplace(root->id, Array<T>(xt::ones<T>(output.shape())));
}

template <class T>
StepThrough<T>::~StepThrough() = default;

template <class T>
bool StepThrough<T>::step() {
    BackwardStep<T> report;
    if (!m_walk->step(&report))
        return false;
    const auto id_of = [&](const Tensor<T>& t) {
        const GraphTensor* g = m_graph.find(t);
        return g ? g->id : GraphTensor::none;
    };
    StepInfo info;
    info.index = m_steps.size();
    info.tensor = id_of(report.node);
    info.op = report.node.op();
    info.label = report.node.label();
    info.scope = report.node.scope();
    info.op_name = report.node.op_name();
    info.rule = report.node.op_rule();
    info.incoming = summarize(report.grad.value());
    if (info.tensor != GraphTensor::none)
        m_gathered[info.tensor] = report.grad.value();
    for (std::size_t i = 0; i < report.inputs.size(); ++i) {
        StepInfo::Sent sent;
        sent.input_index = i;
        sent.input = id_of(report.inputs[i]);
        if (report.inputs[i].defined())
            sent.label = report.inputs[i].label();
        const Tensor<T>& g = report.input_grads[i];
        if (g.defined()) {
            sent.grad = summarize(g.value());
            if (sent.input != GraphTensor::none) {
                auto it = m_gathered.find(sent.input);
                if (it == m_gathered.end())
                    m_gathered.emplace(sent.input, g.value());
                else
                    it->second += g.value();
            }
        }
        info.sent.push_back(std::move(sent));
    }
    m_steps.push_back(std::move(info));
    return true;
}

template <class T>
const StepInfo& StepThrough<T>::last() const {
    if (m_steps.empty())
        throw GraphError("StepThrough::last: no step taken yet; call step()");
    return m_steps.back();
}

template <class T>
std::string StepThrough<T>::frame(const DotOptions& options) const {
    DotStep step;
    for (const auto& [id, g] : m_gathered) {
        const GraphTensor& t = m_graph.tensors[id];
        step.gradients[id] =
            detail::gradient_line(t.label, summarize(g), options.batch_size, t.role);
    }
    if (m_steps.empty()) {
        step.caption = "before backward: the seed, d(output) = 1";
    } else {
        const StepInfo& info = m_steps.back();
        step.current = info.tensor;
        for (const StepInfo::Sent& s : info.sent)
            if (s.grad && s.input != GraphTensor::none)
                step.sent[s.input] =
                    (s.label.empty() ? std::string("grad") : detail::grad_name(s.label)) + " " +
                    detail::picture_dims(s.grad->shape, options.batch_size,
                                         m_graph.tensors[s.input].role);
        step.caption = info.text(options.batch_size);
    }
    DotOptions with_step = options;
    with_step.step = &step;
    return to_dot(m_graph, with_step);
}

template class StepThrough<float>;
template class StepThrough<double>;

} // namespace xgrad
