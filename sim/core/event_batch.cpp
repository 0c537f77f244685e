#include "sim/core/event_batch.hpp"

#include <stdexcept>
#include <utility>

namespace mailscope::sim {

std::uint64_t EventBatch::add(TraceEvent&& event) {
    const auto seq = next_seq();
    event.seq = seq;
    m_open.push_back(std::move(event));
    return seq;
}

TraceEvent& EventBatch::open(std::uint64_t seq) {
    const auto base = m_trace.end_seq();
    if (seq < base || seq - base >= m_open.size()) {
        throw std::logic_error("an event is changed after it was committed to the trace");
    }
    return m_open[seq - base];
}

const TraceEvent* EventBatch::find(std::uint64_t seq) const {
    const auto base = m_trace.end_seq();
    if (seq >= base) return seq - base < m_open.size() ? &m_open[seq - base] : nullptr;
    return m_trace.holds(seq) ? &m_trace.at(seq) : nullptr;
}

void EventBatch::commit() {
    m_committing.swap(m_open);
    for (auto& event : m_committing)
        m_trace.append(std::move(event));
    m_committing.clear();
}

}  // namespace mailscope::sim
