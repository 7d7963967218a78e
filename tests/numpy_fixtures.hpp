#pragma once
// numpy's and sklearn's own output, committed in tests/python/random_fixtures.json by
// tests/python/make_random_fixtures.py (the CTest random_fixtures_current regenerates it with
// Debian's numpy and sklearn and compares).

#include "autograd/xtensor.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace xgrad::test {

inline const nlohmann::json& numpy_fixtures() {
    static const nlohmann::json fixtures = [] {
        const std::string path =
            std::string(XGRAD_SOURCE_DIR) + "/tests/python/random_fixtures.json";
        std::ifstream in(path);
        if (!in)
            throw std::runtime_error("cannot open " + path);
        return nlohmann::json::parse(in);
    }();
    return fixtures;
}

/// A fixture's {"shape": [...], "values": [...]} as an array of T.
template <class T>
Array<T> fixture_array(const nlohmann::json& j) {
    Shape shape;
    for (const auto& n : j.at("shape"))
        shape.push_back(n.get<std::size_t>());
    Array<T> a = Array<T>::from_shape(shape);
    const auto& values = j.at("values");
    if (values.size() != a.size())
        throw std::runtime_error("fixture: " + std::to_string(values.size()) +
                                 " values for a shape of " + std::to_string(a.size()));
    std::size_t i = 0;
    for (const auto& v : values)
        a.data()[i++] = v.get<T>();
    return a;
}

/// The same bits (so -0.0 differs from 0.0), not just ==.
inline bool same_bits(double a, double b) {
    std::uint64_t x, y;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    return x == y;
}

/// Shapes equal and every entry bit for bit; fails naming the first entry that differs.
inline void check_bitwise(const Array<double>& ours, const Array<double>& numpy) {
    REQUIRE(ours.shape() == numpy.shape());
    for (std::size_t i = 0; i < ours.size(); ++i)
        if (!same_bits(ours.data()[i], numpy.data()[i])) {
            std::ostringstream message;
            message.precision(17);
            message << "entry " << i << " of " << ours.size() << ": ours " << ours.data()[i]
                    << ", numpy's " << numpy.data()[i];
            FAIL_CHECK(message.str());
            return;
        }
}

} // namespace xgrad::test
