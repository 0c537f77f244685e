#include "sim/core/trace.hpp"

#include <stdexcept>
#include <utility>

#include "sim/core/enum_names.hpp"

namespace mailscope::sim {

namespace {

constexpr auto event_kind_names = name_table<EventKind>({
    {EventKind::Command, "command"},
    {EventKind::Untagged, "untagged"},
    {EventKind::Tagged, "tagged"},
    {EventKind::Continuation, "continuation"},
    {EventKind::Literal, "literal"},
    {EventKind::StateTransition, "transition"},
    {EventKind::FlagChange, "flags"},
    {EventKind::Renumbering, "renumbering"},
    {EventKind::Violation, "violation"},
    {EventKind::Note, "note"},
});

}  // namespace

std::string_view to_string(EventKind kind) {
    return event_kind_names.name(kind, "note");
}

ReplyClass reply_class(ReplyStatus status) {
    switch (status) {
        case ReplyStatus::None:
            return ReplyClass::None;
        case ReplyStatus::Ok:
        case ReplyStatus::Preauth:
        case ReplyStatus::PlusOk:
        case ReplyStatus::Positive:
            return ReplyClass::Success;
        case ReplyStatus::Intermediate:
            return ReplyClass::Continue;
        case ReplyStatus::No:
        case ReplyStatus::TransientNegative:
            return ReplyClass::TryLater;
        case ReplyStatus::Bad:
        case ReplyStatus::MinusErr:
        case ReplyStatus::PermanentNegative:
            return ReplyClass::Refused;
        case ReplyStatus::Bye:
            return ReplyClass::Goodbye;
    }
    return ReplyClass::None;
}

std::string_view status_word(ReplyStatus status) {
    switch (status) {
        case ReplyStatus::Ok:
            return "OK";
        case ReplyStatus::No:
            return "NO";
        case ReplyStatus::Bad:
            return "BAD";
        case ReplyStatus::Bye:
            return "BYE";
        case ReplyStatus::Preauth:
            return "PREAUTH";
        case ReplyStatus::PlusOk:
            return "+OK";
        case ReplyStatus::MinusErr:
            return "-ERR";
        default:
            return {};
    }
}

ReplyStatus smtp_status(int code) {
    switch (code / 100) {
        case 2:
            return ReplyStatus::Positive;
        case 3:
            return ReplyStatus::Intermediate;
        case 4:
            return ReplyStatus::TransientNegative;
        default:
            return ReplyStatus::PermanentNegative;
    }
}

namespace {

// What an event costs in memory, near enough for a retention limit: the
// record and the text it owns.
std::size_t footprint(const TraceEvent& event) {
    std::size_t size = sizeof(TraceEvent) + event.raw.size() + event.tag.size() +
                       event.name.size() + event.summary.size() + event.section.size() +
                       event.code.size();
    // Each part present is a box of its own (sim/core/boxed.hpp).
    auto box = [](const auto& part) { return part ? sizeof(*part) : 0; };
    size += box(event.said) + box(event.listed) + box(event.transition) + box(event.flags) +
            box(event.violation) + box(event.piece);
    if (event.said) size += said_bytes(*event.said);
    if (event.transition)
        size += event.transition->cause.size() + said_bytes(event.transition->said);
    if (event.flags) {
        for (const auto& flag : event.flags->before)
            size += sizeof(flag) + flag.size();
        for (const auto& flag : event.flags->after)
            size += sizeof(flag) + flag.size();
    }
    if (event.violation) {
        size += event.violation->rule.size() + event.violation->section.size() +
                said_bytes(event.violation->said);
    }
    return size;
}

}  // namespace

SessionTrace::SessionTrace(Protocol protocol, std::string label, TraceRetention retention)
    : m_protocol(protocol), m_label(std::move(label)), m_retention(retention) {}

std::uint64_t SessionTrace::append(TraceEvent&& event) {
    if (m_open > 0) throw std::logic_error("an event is appended while a step's events are open");
    add_open(std::move(event));
    const auto seq = end_seq();
    commit_open();
    return seq;
}

TraceEvent& SessionTrace::add_open(TraceEvent&& event) {
    event.seq = m_first_seq + m_events.size();
    event.protocol = m_protocol;
    auto& added = m_events.emplace_back(std::move(event));
    ++m_open;
    return added;
}

TraceEvent& SessionTrace::add_open() {
    auto& added = m_events.emplace_back();
    added.seq = m_first_seq + m_events.size() - 1;
    added.protocol = m_protocol;
    ++m_open;
    return added;
}

void SessionTrace::commit_open() {
    while (m_open > 0) {
        const auto& event = m_events[m_events.size() - m_open];
        --m_open;
        committed(event);
    }
}

void SessionTrace::committed(const TraceEvent& event) {
    m_bytes += footprint(event);
    if (m_sink) m_sink(event);
    // The newest event always stays, however large: views show the present.
    while (size() > 1 && ((m_retention.max_events && size() > m_retention.max_events) ||
                          (m_retention.max_bytes && m_bytes > m_retention.max_bytes))) {
        forget_oldest();
    }
}

const TraceEvent& SessionTrace::at(std::uint64_t seq) const {
    if (!holds(seq)) throw std::out_of_range("trace event not held");
    return m_events[seq - m_first_seq];
}

void SessionTrace::forget_oldest() {
    m_bytes -= footprint(m_events.front());
    m_events.pop_front();
    ++m_first_seq;
}

}  // namespace mailscope::sim
