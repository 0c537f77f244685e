// Saving what the GUI shows: the trace up to the cursor as a C:/S:
// transcript, as JSON Lines (both from sim/core/transcript.hpp, secrets
// already masked), as a sequence diagram SVG, or as a handout (an HTML
// page for A4 paper, a Mermaid sequence diagram). The PNGs (the window, the
// sequence diagram) are drawn by the window loop, which owns OpenGL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gui/i18n.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

enum class ExportKind : std::uint8_t { None, Text, Jsonl, Svg, Png, SequencePng, Html, Mermaid };

// "mailscope-<label>-<cursor>.<ext>": the label reduced to letters, digits and
// '-'; the sequence diagram's PNG ends in ".sequence.png".
std::string export_file_name(ExportKind kind, std::string_view label, std::uint64_t cursor);

// The first `through + 1` events of `trace` (time travel: what the cursor shows).
sim::SessionTrace trace_prefix(const sim::SessionTrace& trace, std::uint64_t through);

// Writes Text, Jsonl, Svg or a handout (Html, Mermaid: sim/core/handout.hpp) to `path`. Empty on
// success, else a sentence.
std::string write_export(ExportKind kind, const sim::SessionTrace& trace, std::uint64_t through,
                         Language language, const std::string& title, const std::string& path);

// Writes `contents` to `path`. Empty on success, else a sentence.
std::string write_file(const std::string& path, std::string_view contents);

}  // namespace mailscope::gui
