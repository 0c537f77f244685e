// ChangeLog: every mutation of the store, in order, for the sessions to pull.
//
// An IMAP server may only tell a client about other sessions' changes at
// certain moments (RFC 3501 5.2, 7.4.1: never an EXPUNGE during FETCH, STORE
// or SEARCH). So the store does not push: it records each change with a
// store-wide modification sequence, and each session keeps a cursor and pulls
// "what happened after my cursor" when it is allowed to report it. Entries
// every open cursor has passed are dropped, so memory follows the slowest
// session, and a store with no session open keeps no history at all.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server_mock/message_flags.hpp"

namespace mailscope::server {

using Uid = std::uint32_t;
using SessionId = std::uint64_t;  // 0 is the store itself: fixtures, imports
using MailboxId = std::uint64_t;
using ModSeq = std::uint64_t;

inline constexpr SessionId kNoSession = 0;

enum class ChangeKind : std::uint8_t {
    Appended,         // uid, flags, recent_session
    FlagsChanged,     // uid, flags (the new complete set)
    Expunged,         // uid
    KeywordsChanged,  // the mailbox's keyword list grew (FLAGS must be resent)
    MailboxCreated,   // name
    MailboxDeleted,   // name
    MailboxRenamed,   // old_name -> name
    AclChanged,       // SETACL/DELETEACL: rights, so PERMANENTFLAGS, may differ
};

struct Change {
    ModSeq modseq = 0;
    SessionId by = kNoSession;
    ChangeKind kind = ChangeKind::Appended;
    MailboxId mailbox = 0;
    Uid uid = 0;
    FlagSet flags{};
    SessionId recent_session = kNoSession;  // who sees an appended message as \Recent
    std::string owner{};                    // mailbox events: the tree's owner
    std::string name{};                     // mailbox events: the (new) name in that tree
    std::string old_name{};                 // MailboxRenamed only
};

class ChangeLog {
  public:
    // Assigns the next modification sequence and returns it.
    ModSeq record(Change change);
    ModSeq last() const { return m_last; }

    // A cursor starts at `last()`: a new session hears only what comes next.
    void open_cursor(SessionId session);
    void close_cursor(SessionId session);
    ModSeq cursor(SessionId session) const;
    // Moves a cursor forward (never back) to `modseq`, dropping what is no
    // longer needed by anyone.
    void advance(SessionId session, ModSeq modseq);

    // Entries with modseq > `after`, oldest first.
    std::vector<Change> since(ModSeq after) const;

    std::size_t retained() const { return m_entries.size(); }
    std::size_t cursor_count() const { return m_cursors.size(); }

  private:
    void trim();

    std::deque<Change> m_entries;
    ModSeq m_last = 0;
    std::map<SessionId, ModSeq> m_cursors;
    std::multiset<ModSeq> m_positions;  // the cursors' values, for an O(log n) minimum
};

}  // namespace mailscope::server
