#pragma once
// Rank 0's model and optimiser state copied to every process at the start of a run, so that
// every process steps from the same parameters (as DistributedDataParallel does at its
// construction): a fresh run's initialisation, or a checkpoint rank 0 resumed from.

#include "nn/distributed/processes.hpp"
#include "nn/model.hpp"
#include "nn/optim.hpp"

namespace xgrad::distributed {

/// Every parameter's values (W1, b1, ... in order) and, when `optimizer` is not null, its
/// state, from rank 0 to all. Throws std::invalid_argument naming the first parameter or state
/// entry whose shape differs from rank 0's (processes started with different networks).
template <class T>
void broadcast_from_lead(Processes& processes, nn::Model<T>& model,
                         nn::Optimizer<T>* optimizer = nullptr);

} // namespace xgrad::distributed
