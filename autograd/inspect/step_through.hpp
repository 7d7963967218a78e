#pragma once
// Step-through backward: the engine's own walk, one op's rule at a time, described.

#include "autograd/core/backward_options.hpp"
#include "autograd/core/backward_walk.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/inspect/dot.hpp"
#include "autograd/inspect/graph.hpp"
#include "autograd/inspect/summary.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xgrad {

/// What one step of backward did, as plain data.
struct StepInfo {
    struct Sent {
        std::size_t input_index = 0;
        std::size_t input = GraphTensor::none; ///< id in the graph
        std::string label;                     ///< input's label, or ""
        std::optional<Summary> grad;           ///< none: the input needs no gradient
    };
    std::size_t index = 0;                  ///< 0 for the first step
    std::size_t tensor = GraphTensor::none; ///< the op result whose rule ran
    Op op = Op::leaf;
    std::string op_name; ///< the op table's name, or a CustomOp's
    std::string label, scope;
    std::string rule; ///< the op's local derivative (the op table's, or a CustomOp's)
    Summary incoming; ///< G, the gradient arriving at the output
    std::vector<Sent> sent;
    /// Several lines: the op, G, the rule, what each input received.
    std::string text(std::size_t batch_size = 0) const;
};

/// Backward from `output`, one tape entry at a time, on the engine's own walk
/// (BackwardWalk): the gradients at the end are exactly those of backward().
///
///     StepThrough<double> walk(loss);
///     while (walk.step()) std::cout << walk.last().text() << walk.frame();
template <class T>
class StepThrough {
public:
    /// Takes a snapshot of the graph (for ids and frames) and seeds the walk.
    explicit StepThrough(const Tensor<T>& output, const BackwardOptions& options = {});
    ~StepThrough();
    StepThrough(const StepThrough&) = delete;
    StepThrough& operator=(const StepThrough&) = delete;

    /// Runs the next op's backward rule; false once done (leaves hold their .grad).
    bool step();
    const Graph& graph() const { return m_graph; }
    /// Every step taken so far; last() is the newest (throws before the first step).
    const std::vector<StepInfo>& steps() const { return m_steps; }
    const StepInfo& last() const;
    /// The graph with the newest step highlighted: the op running, the gradients it
    /// sends along its input edges, and every gradient gathered so far.
    std::string frame(const DotOptions& options = {}) const;

private:
    Graph m_graph;
    std::unique_ptr<BackwardWalk<T>> m_walk;
    std::vector<StepInfo> m_steps;
    std::map<std::size_t, Array<T>> m_gathered; // tensor id -> gradient gathered so far
};

extern template class StepThrough<float>;
extern template class StepThrough<double>;

} // namespace xgrad
