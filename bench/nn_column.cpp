// xgrad through its nn layer: the course's Model (Dense layers, relu ... sigmoid), its
// training cost from logits, and GradientDescent, as a user of nn writes the step.
#include "bench.hpp"

#include "nn/nn.hpp"

namespace xgrad::bench {

namespace {

template <class T>
Array<T> to_array(const std::vector<T>& values, std::size_t rows, std::size_t cols) {
    Array<T> out = Array<T>::from_shape({rows, cols});
    std::copy(values.begin(), values.end(), out.begin());
    return out;
}

template <class T>
class NnColumn final : public Column {
public:
    explicit NnColumn(const Problem<T>& p)
        : m_p(p), m_X(to_array(p.X, p.layers[0], p.m)), m_Y(to_array(p.Y, 1, p.m)) {}

    void init() override {
        std::map<std::string, Array<T>> parameters;
        std::vector<nn::Activation> activations;
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            parameters["W" + std::to_string(l)] = to_array(m_p.W[l], m_p.layers[l], m_p.layers[l - 1]);
            parameters["b" + std::to_string(l)] = to_array(m_p.b[l], m_p.layers[l], 1);
            activations.push_back(l < m_p.L() ? nn::Activation::relu : nn::Activation::sigmoid);
        }
        m_model = nn::Model<T>::from_parameters(parameters, activations);
        m_optimizer = std::make_unique<nn::GradientDescent<T>>(m_model.parameters(), m_p.learning_rate);
    }

    void step() override {
        const Tensor<T> J = m_model.loss(m_X, m_Y);
        J.backward();
        m_optimizer->step();
        m_optimizer->zero_grad();
        m_cost = static_cast<double>(J.item());
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (const auto& p : m_model.parameters())
            out.emplace_back(p.tensor.value().begin(), p.tensor.value().end());
        return out;
    }

    long tape_slots() const override { return static_cast<long>(Tape<T>::current().slots()); }

private:
    const Problem<T>& m_p;
    Tensor<T> m_X, m_Y;
    nn::Model<T> m_model;
    std::unique_ptr<nn::GradientDescent<T>> m_optimizer;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<Column> make_nn_column(const Problem<T>& problem) {
    return std::make_unique<NnColumn<T>>(problem);
}
template std::unique_ptr<Column> make_nn_column(const Problem<float>&);
template std::unique_ptr<Column> make_nn_column(const Problem<double>&);

} // namespace xgrad::bench
