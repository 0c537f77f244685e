// The sequence diagram (sequence_figure.hpp) as a PNG: drawn with ImGui's
// draw lists and fonts into an offscreen OpenGL framebuffer, band by band,
// and written with stb. Needs the window's OpenGL context with the ImGui
// renderer backend started and its font texture made (after the first
// ImGui_ImplOpenGL3_NewFrame), so it runs in the GUI process: from the File
// menu, or for `mailscope gui --export-png` before any frame is shown.
#pragma once

#include <string>

#include "gui/fonts.hpp"
#include "gui/sequence_figure.hpp"

namespace mailscope::gui {

// The longest exchange drawn in one PNG; longer ones end with "... more".
inline constexpr std::size_t png_max_rows = 500;

// Writes `figure` to `path` at `scale` pixels per figure unit. Empty on
// success, otherwise a sentence saying what went wrong.
std::string write_sequence_png(const SequenceFigure& figure, const FontSet& fonts, float scale,
                               const std::string& path);

// The scale at which the figure's 13-unit text is drawn at the interface
// font's own size (no resampled glyphs).
float sequence_png_scale(const FontSet& fonts);

}  // namespace mailscope::gui
