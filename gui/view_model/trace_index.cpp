#include "gui/view_model/trace_index.hpp"

#include <algorithm>
#include <limits>

namespace mailscope::gui {

namespace {

constexpr std::uint64_t no_seq = std::numeric_limits<std::uint64_t>::max();

bool opens_span(const sim::TraceEvent& event) {
    if (event.kind != sim::EventKind::Command) return false;
    // POP3 and SMTP commands carry no tag: their engines link each reply to its command.
    if (event.protocol != sim::Protocol::Imap) return true;
    return !event.tag.empty() && event.tag != "*" && event.tag != "+";
}

}  // namespace

void TraceIndex::sync(const sim::SessionTrace& trace) {
    if (trace.size() < m_kinds.size()) *this = TraceIndex{};
    const auto& events = trace.events();
    for (std::size_t i = m_kinds.size(); i < events.size(); ++i)
        add(events[i]);
}

void TraceIndex::add(const sim::TraceEvent& event) {
    const std::uint64_t seq = m_kinds.size();
    if (seq % checkpoint_every == 0) {
        const std::size_t keep = std::min(m_open.size(), max_open_per_checkpoint);
        m_open_at_checkpoint.emplace_back(m_open.end() - static_cast<std::ptrdiff_t>(keep),
                                          m_open.end());
    }
    m_kinds.push_back(classify(event));
    m_lanes.push_back(lane_of(event));
    m_answers.push_back(no_seq);
    m_violations_before.push_back(m_violations_before.back() +
                                  (event.kind == sim::EventKind::Violation ? 1 : 0));
    m_transitions_before.push_back(m_transitions_before.back() +
                                   (event.kind == sim::EventKind::StateTransition ? 1 : 0));

    // DONE after IDLE and SASL response lines are client lines linked to the
    // command they continue: part of its span, not a new one.
    const bool continues = event.link_seq && *event.link_seq < seq;
    if (opens_span(event) && !continues) {
        open_span(event);
        return;
    }
    std::optional<std::size_t> span;
    if (event.link_seq && *event.link_seq < seq) {
        m_answers[seq] = *event.link_seq;
        span = span_of(*event.link_seq);
    }
    if (event.kind != sim::EventKind::Tagged) return;
    if (!span) {
        // No link from the engine: fall back to the tag, as a client would (RFC 3501 2.2.1).
        const auto by_tag = m_open_by_tag.find(event.tag);
        if (by_tag == m_open_by_tag.end()) return;
        span = by_tag->second;
        m_answers[seq] = m_spans[*span].command_seq;
    }
    if (!m_spans[*span].completion_seq) close_span(*span, seq);
}

void TraceIndex::open_span(const sim::TraceEvent& event) {
    const std::size_t index = m_spans.size();
    m_spans.push_back({event.seq, std::nullopt, take_column()});
    m_span_by_command.emplace(m_kinds.size() - 1, index);
    if (!event.tag.empty()) m_open_by_tag[event.tag] = index;
    m_span_tags.push_back(event.tag);
    m_open.push_back(index);
}

void TraceIndex::close_span(std::size_t span, std::uint64_t completion_seq) {
    CommandSpan& closed = m_spans[span];
    closed.completion_seq = completion_seq;
    const auto open = std::lower_bound(m_open.begin(), m_open.end(), span);
    if (open != m_open.end() && *open == span) m_open.erase(open);
    const auto by_tag = m_open_by_tag.find(m_span_tags[span]);
    if (by_tag != m_open_by_tag.end() && by_tag->second == span) m_open_by_tag.erase(by_tag);
    m_free_columns.insert(std::lower_bound(m_free_columns.begin(), m_free_columns.end(),
                                           closed.column, std::greater<>{}),
                          closed.column);
}

int TraceIndex::take_column() {
    if (!m_free_columns.empty()) {
        const int column = m_free_columns.back();
        m_free_columns.pop_back();
        return column;
    }
    return m_column_count++;
}

std::optional<std::uint64_t> TraceIndex::command_of(std::uint64_t seq) const {
    if (seq >= m_answers.size() || m_answers[seq] == no_seq) return std::nullopt;
    return m_answers[seq];
}

std::optional<std::uint64_t> TraceIndex::completion_of(std::uint64_t command_seq) const {
    const auto span = span_of(command_seq);
    if (!span) return std::nullopt;
    return m_spans[*span].completion_seq;
}

std::optional<std::size_t> TraceIndex::span_of(std::uint64_t command_seq) const {
    const auto it = m_span_by_command.find(command_seq);
    if (it == m_span_by_command.end()) return std::nullopt;
    return it->second;
}

std::vector<std::size_t> TraceIndex::spans_overlapping(std::uint64_t first,
                                                       std::uint64_t last) const {
    std::vector<std::size_t> result;
    if (m_kinds.empty() || first > last) return result;
    const std::uint64_t checkpoint =
        std::min<std::uint64_t>(first / checkpoint_every, m_open_at_checkpoint.size() - 1);
    const auto overlaps = [&](std::size_t index) {
        const CommandSpan& span = m_spans[index];
        return span.command_seq <= last && (!span.completion_seq || *span.completion_seq >= first);
    };
    for (std::size_t index : m_open_at_checkpoint[checkpoint]) {
        if (overlaps(index)) result.push_back(index);
    }
    const std::uint64_t from = checkpoint * checkpoint_every;
    auto it = std::lower_bound(
        m_spans.begin(), m_spans.end(), from,
        [](const CommandSpan& span, std::uint64_t seq) { return span.command_seq < seq; });
    for (; it != m_spans.end() && it->command_seq <= last; ++it) {
        const auto index = static_cast<std::size_t>(it - m_spans.begin());
        if (overlaps(index)) result.push_back(index);
    }
    return result;
}

std::uint32_t TraceIndex::violations_in(std::uint64_t first, std::uint64_t end) const {
    end = std::min<std::uint64_t>(end, m_kinds.size());
    if (first >= end) return 0;
    return m_violations_before[end] - m_violations_before[first];
}

std::uint32_t TraceIndex::transitions_in(std::uint64_t first, std::uint64_t end) const {
    end = std::min<std::uint64_t>(end, m_kinds.size());
    if (first >= end) return 0;
    return m_transitions_before[end] - m_transitions_before[first];
}

}  // namespace mailscope::gui
