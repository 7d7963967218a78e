#pragma once
// Line charts written directly as SVG: training curves (loss and accuracy against epoch)
// that open in any browser, with no plotting program installed.
//
// A chart has axes with "nice" ticks (1, 2 or 5 times a power of ten), tick labels, axis
// labels, a title and a legend under the plot area, so no curve is hidden behind it. Points
// that are NaN, Inf or beyond +-1e300 are left out and break the line there (a diverged run
// still plots).

#include <string>
#include <vector>

namespace xgrad::plot {

/// One curve: y[i] at x[i]. x and y must have the same length.
struct Series {
    std::string name; ///< shown in the legend
    std::vector<double> x;
    std::vector<double> y;
    bool dashed = false; ///< drawn dashed (test curves, next to a solid train curve)
};

/// One panel: a plot area with its axes, title and legend.
struct Chart {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<Series> series;
    /// When set (lo < hi), the y axis spans at least [y_min, y_max] (e.g. 0..1 for accuracy).
    double y_min = 0, y_max = 0;
};

/// What a training run records once per epoch. Empty vectors are left out of the plot;
/// the others must have one value per entry of `epoch`.
struct TrainingHistory {
    std::vector<double> epoch;
    std::vector<double> train_loss;
    std::vector<double> test_loss;
    std::vector<double> train_accuracy; ///< fraction in [0, 1]
    std::vector<double> test_accuracy;  ///< fraction in [0, 1]
};

/// The SVG text of `charts` side by side, each panel `panel_width` x `panel_height` pixels,
/// under the figure's `title` when one is given (a band of its own across all panels). A
/// title too long for its room is set smaller, then cut short with "...".
/// Throws std::invalid_argument when there is no chart or a series' x and y differ in length.
std::string render_svg(const std::vector<Chart>& charts, int panel_width = 480,
                       int panel_height = 360, const std::string& title = "");

/// Writes render_svg(charts, 480, 360, title) to `path` atomically (temporary file, fsync,
/// rename); a file that cannot be written is an xgrad::io::FileError naming it.
void write_svg(const std::string& path, const std::vector<Chart>& charts,
               const std::string& title = "");

/// The two panels `xgrad train` draws: loss against epoch, and accuracy (0..1) against
/// epoch, each with its train and test curves when present. The legend says what each is: train
/// the mean over the epoch's batches as they were trained on, test evaluated after the epoch.
std::vector<Chart> training_charts(const TrainingHistory& history);

/// write_svg(path, training_charts(history), title).
void write_training_svg(const std::string& path, const TrainingHistory& history,
                        const std::string& title = "");

} // namespace xgrad::plot
