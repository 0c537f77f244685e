// ParsedCache: the parsed MIME form of stored messages, kept between commands.
//
// FETCH BODYSTRUCTURE, ENVELOPE, BODY[1.2] and SEARCH on headers all need the
// parsed message; parsing it again for every message of every command would
// make a FETCH 1:* on a large mailbox quadratic in practice. The cache is
// keyed by the octets pointer, which every copy of a message shares
// (mail_store.hpp), and bounded both in entries and in the octets behind
// them, evicting the least recently used.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "server_mock/mail_store.hpp"
#include "sim/mime/message.hpp"

namespace mailscope::server {

inline constexpr std::size_t kParsedCacheEntries = 4096;
inline constexpr std::size_t kParsedCacheOctets = 256 * 1024 * 1024;

class ParsedCache {
  public:
    explicit ParsedCache(std::size_t max_entries = kParsedCacheEntries,
                         std::size_t max_octets = kParsedCacheOctets);

    // The parsed form of `message.octets`. The reference stays valid until
    // the second-next call of get() with another message (the entry just
    // returned is the most recently used one, so it survives one more call).
    const mime::ParsedMessage& get(const Message& message);

    std::size_t size() const { return m_entries.size(); }
    void clear();

  private:
    struct Entry {
        // A weak reference: the cache must not keep expunged messages alive,
        // and an expired pointer may be reused by a new message.
        std::weak_ptr<const std::string> octets;
        const std::string* key = nullptr;  // the address the entry is indexed by
        mime::ParsedMessage parsed;
    };
    using EntryList = std::list<Entry>;

    void evict_to_fit();

    std::size_t m_max_entries;
    std::size_t m_max_octets;
    std::size_t m_octets = 0;
    EntryList m_entries;  // most recently used first
    std::unordered_map<const std::string*, EntryList::iterator> m_index;
    mime::ParsedMessage m_empty;
};

}  // namespace mailscope::server
