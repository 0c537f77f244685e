#include "server_mock/change_log.hpp"

#include <algorithm>

namespace mailscope::server {

ModSeq ChangeLog::record(Change change) {
    change.modseq = ++m_last;
    if (!m_cursors.empty()) m_entries.push_back(std::move(change));
    return m_last;
}

void ChangeLog::open_cursor(SessionId session) {
    close_cursor(session);
    m_cursors.emplace(session, m_last);
    m_positions.insert(m_last);
}

void ChangeLog::close_cursor(SessionId session) {
    const auto it = m_cursors.find(session);
    if (it == m_cursors.end()) return;
    m_positions.erase(m_positions.find(it->second));
    m_cursors.erase(it);
    trim();
}

ModSeq ChangeLog::cursor(SessionId session) const {
    const auto it = m_cursors.find(session);
    return it == m_cursors.end() ? m_last : it->second;
}

void ChangeLog::advance(SessionId session, ModSeq modseq) {
    const auto it = m_cursors.find(session);
    if (it == m_cursors.end()) return;
    modseq = std::min(modseq, m_last);
    if (modseq <= it->second) return;
    m_positions.erase(m_positions.find(it->second));
    it->second = modseq;
    m_positions.insert(modseq);
    trim();
}

std::vector<Change> ChangeLog::since(ModSeq after) const {
    // Entries are sorted by modseq, so the first one to report is found by
    // binary search, not by walking the whole log.
    const auto first =
        std::upper_bound(m_entries.begin(), m_entries.end(), after,
                         [](ModSeq value, const Change& change) { return value < change.modseq; });
    return {first, m_entries.end()};
}

void ChangeLog::trim() {
    const ModSeq oldest_needed = m_positions.empty() ? m_last : *m_positions.begin();
    while (!m_entries.empty() && m_entries.front().modseq <= oldest_needed) {
        m_entries.pop_front();
    }
}

}  // namespace mailscope::server
