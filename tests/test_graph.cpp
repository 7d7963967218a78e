// Inspecting graphs: the JSON read back node by node, DOT drawn by Graphviz, the text
// dump, the broadcast ledger, and step-through backward against backward().
#include "autograd/autograd.hpp"
#include "autograd/inspect/inspect.hpp"
#include "autograd/inspect/render.hpp"
#include "cli/graph_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace xgrad;
using xgrad::cli::GraphRequest;
using xgrad::cli::write_graph_files;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr double tolerance = 1e-12;

template <class T = double>
Array<T> random_array(const Shape& shape, unsigned seed, double scale = 1.0) {
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(0.0, scale);
    Array<T> value = Array<T>::from_shape(shape);
    for (T& v : value)
        v = static_cast<T>(normal(generator));
    return value;
}

Array<double> labels(std::size_t m, unsigned seed) {
    std::mt19937 generator(seed);
    Array<double> Y = Array<double>::from_shape({1, m});
    for (double& y : Y)
        y = static_cast<double>(generator() % 2);
    return Y;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The course's L-layer network built from engine ops, labelled as nn/ labels it:
// Z[l] = linear(W[l], A[l-1], b[l]), relu inside, logits Z[L] into the cross-entropy L.
struct Network {
    Tensor<double> X, Y, L;
    std::vector<Tensor<double>> W, b, Z, A; // index l for layer l; W[0], b[0], Z[0] unused
};

Network network(const std::vector<std::size_t>& dims, std::size_t m, unsigned seed = 7) {
    Network net;
    net.X = Tensor<double>(random_array({dims[0], m}, seed), false, "X");
    net.Y = Tensor<double>(labels(m, seed + 1), false, "Y");
    net.W.resize(dims.size());
    net.b.resize(dims.size());
    net.Z.resize(dims.size());
    net.A.resize(dims.size());
    net.A[0] = net.X;
    const std::size_t L = dims.size() - 1;
    for (std::size_t l = 1; l <= L; ++l) {
        const std::string n = std::to_string(l);
        Scope scope("layer " + n);
        net.W[l] =
            Tensor<double>(random_array({dims[l], dims[l - 1]}, seed + 10 * unsigned(l), 0.5), true,
                           "W[" + n + "]");
        net.b[l] = Tensor<double>(random_array({dims[l], 1}, seed + 10 * unsigned(l) + 1, 0.1),
                                  true, "b[" + n + "]");
        net.Z[l] = linear(net.W[l], net.A[l - 1], net.b[l]).label("Z[" + n + "]");
        if (l < L)
            net.A[l] = relu(net.Z[l]).label("A[" + n + "]");
    }
    net.L = binary_cross_entropy_with_logits(net.Z[L], net.Y).label("L");
    return net;
}

BackwardOptions keep_everything() {
    BackwardOptions options;
    options.retain_graph = true;
    options.retain_grads = true;
    return options;
}

double norm(const Array<double>& a) {
    double s = 0;
    for (double v : a)
        s += v * v;
    return std::sqrt(s);
}

std::vector<std::size_t> shape_of(const json& j) {
    return j.get<std::vector<std::size_t>>();
}
std::vector<std::size_t> shape_of(const Shape& s) {
    return {s.begin(), s.end()};
}

// Where rendered pictures go: the build directory under ctest, else a temporary one.
fs::path output_dir() {
    const char* build = std::getenv("XGRAD_BUILD_DIR");
    fs::path dir = fs::path(build && *build ? build : fs::temp_directory_path().string()) /
                   "test_graph_output";
    fs::create_directories(dir);
    return dir;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Structural checks that hold for any DOT we write, with or without Graphviz.
void check_dot_structure(const std::string& dot, const Graph& graph) {
    CHECK(dot.rfind("digraph xgrad {", 0) == 0);
    CHECK(dot.substr(dot.size() - 2) == "}\n");
    for (const GraphTensor& t : graph.tensors) {
        CHECK(contains(dot, "\n  t" + std::to_string(t.id) + " ["));
        if (!t.is_leaf)
            CHECK(contains(dot, "\n  op" + std::to_string(t.id) + " ["));
        for (std::size_t input : t.inputs)
            CHECK(contains(dot, "\n  t" + std::to_string(input) + " -> op" + std::to_string(t.id)));
    }
    std::size_t quotes = 0;
    for (std::size_t i = 0; i < dot.size(); ++i)
        if (dot[i] == '"' && (i == 0 || dot[i - 1] != '\\'))
            ++quotes;
    CHECK(quotes % 2 == 0);
}

// Draws `dot` with Graphviz when it is installed; the picture must come out.
void check_dot_renders(const std::string& dot, const std::string& name) {
    if (!graphviz::available()) {
        MESSAGE("Graphviz's dot is not installed: DOT checked structurally only");
        return;
    }
    const fs::path svg = output_dir() / (name + ".svg");
    fs::remove(svg);
    graphviz::render(dot, svg.string());
    const std::string text = read(svg);
    CHECK(contains(text, "<svg"));
    CHECK(contains(text, "</svg>"));
}

} // namespace

TEST_CASE("the JSON of a two-layer network reads back node by node") {
    const std::size_t m = 5;
    Network net = network({3, 4, 1}, m);
    net.L.backward(keep_everything());
    JsonOptions options;
    options.batch_size = m;
    const json j = json::parse(to_json(inspect(net.L), options));

    CHECK(j["schema"] == "xgrad-graph");
    CHECK(j["version"] == 1);
    CHECK(j["dtype"] == "float64");
    CHECK(j["batch_size"] == m);

    // Tensors in tape order, each leaf just before the first op that uses it.
    struct Expected {
        std::string label, op;
        std::vector<std::size_t> shape;
        std::string role;
    };
    const std::vector<Expected> expected = {
        {"W[1]", "leaf", {4, 3}, "parameter"},
        {"X", "leaf", {3, m}, "input"},
        {"b[1]", "leaf", {4, 1}, "parameter"},
        {"Z[1]", "linear", {4, m}, "intermediate"},
        {"A[1]", "relu", {4, m}, "intermediate"},
        {"W[2]", "leaf", {1, 4}, "parameter"},
        {"b[2]", "leaf", {1, 1}, "parameter"},
        {"Z[2]", "linear", {1, m}, "intermediate"},
        {"Y", "leaf", {1, m}, "input"},
        {"L", "binary_cross_entropy_with_logits", {}, "output"},
    };
    const std::map<std::string, Tensor<double>> tensors = {
        {"W[1]", net.W[1]}, {"X", net.X},       {"b[1]", net.b[1]}, {"Z[1]", net.Z[1]},
        {"A[1]", net.A[1]}, {"W[2]", net.W[2]}, {"b[2]", net.b[2]}, {"Z[2]", net.Z[2]},
        {"Y", net.Y},       {"L", net.L}};

    std::map<std::string, json> by_id;
    std::vector<json> tensor_nodes, op_nodes;
    for (const json& node : j["nodes"]) {
        CHECK(by_id.emplace(node["id"].get<std::string>(), node).second); // ids are unique
        (node["kind"] == "tensor" ? tensor_nodes : op_nodes).push_back(node);
    }
    REQUIRE(tensor_nodes.size() == expected.size());
    CHECK(op_nodes.size() == 4);
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const json& node = tensor_nodes[k];
        const Expected& e = expected[k];
        CAPTURE(e.label);
        const Tensor<double>& t = tensors.at(e.label);
        CHECK(node["id"] == "t" + std::to_string(k));
        CHECK(node["label"] == e.label);
        CHECK(node["op"] == e.op);
        CHECK(shape_of(node["shape"]) == e.shape);
        CHECK(node["role"] == e.role);
        CHECK(node["dtype"] == "float64");
        CHECK(node["is_leaf"] == (e.op == "leaf"));
        CHECK(node["requires_grad"] == t.requires_grad());
        CHECK(node["freed"] == false);
        CHECK(node["scope"] == t.scope());
        CHECK(node["value"]["norm"].get<double>() ==
              doctest::Approx(norm(t.value())).epsilon(tolerance));
        if (t.has_grad()) {
            CHECK(shape_of(node["grad"]["shape"]) == shape_of(t.shape()));
            CHECK(node["grad"]["norm"].get<double>() ==
                  doctest::Approx(norm(t.grad())).epsilon(tolerance));
        } else {
            CHECK(node["grad"].is_null());
            CHECK(e.role == "input");
        }
        if (e.op != "leaf") {
            const json& op = by_id.at("op" + std::to_string(k));
            CHECK(op["kind"] == "op");
            CHECK(op["op"] == e.op);
            CHECK(op["rule"] == op_info(t.op()).rule);
            CHECK(op["input_shapes"].size() == t.input_shapes().size());
            for (std::size_t i = 0; i < t.input_shapes().size(); ++i)
                CHECK(shape_of(op["input_shapes"][i]) == shape_of(t.input_shapes()[i]));
        }
    }
    CHECK(tensor_nodes[3]["scope"] == "layer 1");
    CHECK(tensor_nodes[9]["value"]["values"][0].get<double>() == net.L.item());

    // Edges: every input of every op, with its index, and each op to its result.
    std::set<std::tuple<std::string, std::string, int>> edges;
    for (const json& e : j["edges"]) {
        CHECK(by_id.count(e["from"].get<std::string>()) == 1);
        CHECK(by_id.count(e["to"].get<std::string>()) == 1);
        edges.emplace(e["from"].get<std::string>(), e["to"].get<std::string>(),
                      e["input"].is_null() ? -1 : e["input"].get<int>());
    }
    const std::set<std::tuple<std::string, std::string, int>> expected_edges = {
        {"t0", "op3", 0},  {"t1", "op3", 1}, {"t2", "op3", 2}, {"op3", "t3", -1}, {"t3", "op4", 0},
        {"op4", "t4", -1}, {"t5", "op7", 0}, {"t4", "op7", 1}, {"t6", "op7", 2},  {"op7", "t7", -1},
        {"t7", "op9", 0},  {"t8", "op9", 1}, {"op9", "t9", -1}};
    CHECK(edges == expected_edges);
    CHECK(j["edges"].size() == expected_edges.size());

    REQUIRE(j["broadcasts"].size() == 2);
    CHECK(j["broadcasts"][0]["from"] == "t2");
    CHECK(j["broadcasts"][0]["op"] == "op3");
    CHECK(j["broadcasts"][0]["axes"] == json::array({1}));
    CHECK(j["broadcasts"][0]["text"] ==
          "b[1] (4, 1) -> (4, m) in linear, backward sums over axis 1");
    CHECK(j["warnings"].empty());
}

TEST_CASE("the JSON escapes what it must and says float32 for float graphs") {
    Tensor<float> x(random_array<float>({2, 2}, 3), true, "x \"quoted\"\n\\ <tab>\t");
    Tensor<float> y = exp(x);
    y.label("y");
    const json j = json::parse(to_json(inspect(y)));
    CHECK(j["dtype"] == "float32");
    CHECK(j["batch_size"].is_null());
    CHECK(j["nodes"][0]["label"] == "x \"quoted\"\n\\ <tab>\t");
    CHECK(j["nodes"][0]["dtype"] == "float32");
}

TEST_CASE("NaN and Inf are written as null in the JSON, and counted") {
    Tensor<double> x(Array<double>{{1.0, std::nan(""), INFINITY}}, true, "x");
    const json j = json::parse(to_json(inspect(x * 2.0)));
    const json& value = j["nodes"][0]["value"];
    CHECK(value["nonfinite"] == 2);
    CHECK(value["norm"].is_null());
    CHECK(value["min"] == 1.0);
    CHECK(value["values"][1].is_null());
}

TEST_CASE("the DOT output of a network is valid: Graphviz draws it") {
    const std::size_t m = 6;
    Network net = network({3, 4, 2, 1}, m);
    net.L.backward(keep_everything());
    const Graph graph = inspect(net.L);
    DotOptions options;
    options.batch_size = m;
    options.values = true;
    options.grad_summaries = true;
    options.title = "3-layer \"test\" <network> & co";
    const std::string dot = to_dot(graph, options);
    check_dot_structure(dot, graph);
    CHECK(contains(dot, "<b>Z[2]</b><br/><font point-size=\"10\">2 x m</font>"));
    CHECK(contains(dot, "dW[3] 1 x 2")); // gradients where present, in the course's names
    CHECK(contains(dot, "label=\"(2,1) -> (2,m)\\nbackward: sum axis 1\""));
    CHECK(contains(dot, "cluster_0 { label=\"layer 1\""));
    CHECK(contains(dot, "&lt;network&gt; &amp; co")); // the title, escaped for HTML
    CHECK(contains(dot, "peripheries=2"));            // the loss stands out
    check_dot_renders(dot, "three_layer");

    options.rankdir = "LR";
    options.legend = false;
    options.clusters = false;
    const std::string plain = to_dot(graph, options);
    CHECK(contains(plain, "rankdir=\"LR\""));
    CHECK_FALSE(contains(plain, "cluster_"));
    CHECK_FALSE(contains(plain, "legend"));
    check_dot_renders(plain, "three_layer_lr");
}

TEST_CASE("labels with quotes, backslashes and HTML characters still make valid DOT") {
    Scope scope("scope \"quoted\" \\ <layer>");
    Tensor<double> a(random_array({2, 1}, 1), true, "a\"b\\c<d>&e");
    Tensor<double> c(random_array({2, 3}, 2), false, "]{};\n--");
    Tensor<double> out = add(a, c);
    out.label("say \"hi\"");
    const Graph graph = inspect(out);
    const std::string dot = to_dot(graph);
    check_dot_structure(dot, graph);
    CHECK(contains(dot, "a&quot;b\\c&lt;d&gt;&amp;e"));
    check_dot_renders(dot, "escaping");
}

TEST_CASE("render() explains what went wrong") {
    if (!graphviz::available()) {
        CHECK_THROWS_WITH_AS(graphviz::render("digraph { a }", (output_dir() / "x.svg").string()),
                             doctest::Contains("not on PATH"), graphviz::Error);
        return;
    }
    CHECK_THROWS_WITH_AS(graphviz::render("digraph { a -> ", (output_dir() / "bad.svg").string()),
                         doctest::Contains("dot -Tsvg failed"), graphviz::Error);
    CHECK_THROWS_WITH_AS(graphviz::render("digraph { a }", (output_dir() / "x.jpeg").string()),
                         doctest::Contains("use .svg, .png or .pdf"), graphviz::Error);
    CHECK_THROWS_WITH_AS(graphviz::render("digraph { a }", "/nonexistent-dir/x.svg"),
                         doctest::Contains("/nonexistent-dir/x.svg"), graphviz::Error);
}

TEST_CASE("the text dump has one line per tensor with its fields, and the ledger") {
    const std::size_t m = 5;
    Network net = network({3, 4, 1}, m);
    net.L.backward(keep_everything());
    TextOptions options;
    options.batch_size = m;
    const std::string text = to_text(inspect(net.L), options);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    REQUIRE(lines.size() >= 12);
    CHECK(lines[0] == "graph: 10 tensors, 4 ops, 1 output, float64, m = 5");
    CHECK(contains(lines[1], "#  seq  op"));
    CHECK(contains(text, "\nseq: the op's place on the tape, in recording order (- for a leaf)"));
    for (const char* field :
         {"label", "inputs", "shape", "dtype", "requires_grad", "saved", "gradient", "scope"})
        CHECK(contains(lines[1], field));
    // Z[1] = linear(W[1] #0, X #1, b[1] #2): 160 B of its own + 96 + 120 of the inputs its rule
    // keeps (W[1] and X; linear's row does not keep b).
    const std::string& z1 = lines[2 + 3];
    CAPTURE(z1);
    CHECK(z1.rfind("3  ", 0) == 0);
    CHECK(contains(z1, " " + std::to_string(net.Z[1].sequence()) + "  linear "));
    for (const char* field :
         {"Z[1]", "#0 #1 #2", "(4, m)", "float64", "yes", "376 B", "dZ[1] (4, m) norm ", "layer 1"})
        CHECK(contains(z1, field));
    CHECK(contains(lines[2 + 1], "leaf (input)"));
    CHECK(contains(lines[2 + 1], "no"));
    CHECK(contains(lines[2 + 0], "dW[1] (4, 3) norm "));
    CHECK(contains(text, "b[1] (4, 1) -> (4, m) in linear, backward sums over axis 1  [#3]"));
}

TEST_CASE("after a plain backward the freed nodes show as freed, with their input shapes") {
    const std::size_t m = 4;
    Network net = network({3, 2, 1}, m);
    net.L.backward();
    const Graph from_root = inspect(net.L);
    REQUIRE(from_root.tensors.size() == 1); // a freed node no longer holds its inputs
    CHECK(from_root.tensors[0].freed);
    CHECK(from_root.tensors[0].input_shapes.size() == 2);

    // The tape still lists the nodes this test holds (Z[1], A[1], Z[2], L), all freed.
    const Graph tape = inspect_tape<double>();
    CHECK(tape.tensors.size() == 4);
    for (const GraphTensor& t : tape.tensors)
        CHECK(t.freed);
    TextOptions options;
    options.batch_size = m;
    const std::string text = to_text(tape, options);
    CHECK(contains(text, "linear (freed)"));
    CHECK(contains(text, "freed: (2, 3) (3, m) (2, 1)"));
    // The ledger survives freeing: it reads the shapes the node kept.
    CHECK(contains(text, "input 2 (2, 1) -> (2, m) in linear, backward sums over axis 1"));
    check_dot_renders(to_dot(tape), "freed");
}

TEST_CASE("inspect walks a 100,000-op chain without recursion") {
    Tensor<double> x(Array<double>{1.0, 2.0}, true, "x");
    Tensor<double> y = x;
    for (int i = 0; i < 100000; ++i)
        y = y * 1.0;
    const Graph graph = inspect(y);
    CHECK(graph.tensors.size() == 100001);
    CHECK(graph.tensors.front().label == "x");
    CHECK(graph.tensors.back().role == Role::output);
    CHECK(graph.tensors[500].inputs == std::vector<std::size_t>{499});
    const std::string text = to_text(graph);
    CHECK(std::count(text.begin(), text.end(), '\n') == 100001 + 2 + 1 + 1); // + the legend
}

TEST_CASE("the broadcast ledger names the b[l] reductions of a 3-layer network") {
    const std::size_t m = 6;
    Network net = network({3, 4, 2, 1}, m);
    const Graph graph = inspect(net.L);
    REQUIRE(graph.broadcasts.size() == 3);
    CHECK(graph.broadcasts[0].text(m) ==
          "b[1] (4, 1) -> (4, m) in linear, backward sums over axis 1");
    CHECK(graph.broadcasts[1].text(m) ==
          "b[2] (2, 1) -> (2, m) in linear, backward sums over axis 1");
    CHECK(graph.broadcasts[2].text(m) ==
          "b[3] (1, 1) -> (1, m) in linear, backward sums over axis 1");
    for (const Broadcast& b : graph.broadcasts) {
        CHECK(b.axes == std::vector<std::size_t>{1});
        CHECK_FALSE(b.suspicious);
        CHECK(graph.tensors[b.input].role == Role::parameter);
    }
    CHECK(graph.warnings.empty());
    REQUIRE(graph.find("Z[2]") != nullptr);
    CHECK(graph.find("Z[2]")->op == Op::linear);
    CHECK(graph.find(net.Z[2]) == graph.find("Z[2]"));
    CHECK(graph.find(Tensor<double>()) == nullptr);
    CHECK(graph.find("no such label") == nullptr);

    // Written as Z = W A + b with matmul and add, the same broadcast is found in add.
    Tensor<double> Z = matmul(net.W[1], net.X) + net.b[1];
    const Graph by_hand = inspect(Z);
    REQUIRE(by_hand.broadcasts.size() == 1);
    CHECK(by_hand.broadcasts[0].text(m) ==
          "b[1] (4, 1) -> (4, m) in add, backward sums over axis 1");

    // Leading axes a broadcast adds are summed too.
    Tensor<double> v(random_array({4}, 5), true, "v");
    const Graph lead = inspect(mul(Tensor<double>(random_array({2, 3, 4}, 6)), v));
    REQUIRE(lead.broadcasts.size() == 1);
    CHECK(lead.broadcasts[0].text() == "v (4) -> (2, 3, 4) in mul, backward sums over axes 0, 1");
}

TEST_CASE("a (1, m) label against an (m, 1) prediction is flagged") {
    const std::size_t m = 6;
    Network net = network({3, 4, 1}, m);
    Tensor<double> A2 = transpose(sigmoid(net.Z[2])).label("A[2]^T"); // (m, 1): the mistake
    Tensor<double> cost = mean(pow(net.Y - A2, 2.0));
    const Graph graph = inspect(cost);
    REQUIRE(graph.warnings.size() == 1);
    CAPTURE(graph.warnings[0]);
    CHECK(
        contains(graph.warnings[0], "Y (1, 6) against A[2]^T (6, 1) broadcasts both into (6, 6)"));
    CHECK(contains(graph.warnings[0], "almost always a mistake"));
    std::size_t suspicious = 0;
    for (const Broadcast& b : graph.broadcasts)
        suspicious += b.suspicious;
    CHECK(suspicious == 2);
    TextOptions text_options;
    text_options.batch_size = m;
    const std::string text = to_text(graph, text_options);
    CHECK(contains(text, "warning: sub"));
    CHECK(contains(text, "suspicious"));
    const std::string dot = to_dot(graph);
    CHECK(contains(dot, "!! (1,6) -> (6,6)"));
    check_dot_renders(dot, "suspicious");

    // An outer sum of a (3, 1) and a (1, 4) is a legitimate broadcast: no warning.
    Tensor<double> col(random_array({3, 1}, 1), true), row(random_array({1, 4}, 2), true);
    const Graph outer = inspect(col + row);
    CHECK(outer.broadcasts.size() == 2);
    CHECK(outer.warnings.empty());
}

TEST_CASE("step-through backward gives exactly the gradients of backward()") {
    const std::size_t m = 5;
    const std::vector<std::size_t> dims = {3, 4, 2, 1};
    Network reference = network(dims, m);
    reference.L.backward(keep_everything());
    Network stepped = network(dims, m); // the same values, a fresh graph

    StepThrough<double> walk(stepped.L);
    CHECK_THROWS_AS(walk.last(), GraphError);
    DotOptions options;
    options.batch_size = m;
    const std::string before = walk.frame(options);
    CHECK(contains(before, "before backward"));
    std::vector<std::string> frames;
    while (walk.step())
        frames.push_back(walk.frame(options));
    CHECK_FALSE(walk.step()); // stays done

    // One step per op, from the loss back: bce, then linear, relu per layer.
    const std::vector<Op> order = {Op::binary_cross_entropy_with_logits,
                                   Op::linear,
                                   Op::relu,
                                   Op::linear,
                                   Op::relu,
                                   Op::linear};
    REQUIRE(walk.steps().size() == order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const StepInfo& s = walk.steps()[k];
        CAPTURE(k);
        CHECK(s.index == k);
        CHECK(s.op == order[k]);
        CHECK(std::string(s.rule) == op_info(order[k]).rule);
        const GraphTensor& node = walk.graph().tensors[s.tensor];
        CHECK(node.op == s.op);
        CHECK(s.sent.size() == node.input_shapes.size());
        for (const StepInfo::Sent& sent : s.sent)
            if (sent.grad)
                CHECK(sent.grad->shape == node.input_shapes[sent.input_index]);
    }
    // The incoming gradient at each Z[l] is the one backward() retained there.
    for (std::size_t k : {1, 3, 5}) {
        const StepInfo& s = walk.steps()[k];
        const std::size_t l = 3 - k / 2;
        CHECK(s.label == "Z[" + std::to_string(l) + "]");
        CHECK(s.incoming.norm == doctest::Approx(norm(reference.Z[l].grad())).epsilon(tolerance));
    }
    // The last step is layer 1's linear: X gets nothing.
    const StepInfo& first_layer = walk.last();
    CHECK(first_layer.sent[1].label == "X");
    CHECK_FALSE(first_layer.sent[1].grad.has_value());
    CHECK(contains(first_layer.text(m), "input 1  X: needs no gradient"));
    CHECK(contains(walk.steps()[2].text(m), "rule     relu': dX = G * (A > 0)"));
    CHECK(contains(walk.steps()[0].text(m), "incoming dL () [1]"));

    // The parameters' gradients: bitwise those of backward().
    for (std::size_t l = 1; l < dims.size(); ++l) {
        CAPTURE(l);
        CHECK(stepped.W[l].grad() == reference.W[l].grad());
        CHECK(stepped.b[l].grad() == reference.b[l].grad());
    }
    CHECK(stepped.L.is_freed()); // a plain backward, freeing as it goes

    // Each frame highlights the running op and the edges its gradients go down.
    REQUIRE(frames.size() == order.size());
    CHECK(contains(frames[1], "xlabel=\"dW[3] 1 x 2\""));
    CHECK(contains(frames[1], "dir=back"));
    CHECK(contains(frames[1], "dZ[1]: not yet"));
    CHECK(contains(frames.back(), "db[1] 4 x 1  |g| "));
    check_dot_renders(before, "step_0");
    for (std::size_t k = 0; k < frames.size(); ++k)
        check_dot_renders(frames[k], "step_" + std::to_string(k + 1));
}

TEST_CASE("a step-through walk dropped halfway leaves no gradient behind") {
    Network net = network({3, 2, 1}, 4);
    {
        StepThrough<double> walk(net.L, keep_everything());
        CHECK(walk.step());
        CHECK(walk.step());
    }
    CHECK_FALSE(net.W[1].has_grad());
    net.L.backward(); // the graph was retained: a full backward still works
    CHECK(net.W[1].has_grad());
}

TEST_CASE("the week-4 network renders to SVG and PNG") {
    const std::size_t m = 8;
    Network net = network({12288, 20, 7, 5, 1}, m, 11);
    net.L.backward(keep_everything());
    const Graph graph = inspect(net.L);
    CHECK(graph.tensors.size() == 18);
    CHECK(graph.broadcasts.size() == 4);
    DotOptions options;
    options.batch_size = m;
    options.title = "week 4: [12288 -> 20 -> 7 -> 5 -> 1], relu, relu, relu, sigmoid";
    const std::string dot = to_dot(graph, options);
    check_dot_structure(dot, graph);
    CHECK(contains(dot, "20 x 12288"));
    CHECK(contains(dot, "12288 x m"));
    if (!graphviz::available())
        return;
    const fs::path svg = output_dir() / "week4.svg", png = output_dir() / "week4.png";
    graphviz::render(dot, svg.string());
    graphviz::render(dot, png.string());
    const std::string picture = read(svg);
    for (const char* label : {"W[1]", "b[4]", "Z[4]", "A[3]", "dW[1]", "L"})
        CHECK(contains(picture, label));
    CHECK(read(png).rfind("\x89PNG", 0) == 0);
    MESSAGE("week-4 graph drawn to " << svg.string() << " and " << png.string());
}

namespace {
// PATH set to `value` while alive, so a test can hide Graphviz.
struct PathOverride {
    std::string saved;
    bool had;
    explicit PathOverride(const char* value) {
        const char* old = std::getenv("PATH");
        had = old != nullptr;
        if (had)
            saved = old;
        setenv("PATH", value, 1);
    }
    ~PathOverride() {
        if (had)
            setenv("PATH", saved.c_str(), 1);
        else
            unsetenv("PATH");
    }
};
} // namespace

TEST_CASE("write_graph_files writes the text, DOT, JSON, pictures and step frames") {
    const std::size_t m = 4;
    Network net = network({3, 2, 1}, m);
    GraphRequest request;
    request.out_dir = (output_dir() / "graph_files").string();
    fs::remove_all(request.out_dir);
    request.formats = {"txt", "dot", "json", "svg", "png"};
    request.steps = true;
    request.batch_size = m;
    request.title = "3 -> 2 -> 1";
    std::ostringstream log;
    const std::vector<std::string> written = write_graph_files(net.L, request, log);
    const fs::path dir = request.out_dir;
    CHECK(contains(read(dir / "graph.txt"), "b[1] (2, 1) -> (2, m) in linear"));
    const json j = json::parse(read(dir / "graph.json"));
    CHECK(j["schema"] == "xgrad-graph");
    CHECK(j["nodes"][0]["grad"]["shape"] == json::array({2, 3})); // backward ran: dW[1]
    CHECK(contains(read(dir / "graph.dot"), "dW[1] 2 x 3"));
    CHECK(contains(read(dir / "steps" / "steps.txt"), "step 1: binary_cross_entropy_with_logits"));
    // Frame 0 is before backward, then one per op: bce, linear, relu, linear.
    for (int k = 0; k <= 4; ++k)
        CHECK(fs::exists(dir / "steps" / ("step-0" + std::to_string(k) + ".dot")));
    CHECK_FALSE(fs::exists(dir / "steps" / "step-05.dot"));
    if (graphviz::available()) {
        CHECK(fs::exists(dir / "graph.svg"));
        CHECK(read(dir / "graph.png").rfind("\x89PNG", 0) == 0);
        CHECK(fs::exists(dir / "steps" / "step-04.svg"));
        CHECK(written.size() == 3 + 2 + 1 + 5 * 2);
    }
    CHECK(contains(log.str(), "wrote " + (dir / "graph.json").string()));
    // The model's parameters got their gradients, as from backward().
    CHECK(net.W[1].has_grad());
}

TEST_CASE("without Graphviz, DOT is still written and the message says how to draw it") {
    Network net = network({3, 2, 1}, 4);
    const Graph graph = inspect(net.L);
    PathOverride no_dot("/nonexistent");
    CHECK_FALSE(graphviz::available());
    CHECK_THROWS_WITH_AS(graphviz::render(to_dot(graph), (output_dir() / "nodot.svg").string()),
                         doctest::Contains("apt-get install graphviz"), graphviz::Error);
    GraphRequest request;
    request.out_dir = (output_dir() / "graph_no_dot").string();
    fs::remove_all(request.out_dir);
    std::ostringstream log;
    write_graph_files(net.L, request, log);
    CHECK(fs::exists(fs::path(request.out_dir) / "graph.dot"));
    CHECK_FALSE(fs::exists(fs::path(request.out_dir) / "graph.svg"));
    CHECK(contains(log.str(), "Graphviz's dot is not on PATH"));
}

TEST_CASE("write_graph_files refuses an unknown format and an unwritable directory") {
    Network net = network({3, 2, 1}, 4);
    GraphRequest request;
    request.formats = {"svg", "gif"};
    std::ostringstream log;
    CHECK_THROWS_WITH_AS(write_graph_files(net.L, request, log), doctest::Contains("\"gif\""),
                         std::invalid_argument);
    request.formats = {"txt"};
    request.out_dir = "/proc/xgrad-cannot-be-here";
    CHECK_THROWS_WITH_AS(write_graph_files(net.L, request, log),
                         doctest::Contains("/proc/xgrad-cannot-be-here"), io::FileError);
}
