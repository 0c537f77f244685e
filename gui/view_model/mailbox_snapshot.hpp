// MailboxSnapshot: the selected mailbox as the session saw it at one moment,
// folded from the typed fields of the trace's events: EXISTS and EXPUNGE
// (RFC 3501 7.3.1, 7.4.1), FETCH data (7.4.2), LIST and LSUB (7.2.2, 7.2.3),
// FlagChange and Renumbering events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

// A mailbox a LIST or LSUB response named (RFC 3501 7.2.2, 7.2.3).
struct FolderRow {
    std::string wire;     // the name as sent (modified UTF-7, RFC 3501 5.1.3)
    std::string decoded;  // UTF-8; equal to `wire` when it does not decode
    std::optional<char> delimiter;
    std::vector<std::string> attributes;  // \Noselect, \HasChildren...
};

struct MessageRow {
    std::optional<std::uint32_t> uid;
    std::vector<std::string> flags;  // includes \Recent when the server said so
    bool flags_known = false;
    std::optional<std::uint64_t> size;
    std::optional<std::string> subject;      // RFC 2047 words decoded
    std::optional<std::string> raw_subject;  // as the ENVELOPE carried it
    std::optional<std::uint64_t> modseq;     // its last change (RFC 7162 3.1.4.2)
};

struct RenumberView {
    std::uint32_t expunged = 0;   // the sequence number that left
    std::uint32_t old_count = 0;  // messages before; numbers above `expunged` moved down by one
    MessageRow removed;
};

struct MailboxSnapshot {
    // More messages than this are counted but not listed: a hostile EXISTS
    // must not make the inspector allocate without bound.
    static constexpr std::uint32_t max_rows = 100000;

    std::string mailbox;              // as named in the last SELECT or EXAMINE
    bool mailbox_in_literal = false;  // that command named it in a literal, still to come
    std::uint32_t exists = 0;         // message count, as announced
    std::optional<std::uint32_t> recent;
    std::optional<std::uint32_t> uid_validity;  // from "* OK [UIDVALIDITY n]" (RFC 3501 7.1)
    std::optional<std::uint32_t> uid_next;
    std::optional<std::uint64_t> highest_modseq;  // "* OK [HIGHESTMODSEQ n]" (RFC 7162 3.1.2.1)

    // Every folder a LIST or LSUB response named so far, in order of first
    // appearance; a new SELECT keeps them. At most max_folders are kept.
    static constexpr std::size_t max_folders = 1000;
    std::vector<FolderRow> folders;
    std::vector<MessageRow> messages;  // messages[i] has sequence number i + 1

    // The last ESEARCH (RFC 4731, RFC 9051 7.3.4): its results as sent
    // ("MIN 3 MAX 6 COUNT 4") and the messages its ALL names, by sequence
    // number (UIDs are looked up in the table). An expunge makes the
    // numbers stale, so it clears them.
    std::string search_results;
    std::vector<std::uint32_t> found;

    // What the last folded event did, for highlighting the current step.
    std::vector<std::uint32_t> changed;      // sequence numbers it touched
    std::optional<RenumberView> renumbered;  // it expunged a message

    // An engine may report one expunge twice: as the wire "* n EXPUNGE" and as
    // its Renumbering consequence. The first applies it; the other kind naming
    // the same number right after only repeats it. (Two wire EXPUNGEs of the
    // same number are two messages: "* 3 EXPUNGE" twice removes 3 and 4.)
    struct PendingExpunge {
        RenumberView view;
        bool from_wire = false;
    };
    std::optional<PendingExpunge> pending_expunge;
};

// Applies one event. Pure: the same snapshot and event give the same result.
void fold(MailboxSnapshot& snapshot, const sim::TraceEvent& event);

// Snapshots at any cursor. Whole snapshots are kept every so many events
// (more apart as the mailbox grows, so memory stays proportional to the
// trace); a lookup starts from the nearest one, or from the previous lookup
// when the cursor moved forward a little, and folds forward.
class MailboxTimeline {
  public:
    static constexpr std::uint64_t min_checkpoint_gap = 64;

    void sync(const sim::SessionTrace& trace);

    // The snapshot after folding events [0, cursor]. The reference stays
    // valid until the next call.
    const MailboxSnapshot& at(const sim::SessionTrace& trace, std::uint64_t cursor);

    // After every event sync() has seen: what the session learned by its end.
    const MailboxSnapshot& latest() const { return m_head; }

    std::size_t checkpoint_count() const { return m_checkpoints.size(); }

  private:
    struct Checkpoint {
        std::uint64_t next_seq = 0;  // events [0, next_seq) are folded in
        MailboxSnapshot snapshot;
    };

    std::vector<Checkpoint> m_checkpoints{Checkpoint{}};
    MailboxSnapshot m_head;
    std::uint64_t m_head_next = 0;
    Checkpoint m_cache;
    bool m_cache_valid = false;
};

}  // namespace mailscope::gui
