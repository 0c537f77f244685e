#include "sim/core/event_batch.hpp"

#include <stdexcept>

namespace mailscope::sim {

TraceEvent& EventBatch::open(std::uint64_t seq) {
    if (seq < m_trace.end_seq() || seq >= next_seq()) {
        throw std::logic_error("an event is changed after it was committed to the trace");
    }
    return m_trace.open_at(seq);
}

const TraceEvent* EventBatch::find(std::uint64_t seq) const {
    if (seq >= m_trace.end_seq()) return seq < next_seq() ? &m_trace.open_at(seq) : nullptr;
    return m_trace.holds(seq) ? &m_trace.at(seq) : nullptr;
}

}  // namespace mailscope::sim
