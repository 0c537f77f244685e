#include "server_mock/parsed_cache.hpp"

#include <algorithm>

namespace mailscope::server {

namespace {

// get() promises that the entry it returned survives the next call, so the
// two most recent entries are never evicted, whatever their size.
constexpr std::size_t kKeptEntries = 2;

}  // namespace

ParsedCache::ParsedCache(std::size_t max_entries, std::size_t max_octets)
    : m_max_entries(std::max(max_entries, kKeptEntries)),
      m_max_octets(max_octets),
      m_empty(mime::parse_message("")) {}

const mime::ParsedMessage& ParsedCache::get(const Message& message) {
    if (!message.octets) return m_empty;
    const std::string* key = message.octets.get();
    if (auto found = m_index.find(key); found != m_index.end()) {
        EntryList::iterator entry = found->second;
        if (entry->octets.lock() == message.octets) {
            m_entries.splice(m_entries.begin(), m_entries, entry);
            return entry->parsed;
        }
        // The octets this entry was parsed from are gone and a new message
        // now lives at the same address.
        m_octets -= entry->parsed.size;
        m_entries.erase(entry);
        m_index.erase(found);
    }
    m_entries.push_front(Entry{message.octets, key, mime::parse_message(*message.octets)});
    m_index.emplace(key, m_entries.begin());
    m_octets += m_entries.front().parsed.size;
    evict_to_fit();
    return m_entries.front().parsed;
}

void ParsedCache::clear() {
    m_entries.clear();
    m_index.clear();
    m_octets = 0;
}

void ParsedCache::evict_to_fit() {
    while (m_entries.size() > kKeptEntries &&
           (m_entries.size() > m_max_entries || m_octets > m_max_octets)) {
        Entry& last = m_entries.back();
        m_index.erase(last.key);
        m_octets -= last.parsed.size;
        m_entries.pop_back();
    }
}

}  // namespace mailscope::server
