#pragma once
// A chart written as the file's extension asks: .svg as it is, .png drawn from the SVG by
// rsvg-convert (librsvg, Debian package librsvg2-bin), run directly with no shell. Checks
// that a path can take a plot, so a program can refuse it before the work that makes one.

#include "plot/plot.hpp"

#include <string>
#include <vector>

namespace xgrad::plot {

/// The path of rsvg-convert on PATH, or "" when librsvg2-bin is not installed.
std::string find_rsvg_convert();

/// "" when `path` ends in .svg or .png, the two ways a plot is written; else why not.
std::string plot_extension_problem(const std::string& path);

/// Throws xgrad::io::FileError naming `path` unless a plot can be written there: it ends in
/// .svg or .png, its directory exists and is writable, it is not a directory, and for .png
/// rsvg-convert is installed (the error names the package).
void check_plot_path(const std::string& path);

/// Writes the SVG text `svg` to `path` as a PNG of its size, through rsvg-convert. Throws
/// io::FileError naming path when rsvg-convert is missing or fails (with its message).
void write_png(const std::string& path, const std::string& svg);

/// write_svg, or render_svg then write_png, by the extension of path (check_plot_path first).
void write_plot(const std::string& path, const std::vector<Chart>& charts,
                const std::string& title = "");

/// write_plot(path, training_charts(history), title).
void write_training_plot(const std::string& path, const TrainingHistory& history,
                         const std::string& title = "");

} // namespace xgrad::plot
