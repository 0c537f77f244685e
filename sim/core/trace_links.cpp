#include "sim/core/trace_links.hpp"

namespace mailscope::sim {

CompletionIndex::CompletionIndex(const SessionTrace& trace) {
    for (const auto& event : trace.events())
        add(event);
}

void CompletionIndex::add(const TraceEvent& event) {
    if (event.kind == EventKind::Tagged && event.link == Link::Answers && event.link_seq) {
        m_completions.emplace(*event.link_seq, event.seq);
    }
}

std::optional<std::uint64_t> CompletionIndex::completion_of(std::uint64_t command_seq) const {
    auto found = m_completions.find(command_seq);
    if (found == m_completions.end()) return std::nullopt;
    return found->second;
}

}  // namespace mailscope::sim
