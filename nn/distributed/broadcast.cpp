#include "nn/distributed/broadcast.hpp"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::distributed {

namespace {
// One array from rank 0, after checking that every rank holds the same shape: a rank with
// another network would otherwise read past its array or wait for bytes never sent.
template <class T>
void broadcast_array(Processes& processes, const std::string& name, T* data, const Shape& shape) {
    std::vector<std::uint64_t> dims(shape.begin(), shape.end());
    std::uint64_t rank_count[2] = {dims.size(), 0};
    for (std::uint64_t d : dims)
        rank_count[1] = rank_count[1] * 1000003u + d;
    std::uint64_t lead[2] = {rank_count[0], rank_count[1]};
    MPI_Request request;
    MPI_Ibcast(lead, 2, MPI_UINT64_T, 0, processes.comm(), &request);
    processes.wait(&request, 1, "the broadcast of " + name + "'s shape");
    if (lead[0] != rank_count[0] || lead[1] != rank_count[1])
        throw std::invalid_argument("broadcast from rank 0: " + name + " has shape " +
                                    to_string(shape) + " on " +
                                    processes.describe(processes.rank()) +
                                    " but another shape on rank 0: start every process with "
                                    "the same network");
    std::size_t size = 1;
    for (std::uint64_t d : dims)
        size *= d;
    if (size == 0)
        return;
    MPI_Ibcast(data, static_cast<int>(size), mpi_type<T>(), 0, processes.comm(), &request);
    processes.wait(&request, 1, "the broadcast of " + name);
}
} // namespace

template <class T>
void broadcast_from_lead(Processes& processes, nn::Model<T>& model, nn::Optimizer<T>* optimizer) {
    for (auto& p : model.parameters())
        broadcast_array(processes, p.name, p.tensor.data().data(), p.tensor.shape());
    if (!optimizer)
        return;
    // The state's keys are ordered (a std::map) and made from the model's names, so every
    // process walks them in the same order.
    std::map<std::string, Array<T>> state = optimizer->state();
    if (state.empty())
        return;
    for (auto& [key, value] : state)
        broadcast_array(processes, std::string(optimizer->name()) + "'s " + key, value.data(),
                        value.shape());
    optimizer->load_state(state);
}

template void broadcast_from_lead(Processes&, nn::Model<float>&, nn::Optimizer<float>*);
template void broadcast_from_lead(Processes&, nn::Model<double>&, nn::Optimizer<double>*);

} // namespace xgrad::distributed
