// TraceIndex: what the exchange views need to know about every event, built
// incrementally as the trace grows (never rebuilt per frame).
//
// It answers, in O(1) or O(log n):
//  - the kind (colour) and lane of an event;
//  - which command a completion or an answer belongs to, and which completion
//    closed a command (hovering one highlights the other);
//  - the pipelined commands: a span from each tagged command to its tagged
//    completion, with a column so overlapping spans are drawn side by side
//    (RFC 3501 5.5: a client may send several commands without waiting);
//  - how many violations or transitions lie in a range (for the timeline).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gui/view_model/event_class.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct CommandSpan {
    std::uint64_t command_seq = 0;
    std::optional<std::uint64_t> completion_seq;  // absent while the command is outstanding
    int column = 0;                               // 0 is the leftmost column
};

class TraceIndex {
  public:
    // Spans still open at a checkpoint are remembered up to this many; a trace
    // with more commands outstanding at once only loses the oldest bars when
    // scrolled far past their start.
    static constexpr std::size_t max_open_per_checkpoint = 256;
    static constexpr std::uint64_t checkpoint_every = 256;

    // Reads the events appended since the previous call: O(new events).
    // A trace that shrank (a different trace) restarts the index.
    void sync(const sim::SessionTrace& trace);

    std::size_t size() const { return m_kinds.size(); }
    RowKind kind(std::uint64_t seq) const { return m_kinds.at(seq); }
    Lane lane(std::uint64_t seq) const { return m_lanes.at(seq); }

    // The command a response, literal or completion belongs to; nullopt when it
    // answers nothing (unsolicited data, commands themselves).
    std::optional<std::uint64_t> command_of(std::uint64_t seq) const;
    // The tagged completion of a command; nullopt while it is outstanding.
    std::optional<std::uint64_t> completion_of(std::uint64_t command_seq) const;

    const std::vector<CommandSpan>& spans() const { return m_spans; }
    // Index into spans() of the span a command opened, if any.
    std::optional<std::size_t> span_of(std::uint64_t command_seq) const;
    // Indices of the spans that overlap events [first, last], ascending.
    std::vector<std::size_t> spans_overlapping(std::uint64_t first, std::uint64_t last) const;
    // The largest column used so far plus one.
    int column_count() const { return m_column_count; }

    // Events of the kind in [first, end): O(1) from prefix counts.
    std::uint32_t violations_in(std::uint64_t first, std::uint64_t end) const;
    std::uint32_t transitions_in(std::uint64_t first, std::uint64_t end) const;

  private:
    void add(const sim::TraceEvent& event);
    void open_span(const sim::TraceEvent& event);
    void close_span(std::size_t span, std::uint64_t completion_seq);
    int take_column();

    std::vector<RowKind> m_kinds;
    std::vector<Lane> m_lanes;
    std::vector<std::uint64_t> m_answers;  // command seq, or no_seq
    std::vector<std::uint32_t> m_violations_before{0};
    std::vector<std::uint32_t> m_transitions_before{0};

    std::vector<CommandSpan> m_spans;
    std::unordered_map<std::uint64_t, std::size_t> m_span_by_command;
    std::vector<std::string> m_span_tags;
    std::unordered_map<std::string, std::size_t> m_open_by_tag;
    std::vector<std::size_t> m_open;  // open span indices, ascending
    std::vector<int> m_free_columns;  // kept sorted descending: back() is the smallest
    int m_column_count = 0;
    std::vector<std::vector<std::size_t>> m_open_at_checkpoint;
};

}  // namespace mailscope::gui
