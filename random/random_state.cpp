#include "random/random_state.hpp"

#include <cmath>

namespace xgrad::random {

void RandomState::seed(std::int64_t seed) {
    if (seed < 0 || seed > std::int64_t(0xFFFFFFFF))
        throw std::invalid_argument(
            "RandomState::seed: seed must be between 0 and 2**32 - 1, got " + std::to_string(seed));
    // numpy's mt19937_seed is init_genrand: key[0] = seed, key[i] = 1812433253 *
    // (key[i-1] ^ (key[i-1] >> 30)) + i, which is std::mt19937's seeding word for word.
    m_mt.seed(static_cast<std::uint32_t>(seed));
    m_has_gauss = false; // numpy's _reset_gauss
    m_gauss = 0.0;
}

std::uint64_t RandomState::next_uint64() {
    const std::uint64_t high = next_uint32();
    return high << 32 | next_uint32();
}

double RandomState::random_sample() {
    // mt19937_next_double: 27 bits then 26 bits, 53 in all.
    const std::int32_t a = static_cast<std::int32_t>(next_uint32() >> 5);
    const std::int32_t b = static_cast<std::int32_t>(next_uint32() >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double RandomState::standard_normal() {
    if (m_has_gauss) {
        m_has_gauss = false;
        const double kept = m_gauss;
        m_gauss = 0.0;
        return kept;
    }
    double x1, x2, r2;
    do { // a point uniform in the unit disc, without its centre
        x1 = 2.0 * random_sample() - 1.0;
        x2 = 2.0 * random_sample() - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    m_gauss = f * x1; // numpy returns the second coordinate first
    m_has_gauss = true;
    return f * x2;
}

double RandomState::normal(double loc, double scale) {
    if (!(scale >= 0.0))
        throw std::invalid_argument("RandomState::normal: scale < 0 (scale " +
                                    std::to_string(scale) + ")");
    return loc + scale * standard_normal();
}

double RandomState::uniform(double low, double high) {
    const double range = high - low;
    if (!std::isfinite(range))
        throw std::invalid_argument("RandomState::uniform: high - low is not finite (low " +
                                    std::to_string(low) + ", high " + std::to_string(high) + ")");
    return low + range * random_sample();
}

std::uint64_t RandomState::random_interval(std::uint64_t max) {
    if (max == 0)
        return 0;
    std::uint64_t mask = max; // the smallest 2^k - 1 >= max
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    std::uint64_t value;
    if (max <= 0xFFFFFFFFu)
        while ((value = (next_uint32() & mask)) > max) {
        }
    else
        while ((value = (next_uint64() & mask)) > max) {
        }
    return value;
}

std::int64_t RandomState::randint(std::int64_t low, std::int64_t high) {
    if (low >= high)
        throw std::invalid_argument("RandomState::randint: low >= high (low " +
                                    std::to_string(low) + ", high " + std::to_string(high) +
                                    "); it draws from [low, high)");
    // numpy's random_bounded_uint64_fill with use_masked: off + a masked draw in [0, rng],
    // rng = high - 1 - low, which is random_interval(rng) (32-bit words while rng fits in 32).
    const std::uint64_t rng =
        static_cast<std::uint64_t>(high) - 1u - static_cast<std::uint64_t>(low);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + random_interval(rng));
}

Array<double> RandomState::random_sample(const Shape& shape) {
    Array<double> out = Array<double>::from_shape(shape);
    for (double& x : out)
        x = random_sample();
    return out;
}

Array<double> RandomState::standard_normal(const Shape& shape) {
    Array<double> out = Array<double>::from_shape(shape);
    for (double& x : out)
        x = standard_normal();
    return out;
}

Array<double> RandomState::normal(double loc, double scale, const Shape& shape) {
    Array<double> out = Array<double>::from_shape(shape);
    for (double& x : out)
        x = normal(loc, scale);
    return out;
}

Array<double> RandomState::uniform(double low, double high, const Shape& shape) {
    Array<double> out = Array<double>::from_shape(shape);
    for (double& x : out)
        x = uniform(low, high);
    return out;
}

Array<std::int64_t> RandomState::randint(std::int64_t low, std::int64_t high, const Shape& shape) {
    Array<std::int64_t> out = Array<std::int64_t>::from_shape(shape);
    for (std::int64_t& x : out)
        x = randint(low, high);
    return out;
}

Array<std::int64_t> RandomState::permutation(std::size_t n) {
    Array<std::int64_t> out = Array<std::int64_t>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i)
        out(i) = static_cast<std::int64_t>(i);
    shuffle(out);
    return out;
}

} // namespace xgrad::random
