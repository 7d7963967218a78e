#pragma once
// The interface of a layer that a Sequential holds, as torch.nn.Module is to nn.Sequential:
// a forward pass told whether it is training, its parameters (what optimisers update), a name,
// and the state that is not a parameter (BatchNorm's running averages) for checkpoints.
//
// A user's own layer derives from Layer and writes forward() with the engine's ops: its
// backward is the engine's, as for every layer here.

#include "autograd/autograd.hpp"
#include "nn/named_tensor.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace xgrad::nn {

template <class T = double>
class Layer {
public:
    virtual ~Layer() = default;

    /// The layer's output for A_prev (one column per example). `training` is true in the
    /// passes that train (dropout drops, batch norm uses the batch's statistics and updates
    /// its running averages) and false in evaluation and prediction.
    virtual Tensor<T> forward(const Tensor<T>& A_prev, bool training) = 0;

    /// "Dense 3 -> 4", "BatchNorm 4", ...: shown in summaries, scopes and checkpoints (a
    /// checkpoint loads only into layers of the same names).
    virtual std::string name() const = 0;

    /// The parameters, keyed without the layer's number ("W", "b", "gamma", "beta"): leaves
    /// that require a gradient and share the layer's data. None by default.
    virtual std::vector<NamedTensor<T>> parameters() const { return {}; }

    /// State kept across passes that is not trained (BatchNorm's "running_mean" and
    /// "running_var"), saved in checkpoints beside the parameters. None by default.
    virtual std::map<std::string, Array<T>> buffers() const { return {}; }
    /// Sets buffers() from values of its keys and shapes; the caller checked them.
    virtual void load_buffers(const std::map<std::string, Array<T>>& values) { (void)values; }

    /// The layer's place l (1-based) in its model, for labels such as W[l]; by default unused.
    virtual void number(std::size_t l) { (void)l; }
};

} // namespace xgrad::nn
