// FoldTimeline: a snapshot folded from a trace's events, at any cursor.
//
// The POP3 maildrop and the SMTP envelopes are small, bounded snapshots, so
// whole copies are kept every `checkpoint_gap` events; a lookup starts from
// the nearest one, or from the previous lookup when the cursor moved forward,
// and folds on. `Fold` is a pure function of (snapshot, event, trace): the
// trace is there to read the command a reply answers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

template <typename Snapshot,
          void (*Fold)(Snapshot&, const sim::TraceEvent&, const sim::SessionTrace&)>
class FoldTimeline {
  public:
    static constexpr std::uint64_t checkpoint_gap = 256;

    // The snapshot after folding events [0, cursor]. The reference stays
    // valid until the next call.
    const Snapshot& at(const sim::SessionTrace& trace, std::uint64_t cursor) {
        const std::uint64_t target = std::min<std::uint64_t>(cursor + 1, trace.size());
        advance(trace, target);
        const auto& events = trace.events();
        const auto after = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), target,
                                            [](std::uint64_t seq, const Checkpoint& checkpoint) {
                                                return seq < checkpoint.next_seq;
                                            });
        const Checkpoint& nearest = *(after - 1);
        if (m_cache.next_seq > target || m_cache.next_seq < nearest.next_seq) m_cache = nearest;
        for (; m_cache.next_seq < target; ++m_cache.next_seq)
            Fold(m_cache.snapshot, events[m_cache.next_seq], trace);
        return m_cache.snapshot;
    }

    // After every event of the trace: what the session knows by its end.
    const Snapshot& latest(const sim::SessionTrace& trace) {
        advance(trace, trace.size());
        return m_head;
    }

    std::size_t checkpoint_count() const { return m_checkpoints.size(); }

  private:
    // Folds the head on to `target` events, laying checkpoints on the way.
    void advance(const sim::SessionTrace& trace, std::uint64_t target) {
        if (trace.size() < m_seen) *this = FoldTimeline{};
        const auto& events = trace.events();
        while (m_seen < target) {
            Fold(m_head, events[m_seen], trace);
            ++m_seen;
            if (m_seen - m_checkpoints.back().next_seq >= checkpoint_gap)
                m_checkpoints.push_back({m_seen, m_head});
        }
    }

    struct Checkpoint {
        std::uint64_t next_seq = 0;  // events [0, next_seq) are folded in
        Snapshot snapshot;
    };

    std::vector<Checkpoint> m_checkpoints{Checkpoint{}};
    Snapshot m_head;
    std::uint64_t m_seen = 0;
    Checkpoint m_cache;
};

}  // namespace mailscope::gui
