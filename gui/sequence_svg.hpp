// The exchange as a sequence diagram in SVG, for slides and handouts: a lane
// for the client and one for the server, an arrow per protocol line with its
// tag, literals with their sizes, state changes, flag changes, renumberings
// and broken rules annotated between the lanes. Written by hand (no library),
// so the output is the same on every machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gui/i18n.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct SvgOptions {
    Language language = Language::En;
    std::string title;              // drawn above the lanes when not empty
    std::uint64_t through = ~0ull;  // the last event drawn (time travel: the cursor)
    std::size_t max_rows = 2000;    // longer traces end with a "... more" row
};

std::string sequence_svg(const sim::SessionTrace& trace, const SvgOptions& options);

// `text` made safe inside an XML text node or attribute: markup escaped,
// control bytes and invalid UTF-8 replaced with '?'.
std::string xml_escape(std::string_view text);

}  // namespace mailscope::gui
