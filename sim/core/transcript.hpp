// Transcripts: the trace written as text for people (RFC-style "C:"/"S:"
// lines) or as JSON Lines for programs, and text transcripts read back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::sim {

// "C: ..." / "S: ..." lines, one per protocol line, literal data included.
// Secrets are already masked in the trace unless the session revealed them.
std::string export_text(const SessionTrace& trace);

// The same transcript an event at a time, for writers that stream. A command
// that goes out in pieces shares lines between events (a literal's octets
// and the rest of their line are one line on the wire), so the writer
// remembers whether the last line is still open.
class TranscriptText {
  public:
    // The text `event` adds (nothing for most internal events); its last
    // line may stay open for the next piece of the same command.
    std::string add(const TraceEvent& event);
    // Ends a line left open: the text to append (a line end, or nothing).
    std::string finish();
    // Lines begun so far, and the line the last event given to add() with
    // text began on (1-based).
    std::size_t lines() const { return m_lines; }
    std::size_t first_line() const { return m_first_line; }

  private:
    std::optional<Direction> m_open;  // the side whose line is not ended yet
    std::size_t m_lines = 0;
    std::size_t m_first_line = 0;
};

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
    Said reason;  // what is wrong with the line, without a full stop
};

// Reads "C: ..." / "S: ..." (also "> ..." for the client and "< ..." for the
// server, as lab reports write them) one line at a time, so a transcript of
// any length is read in constant memory. Blanks around the prefix are
// layout, except inside literal data, where only the announcing line's
// indentation is. An unprefixed indented line continues the previous line
// (RFC examples wrap long lines that way), which is why a chunk is handed
// out only when the next line shows it complete. Blank lines and lines
// starting with '#' are skipped; a UTF-8 byte order mark before the first
// line is ignored; any other line is an error with its line number and, for
// look-alikes such as a Cyrillic "С:" or "S;", what is wrong with it.
class TranscriptReader {
  public:
    // One line of the file, without its line end. Returns an error for a
    // line that is not part of a transcript; the reader is then finished.
    std::optional<TranscriptError> add_line(std::string_view line);
    // The chunks completed so far, oldest first; taking them empties the list.
    std::vector<TranscriptChunk> take_chunks();
    // The end of the file: the last chunk is complete.
    void finish();

  private:
    void complete_pending();

    std::vector<TranscriptChunk> m_ready;
    std::optional<TranscriptChunk> m_pending;
    // Per direction: literal octets still expected, and the column the
    // announcing line's text started at (literal lines are aligned to it, so
    // only that much indentation is layout; the rest is data).
    std::uint64_t m_literal_left[2] = {0, 0};
    std::size_t m_column[2] = {0, 0};
    // A literal ended with the previous line: this one goes on with the
    // command, and a blank beyond the column is data (RFC 3502 6.3.11
    // writes "C:  (\Seen) ..." for " (\Seen) ...").
    bool m_after_literal[2] = {false, false};
    std::size_t m_number = 0;
};

// A whole transcript at once (tests, small files).
struct TranscriptParse {
    std::vector<TranscriptChunk> chunks;
    std::optional<TranscriptError> error;
};
TranscriptParse parse_text_transcript(std::string_view text);

}  // namespace mailscope::sim
