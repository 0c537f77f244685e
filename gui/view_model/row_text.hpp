// The one line of text a row shows for an event.
#pragma once

#include <cstddef>
#include <string>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// Wire events show their bytes up to the first line end, other events their
// summary in `language`; at most `max_chars` bytes, cut on a UTF-8 boundary
// with "..." added.
std::string row_text(const sim::TraceEvent& event, sim::Language language,
                     std::size_t max_chars = 240);

}  // namespace mailscope::gui
