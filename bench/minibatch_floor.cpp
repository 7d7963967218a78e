// The mini-batch floor: an epoch of the fashion10 network written by hand as lean as C++
// allows, with the same BLAS calls as the engine (row-major cblas_?gemm with transpose flags,
// the bias written into Z and added to by gemm with beta = 1). The training set is copied
// example-major once in init(), so a batch is gathered from 128 contiguous rows with a blocked
// transpose; every buffer is allocated once; softmax cross-entropy and dZ[L] in one pass; the
// ReLU mask applied in place; Adam in one loop per parameter, the engine's kernel (its loop at
// this CPU's vector width, autograd/kernels/vector_width.hpp), as the BLAS calls are the same.
//
// "floor omp" is the same epoch with its loops over large arrays (Adam's, the ReLU masks) split
// among OpenMP's threads, as PyTorch splits its elementwise loops: only arrays of more than
// 32,768 elements (PyTorch's at::internal::GRAIN_SIZE), in chunks of one per thread. On
// fashion10 that is Adam's update of W[1]; the masks, 256 x 128, are at the grain, not above.
// Each element is computed as before, so the parameters are the floor's bit for bit (the bench
// checks it). It measures whether splitting pays on top of OpenBLAS's own threads (issue 13).
#include "floor_layers.hpp"
#include "minibatch.hpp"

#include "autograd/kernels/optim.hpp"

#include <algorithm>
#include <cmath>
#ifdef XGRAD_BENCH_OPENMP
#include <omp.h>
#endif

namespace xgrad::bench {

namespace {

// f(begin, end) over [0, n): in chunks, one per OpenMP thread, when `split` and n is above
// PyTorch's grain; in this thread otherwise.
template <class F>
void for_range(bool split, std::size_t n, F f) {
#ifdef XGRAD_BENCH_OPENMP
    constexpr std::size_t grain = 32768;
    if (split && n > grain && omp_get_max_threads() > 1 && !omp_in_parallel()) {
#pragma omp parallel
        {
            const std::size_t threads = std::size_t(omp_get_num_threads());
            const std::size_t chunk = (n + threads - 1) / threads;
            const std::size_t begin = std::min(n, std::size_t(omp_get_thread_num()) * chunk);
            const std::size_t end = std::min(n, begin + chunk);
            if (begin < end)
                f(begin, end);
        }
        return;
    }
#endif
    (void)split;
    f(std::size_t(0), n);
}

template <class T>
class EpochFloor final : public EpochColumn {
public:
    EpochFloor(const EpochProblem<T>& p, bool split) : m_p(p), m_split(split) {}

    void init() override {
        const std::size_t L = m_p.L(), n_x = m_p.layers[0], m = m_p.m, B = m_p.batch;
        m_XT.resize(m * n_x); // example-major: row j is example j
        for (std::size_t i = 0; i < n_x; ++i)
            for (std::size_t j = 0; j < m; ++j)
                m_XT[j * n_x + i] = m_p.X[i * m + j];
        m_W = m_p.W;
        m_b = m_p.b;
        for (auto* v : {&m_Z, &m_dZ, &m_dW, &m_db, &m_vW, &m_sW, &m_vb, &m_sb})
            v->assign(L + 1, {});
        m_A0.resize(n_x * B);
        m_Y.resize(m_p.layers[L] * B);
        m_column.resize(2 * B);
        for (std::size_t l = 1; l <= L; ++l) {
            const std::size_t n = m_p.layers[l];
            m_Z[l].resize(n * B); // A[l] = relu(Z[l]) in place for l < L
            m_dZ[l].resize(n * B);
            m_dW[l].resize(m_W[l].size());
            m_db[l].resize(n);
            m_vW[l].assign(m_W[l].size(), T(0));
            m_sW[l].assign(m_W[l].size(), T(0));
            m_vb[l].assign(n, T(0));
            m_sb[l].assign(n, T(0));
        }
    }

    void epoch(std::size_t e) override {
        const T alpha = static_cast<T>(m_p.alpha(e));
        const std::int64_t* order = m_p.order[e].data();
        for (std::size_t start = 0; start < m_p.m; start += m_p.batch)
            step(order + start, std::min(m_p.batch, m_p.m - start), alpha);
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
    void gather(const std::int64_t* examples, std::size_t count) {
        const std::size_t n_x = m_p.layers[0], classes = m_p.layers[m_p.L()];
        T* A0 = m_A0.data();
        // Blocks of 16 examples: each feature p reads 16 rows at p, writes 16 contiguous values.
        for (std::size_t j0 = 0; j0 < count; j0 += 16) {
            const std::size_t jn = std::min<std::size_t>(16, count - j0);
            const T* rows[16];
            for (std::size_t j = 0; j < jn; ++j)
                rows[j] = m_XT.data() + std::size_t(examples[j0 + j]) * n_x;
            for (std::size_t p = 0; p < n_x; ++p) {
                T* out = A0 + p * count + j0;
                for (std::size_t j = 0; j < jn; ++j)
                    out[j] = rows[j][p];
            }
        }
        std::fill_n(m_Y.data(), classes * count, T(0));
        for (std::size_t j = 0; j < count; ++j)
            m_Y[std::size_t(m_p.label[std::size_t(examples[j])]) * count + j] = T(1);
    }

    void step(const std::int64_t* examples, std::size_t batch, T alpha) {
        gather(examples, batch);
        const std::size_t L = m_p.L();
        const int m = static_cast<int>(batch);
        const auto n = [&](std::size_t l) { return static_cast<int>(m_p.layers[l]); };
        const auto A_prev = [&](std::size_t l) { return l == 1 ? m_A0.data() : m_Z[l - 1].data(); };

        // forward: Z[l] = W[l] A[l-1] + b[l]; A[l] = relu(Z[l]) in place
        for (std::size_t l = 1; l <= L; ++l) {
            T* Z = m_Z[l].data();
            dense_forward(n(l), n(l - 1), m, m_W[l].data(), m_b[l].data(), A_prev(l), Z);
            if (l < L)
                for_range(m_split, std::size_t(n(l)) * batch, [Z](std::size_t i0, std::size_t i1) {
                    for (std::size_t i = i0; i < i1; ++i)
                        Z[i] = Z[i] > T(0) ? Z[i] : T(0);
                });
        }
        // J = -1/m sum Y log softmax(Z[L]); dZ[L] = (softmax(Z[L]) - Y) / m, one pass per row
        const std::size_t k = m_p.layers[L];
        const T* Z = m_Z[L].data();
        const T* Y = m_Y.data();
        T* dZ = m_dZ[L].data();
        T* top = m_column.data();
        T* total = top + batch;
        std::copy_n(Z, batch, top);
        for (std::size_t i = 1; i < k; ++i)
            for (std::size_t j = 0; j < batch; ++j)
                top[j] = std::max(top[j], Z[i * batch + j]);
        std::fill_n(total, batch, T(0));
        for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < batch; ++j) {
                const T x = std::exp(Z[i * batch + j] - top[j]);
                dZ[i * batch + j] = x;
                total[j] += x;
            }
        const T inv = T(1) / static_cast<T>(batch);
        T cost = 0;
        for (std::size_t j = 0; j < batch; ++j)
            cost += std::log(total[j]) + top[j];
        for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < batch; ++j) {
                const std::size_t ij = i * batch + j;
                cost -= Y[ij] * Z[ij];
                dZ[ij] = (dZ[ij] / total[j] - Y[ij]) * inv;
            }
        m_cost = static_cast<double>(cost * inv);

        // backward
        for (std::size_t l = L; l >= 1; --l) {
            T* dZp = l > 1 ? m_dZ[l - 1].data() : nullptr;
            dense_backward(n(l), n(l - 1), m, m_dZ[l].data(), A_prev(l), m_W[l].data(),
                           m_dW[l].data(), m_db[l].data(), dZp);
            if (l > 1) {
                const T* Ap = m_Z[l - 1].data(); // relu(Z[l-1]): > 0 exactly where Z[l-1] is
                for_range(m_split, std::size_t(n(l - 1)) * batch,
                          [dZp, Ap](std::size_t i0, std::size_t i1) {
                              for (std::size_t i = i0; i < i1; ++i)
                                  dZp[i] = Ap[i] > T(0) ? dZp[i] : T(0);
                          });
            }
        }
        // Adam
        ++m_t;
        const T c1 = T(1) - static_cast<T>(std::pow(0.9, double(m_t)));
        const T c2 = T(1) - static_cast<T>(std::pow(0.999, double(m_t)));
        for (std::size_t l = 1; l <= L; ++l) {
            adam(m_W[l].data(), m_dW[l].data(), m_vW[l].data(), m_sW[l].data(), m_W[l].size(),
                 alpha, c1, c2);
            adam(m_b[l].data(), m_db[l].data(), m_vb[l].data(), m_sb[l].data(), m_b[l].size(),
                 alpha, c1, c2);
        }
    }

    void adam(T* w, const T* g, T* v, T* s, std::size_t size, T alpha, T c1, T c2) const {
        for_range(m_split, size, [=](std::size_t i0, std::size_t i1) {
            kernels::adam_update(w + i0, g + i0, v + i0, s + i0, i1 - i0, alpha, T(0.9), T(0.999),
                                 T(1e-8), c1, c2);
        });
    }

    const EpochProblem<T>& m_p;
    bool m_split; // floor omp
    std::vector<T> m_XT, m_A0, m_Y, m_column;
    std::vector<std::vector<T>> m_W, m_b, m_Z, m_dZ, m_dW, m_db, m_vW, m_sW, m_vb, m_sb;
    long m_t = 0;
    double m_cost = 0;
};

} // namespace

template <class T>
std::unique_ptr<EpochColumn> make_epoch_floor(const EpochProblem<T>& p, bool split) {
    return std::make_unique<EpochFloor<T>>(p, split);
}
template std::unique_ptr<EpochColumn> make_epoch_floor(const EpochProblem<float>&, bool);
template std::unique_ptr<EpochColumn> make_epoch_floor(const EpochProblem<double>&, bool);

} // namespace xgrad::bench
