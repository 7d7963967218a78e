// xgrad_differential: writes differential records (tests/differential/record.hpp) for
// replay_torch.py to check against PyTorch. docs/differential-testing.md has the commands.
//
//   xgrad_differential generate --count N [--seed S] [--max-ops K] [--kinks] --out DIR
//       N random graphs (graph i has seed S + i and starts with op i of the table, so any
//       N >= the table's size covers every op; a table op no graph has is an error);
//       --kinks puts some inputs exactly on kinks and ties (random_graph.hpp)
//   xgrad_differential replay --out DIR RECORD.json...
//       each record's graph rebuilt in xgrad and evaluated afresh (regressions, shrinking)
#include "tests/differential/random_graph.hpp"
#include "tests/differential/record.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace xgrad;
using namespace xgrad::differential;

namespace {

void write(const fs::path& path, const Json& record) {
    std::ofstream out(path);
    out << record.dump() << "\n";
    if (!out)
        throw std::runtime_error("differential: cannot write " + path.string());
}

Json read(const fs::path& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("differential: cannot read " + path.string());
    try {
        return Json::parse(in);
    } catch (const Json::exception& e) {
        throw std::runtime_error("differential: " + path.string() + " is not JSON: " + e.what());
    }
}

std::set<std::string> ops_of(const Json& record) {
    std::set<std::string> ops;
    for (const Json& n : record.at("graph").at("nodes"))
        if (n.at("kind") == "op")
            ops.insert(n.at("op").get<std::string>());
    return ops;
}

// The record again from its rebuilt graph: the same leaf values and v (under the ids the
// rebuilt graph gives them), today's answers. A leaf that requires grad and has no v
// (a shrunk graph's new leaf) gets a random one.
Json replayed(const Json& record) {
    const Rebuilt rebuilt = rebuild(record);
    const Graph graph = inspect(rebuilt.loss);
    const GraphTensors g = graph_tensors(rebuilt.loss, graph);
    Json out = record;
    out["graph"] = Json::parse(to_json(graph));
    out["loss"] = g.loss;
    Json leaves = Json::object(), v = Json::object();
    std::mt19937_64 rng(std::hash<std::string>()(record.value("name", "")));
    std::uniform_real_distribution<double> direction(-1, 1);
    for (const auto& [old_id, t] : rebuilt.by_id) {
        const GraphTensor* node = graph.find(t);
        if (!t.is_leaf() || !node)
            continue;
        const std::string id = "t" + std::to_string(node->id);
        leaves[id] = record.at("leaves").at(old_id);
        if (!t.requires_grad())
            continue;
        if (record.at("v").contains(old_id)) {
            v[id] = record.at("v").at(old_id);
        } else {
            std::vector<double> vi(t.size());
            for (double& x : vi)
                x = direction(rng);
            v[id] = vi;
        }
    }
    out["leaves"] = leaves;
    out["v"] = v;
    evaluate(g, v, out);
    return out;
}

int generate(std::size_t count, std::uint64_t seed, std::size_t max_ops, bool kinks,
             const fs::path& dir) {
    fs::create_directories(dir);
    const std::vector<Op> table = all_ops();
    std::set<std::string> covered;
    std::size_t leaves = 0, ops = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t graph_seed = seed + i;
        GraphOptions options;
        options.max_ops = max_ops;
        options.kinks = kinks;
        std::ostringstream name;
        name << (kinks ? "k" : "g") << graph_seed;
        Json record;
        try {
            GraphBuilder builder(graph_seed, options);
            const RandomGraph g = builder.build(table[i % table.size()]);
            std::mt19937_64 rng(graph_seed ^ 0x9e3779b97f4a7c15ULL);
            record = make_record(name.str(), g.loss, rng);
        } catch (const std::exception& e) {
            throw std::runtime_error("graph " + name.str() + " (seed " +
                                     std::to_string(graph_seed) + "): " + e.what());
        }
        // The rebuilt graph must give the same answers bit for bit, or kept regressions
        // would not replay what was found.
        const Json again = replayed(record);
        if (again.at("grad") != record.at("grad") || again.at("hvp") != record.at("hvp"))
            throw std::logic_error("differential: graph " + name.str() +
                                   " rebuilt from its JSON gives other gradients");
        for (const std::string& op : ops_of(record))
            covered.insert(op);
        leaves += record.at("v").size();
        for (const Json& n : record.at("graph").at("nodes"))
            ops += n.at("kind") == "op";
        write(dir / (name.str() + ".json"), record);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "xgrad_differential: " << count << " graphs, " << ops << " ops, " << leaves
              << " leaves that require grad, " << covered.size() << " of " << table.size()
              << " ops of the table, " << seconds << " s, in " << dir.string() << "\n";
    int missing = 0;
    if (count >= table.size())
        for (Op op : table)
            if (!covered.count(op_info(op).name)) {
                std::cerr << "xgrad_differential: op " << op_info(op).name
                          << " of the op table is in no generated graph\n";
                ++missing;
            }
    return missing ? 1 : 0;
}

int replay(const std::vector<fs::path>& files, const fs::path& dir) {
    fs::create_directories(dir);
    for (const fs::path& file : files) {
        Json record = read(file);
        try {
            write(dir / file.filename(), replayed(record));
        } catch (const std::exception& e) {
            throw std::runtime_error(file.string() + ": " + e.what());
        }
    }
    std::cout << "xgrad_differential: " << files.size() << " records replayed into " << dir.string()
              << "\n";
    return 0;
}

int usage() {
    std::cerr << "usage: xgrad_differential generate --count N [--seed S] [--max-ops K] [--kinks] "
                 "--out DIR\n"
                 "       xgrad_differential replay --out DIR RECORD.json...\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    const std::string command = argv[1];
    std::size_t count = 300, max_ops = 14;
    std::uint64_t seed = 1;
    bool kinks = false;
    fs::path out;
    std::vector<fs::path> files;
    try {
        for (int i = 2; i < argc; ++i) {
            const std::string arg = argv[i];
            const auto value = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::invalid_argument(arg + " needs a value");
                return argv[++i];
            };
            if (arg == "--count")
                count = std::stoul(value());
            else if (arg == "--seed")
                seed = std::stoull(value());
            else if (arg == "--max-ops")
                max_ops = std::max<std::size_t>(1, std::stoul(value()));
            else if (arg == "--kinks")
                kinks = true;
            else if (arg == "--out")
                out = value();
            else if (arg.rfind("--", 0) == 0)
                throw std::invalid_argument("unknown option " + arg);
            else
                files.emplace_back(arg);
        }
        if (out.empty())
            return usage();
        if (command == "generate")
            return generate(count, seed, max_ops, kinks, out);
        if (command == "replay")
            return replay(files, out);
        return usage();
    } catch (const std::exception& e) {
        std::cerr << "xgrad_differential: " << e.what() << "\n";
        return 1;
    }
}
