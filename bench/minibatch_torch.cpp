// LibTorch's column of the fashion10 configuration, as a LibTorch user writes the loop: the
// training set example-major (torch's layout, copied once in init()), index_select of each
// batch's rows, torch::nn::functional::linear (addmm, as torch's Linear), relu, cross_entropy,
// torch::optim::Adam, its learning rate set per epoch.
#include "minibatch.hpp"

#include <torch/torch.h>

namespace xgrad::bench {

namespace {

template <class T>
constexpr c10::ScalarType epoch_dtype() {
    return std::is_same<T, float>::value ? torch::kFloat32 : torch::kFloat64;
}

template <class T>
class EpochTorch final : public EpochColumn {
public:
    explicit EpochTorch(const EpochProblem<T>& p) : m_p(p) {}

    void init() override {
        const auto options = torch::TensorOptions().dtype(epoch_dtype<T>());
        const auto n_x = std::int64_t(m_p.layers[0]), m = std::int64_t(m_p.m);
        m_X = torch::from_blob(const_cast<T*>(m_p.X.data()), {n_x, m}, options).t().contiguous();
        m_labels = torch::from_blob(const_cast<int*>(m_p.label.data()), {m},
                                    torch::TensorOptions().dtype(torch::kInt32))
                       .to(torch::kInt64);
        m_parameters.clear();
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            const auto n = std::int64_t(m_p.layers[l]), k = std::int64_t(m_p.layers[l - 1]);
            m_parameters.push_back(
                torch::from_blob(const_cast<T*>(m_p.W[l].data()), {n, k}, options)
                    .clone()
                    .requires_grad_(true));
            m_parameters.push_back(torch::from_blob(const_cast<T*>(m_p.b[l].data()), {n}, options)
                                       .clone()
                                       .requires_grad_(true));
        }
        m_optimizer = std::make_unique<torch::optim::Adam>(
            m_parameters, torch::optim::AdamOptions(m_p.learning_rate).eps(1e-8));
    }

    void epoch(std::size_t e) override {
        for (auto& group : m_optimizer->param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(m_p.alpha(e));
        const torch::Tensor order =
            torch::from_blob(const_cast<std::int64_t*>(m_p.order[e].data()), {std::int64_t(m_p.m)},
                             torch::TensorOptions().dtype(torch::kInt64));
        namespace F = torch::nn::functional;
        for (std::size_t start = 0; start < m_p.m; start += m_p.batch) {
            const auto count = std::int64_t(std::min(m_p.batch, m_p.m - start));
            const torch::Tensor rows = order.narrow(0, std::int64_t(start), count);
            torch::Tensor A = m_X.index_select(0, rows);
            const torch::Tensor y = m_labels.index_select(0, rows);
            const std::size_t L = m_p.L();
            for (std::size_t l = 1; l < L; ++l)
                A = torch::relu(F::linear(A, m_parameters[2 * l - 2], m_parameters[2 * l - 1]));
            const torch::Tensor J =
                F::cross_entropy(F::linear(A, m_parameters[2 * L - 2], m_parameters[2 * L - 1]), y);
            m_optimizer->zero_grad();
            J.backward();
            m_optimizer->step();
            m_cost = J.item<double>();
        }
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (const torch::Tensor& p : m_parameters) {
            const torch::Tensor d = p.detach().to(torch::kFloat64).contiguous();
            out.emplace_back(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
        }
        return out;
    }

private:
    const EpochProblem<T>& m_p;
    torch::Tensor m_X, m_labels;
    std::vector<torch::Tensor> m_parameters;
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<EpochColumn> make_epoch_torch(const EpochProblem<T>& p) {
    return std::make_unique<EpochTorch<T>>(p);
}
template std::unique_ptr<EpochColumn> make_epoch_torch(const EpochProblem<float>&);
template std::unique_ptr<EpochColumn> make_epoch_torch(const EpochProblem<double>&);

} // namespace xgrad::bench
