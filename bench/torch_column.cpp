// LibTorch CPU: the same step as a LibTorch user writes it. addmm is what torch's own
// Linear calls for 2-D inputs (bias fused into the product); gradients are set to none
// after the update, the default of torch's optimisers' zero_grad since 2.0.
#include "bench.hpp"

#include <torch/torch.h>

namespace xgrad::bench {

namespace {

template <class T>
constexpr c10::ScalarType dtype() {
    return std::is_same<T, float>::value ? torch::kFloat32 : torch::kFloat64;
}

// A tensor over the caller's data, not a copy.
template <class T>
torch::Tensor view(const std::vector<T>& values, std::int64_t rows, std::int64_t cols) {
    return torch::from_blob(const_cast<T*>(values.data()), {rows, cols},
                            torch::TensorOptions().dtype(dtype<T>()));
}

template <class T>
class TorchColumn final : public Column {
public:
    explicit TorchColumn(const Problem<T>& p)
        : m_p(p), m_X(view(p.X, std::int64_t(p.layers[0]), std::int64_t(p.m))),
          m_Y(view(p.Y, 1, std::int64_t(p.m))) {}

    void init() override {
        m_W.assign(m_p.L() + 1, {});
        m_b.assign(m_p.L() + 1, {});
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            const auto n = std::int64_t(m_p.layers[l]), k = std::int64_t(m_p.layers[l - 1]);
            m_W[l] = view(m_p.W[l], n, k).clone().requires_grad_(true);
            m_b[l] = view(m_p.b[l], n, 1).clone().requires_grad_(true);
        }
    }

    void step() override {
        const std::size_t L = m_p.L();
        torch::Tensor A = m_X;
        for (std::size_t l = 1; l < L; ++l)
            A = torch::relu(torch::addmm(m_b[l], m_W[l], A));
        torch::Tensor J =
            torch::binary_cross_entropy_with_logits(torch::addmm(m_b[L], m_W[L], A), m_Y);
        J.backward();
        {
            torch::NoGradGuard no_grad;
            for (std::size_t l = 1; l <= L; ++l)
                for (torch::Tensor* p : {&m_W[l], &m_b[l]}) {
                    p->sub_(p->grad(), m_p.learning_rate);
                    p->mutable_grad() = torch::Tensor();
                }
        }
        m_cost = J.item<double>();
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (std::size_t l = 1; l <= m_p.L(); ++l)
            for (const torch::Tensor* p : {&m_W[l], &m_b[l]}) {
                const torch::Tensor d = p->detach().to(torch::kFloat64).contiguous();
                out.emplace_back(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
            }
        return out;
    }

private:
    const Problem<T>& m_p;
    torch::Tensor m_X, m_Y;
    std::vector<torch::Tensor> m_W, m_b;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<Column> make_torch_column(const Problem<T>& problem) {
    return std::make_unique<TorchColumn<T>>(problem);
}
template std::unique_ptr<Column> make_torch_column(const Problem<float>&);
template std::unique_ptr<Column> make_torch_column(const Problem<double>&);

int torch_set_threads(int n) {
    torch::set_num_threads(n);
    return torch::get_num_threads();
}

void torch_warm_up() {
    const Problem<double> p = make_problem<double>({2, 4, 1}, 8);
    auto column = make_torch_column(p);
    column->init();
    column->step();
}

} // namespace xgrad::bench
