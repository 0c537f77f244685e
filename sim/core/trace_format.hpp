// One-line, human-readable rendering of trace events for terminals
// (`mailscope decode`, `lesson run`, `connect`). Colour is optional ANSI.
#pragma once

#include <string>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

struct FormatOptions {
    bool colour = false;
    bool show_raw = true;       // the wire text of commands and responses
    bool show_sections = true;  // "RFC 3501 6.2.3"
    std::size_t max_raw = 200;  // longer wire text is cut with an ellipsis
    Language language = Language::En;
};

// Several lines for events with wire text spanning lines; always ends in '\n'.
std::string format_event(const SessionTrace& trace, const TraceEvent& event,
                         const FormatOptions& options = {});

}  // namespace mailscope::sim
