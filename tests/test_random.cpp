// random::RandomState against numpy's own np.random.RandomState (tests/python/random_fixtures.json,
// made by tests/python/make_random_fixtures.py with Debian's numpy 1.24).
#include "numpy_fixtures.hpp"
#include "random/random_state.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using xgrad::Array;
using xgrad::Shape;
using xgrad::random::RandomState;
using namespace xgrad::test;

namespace {

Shape size_of(const nlohmann::json& step) {
    Shape shape;
    for (const auto& n : step.at("size"))
        shape.push_back(n.get<std::size_t>());
    return shape;
}

Array<std::int64_t> fixture_ints(const nlohmann::json& step) {
    Shape shape;
    for (const auto& n : step.at("shape"))
        shape.push_back(n.get<std::size_t>());
    Array<std::int64_t> a = Array<std::int64_t>::from_shape(shape);
    std::size_t i = 0;
    for (const auto& v : step.at("values"))
        a.data()[i++] = v.get<std::int64_t>();
    return a;
}

// randn(d0, ...) as the course writes it, for the ranks the fixtures use.
Array<double> randn_of(RandomState& rs, const Shape& s) {
    switch (s.size()) {
    case 1:
        return rs.randn(s[0]);
    case 2:
        return rs.randn(s[0], s[1]);
    case 3:
        return rs.randn(s[0], s[1], s[2]);
    default:
        return rs.standard_normal(s);
    }
}

// Replays one recorded numpy call on `rs` and compares the result with numpy's.
void replay(RandomState& rs, const nlohmann::json& step) {
    const std::string op = step.at("op");
    INFO("numpy call: " << step.dump().substr(0, 160));
    if (op == "seed") {
        rs.seed(step.at("seed").get<std::int64_t>());
        CHECK_FALSE(rs.has_gauss());
    } else if (op == "rand") {
        check_bitwise(rs.rand(size_of(step)[0]), fixture_array<double>(step));
    } else if (op == "randn") {
        check_bitwise(randn_of(rs, size_of(step)), fixture_array<double>(step));
    } else if (op == "standard_normal") {
        check_bitwise(Array<double>(rs.standard_normal()), fixture_array<double>(step));
    } else if (op == "uniform") {
        check_bitwise(rs.uniform(step.at("low"), step.at("high"), size_of(step)),
                      fixture_array<double>(step));
    } else if (op == "normal") {
        check_bitwise(rs.normal(step.at("loc"), step.at("scale"), size_of(step)),
                      fixture_array<double>(step));
    } else if (op == "randint") {
        const auto low = step.at("low").get<std::int64_t>();
        const auto high = step.at("high").get<std::int64_t>();
        if (step.at("size").is_null())
            CHECK(rs.randint(low, high) == fixture_ints(step)());
        else
            CHECK(rs.randint(low, high, size_of(step)) == fixture_ints(step));
    } else if (op == "permutation") {
        CHECK(rs.permutation(step.at("n").get<std::size_t>()) == fixture_ints(step));
    } else if (op == "shuffle") {
        const Shape shape = size_of(step);
        Array<double> x = Array<double>::from_shape(shape);
        for (std::size_t i = 0; i < x.size(); ++i)
            x.data()[i] = static_cast<double>(i);
        rs.shuffle(x);
        check_bitwise(x, fixture_array<double>(step));
    } else {
        FAIL("unknown op in the fixture: " << op);
    }
}

} // namespace

TEST_CASE("RandomState gives numpy's stream bit for bit: seeds 0, 1, 2, 3, 42, 2**32-1, "
          "interleaved rand, randn, randint, permutation, shuffle, uniform, normal, reseeding") {
    const auto& streams = numpy_fixtures().at("streams");
    REQUIRE(streams.size() == 6);
    std::size_t steps = 0;
    for (const auto& stream : streams) {
        const auto seed = stream.at("seed").get<std::int64_t>();
        INFO("np.random.seed(" << seed << ")");
        RandomState rs(seed);
        for (const auto& step : stream.at("steps")) {
            replay(rs, step);
            ++steps;
        }
    }
    CHECK(steps == 6 * 23); // the loop ran every recorded call
}

TEST_CASE("RandomState's first numbers are the ones numpy users know") {
    // np.random.seed(0); np.random.rand(), np.random.randn() in numpy's documentation and
    // countless notebooks; and MT19937's reference check, the 10000th word from seed 5489.
    RandomState rs(0);
    CHECK(rs.random_sample() == 0.5488135039273248);
    rs.seed(0);
    CHECK(rs.standard_normal() == 1.764052345967664);
    CHECK(rs.has_gauss());
    CHECK(rs.standard_normal() == 0.4001572083672233);
    CHECK_FALSE(rs.has_gauss());
    RandomState reference(5489);
    for (int i = 1; i < 10000; ++i)
        reference.next_uint32();
    CHECK(reference.next_uint32() == 4123659995u);
}

TEST_CASE("RandomState::seed forgets the kept normal, as np.random.seed does") {
    RandomState rs(3);
    const double first = rs.standard_normal();
    CHECK(rs.has_gauss());
    rs.seed(3);
    CHECK_FALSE(rs.has_gauss());
    CHECK(rs.standard_normal() == first);
}

TEST_CASE("RandomState::shuffle moves rows, and a vector shuffles as a 1-d array") {
    RandomState a(42), b(42);
    std::vector<int> v{0, 1, 2, 3, 4, 5, 6, 7};
    Array<double> x = xt::arange<double>(8.0);
    a.shuffle(v);
    b.shuffle(x);
    for (std::size_t i = 0; i < v.size(); ++i)
        CHECK(x(i) == static_cast<double>(v[i]));
    Array<double> rows = xt::reshape_view(xt::arange<double>(12.0), {4, 3});
    a.shuffle(rows);
    for (std::size_t i = 0; i < 4; ++i) { // each row is still a row of the original
        CHECK(static_cast<long>(rows(i, 0)) % 3 == 0);
        CHECK(rows(i, 1) == rows(i, 0) + 1);
        CHECK(rows(i, 2) == rows(i, 0) + 2);
    }
    CHECK(a.permutation(0).size() == 0);
    std::vector<int> empty;
    a.shuffle(empty);
    CHECK(empty.empty());
}

TEST_CASE("RandomState refuses what numpy refuses") {
    CHECK_THROWS_WITH_AS(RandomState(-1), doctest::Contains("between 0 and 2**32 - 1, got -1"),
                         std::invalid_argument);
    CHECK_THROWS_AS(RandomState(std::int64_t(1) << 32), std::invalid_argument);
    CHECK_NOTHROW(RandomState(0xFFFFFFFF));
    RandomState rs(0);
    CHECK_THROWS_WITH_AS(rs.randint(5, 5), doctest::Contains("low >= high (low 5, high 5)"),
                         std::invalid_argument);
    CHECK_THROWS_AS(rs.randint(2, 1, {3}), std::invalid_argument);
    CHECK_THROWS_WITH_AS(rs.normal(0.0, -1.0), doctest::Contains("scale < 0"),
                         std::invalid_argument);
    CHECK_THROWS_AS(rs.uniform(-std::numeric_limits<double>::infinity(), 0.0),
                    std::invalid_argument);
    Array<double> scalar(1.0);
    CHECK_THROWS_WITH_AS(rs.shuffle(scalar), doctest::Contains("0-d"), std::invalid_argument);
}
