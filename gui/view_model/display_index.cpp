#include "gui/view_model/display_index.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gui/view_model/decoded_view.hpp"
#include "gui/view_model/event_class.hpp"

namespace mailscope::gui {

std::vector<std::string> literal_lines(std::string_view octets, std::size_t width,
                                       std::size_t max_lines) {
    std::vector<std::string> lines;
    if (width == 0 || max_lines == 0) return lines;
    std::string current;
    std::size_t pos = 0;
    const auto flush = [&] {
        lines.push_back(std::move(current));
        current.clear();
    };
    for (; pos < octets.size() && lines.size() < max_lines; ++pos) {
        const auto c = static_cast<unsigned char>(octets[pos]);
        if (c == '\r' && pos + 1 < octets.size() && octets[pos + 1] == '\n') continue;
        if (c == '\n') {
            flush();
            continue;
        }
        current.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
        if (current.size() == width) flush();
    }
    if (lines.size() == max_lines && pos < octets.size()) {
        lines.back() = fmt::format("... {} more octets not shown", octets.size() - pos);
    } else if (!current.empty()) {
        flush();
    }
    return lines;
}

void DisplayIndex::set_show_internal(bool show) {
    if (show == m_show_internal) return;
    m_show_internal = show;
    m_dirty = true;
}

void DisplayIndex::toggle_expanded(std::uint64_t seq) {
    if (!m_expanded.erase(seq)) m_expanded.emplace(seq, ExpandedLines{});
    m_dirty = true;
}

void DisplayIndex::sync(const sim::SessionTrace& trace) {
    if (m_dirty || trace.size() < m_seen) {
        m_rows.clear();
        m_seen = 0;
        m_dirty = false;
        std::erase_if(m_expanded, [&](const auto& entry) { return entry.first >= trace.size(); });
    }
    const auto& events = trace.events();
    for (; m_seen < events.size(); ++m_seen)
        add(events[m_seen]);
}

void DisplayIndex::add(const sim::TraceEvent& event) {
    if (!m_show_internal && lane_of(event) == Lane::Internal) return;
    m_rows.push_back({event.seq, 0});
    const auto expanded = m_expanded.find(event.seq);
    if (expanded == m_expanded.end()) return;
    expanded->second.raw = literal_lines(event.raw);
    expanded->second.decoded = decoded_literal_lines(event.raw);
    const std::size_t lines =
        std::max(expanded->second.raw.size(), expanded->second.decoded.size());
    for (std::uint32_t line = 1; line <= lines; ++line) {
        m_rows.push_back({event.seq, line});
    }
}

std::size_t DisplayIndex::rows_through(std::uint64_t cursor) const {
    const auto it =
        std::upper_bound(m_rows.begin(), m_rows.end(), cursor,
                         [](std::uint64_t seq, const DisplayRow& row) { return seq < row.seq; });
    return static_cast<std::size_t>(it - m_rows.begin());
}

std::size_t DisplayIndex::row_of(std::uint64_t seq) const {
    const auto it = std::lower_bound(
        m_rows.begin(), m_rows.end(), seq,
        [](const DisplayRow& row, std::uint64_t value) { return row.seq < value; });
    return static_cast<std::size_t>(it - m_rows.begin());
}

const std::string& DisplayIndex::line_text(std::uint64_t seq, std::uint32_t line) const {
    static const std::string empty;
    const auto it = m_expanded.find(seq);
    if (it == m_expanded.end() || line == 0 || line > it->second.raw.size()) return empty;
    return it->second.raw[line - 1];
}

const std::string& DisplayIndex::decoded_text(std::uint64_t seq, std::uint32_t line) const {
    static const std::string empty;
    const auto it = m_expanded.find(seq);
    if (it == m_expanded.end() || line == 0 || line > it->second.decoded.size()) return empty;
    return it->second.decoded[line - 1];
}

}  // namespace mailscope::gui
