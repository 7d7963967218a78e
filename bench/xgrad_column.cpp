// xgrad: the same step written with the engine's ops, as a user of the engine would:
// linear (W A + b fused), relu, binary_cross_entropy_with_logits, backward, W -= lr dW.
#include "engine_column.hpp"

namespace xgrad::bench {

namespace {

template <class T>
class XgradColumn final : public EngineColumn<T> {
    using EngineColumn<T>::m_p;
    using EngineColumn<T>::m_X;
    using EngineColumn<T>::m_Y;
    using EngineColumn<T>::m_cost;

public:
    explicit XgradColumn(const Problem<T>& p) : EngineColumn<T>(p) {}

    void init() override {
        m_W.assign(m_p.L() + 1, {});
        m_b.assign(m_p.L() + 1, {});
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            m_W[l] = Tensor<T>(to_array(m_p.W[l], m_p.layers[l], m_p.layers[l - 1]), true);
            m_b[l] = Tensor<T>(to_array(m_p.b[l], m_p.layers[l], 1), true);
        }
    }

    void step() override {
        const std::size_t L = m_p.L();
        Tensor<T> A = m_X;
        for (std::size_t l = 1; l < L; ++l)
            A = relu(linear(m_W[l], A, m_b[l]));
        const Tensor<T> J = binary_cross_entropy_with_logits(linear(m_W[L], A, m_b[L]), m_Y);
        J.backward();
        const T lr = m_p.learning_rate;
        for (std::size_t l = 1; l <= L; ++l)
            for (Tensor<T>* p : {&m_W[l], &m_b[l]}) {
                // W := W - lr dW as nn's SGD writes it: one loop, no temporary (xtensor's
                // `W -= lr * dW` evaluates into a temporary the size of W first).
                T* w = p->data().data();
                const T* g = p->grad().data();
                for (std::size_t i = 0, n = p->size(); i < n; ++i)
                    w[i] -= lr * g[i];
                p->zero_grad();
            }
        m_cost = static_cast<double>(J.item());
    }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (std::size_t l = 1; l <= m_p.L(); ++l)
            for (const Tensor<T>* p : {&m_W[l], &m_b[l]})
                out.emplace_back(p->value().begin(), p->value().end());
        return out;
    }

private:
    std::vector<Tensor<T>> m_W, m_b;
};

} // namespace

template <class T>
std::unique_ptr<Column> make_xgrad_column(const Problem<T>& problem) {
    return std::make_unique<XgradColumn<T>>(problem);
}
template std::unique_ptr<Column> make_xgrad_column(const Problem<float>&);
template std::unique_ptr<Column> make_xgrad_column(const Problem<double>&);

} // namespace xgrad::bench
