#include "gui/view_model/lane_merge.hpp"

#include <algorithm>

#include "gui/view_model/event_class.hpp"

namespace mailscope::gui {

void LaneMerge::clear() {
    m_traces.clear();
    m_rows.clear();
    m_message_rows.clear();
    m_first.clear();
    m_next.clear();
    m_row_of.clear();
}

void LaneMerge::add_lane(const sim::SessionTrace& trace) {
    m_traces.push_back(&trace);
    m_first.push_back(trace.first_seq());
    m_next.push_back(trace.first_seq());
    m_row_of.emplace_back();
}

void LaneMerge::push(std::size_t lane, std::uint64_t seq) {
    m_row_of[lane].push_back(m_rows.size());
    if (lane_of(m_traces[lane]->at(seq)) != Lane::Internal) m_message_rows.push_back(m_rows.size());
    m_rows.push_back({static_cast<std::uint32_t>(lane), seq});
    m_next[lane] = seq + 1;
}

void LaneMerge::append_through(std::size_t lane, std::uint64_t end) {
    for (std::uint64_t seq = m_next.at(lane); seq < end; ++seq)
        push(lane, seq);
}

void LaneMerge::merge_by_time() {
    for (;;) {
        std::optional<std::size_t> earliest;
        std::int64_t earliest_time = 0;
        for (std::size_t lane = 0; lane < lanes(); ++lane) {
            const sim::SessionTrace& trace = *m_traces[lane];
            if (!trace.holds(m_next[lane])) continue;
            const std::int64_t time = trace.at(m_next[lane]).time_us;
            if (!earliest || time < earliest_time) {
                earliest = lane;
                earliest_time = time;
            }
        }
        if (!earliest) return;
        push(*earliest, m_next[*earliest]);
    }
}

std::optional<std::size_t> LaneMerge::row_of(std::size_t lane, std::uint64_t seq) const {
    if (lane >= lanes() || seq < m_first[lane] || seq >= m_next[lane]) return std::nullopt;
    return m_row_of[lane][seq - m_first[lane]];
}

std::size_t LaneMerge::rows_through(std::size_t lane, std::uint64_t seq) const {
    if (const auto next = row_of(lane, seq + 1)) return *next;
    return m_rows.size();
}

std::size_t LaneMerge::message_rows_before(std::size_t row) const {
    return static_cast<std::size_t>(
        std::lower_bound(m_message_rows.begin(), m_message_rows.end(), row) -
        m_message_rows.begin());
}

std::size_t LanesView::rows_shown(std::uint64_t cursor, bool engine_events) const {
    const std::size_t rows =
        traces.at(chosen)->empty() ? merge->rows().size() : merge->rows_through(chosen, cursor);
    return engine_events ? rows : merge->message_rows_before(rows);
}

const LaneRow& LanesView::row(std::size_t i, bool engine_events) const {
    return merge->rows()[engine_events ? i : merge->message_rows()[i]];
}

}  // namespace mailscope::gui
