#include "plot/plot.hpp"

#include "io/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace xgrad::plot {

namespace {

// Colour-blind-safe pairs (Okabe-Ito), one per series in order.
constexpr const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int palette_size = sizeof(palette) / sizeof(palette[0]);

constexpr double font_px = 12;
constexpr double char_px = 6.8; // rough width of a 12 px sans-serif character
constexpr double legend_row = 18;

bool plottable(double v) {
    return std::isfinite(v) && std::fabs(v) <= 1e300;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // Control characters are not allowed in XML 1.0 text.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                out += ' ';
            else
                out += c;
        }
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// An axis: its range widened to whole ticks, and the tick step.
struct Axis {
    double lo = 0, hi = 1, step = 0.2;
};

// 1, 2 or 5 times a power of ten, near range / 5: ticks people read at a glance.
double nice_step(double range) {
    const double raw = range / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / power;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

Axis make_axis(double lo, double hi, bool integers) {
    if (!(lo <= hi))
        lo = 0, hi = 1;                                   // no plottable value at all
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(lo))) { // one value: a band around it
        const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    Axis axis;
    axis.step = nice_step(hi - lo);
    if (integers)
        axis.step = std::max(axis.step, 1.0);
    axis.lo = std::floor(lo / axis.step) * axis.step;
    axis.hi = std::ceil(hi / axis.step) * axis.step;
    return axis;
}

std::string tick_label(double v, double step) {
    if (std::fabs(v) < step * 1e-9)
        v = 0; // no "-0" or "1e-17"
    char buf[40];
    const double digits = -std::floor(std::log10(step) + 1e-9);
    if (std::fabs(v) >= 1e6 || digits > 6)
        std::snprintf(buf, sizeof buf, "%g", v);
    else
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::max(0.0, digits)), v);
    return buf;
}

// A title as it fits in `width` pixels: the font shrinks down to 9 px, and below that the
// text is cut with an ellipsis, so titles never run into each other or past the edge.
struct FittedTitle {
    std::string text;
    double font = 14;
};

FittedTitle fit_title(const std::string& text, double width, double font = 14) {
    constexpr double bold_em = 0.62; // a bold character's width in em, with a margin
    const double chars = static_cast<double>(text.size());
    FittedTitle out{text, font};
    if (chars * bold_em * font <= width)
        return out;
    out.font = std::max(9.0, width / (chars * bold_em));
    const auto fits = static_cast<std::size_t>(width / (bold_em * out.font));
    if (fits < text.size())
        out.text = text.substr(0, fits > 3 ? fits - 3 : 0) + "...";
    return out;
}

void title_text(std::ostringstream& svg, const std::string& text, double cx, double y,
                double width) {
    const FittedTitle t = fit_title(text, width);
    svg << "<text class=\"title\" x=\"" << num(cx) << "\" y=\"" << num(y)
        << "\" text-anchor=\"middle\" font-size=\"" << num(t.font) << "\" font-weight=\"bold\">"
        << escape(t.text) << "</text>\n";
}

// Legend entries, laid out left to right and wrapped to the panel width.
struct LegendItem {
    double x, y;
    std::size_t series;
};

std::vector<LegendItem> layout_legend(const Chart& chart, double left, double width) {
    std::vector<LegendItem> items;
    double x = left, y = 0;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const double w = 28 + char_px * static_cast<double>(chart.series[i].name.size()) + 16;
        if (x > left && x + w > left + width) {
            x = left;
            y += legend_row;
        }
        items.push_back({x, y, i});
        x += w;
    }
    return items;
}

void render_panel(std::ostringstream& svg, const Chart& chart, double x0, double width,
                  double height) {
    for (const Series& s : chart.series)
        if (s.x.size() != s.y.size())
            throw std::invalid_argument("plot: series '" + s.name + "' has " +
                                        std::to_string(s.x.size()) + " x values but " +
                                        std::to_string(s.y.size()) + " y values");

    // Data ranges over plottable points only.
    const double inf = std::numeric_limits<double>::infinity();
    double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf;
    bool integer_x = true;
    for (const Series& s : chart.series)
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!plottable(s.x[i]) || !plottable(s.y[i]))
                continue;
            xlo = std::min(xlo, s.x[i]);
            xhi = std::max(xhi, s.x[i]);
            ylo = std::min(ylo, s.y[i]);
            yhi = std::max(yhi, s.y[i]);
            integer_x = integer_x && s.x[i] == std::floor(s.x[i]);
        }
    if (chart.y_min < chart.y_max) {
        ylo = std::min(ylo, chart.y_min);
        yhi = std::max(yhi, chart.y_max);
    }
    const Axis ax = make_axis(xlo, xhi, integer_x);
    const Axis ay = make_axis(ylo, yhi, false);

    const double left = x0 + 64, right = x0 + width - 16;
    const std::vector<LegendItem> legend = layout_legend(chart, x0 + 16, width - 32);
    const double legend_height = legend.empty() ? 0 : legend.back().y + legend_row;
    const double top = 36, bottom = height - 46 - legend_height;
    auto px = [&](double x) { return left + (x - ax.lo) / (ax.hi - ax.lo) * (right - left); };
    auto py = [&](double y) { return bottom - (y - ay.lo) / (ay.hi - ay.lo) * (bottom - top); };

    svg << "<g class=\"panel\">\n";
    if (!chart.title.empty()) // centred on the panel, within it
        title_text(svg, chart.title, x0 + width / 2, 22, width - 16);

    // Grid, ticks and tick labels. Ticks are counted, not accumulated, so rounding never
    // adds or drops the last one.
    const auto x_ticks = static_cast<int>(std::lround((ax.hi - ax.lo) / ax.step));
    const auto y_ticks = static_cast<int>(std::lround((ay.hi - ay.lo) / ay.step));
    for (int k = 0; k <= x_ticks; ++k) {
        const double v = ax.lo + k * ax.step, x = px(v);
        svg << "<line x1=\"" << num(x) << "\" y1=\"" << num(top) << "\" x2=\"" << num(x)
            << "\" y2=\"" << num(bottom) << "\" stroke=\"#e5e5e5\"/>\n"
            << "<line x1=\"" << num(x) << "\" y1=\"" << num(bottom) << "\" x2=\"" << num(x)
            << "\" y2=\"" << num(bottom + 5) << "\" stroke=\"#333\"/>\n"
            << "<text class=\"xtick\" x=\"" << num(x) << "\" y=\"" << num(bottom + 18)
            << "\" text-anchor=\"middle\">" << tick_label(v, ax.step) << "</text>\n";
    }
    for (int k = 0; k <= y_ticks; ++k) {
        const double v = ay.lo + k * ay.step, y = py(v);
        svg << "<line x1=\"" << num(left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(right)
            << "\" y2=\"" << num(y) << "\" stroke=\"#e5e5e5\"/>\n"
            << "<line x1=\"" << num(left - 5) << "\" y1=\"" << num(y) << "\" x2=\"" << num(left)
            << "\" y2=\"" << num(y) << "\" stroke=\"#333\"/>\n"
            << "<text class=\"ytick\" x=\"" << num(left - 8) << "\" y=\"" << num(y + 4)
            << "\" text-anchor=\"end\">" << tick_label(v, ay.step) << "</text>\n";
    }
    svg << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(right - left)
        << "\" height=\"" << num(bottom - top) << "\" fill=\"none\" stroke=\"#333\"/>\n";
    if (!chart.x_label.empty())
        svg << "<text x=\"" << num((left + right) / 2) << "\" y=\"" << num(bottom + 36)
            << "\" text-anchor=\"middle\">" << escape(chart.x_label) << "</text>\n";
    if (!chart.y_label.empty()) {
        const double cx = x0 + 16, cy = (top + bottom) / 2;
        svg << "<text x=\"" << num(cx) << "\" y=\"" << num(cy) << "\" text-anchor=\"middle\" "
            << "transform=\"rotate(-90 " << num(cx) << ' ' << num(cy) << ")\">"
            << escape(chart.y_label) << "</text>\n";
    }

    // Curves: a path per series, broken where a point is not plottable.
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const Series& s = chart.series[i];
        const char* colour = palette[i % palette_size];
        std::string d;
        std::vector<std::pair<double, double>> points;
        bool pen_down = false;
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!plottable(s.x[k]) || !plottable(s.y[k])) {
                pen_down = false;
                continue;
            }
            const double x = px(s.x[k]), y = py(s.y[k]);
            d += (pen_down ? "L" : "M") + num(x) + ' ' + num(y) + ' ';
            pen_down = true;
            points.emplace_back(x, y);
        }
        svg << "<path class=\"series\" data-name=\"" << escape(s.name) << "\" data-points=\""
            << points.size() << "\" d=\"" << (d.empty() ? "M0 0" : d) << "\" fill=\"none\" "
            << "stroke=\"" << colour << "\" stroke-width=\"2\""
            << (s.dashed ? " stroke-dasharray=\"6 4\"" : "")
            << (d.empty() ? " visibility=\"hidden\"" : "") << "/>\n";
        // Markers while there are few points, so a one-epoch run shows something.
        if (points.size() <= 30)
            for (const auto& [x, y] : points)
                svg << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"3\" fill=\""
                    << colour << "\"/>\n";
    }

    const double legend_top = bottom + 50;
    for (const LegendItem& item : legend) {
        const Series& s = chart.series[item.series];
        const double y = legend_top + item.y;
        svg << "<line x1=\"" << num(item.x) << "\" y1=\"" << num(y) << "\" x2=\""
            << num(item.x + 22) << "\" y2=\"" << num(y) << "\" stroke=\""
            << palette[item.series % palette_size] << "\" stroke-width=\"2\""
            << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n"
            << "<text class=\"legend\" x=\"" << num(item.x + 28) << "\" y=\"" << num(y + 4) << "\">"
            << escape(s.name) << "</text>\n";
    }
    svg << "</g>\n";
}

} // namespace

std::string render_svg(const std::vector<Chart>& charts, int panel_width, int panel_height,
                       const std::string& title) {
    if (charts.empty())
        throw std::invalid_argument("plot: no chart to draw");
    if (panel_width < 200 || panel_height < 150)
        throw std::invalid_argument("plot: panels must be at least 200 x 150 pixels, got " +
                                    std::to_string(panel_width) + " x " +
                                    std::to_string(panel_height));
    const int width = panel_width * static_cast<int>(charts.size());
    const int band = title.empty() ? 0 : 26; // the figure's title above the panels
    const int height = panel_height + band;
    std::ostringstream svg;
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" "
        << "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"" << font_px << "\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    if (band) {
        title_text(svg, title, width / 2.0, 20, width - 16);
        svg << "<g transform=\"translate(0 " << band << ")\">\n";
    }
    for (std::size_t i = 0; i < charts.size(); ++i)
        render_panel(svg, charts[i], static_cast<double>(i) * panel_width, panel_width,
                     panel_height);
    svg << (band ? "</g>\n" : "") << "</svg>\n";
    return svg.str();
}

void write_svg(const std::string& path, const std::vector<Chart>& charts,
               const std::string& title) {
    io::write_file_atomic(path, render_svg(charts, 480, 360, title));
}

std::vector<Chart> training_charts(const TrainingHistory& h) {
    auto check = [&](const std::vector<double>& v, const char* name) {
        if (!v.empty() && v.size() != h.epoch.size())
            throw std::invalid_argument(std::string("plot: training history has ") +
                                        std::to_string(h.epoch.size()) + " epochs but " +
                                        std::to_string(v.size()) + " values of " + name);
    };
    check(h.train_loss, "train_loss");
    check(h.test_loss, "test_loss");
    check(h.train_accuracy, "train_accuracy");
    check(h.test_accuracy, "test_accuracy");

    // The train figures are those of the batches as they were trained on, averaged over the
    // epoch while the model improved; test is evaluated after the epoch. So at epoch 1 train
    // looks worse than test: the legend says why.
    const std::string train = "train (mean during the epoch)", test = "test (end of epoch)";
    Chart loss{"loss", "epoch", "cost", {}};
    if (!h.train_loss.empty())
        loss.series.push_back({train, h.epoch, h.train_loss});
    if (!h.test_loss.empty())
        loss.series.push_back({test, h.epoch, h.test_loss, true});
    Chart accuracy{"accuracy", "epoch", "accuracy", {}};
    accuracy.y_min = 0;
    accuracy.y_max = 1;
    if (!h.train_accuracy.empty())
        accuracy.series.push_back({train, h.epoch, h.train_accuracy});
    if (!h.test_accuracy.empty())
        accuracy.series.push_back({test, h.epoch, h.test_accuracy, true});

    std::vector<Chart> charts;
    if (!loss.series.empty())
        charts.push_back(std::move(loss));
    if (!accuracy.series.empty())
        charts.push_back(std::move(accuracy));
    if (charts.empty())
        throw std::invalid_argument("plot: the training history is empty");
    return charts;
}

void write_training_svg(const std::string& path, const TrainingHistory& history,
                        const std::string& title) {
    write_svg(path, training_charts(history), title);
}

} // namespace xgrad::plot
