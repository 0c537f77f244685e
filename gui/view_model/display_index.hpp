// DisplayIndex: the rows the exchange views list, in order.
//
// One row per event that passes the filter, plus one row per content line of
// each literal the learner expanded (the raw lines and, beside them, the
// decoded ones: as many rows as the longer of the two). Every row has the same height, so the
// views can hand the row count to ImGuiListClipper. The index is extended as
// the trace grows and rebuilt only when the filter or an expansion changes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct DisplayRow {
    std::uint64_t seq = 0;
    std::uint32_t line = 0;  // 0: the event itself; k > 0: line k of an expanded literal
};

// Splits literal octets into printable lines for display: CRLF or LF ends a
// line, long lines wrap, bytes outside printable ASCII show as '.', and at
// most `max_lines` lines are kept (the last one says how much was left out).
std::vector<std::string> literal_lines(std::string_view octets, std::size_t width = 96,
                                       std::size_t max_lines = 64);

class DisplayIndex {
  public:
    void set_show_internal(bool show);
    bool show_internal() const { return m_show_internal; }
    void toggle_expanded(std::uint64_t seq);
    bool expanded(std::uint64_t seq) const { return m_expanded.contains(seq); }

    // Extends the rows with the events appended since the last call, or
    // rebuilds them if the filter changed or the trace shrank.
    void sync(const sim::SessionTrace& trace);

    const std::vector<DisplayRow>& rows() const { return m_rows; }
    // Number of rows whose event is at or before `cursor` (the rows shown at that moment).
    std::size_t rows_through(std::uint64_t cursor) const;
    // Index of the first row of the event `seq`, or of the next shown event.
    std::size_t row_of(std::uint64_t seq) const;
    // Line `line` (1-based) of an expanded literal, as sent and decoded; empty
    // past the end of either.
    const std::string& line_text(std::uint64_t seq, std::uint32_t line) const;
    const std::string& decoded_text(std::uint64_t seq, std::uint32_t line) const;

  private:
    void add(const sim::TraceEvent& event);

    bool m_show_internal = true;
    bool m_dirty = false;
    std::size_t m_seen = 0;
    std::vector<DisplayRow> m_rows;
    struct ExpandedLines {
        std::vector<std::string> raw;
        std::vector<std::string> decoded;
    };
    std::map<std::uint64_t, ExpandedLines> m_expanded;
};

}  // namespace mailscope::gui
