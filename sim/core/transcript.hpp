// Transcripts: the trace written as text for people (RFC-style "C:"/"S:"
// lines) or as JSON Lines for programs, and text transcripts read back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::sim {

// "C: ..." / "S: ..." lines, one per protocol line, literal data included.
// Secrets are already masked in the trace unless the session revealed them.
std::string export_text(const SessionTrace& trace);
// The lines one event adds to that transcript (none for most internal events).
std::string event_to_text(const TraceEvent& event);

// One JSON object per event, every field of TraceEvent.
std::string event_to_json(const TraceEvent& event);
std::string export_jsonl(const SessionTrace& trace);

// One line of a text transcript: the octets it stands for (its CRLF added)
// and where it was in the file.
struct TranscriptChunk {
    Direction dir = Direction::ClientToServer;
    std::string bytes;
    std::size_t line = 0;  // 1-based
};

struct TranscriptError {
    std::size_t line = 0;
    std::string message;
};

// Reads "C: ..." / "S: ..." (also "> ..." for the client and "< ..." for the
// server, as lab reports write them). Blanks around the prefix are layout,
// except inside literal data, where only the announcing line's indentation
// is. An unprefixed indented line continues the previous line (RFC examples
// wrap long lines that way). Blank lines and lines starting with '#' are
// skipped; any other line is an error with its line number.
struct TranscriptParse {
    std::vector<TranscriptChunk> chunks;
    std::optional<TranscriptError> error;
};
TranscriptParse parse_text_transcript(std::string_view text);

}  // namespace mailscope::sim
