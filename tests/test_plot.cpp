// The SVG line-chart writer: well-formed XML, every series drawn with its points, axes
// with ticks covering the data, legends, escaping, and the refusals.
#include "plot/plot.hpp"
#include "plot/render.hpp"

#include "io/file_error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace xgrad::plot;
namespace fs = std::filesystem;

namespace {

// A small XML well-formedness check: one root, tags nest and close in order, attribute
// values are quoted, and '&' only starts one of the five predefined entities. Returns ""
// when well-formed, else what was wrong and where.
std::string xml_problem(const std::string& s) {
    std::vector<std::string> open;
    std::size_t i = 0;
    int roots = 0;
    auto check_text = [&](std::size_t from, std::size_t to) -> std::string {
        for (std::size_t k = from; k < to; ++k) {
            if (s[k] == '<')
                return "stray '<' at " + std::to_string(k);
            if (s[k] != '&')
                continue;
            static const char* entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool ok = false;
            for (const char* e : entities)
                ok = ok || s.compare(k, std::strlen(e), e) == 0;
            if (!ok)
                return "bad entity at " + std::to_string(k);
        }
        return "";
    };
    while (i < s.size()) {
        const std::size_t lt = s.find('<', i);
        if (lt == std::string::npos) {
            if (auto p = check_text(i, s.size()); !p.empty())
                return p;
            break;
        }
        if (auto p = check_text(i, lt); !p.empty())
            return p;
        if (open.empty() && roots == 0 && s.find_first_not_of(" \n\t", i) < lt)
            return "text before the root element";
        if (s.compare(lt, 5, "<?xml") == 0) {
            i = s.find("?>", lt);
            if (i == std::string::npos)
                return "unclosed <?xml";
            i += 2;
            continue;
        }
        // A tag: scan to its '>' honouring quotes.
        std::size_t k = lt + 1;
        char quote = 0;
        for (; k < s.size(); ++k) {
            if (quote) {
                if (s[k] == quote)
                    quote = 0;
                else if (s[k] == '<')
                    return "'<' inside an attribute at " + std::to_string(k);
            } else if (s[k] == '"' || s[k] == '\'') {
                quote = s[k];
            } else if (s[k] == '>') {
                break;
            }
        }
        if (k >= s.size())
            return "unclosed tag at " + std::to_string(lt);
        std::string tag = s.substr(lt + 1, k - lt - 1);
        i = k + 1;
        if (!tag.empty() && tag[0] == '/') {
            const std::string name = tag.substr(1);
            if (open.empty() || open.back() != name)
                return "</" + name + "> closes " + (open.empty() ? "nothing" : open.back());
            open.pop_back();
            continue;
        }
        const bool self_closing = !tag.empty() && tag.back() == '/';
        if (self_closing)
            tag.pop_back();
        const std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
        if (name.empty())
            return "empty tag name at " + std::to_string(lt);
        // Attributes: name="value" pairs.
        static const std::regex attrs(
            R"(^\s*([A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*("[^"]*"|'[^']*')\s*)*$)");
        if (!std::regex_match(tag.substr(name.size()), attrs))
            return "malformed attributes in <" + name + "> at " + std::to_string(lt);
        if (open.empty())
            ++roots;
        if (roots > 1)
            return "more than one root element";
        if (!self_closing)
            open.push_back(name);
    }
    if (!open.empty())
        return "<" + open.back() + "> never closed";
    if (roots != 1)
        return "no root element";
    return "";
}

int count(const std::string& s, const std::string& what) {
    int n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        ++n;
    return n;
}

// The attribute `name` of the first element matching `marker`.
std::string attribute_after(const std::string& svg, const std::string& marker,
                            const std::string& name) {
    const std::size_t at = svg.find(marker);
    REQUIRE(at != std::string::npos);
    const std::size_t end = svg.find('>', at);
    const std::string tag = svg.substr(at, end - at);
    const std::size_t a = tag.find(" " + name + "=\"");
    REQUIRE(a != std::string::npos);
    const std::size_t from = a + name.size() + 3;
    return tag.substr(from, tag.find('"', from) - from);
}

// The tick labels of one axis ("xtick"/"ytick"), as numbers, in document order.
std::vector<double> ticks(const std::string& svg, const std::string& cls) {
    std::vector<double> out;
    const std::regex re("class=\"" + cls + "\"[^>]*>([^<]*)<");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
         ++it)
        out.push_back(std::stod((*it)[1]));
    return out;
}

// The (x, y) pixel points of a path's d attribute.
std::vector<std::pair<double, double>> path_points(const std::string& d) {
    std::vector<std::pair<double, double>> out;
    std::istringstream in(d);
    char command;
    double x, y;
    while (in >> command >> x >> y)
        out.emplace_back(x, y);
    return out;
}

std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / ("xgrad-plot-" + std::to_string(::getpid()) + "-" + name))
        .string();
}

bool have_xmllint() {
    return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}

} // namespace

TEST_CASE("the XML checker itself rejects what is not well-formed") {
    CHECK(xml_problem("<svg><g></g></svg>") == "");
    CHECK(xml_problem("<svg a=\"1\" b='2'/>") == "");
    CHECK(xml_problem("<svg><g></svg>") != "");
    CHECK(xml_problem("<svg><g/></svg><svg/>") != "");
    CHECK(xml_problem("<svg a=1/>") != "");
    CHECK(xml_problem("<svg>a & b</svg>") != "");
    CHECK(xml_problem("<svg>a < b</svg>") != "");
    CHECK(xml_problem("<svg>") != "");
}

TEST_CASE("training curves: two well-formed panels with every series and its points") {
    TrainingHistory h;
    for (int e = 1; e <= 12; ++e) {
        h.epoch.push_back(e);
        h.train_loss.push_back(0.7 * std::exp(-0.2 * e));
        h.test_loss.push_back(0.75 * std::exp(-0.15 * e));
        h.train_accuracy.push_back(1 - 0.5 * std::exp(-0.3 * e));
        h.test_accuracy.push_back(1 - 0.55 * std::exp(-0.25 * e));
    }
    const std::vector<Chart> charts = training_charts(h);
    REQUIRE(charts.size() == 2);
    const std::string svg = render_svg(charts, 480, 360, "planar, 4 hidden units");

    CHECK(xml_problem(svg) == "");
    CHECK(count(svg, "class=\"panel\"") == 2);
    CHECK(count(svg, "class=\"series\"") == 4);
    CHECK(count(svg, "data-points=\"12\"") == 4);
    CHECK(count(svg, "stroke-dasharray") == 4); // test curves and their legend swatches
    // The run's title once across the figure, each panel its own short one.
    CHECK(count(svg, ">planar, 4 hidden units</text>") == 1);
    CHECK(count(svg, ">loss</text>") == 1);
    CHECK(count(svg, ">accuracy</text>") == 2); // the panel's title and its y label
    CHECK(count(svg, ">epoch</text>") == 2);
    CHECK(count(svg, "class=\"legend\"") == 4);
    // The legend says why train can look worse than test at epoch 1.
    CHECK(count(svg, ">train (mean during the epoch)</text>") == 2);
    CHECK(count(svg, ">test (end of epoch)</text>") == 2);

    // The x ticks cover epochs 1..12 with whole-number steps; the accuracy axis spans 0..1.
    const std::vector<double> xt = ticks(svg, "xtick");
    REQUIRE(xt.size() >= 4);
    CHECK(xt.front() <= 1);
    CHECK(xt.back() >= 12);
    for (double x : xt)
        CHECK(x == std::floor(x));
    const std::vector<double> yt = ticks(svg, "ytick");
    CHECK(std::count(yt.begin(), yt.end(), 0.0) >= 1);
    CHECK(std::count(yt.begin(), yt.end(), 1.0) >= 1);

    // The loss falls, so its curve rises on screen (SVG y grows downwards), inside the frame.
    const auto pts = path_points(attribute_after(svg, "class=\"series\"", "d"));
    REQUIRE(pts.size() == 12);
    for (std::size_t i = 1; i < pts.size(); ++i) {
        CHECK(pts[i].first > pts[i - 1].first);
        CHECK(pts[i].second > pts[i - 1].second);
    }
    const double left = std::stod(attribute_after(svg, "<rect x=", "x"));
    const double top = std::stod(attribute_after(svg, "<rect x=", "y"));
    const double right = left + std::stod(attribute_after(svg, "<rect x=", "width"));
    const double bottom = top + std::stod(attribute_after(svg, "<rect x=", "height"));
    for (const auto& [x, y] : pts) {
        CHECK(x >= left - 1e-9);
        CHECK(x <= right + 1e-9);
        CHECK(y >= top - 1e-9);
        CHECK(y <= bottom + 1e-9);
    }
}

namespace {
// Every title's extent, estimated as generously as the renderer does (0.62 em a character,
// bold), with its x centre, its font size and its text.
struct TitleBox {
    double left, right;
    std::string text;
};
std::vector<TitleBox> title_boxes(const std::string& svg) {
    std::vector<TitleBox> out;
    const std::regex title(
        "<text class=\"title\" x=\"([-0-9.]+)\"[^>]*font-size=\"([0-9.]+)\"[^>]*>([^<]*)</text>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), title);
         it != std::sregex_iterator(); ++it) {
        const double x = std::stod((*it)[1]), font = std::stod((*it)[2]);
        std::string text = (*it)[3];
        for (const auto& [entity, c] :
             {std::pair<std::string, std::string>{"&gt;", ">"}, {"&lt;", "<"}, {"&amp;", "&"}})
            for (std::size_t at; (at = text.find(entity)) != std::string::npos;)
                text.replace(at, entity.size(), c);
        const double half = 0.62 * font * static_cast<double>(text.size()) / 2;
        out.push_back({x - half, x + half, text});
    }
    return out;
}
} // namespace

TEST_CASE("titles stay inside their panels, however long the run's name (the fashion10 plot)") {
    TrainingHistory h{
        {1, 2, 3}, {1.1, 0.65, 0.53}, {0.74, 0.65, 0.62}, {0.64, 0.78, 0.82}, {0.73, 0.76, 0.78}};
    const std::string name = "fashion10: 784 -> 256 (relu) -> 128 (relu) -> 10 (softmax)";
    const std::string svg = render_svg(training_charts(h), 480, 360, name);
    CHECK(xml_problem(svg) == "");
    const std::vector<TitleBox> boxes = title_boxes(svg);
    REQUIRE(boxes.size() == 3);
    CHECK(boxes[0].text == name); // it fits across the figure whole
    CHECK(boxes[0].left >= 0);
    CHECK(boxes[0].right <= 960);
    for (std::size_t panel = 0; panel < 2; ++panel) {
        CAPTURE(boxes[panel + 1].text);
        CHECK(boxes[panel + 1].left >= 480.0 * panel);
        CHECK(boxes[panel + 1].right <= 480.0 * (panel + 1));
    }
    // A panel title too long for any font is set smaller and cut, never past its panel.
    Chart wide{std::string(200, 'W'), "x", "y", {{"s", {0, 1}, {0, 1}}}};
    const std::vector<TitleBox> cut = title_boxes(render_svg({wide, wide}));
    REQUIRE(cut.size() == 2);
    CHECK(cut[0].right <= 480);
    CHECK(cut[1].left >= 480);
    CHECK(cut[0].text.size() < 200);
    CHECK(cut[0].text.substr(cut[0].text.size() - 3) == "...");
}

TEST_CASE("NaN and Inf points are left out and break the line") {
    Chart c{"diverging", "epoch", "cost", {}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    c.series.push_back({"loss", {1, 2, 3, 4, 5, 6}, {1.0, 0.8, nan, 0.6, inf, 0.5}});
    const std::string svg = render_svg({c});
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    CHECK(count(svg, "data-points=\"4\"") == 1);
    const std::string d = attribute_after(svg, "class=\"series\"", "d");
    CHECK(count(d, "M") == 3); // segments {1,2}, {4}, {6}
}

TEST_CASE("degenerate data still plots: one point, a constant, nothing plottable, huge values") {
    Chart one{"one epoch", "epoch", "cost", {{"train", {1}, {0.69}}}};
    Chart flat{"flat", "epoch", "cost", {{"train", {1, 2, 3}, {2, 2, 2}}}};
    Chart none{"none", "epoch", "cost", {{"train", {1, 2}, {NAN, NAN}}, {"empty", {}, {}}}};
    Chart huge{"huge", "x", "y", {{"big", {-1e300, 1e300}, {-1e300, 1e300}}}};
    Chart tiny{"tiny", "x", "y", {{"small", {0, 1e-9}, {1e-12, 3e-12}}}};
    for (const Chart& c : {one, flat, none, huge, tiny}) {
        CAPTURE(c.title);
        const std::string svg = render_svg({c});
        CHECK(xml_problem(svg) == "");
        CHECK(svg.find("nan") == std::string::npos);
        CHECK(svg.find("inf") == std::string::npos);
        const std::vector<double> yt = ticks(svg, "ytick");
        CHECK(yt.size() >= 2);
        CHECK(yt.size() <= 12);
    }
    // A single point gets a marker, since a one-point line is invisible.
    CHECK(count(render_svg({one}), "<circle") == 1);
}

TEST_CASE("names are escaped, so any label makes valid XML") {
    Chart c{"a <b> & \"c\"", "x's", "y\x01", {{"<train> & 'test'", {0, 1}, {0, 1}}}};
    const std::string svg = render_svg({c});
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find("&lt;train&gt; &amp; &apos;test&apos;") != std::string::npos);
}

TEST_CASE("bad input is refused with a message naming what was wrong") {
    CHECK_THROWS_WITH_AS(render_svg({}), "plot: no chart to draw", std::invalid_argument);
    Chart c{"t", "x", "y", {{"loss", {1, 2, 3}, {1, 2}}}};
    CHECK_THROWS_WITH_AS(render_svg({c}), "plot: series 'loss' has 3 x values but 2 y values",
                         std::invalid_argument);
    TrainingHistory h{{1, 2}, {0.5, 0.4}, {}, {0.9}, {}};
    CHECK_THROWS_WITH_AS(training_charts(h),
                         "plot: training history has 2 epochs but 1 values of train_accuracy",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(training_charts(TrainingHistory{}), "plot: the training history is empty",
                         std::invalid_argument);
    CHECK_THROWS_AS(render_svg({Chart{}}, 10, 10), std::invalid_argument);
}

TEST_CASE("write_training_svg writes the file atomically; a bad path is a FileError") {
    TrainingHistory h{{1, 2, 3}, {0.6, 0.4, 0.3}, {}, {0.7, 0.8, 0.9}, {}};
    const std::string path = temp_path("curves.svg");
    write_training_svg(path, h, "run");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == render_svg(training_charts(h), 480, 360, "run"));
    CHECK(xml_problem(text.str()) == "");
    if (have_xmllint()) // the real parser agrees, when installed
        CHECK(std::system(("xmllint --noout " + path).c_str()) == 0);
    fs::remove(path);

    try {
        write_training_svg("/nonexistent-dir/curves.svg", h);
        FAIL("expected a FileError");
    } catch (const xgrad::io::FileError& e) {
        CHECK(e.path() == "/nonexistent-dir/curves.svg");
        CHECK(std::string(e.what()).find("cannot create temporary file") != std::string::npos);
    }
}

TEST_CASE("a .png path gets a PNG drawn by rsvg-convert, or an error naming what is missing") {
    TrainingHistory h{
        {1, 2, 3}, {0.6, 0.4, 0.3}, {0.7, 0.5, 0.4}, {0.7, 0.8, 0.9}, {0.6, 0.7, 0.8}};
    const std::string png = temp_path("curves.png");
    REQUIRE_MESSAGE(!find_rsvg_convert().empty(),
                    "rsvg-convert is missing: install librsvg2-bin (tools/run.sh does)");
    write_training_plot(png, h, "run");
    std::ifstream in(png, std::ios::binary);
    std::string magic(8, '\0');
    in.read(magic.data(), 8);
    CHECK(magic == "\x89PNG\r\n\x1a\n");
    // Its size is the SVG's: two 480 x 360 panels under a title band of 26. IHDR's width and
    // height are big-endian at bytes 16..23.
    std::string ihdr(8, '\0');
    in.seekg(16);
    in.read(ihdr.data(), 8);
    auto be32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k)
            v = v << 8 | static_cast<unsigned char>(ihdr[at + k]);
        return v;
    };
    CHECK(be32(0) == 960);
    CHECK(be32(4) == 386);
    in.close();
    // Readable as any new file is (the umask's mode), not 0600 as mkstemp's temporary was.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    struct stat info {};
    REQUIRE(::stat(png.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == (0666 & ~mask));
    fs::remove(png);
    const std::string svg = temp_path("curves.svg");
    write_training_plot(svg, h, "run"); // .svg stays SVG
    std::ifstream svg_in(svg);
    std::stringstream svg_text;
    svg_text << svg_in.rdbuf();
    CHECK(svg_text.str() == render_svg(training_charts(h), 480, 360, "run"));
    fs::remove(svg);

    // An rsvg-convert that exits 0 and writes nothing: an error, not an empty "PNG".
    {
        const fs::path bin = fs::path(temp_path("fake-rsvg-bin"));
        fs::create_directories(bin);
        std::ofstream(bin / "rsvg-convert") << "#!/bin/sh\nexit 0\n";
        fs::permissions(bin / "rsvg-convert", fs::perms::owner_all);
        const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
        ::setenv("PATH", (bin.string() + ":" + saved).c_str(), 1);
        CHECK_THROWS_WITH_AS(write_training_plot(png, h), doctest::Contains("wrote no PNG"),
                             xgrad::io::FileError);
        ::setenv("PATH", saved.c_str(), 1);
        CHECK_FALSE(fs::exists(png));
        fs::remove_all(bin);
    }

    // Without rsvg-convert on PATH: the error says what is missing and where to get it.
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", "/nonexistent", 1);
    try {
        check_plot_path(png);
        FAIL("expected a FileError");
    } catch (const xgrad::io::FileError& e) {
        CHECK(e.path() == png);
        CHECK(std::string(e.what()).find("rsvg-convert") != std::string::npos);
        CHECK(std::string(e.what()).find("librsvg2-bin") != std::string::npos);
    }
    CHECK_THROWS_AS(write_training_plot(png, h), xgrad::io::FileError);
    ::setenv("PATH", path.c_str(), 1);
    CHECK_FALSE(fs::exists(png));
}

TEST_CASE("check_plot_path refuses a missing directory, a directory and an unknown extension") {
    struct Case {
        std::string path, message;
    };
    const Case cases[] = {
        {"/nonexistent-dir/curves.svg", "the directory /nonexistent-dir does not exist"},
        {temp_path("curves.jpg"), "a plot is written as .svg or .png, not '.jpg'"},
        {temp_path("curves"), "a plot is written as .svg or .png, not ''"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.path);
        try {
            check_plot_path(c.path);
            FAIL("expected a FileError");
        } catch (const xgrad::io::FileError& e) {
            CHECK(e.path() == c.path);
            CHECK(std::string(e.what()).find(c.message) != std::string::npos);
        }
    }
    const fs::path dir = fs::path(temp_path("a-dir.svg"));
    fs::create_directories(dir);
    CHECK_THROWS_WITH_AS(check_plot_path(dir.string()), doctest::Contains("is a directory"),
                         xgrad::io::FileError);
    fs::remove(dir);
    if (::geteuid() != 0) { // root writes anywhere
        CHECK_THROWS_WITH_AS(check_plot_path("/proc/curves.svg"),
                             doctest::Contains("is not writable"), xgrad::io::FileError);
    }
    CHECK_NOTHROW(check_plot_path(temp_path("fine.svg")));
    CHECK_NOTHROW(check_plot_path("relative.svg")); // the current directory
}
