// The exchange as a sequence diagram for slides and handouts, as a list of
// shapes: a lane for the client and one for the server, an arrow per
// protocol line with its tag, literals with their sizes, state changes,
// flag changes, renumberings and broken rules annotated between the lanes.
// The SVG writer (sequence_svg.hpp) and the PNG renderer (sequence_png.hpp)
// both draw this very list, so the two exports show the same thing.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "gui/i18n.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct SequenceOptions {
    Language language = Language::En;
    std::string title;              // drawn above the lanes when not empty
    std::uint64_t through = ~0ull;  // the last event drawn (time travel: the cursor)
    std::size_t max_rows = 2000;    // longer traces end with a "... more" row
};

// Coordinates in figure units (pixels of the SVG); colours as ImGui packs them.
struct FigureRect {
    float x = 0, y = 0, width = 0, height = 0, radius = 0;
    ImU32 fill = 0;
    float fill_opacity = 1;
    ImU32 stroke = 0;
    float stroke_width = 1;
};

struct FigureLine {
    float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    ImU32 color = 0;
    float width = 1;
    float dash = 0;  // length of a dash and of the gap after it; 0: solid
    float gap = 0;
    bool arrow = false;  // an arrow head at (x2, y2)
};

struct FigureText {
    float x = 0, y = 0;  // y is the baseline
    std::string text;    // UTF-8, not escaped
    ImU32 color = 0;
    float size = 13;
    bool mono = false;
    bool bold = false;
    bool centered = false;  // x is the middle of the text, else its start
};

using FigureShape = std::variant<FigureRect, FigureLine, FigureText>;

struct SequenceFigure {
    int width = 0;
    int height = 0;
    std::vector<FigureShape> shapes;  // in drawing order
};

SequenceFigure sequence_figure(const sim::SessionTrace& trace, const SequenceOptions& options);

}  // namespace mailscope::gui
