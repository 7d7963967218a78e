#include "cli/graph_files.hpp"

#include "autograd/inspect/render.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace xgrad::cli {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw io::FileError(path.string(),
                            std::string("cannot open for writing: ") + std::strerror(errno));
    out << text;
    out.flush();
    if (!out)
        throw io::FileError(path.string(), "write error (disk full?)");
}

bool wanted(const GraphRequest& request, const std::string& format) {
    return std::find(request.formats.begin(), request.formats.end(), format) !=
           request.formats.end();
}

std::string two_digits(std::size_t k) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%02zu", k);
    return buffer;
}

} // namespace

const std::vector<std::string>& graph_formats() {
    static const std::vector<std::string> formats = {"txt", "dot", "json", "svg", "png", "pdf"};
    return formats;
}

template <class T>
std::vector<std::string> write_graph_files(const Tensor<T>& loss, const GraphRequest& request,
                                           std::ostream& log) {
    for (const std::string& format : request.formats)
        if (std::find(graph_formats().begin(), graph_formats().end(), format) ==
            graph_formats().end())
            throw std::invalid_argument("graph: unknown format \"" + format +
                                        "\"; choose among txt, dot, json, svg, png, pdf");
    const fs::path dir(request.out_dir);
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        throw io::FileError(dir.string(), "cannot create the directory: " + error.message());

    std::vector<std::string> written;
    const auto note = [&](const fs::path& path) {
        written.push_back(path.string());
        log << "wrote " << path.string() << "\n";
    };
    const bool can_draw = graphviz::available();
    bool told_no_dot = false;
    const auto draw = [&](const std::string& dot, const fs::path& path) {
        if (!can_draw) {
            if (!told_no_dot)
                log << "not drawing " << path.string()
                    << ": Graphviz's dot is not on PATH (Debian: apt-get install graphviz); "
                       "the .dot files can be drawn with `dot -Tsvg FILE.dot -o FILE.svg`\n";
            told_no_dot = true;
            return;
        }
        graphviz::render(dot, path.string());
        note(path);
    };

    DotOptions dot_options;
    dot_options.batch_size = request.batch_size;
    dot_options.title = request.title;
    dot_options.rankdir = request.rankdir;
    dot_options.values = request.values;

    // Backward one op at a time, keeping the graph and every gradient for the pictures.
    BackwardOptions keep;
    keep.retain_graph = true;
    keep.retain_grads = true;
    StepThrough<T> walk(loss, keep);
    std::vector<std::string> frames;
    if (request.steps)
        frames.push_back(walk.frame(dot_options));
    std::string steps_text;
    while (walk.step()) {
        steps_text += walk.last().text(request.batch_size) + "\n";
        if (request.steps)
            frames.push_back(walk.frame(dot_options));
    }
    if (request.steps) {
        const fs::path steps_dir = dir / "steps";
        fs::create_directories(steps_dir, error);
        if (error)
            throw io::FileError(steps_dir.string(),
                                "cannot create the directory: " + error.message());
        write_text(steps_dir / "steps.txt", steps_text);
        note(steps_dir / "steps.txt");
        for (std::size_t k = 0; k < frames.size(); ++k) {
            const fs::path stem = steps_dir / ("step-" + two_digits(k));
            write_text(stem.string() + ".dot", frames[k]);
            note(stem.string() + ".dot");
            draw(frames[k], stem.string() + ".svg");
        }
    }

    const Graph graph = inspect(loss);
    const fs::path stem = dir / request.stem;
    if (wanted(request, "txt")) {
        TextOptions options;
        options.batch_size = request.batch_size;
        write_text(stem.string() + ".txt", to_text(graph, options));
        note(stem.string() + ".txt");
    }
    const std::string dot = to_dot(graph, dot_options);
    if (wanted(request, "dot")) {
        write_text(stem.string() + ".dot", dot);
        note(stem.string() + ".dot");
    }
    if (wanted(request, "json")) {
        JsonOptions options;
        options.batch_size = request.batch_size;
        write_text(stem.string() + ".json", to_json(graph, options));
        note(stem.string() + ".json");
    }
    for (const char* picture : {"svg", "png", "pdf"})
        if (wanted(request, picture))
            draw(dot, stem.string() + "." + picture);
    for (const std::string& warning : graph.warnings)
        log << "warning: " << warning << "\n";
    return written;
}

template std::vector<std::string> write_graph_files(const Tensor<float>&, const GraphRequest&,
                                                    std::ostream&);
template std::vector<std::string> write_graph_files(const Tensor<double>&, const GraphRequest&,
                                                    std::ostream&);

} // namespace xgrad::cli
