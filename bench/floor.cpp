// The floor: the course's hand-written forward and backward propagation, written as lean
// as C++ allows, on the same arrays and with the same BLAS calls as the engine (row-major
// cblas_?gemm with transpose flags, the bias written into Z and added to by gemm with
// beta = 1). Every buffer is allocated once in init() and reused by every step, so a step
// allocates nothing. Like the course it caches Z[l] and A[l] and materialises dW, db
// before the update.
//   forward   Z[l] = W[l] A[l-1] + b[l], A[l] = relu(Z[l]) (l < L), J = mean BCE(Z[L], Y)
//   backward  dZ[L] = (sigmoid(Z[L]) - Y) / m   (the 1/m folded in once, here)
//             dW[l] = dZ[l] A[l-1]^T, db[l] = sum(dZ[l], axis=1)
//             dZ[l-1] = (W[l]^T dZ[l]) * (Z[l-1] > 0)
//   update    W[l] -= lr dW[l], b[l] -= lr db[l]   (the engine's loop, at this CPU's vector width)
#include "bench.hpp"
#include "floor_layers.hpp"

#include "autograd/kernels/optim.hpp"

#include <algorithm>
#include <cmath>

namespace xgrad::bench {

namespace {

template <class T>
class FloorColumn final : public Column {
public:
    explicit FloorColumn(const Problem<T>& p) : m_p(p), m_X(p.X.begin(), p.X.end()) {}

    void init() override {
        const std::size_t L = m_p.L(), m = m_p.m;
        m_W.assign(L + 1, {});
        m_b.assign(L + 1, {});
        for (std::size_t l = 1; l <= L; ++l) {
            m_W[l].assign(m_p.W[l].begin(), m_p.W[l].end());
            m_b[l].assign(m_p.b[l].begin(), m_p.b[l].end());
        }
        m_Z.resize(L + 1);
        m_A.resize(L + 1);
        m_dZ.resize(L + 1);
        m_dW.resize(L + 1);
        m_db.resize(L + 1);
        for (std::size_t l = 1; l <= L; ++l) {
            const std::size_t n = m_p.layers[l];
            m_Z[l].resize(n * m);
            if (l < L)
                m_A[l].resize(n * m);
            m_dZ[l].resize(n * m);
            m_dW[l].resize(m_W[l].size());
            m_db[l].resize(n);
        }
    }

    void step() override {
        const std::size_t L = m_p.L();
        const int m = static_cast<int>(m_p.m);
        const auto n = [&](std::size_t l) { return static_cast<int>(m_p.layers[l]); };
        const auto A_prev = [&](std::size_t l) { return l == 1 ? m_X.data() : m_A[l - 1].data(); };

        // forward
        for (std::size_t l = 1; l <= L; ++l) {
            T* Z = m_Z[l].data();
            dense_forward(n(l), n(l - 1), m, m_W[l].data(), m_b[l].data(), A_prev(l), Z);
            if (l < L) {
                T* A = m_A[l].data();
                for (std::size_t i = 0, size = m_Z[l].size(); i < size; ++i)
                    A[i] = Z[i] > T(0) ? Z[i] : T(0);
            }
        }
        // cost, and dZ[L] from the same pass over Z[L]
        const T* Z = m_Z[L].data();
        const T* Y = m_p.Y.data();
        T* dZ = m_dZ[L].data();
        const std::size_t count = m_Z[L].size();
        const T inv = T(1) / static_cast<T>(count);
        T total = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const T z = Z[i], e = std::exp(-std::abs(z));
            total += std::max(z, T(0)) - z * Y[i] + std::log1p(e);
            const T a = z >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
            dZ[i] = (a - Y[i]) * inv;
        }
        m_cost = static_cast<double>(total * inv);

        // backward
        for (std::size_t l = L; l >= 1; --l) {
            T* dZp = l > 1 ? m_dZ[l - 1].data() : nullptr;
            dense_backward(n(l), n(l - 1), m, m_dZ[l].data(), A_prev(l), m_W[l].data(),
                           m_dW[l].data(), m_db[l].data(), dZp);
            if (l > 1) {
                const T* Zp = m_Z[l - 1].data();
                for (std::size_t i = 0, size = m_Z[l - 1].size(); i < size; ++i)
                    dZp[i] = Zp[i] > T(0) ? dZp[i] : T(0);
            }
        }
        // update
        const T lr = m_p.learning_rate;
        for (std::size_t l = 1; l <= L; ++l) {
            kernels::gradient_descent_update(m_W[l].data(), m_dW[l].data(), m_W[l].size(), lr);
            kernels::gradient_descent_update(m_b[l].data(), m_db[l].data(), m_b[l].size(), lr);
        }
    }

    double cost() const override { return m_cost; }

    std::vector<std::vector<double>> parameters() const override {
        std::vector<std::vector<double>> out;
        for (std::size_t l = 1; l <= m_p.L(); ++l) {
            out.emplace_back(m_W[l].begin(), m_W[l].end());
            out.emplace_back(m_b[l].begin(), m_b[l].end());
        }
        return out;
    }

private:
    const Problem<T>& m_p;
    Buffer<T> m_X; // the floor's own copy of X, on huge pages as every other buffer here
    std::vector<Buffer<T>> m_W, m_b, m_Z, m_A, m_dZ, m_dW, m_db;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<Column> make_floor_column(const Problem<T>& problem) {
    return std::make_unique<FloorColumn<T>>(problem);
}
template std::unique_ptr<Column> make_floor_column(const Problem<float>&);
template std::unique_ptr<Column> make_floor_column(const Problem<double>&);

} // namespace xgrad::bench
