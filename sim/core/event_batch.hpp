// EventBatch: the events of one engine step, open until the step ends.
//
// Handling one message often yields several events whose details depend on
// each other: a completion's link and summary depend on the command it
// closes, and the transition it causes comes after it. An engine collects a
// step's events here, may still fill in an event of the open step, and
// commits the step to the trace at the end; from then on nobody changes them.
#pragma once

#include <cstdint>

#include "sim/core/trace.hpp"

namespace mailscope::sim {

class EventBatch {
  public:
    explicit EventBatch(SessionTrace& trace) : m_trace(trace) {}

    // The seq the event will have in the trace.
    std::uint64_t add(TraceEvent&& event) { return m_trace.add_open(std::move(event)).seq; }
    // An empty event of the open step, to fill in where it stays.
    TraceEvent& emplace() { return m_trace.add_open(); }
    // An event of the open step, to complete it. Throws std::logic_error for
    // an event already committed: those are final.
    TraceEvent& open(std::uint64_t seq);
    // Whether `seq` belongs to the open step (open() may change it).
    bool is_open(std::uint64_t seq) const { return seq >= m_trace.end_seq(); }
    // An event of the open step or one still held by the trace, else nullptr.
    const TraceEvent* find(std::uint64_t seq) const;
    // The seq the next event will get.
    std::uint64_t next_seq() const { return m_trace.end_seq() + m_trace.open_count(); }
    bool empty() const { return m_trace.open_count() == 0; }
    // Hands the open events to the trace's views and sink, in order.
    void commit() { m_trace.commit_open(); }

  private:
    // The open events live in the trace itself, behind its committed ones
    // (SessionTrace::add_open): references to them stay valid while more are
    // added, and committing them moves nothing.
    SessionTrace& m_trace;
};

}  // namespace mailscope::sim
