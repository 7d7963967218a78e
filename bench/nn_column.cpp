// xgrad through its nn layer: the course's Model (Dense layers, relu ... sigmoid), its
// training cost from logits, and GradientDescent, as a user of nn writes the step.
#include "engine_column.hpp"

#include "nn/nn.hpp"

namespace xgrad::bench {

namespace {

template <class T>
class NnColumn final : public EngineColumn<T> {
    using EngineColumn<T>::m_p;
    using EngineColumn<T>::m_X;
    using EngineColumn<T>::m_Y;
    using EngineColumn<T>::m_cost;

public:
    explicit NnColumn(const Problem<T>& p) : EngineColumn<T>(p) {}

    void init() override {
        std::map<std::string, Array<T>> parameters;
        std::vector<nn::Activation> activations;
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            parameters["W" + std::to_string(l)] =
                to_array(m_p.W[l], m_p.layers[l], m_p.layers[l - 1]);
            parameters["b" + std::to_string(l)] = to_array(m_p.b[l], m_p.layers[l], 1);
            activations.push_back(l < m_p.L() ? nn::Activation::relu : nn::Activation::sigmoid);
        }
        m_model = nn::Model<T>::from_parameters(parameters, activations);
        m_optimizer =
            std::make_unique<nn::GradientDescent<T>>(m_model.parameters(), m_p.learning_rate);
    }

    void step() override {
        const Tensor<T> J = m_model.loss(m_X, m_Y);
        J.backward();
        m_optimizer->step();
        m_optimizer->zero_grad();
        m_cost = static_cast<double>(J.item());
    }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (const auto& p : m_model.parameters())
            out.emplace_back(p.tensor.value().begin(), p.tensor.value().end());
        return out;
    }

private:
    nn::Model<T> m_model;
    std::unique_ptr<nn::GradientDescent<T>> m_optimizer;
};

} // namespace

template <class T>
std::unique_ptr<Column> make_nn_column(const Problem<T>& problem) {
    return std::make_unique<NnColumn<T>>(problem);
}
template std::unique_ptr<Column> make_nn_column(const Problem<float>&);
template std::unique_ptr<Column> make_nn_column(const Problem<double>&);

} // namespace xgrad::bench
