// The sequence diagram (sequence_figure.hpp) as SVG. Written by hand (no
// library), so the output is the same on every machine.
#pragma once

#include <string>
#include <string_view>

#include "gui/sequence_figure.hpp"

namespace mailscope::gui {

using SvgOptions = SequenceOptions;

std::string sequence_svg(const sim::SessionTrace& trace, const SvgOptions& options);

// `text` made safe inside an XML text node or attribute: markup escaped,
// control bytes and invalid UTF-8 replaced with '?'.
std::string xml_escape(std::string_view text);

}  // namespace mailscope::gui
